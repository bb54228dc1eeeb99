"""Reading indicator tables (CSV, Excel, Parquet), indexed by the area ID as a string.

How the file was written (encoding, separator, decimal and thousands separators, long or wide layout) is
detected by :mod:`deprivation_map.io.detection` and reported in a :class:`~deprivation_map.io.detection.TableReport`.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from . import detection as t
from .detection import TableReport

__all__ = ["ON_UNPARSED", "check_table", "read_indicators", "read_indicators_with_report"]

PathLike = str | os.PathLike
ON_UNPARSED = ("raise", "missing")


def _load_csv(path: Path, o: dict) -> tuple[pd.DataFrame, dict]:
    raw = path.read_bytes()
    facts: dict = {"detected": {}}
    encoding = o["encoding"]
    if encoding is None:
        encoding, facts["detected"]["encoding"] = t.detect_encoding(raw)
    try:
        text = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise ValidationError(
            f"Indicator table {path.name!r} cannot be read as {encoding!r}: {err}. Pass another encoding=."
        ) from None
    sep = o["sep"]
    if sep is None:
        sep, facts["detected"]["sep"] = t.detect_sep(text)
    facts.update(encoding=encoding, sep=sep)
    return t.parse_csv(text, sep=sep, na_values=o["na_values"]), facts


def _load_excel(path: Path, o: dict) -> tuple[pd.DataFrame, dict]:
    with pd.ExcelFile(path, engine="openpyxl") as book:
        sheets, sheet = book.sheet_names, o["sheet"]
        if sheet is None and len(sheets) > 1:
            raise ValidationError(
                f"Indicator table {path.name!r} has sheets {format_ids(sheets)}; choose one with sheet=."
            )
        sheet = sheets[0] if sheet is None else sheet
        if sheet not in sheets:
            raise ValidationError(
                f"Indicator table {path.name!r} has no sheet {sheet!r}; its sheets are {format_ids(sheets)}."
            )
        frame = pd.read_excel(book, sheet_name=sheet, na_values=list(o["na_values"]), dtype=object)
    return frame, {"detected": {}, "sheet": sheet}


def _load_parquet(path: Path, o: dict) -> tuple[pd.DataFrame, dict]:
    return pd.read_parquet(path), {"detected": {}}


_LOADERS: dict[str, tuple[str, Callable[[Path, dict], tuple[pd.DataFrame, dict]]]] = {
    ".csv": ("csv", _load_csv),
    ".tsv": ("csv", _load_csv),
    ".txt": ("csv", _load_csv),
    ".xlsx": ("excel", _load_excel),
    ".xlsm": ("excel", _load_excel),
    ".parquet": ("parquet", _load_parquet),
}


def _was_text(values: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(values.dtype) or pd.api.types.is_object_dtype(values.dtype)


def _parse_columns(
    frame: pd.DataFrame, columns: list, o: dict, decimal: str, thousands: str | None, *, what: str
) -> tuple[pd.DataFrame, dict]:
    """Numbers from the text of ``columns`` (rows as in the file, so errors name file rows)."""
    out, parsed, text, failures = frame.copy(), {}, dict.fromkeys(o["text_cols"], "given in text_cols"), {}
    for col in columns:
        kind, *rest = t.classify(frame[col], decimal=decimal, thousands=thousands)
        if kind == "text":
            text[col] = rest[0]
        elif kind == "numeric":
            numbers, failed, done = rest
            out[col] = numbers
            parsed.update({col: done} if _was_text(frame[col]) else {})
            if failed is not None and failed.any():
                failures[col] = frame[col][failed.to_numpy()].reset_index(drop=True).set_axis(np.flatnonzero(failed))
    unparsed = {}
    if failures and o["on_unparsed"] == "raise":
        raise ValidationError(t.unparsed_message(what, failures, frame[o["id_col"]].astype(str)))
    for col, bad in failures.items():
        unparsed[col] = tuple(frame[o["id_col"]].astype(str).iloc[bad.index])
    return out, {"parsed": parsed, "text_columns": text, "unparsed": unparsed}


def _long_to_wide(frame: pd.DataFrame, parsing: dict, o: dict, *, what: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Pivot a parsed long table; each indicator column inherits what was done to the value column."""
    wide, notes = t.pivot_long(
        frame,
        id_col=o["id_col"],
        indicator_col=o["indicator_col"],
        value_col=o["value_col"],
        year_col=o["year_col"],
        what=what,
    )
    done = parsing["parsed"].pop(o["value_col"], None)
    if done is not None:
        parsing["parsed"] = {c: done for c in wide.columns if c != o["id_col"]}
    return wide, notes


def read_indicators_with_report(path: PathLike, *, id_col: str, **options) -> tuple[pd.DataFrame, TableReport]:
    """The kernel of :func:`read_indicators` and :func:`check_table`: the table and its report.

    ``options`` are :func:`read_indicators`' keyword options; those not given take its defaults.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> table, report = read_indicators_with_report(dm.datasets.get_path("georgia_indicators.csv"), id_col="AreaKey")
    >>> len(table) == report.n_rows == 159
    True
    """
    defaults = {
        k: p.default for k, p in inspect.signature(read_indicators).parameters.items() if k not in ("path", "id_col")
    }
    unknown = set(options) - set(defaults)
    if unknown:
        raise ValidationError(
            f"Unknown table options {format_ids(sorted(unknown))}; valid ones are {', '.join(defaults)}."
        )
    o = {**defaults, **options, "id_col": id_col}
    v.choose(o["on_unparsed"], ON_UNPARSED, what="on_unparsed policy")
    path = v.existing_file(path, what="indicator table")
    what = f"Indicator table {path.name!r}"
    fmt, load = v.lookup(_LOADERS, path.suffix.lower(), what="indicator table format (file extension)")
    frame, facts = load(path, o)
    if o["usecols"] is not None:
        v.require_columns(frame, [o["id_col"], *o["usecols"]], what=what)
        frame = frame[[o["id_col"], *(c for c in o["usecols"] if c != o["id_col"])]]
    v.require_columns(frame, [o["id_col"]], what=what)
    long = o["indicator_col"] is not None
    if long:
        v.require_columns(
            frame, [o["indicator_col"], o["value_col"], *([o["year_col"]] if o["year_col"] else [])], what=what
        )
    columns = [o["value_col"]] if long else [c for c in frame.columns if c != o["id_col"] and c not in o["text_cols"]]
    tokens = t.text_tokens(frame, columns)
    decimal, thousands, detected = t.detect_number_format(tokens, decimal=o["decimal"], thousands=o["thousands"])
    frame, parsing = _parse_columns(frame, columns, o, decimal, thousands, what=what)
    frame, notes = _long_to_wide(frame, parsing, o, what=what) if long else (frame, ())
    frame = v.index_by_id(frame, o["id_col"], what=what)
    report = TableReport(
        path=str(path),
        format=fmt,
        n_rows=len(frame),
        columns=tuple(map(str, frame.columns)),
        encoding=facts.get("encoding"),
        sep=facts.get("sep"),
        sheet=facts.get("sheet"),
        decimal=decimal,
        thousands=thousands,
        layout="long" if o["indicator_col"] else "wide",
        detected={**facts["detected"], **detected},
        notes=notes,
        **parsing,
    )
    return frame, report


def read_indicators(
    path: PathLike,
    *,
    id_col: str,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
    usecols: Sequence[str] | None = None,
    na_values: Sequence[str] = (),
    text_cols: Sequence[str] = (),
    indicator_col: str | None = None,
    value_col: str = "value",
    year_col: str | None = None,
    on_unparsed: str = "raise",
) -> pd.DataFrame:
    """Read an indicator table (CSV, Excel or Parquet), indexed by the area ID as a string.

    How the file was written is detected and reported (:func:`check_table` returns the report; the rules
    are in :mod:`deprivation_map.io.detection`): every option left as ``None`` is detected, every option given is
    used as it is. The ID column is read as text, so codes such as ``"0801901001"`` keep their leading zero.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (also ``.tsv``, ``.txt``), ``.xlsx``/``.xlsm`` (openpyxl) or ``.parquet``.
    id_col : str
        The column holding the area code.
    sep, encoding : str, optional
        CSV field separator (``,`` ``;`` tab ``|``) and text encoding; detected when None.
    decimal, thousands : str, optional
        Separators of numbers stored as text; detected from the values when None. ``thousands=""`` means
        none.
    sheet : str, optional
        The Excel sheet; required when the workbook has several.
    usecols : sequence of str, optional
        Read only these columns (and the ID).
    na_values : sequence of str
        Extra markers of missing values (``".."``, ``"n.d."``) besides pandas' defaults (``""``, ``"NA"`` ...).
    text_cols : sequence of str
        Columns to keep as text, never parsed as numbers.
    indicator_col, value_col, year_col : str, optional
        Give ``indicator_col`` to read a long table (one row per ID, indicator and year): its values are
        parsed (errors name the file's rows), then pivoted to one column per indicator, named
        ``indicator`` or ``indicator_year``. Repeated pairs are refused.
    on_unparsed : {"raise", "missing"}
        Text in a numeric column that is not a number: ``"raise"`` (default) names column, row and ID;
        ``"missing"`` turns it into a missing value, listed in the report's ``unparsed``.

    Returns
    -------
    pandas.DataFrame
        Indexed by the ID (name ``id_col``), in file order (a long table: order of first appearance).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> table = dm.read_indicators(dm.datasets.get_path("georgia_indicators.csv"), id_col="AreaKey")
    >>> table.loc["13001", "PctPov"]
    np.float64(19.9)
    """
    options = {k: val for k, val in locals().items() if k not in ("path", "id_col")}
    return read_indicators_with_report(path, id_col=id_col, **options)[0]


def check_table(path: PathLike, *, id_col: str, **options) -> TableReport:
    """Read an indicator table as :func:`read_indicators` would (same options) and report what was done.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> report = dm.check_table(dm.datasets.get_path("georgia_indicators.csv"), id_col="AreaKey")
    >>> report.sep, report.encoding, report.decimal, report.n_rows
    (',', 'utf-8', '.', 159)
    >>> print(report.summary().splitlines()[1])
      sep ',' (detected: ',' splits each of the first 50 lines into 10 fields)
    """
    return read_indicators_with_report(path, id_col=id_col, **options)[1]
