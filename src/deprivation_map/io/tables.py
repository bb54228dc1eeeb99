"""Reading indicator tables (CSV, Excel, Parquet), indexed by the area ID as a string.

How the file was written (encoding, separator, decimal and thousands separators, long or wide layout) is
detected by :mod:`deprivation_map.io.detection` and reported in a :class:`~deprivation_map.io.detection.TableReport`.
"""

from __future__ import annotations

import inspect
import io
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from . import _cells, _encoding, _long, _readers, _separators
from . import detection as t
from .detection import TableReport

__all__ = ["ON_UNPARSED", "check_table", "read_indicators", "read_indicators_with_report"]

PathLike = str | os.PathLike
ON_UNPARSED = ("raise", "missing")


_CSV_EXPECTED = "Expected (?P<n>\\d+) fields in line (?P<line>\\d+), saw (?P<m>\\d+)"


def _decode(raw: bytes, o: dict, facts: dict, *, what: str) -> str:
    encoding = o["encoding"]
    if encoding is None:
        encoding, facts["detected"]["encoding"] = _encoding.detect_encoding(raw, name=what)
    facts["encoding"] = encoding
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as err:
        raise ValidationError(f"{what} cannot be read as {encoding!r}: {err}. Pass another encoding=.") from None


def _csv_rows(text: str, sep: str, skiprows: int, *, what: str) -> pd.DataFrame:
    """Every cell as text, exactly as written (no missing markers yet); ragged lines named."""
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skiprows=skiprows,
        )
    except pd.errors.ParserError as err:
        found = re.search(_CSV_EXPECTED, str(err))
        if found:
            raise ValidationError(
                f"{what}: line {found['line']} has {found['m']} fields where the lines above it have {found['n']} "
                f"(sep={sep!r}). Fix that line (a value holding {sep!r} must be in double quotes), or pass sep= if "
                f"{sep!r} is not the separator."
            ) from None
        raise ValidationError(
            f"{what} could not be read as a table with sep={sep!r}: {str(err).strip()}. An unclosed double quote? "
            "Fix the line it names, or pass sep=."
        ) from None
    except pd.errors.EmptyDataError:
        raise ValidationError(f"{what} has no table to read after line {skiprows}.") from None


def _load_csv(path: Path, o: dict, *, what: str) -> tuple[pd.DataFrame, dict]:
    facts: dict = {"detected": {}}
    text = _decode(path.read_bytes(), o, facts, what=what)
    sep = o["sep"]
    if sep is None:
        sep, facts["detected"]["sep"] = _separators.detect_sep(text, skiprows=o["skiprows"], name=what)
    facts["sep"] = sep
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if i >= o["skiprows"] and line.strip()]
    rows = _csv_rows(text, sep, o["skiprows"], what=what)
    return _from_rows(rows.iloc[0].tolist(), rows.iloc[1:], lines, facts, o, what=what)


def _from_rows(header: list, body: pd.DataFrame, lines: list[int], facts: dict, o: dict, *, what: str):
    """The frame under its header; ``lines``: the file's line (row) numbers of the header and each body row."""
    keep = None if o["usecols"] is None else {o["id_col"], *o["usecols"]}
    header_line = lines[0] if lines else o["skiprows"] + 1
    frame, notes = _cells.frame_from_rows(header, body, what=what, header_line=header_line, keep=keep)
    numbers = lines[1:] if len(lines) == len(body) + 1 else list(range(header_line + 1, header_line + 1 + len(body)))
    return frame, facts | {"notes": notes, "rows": np.array(numbers, dtype=np.int64)}


def _excel_value(value: object) -> object:
    """A cell as pandas reads it: whole floats (below 2**53) become integers."""
    if isinstance(value, float) and value.is_integer() and abs(value) < v.EXACT_FLOAT_INTEGERS:
        return int(value)
    return value


def _sheet(book, path: Path, sheet: str | None, *, what: str) -> str:
    sheets = book.sheetnames
    if sheet is None and len(sheets) > 1:
        raise ValidationError(f"{what} has sheets {format_ids(sheets)}; choose one with sheet=.")
    sheet = sheets[0] if sheet is None else sheet
    if sheet not in sheets:
        raise ValidationError(f"{what} has no sheet {sheet!r}; its sheets are {format_ids(sheets)}.")
    return sheet


def _load_excel(path: Path, o: dict, *, what: str) -> tuple[pd.DataFrame, dict]:
    import openpyxl

    expected = "an Excel workbook (.xlsx)"
    with _readers.reader_errors(path, what=what, expected=expected):
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = _sheet(book, path, o["sheet"], what=what)
        with _readers.reader_errors(path, what=what, expected=expected):
            rows = [[_excel_value(c) for c in row] for row in book[sheet].iter_rows(values_only=True)]
    finally:
        book.close()
    filled = [i for i, row in enumerate(rows) if i >= o["skiprows"] and any(c is not None for c in row)]
    if not filled:
        raise ValidationError(f"{what} has no table to read in sheet {sheet!r} after row {o['skiprows']}.")
    width = max(len(row) for row in rows)
    cells = pd.DataFrame([rows[i] + [None] * (width - len(rows[i])) for i in filled], dtype=object)
    facts = {"detected": {} if o["sheet"] else {"sheet": "the workbook's only sheet"}, "sheet": sheet}
    return _from_rows(cells.iloc[0].tolist(), cells.iloc[1:], [i + 1 for i in filled], facts, o, what=what)


def _load_parquet(path: Path, o: dict, *, what: str) -> tuple[pd.DataFrame, dict]:
    with _readers.reader_errors(path, what=what, expected="a Parquet file"):
        frame = pd.read_parquet(path)
    return frame, {"detected": {}, "rows": np.arange(1, len(frame) + 1)}


_LOADERS: dict[str, tuple[str, Callable[..., tuple[pd.DataFrame, dict]]]] = {
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
    frame: pd.DataFrame, columns: list, o: dict, decimal: str, thousands: str | None, *, what: str, rows: np.ndarray
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
        ids = frame[o["id_col"]].astype(str)
        raise ValidationError(t.unparsed_message(what, failures, ids, rows=rows))
    for col, bad in failures.items():
        unparsed[col] = tuple(frame[o["id_col"]].astype(str).iloc[bad.index])
    return out, {"parsed": parsed, "text_columns": text, "unparsed": unparsed}


def _long_to_wide(frame: pd.DataFrame, parsing: dict, o: dict, *, what: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Pivot a parsed long table; each indicator column inherits what was done to the value column."""
    wide, notes = _long.pivot_long(
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


def _options(options: dict, id_col: str) -> dict:
    """Every option of :func:`read_indicators`, given or default; unknown names refused."""
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
    o["skiprows"] = v.require_int(o["skiprows"], what="skiprows", minimum=0)
    return o


def _select_columns(frame: pd.DataFrame, o: dict, facts: dict, *, what: str) -> pd.DataFrame:
    """The ID column (offering ``skiprows`` when it is in a row below the header) and the columns asked for."""
    if o["id_col"] not in frame.columns:
        below = _cells.find_header_row(frame, o["id_col"])
        if below is not None:
            line = int(facts["rows"][below])
            raise ValidationError(
                f"{what} has no column {o['id_col']!r} in its header ({format_ids(frame.columns, limit=4)}), but "
                f"line {line} holds {o['id_col']!r}: the header is there, below a title or notes. Pass "
                f"skiprows={line - 1} to start at line {line}."
            )
    if o["usecols"] is not None:
        v.require_columns(frame, [o["id_col"], *o["usecols"]], what=what)
        frame = frame[[o["id_col"], *(c for c in o["usecols"] if c != o["id_col"])]]
    v.require_columns(frame, [o["id_col"]], what=what)
    if o["indicator_col"] is not None:
        v.require_columns(
            frame, [o["indicator_col"], o["value_col"], *([o["year_col"]] if o["year_col"] else [])], what=what
        )
    _cells.blank_ids(frame[o["id_col"]], what=what, id_col=o["id_col"], rows=facts["rows"])
    return frame


def _values(frame: pd.DataFrame, o: dict, facts: dict, *, what: str) -> tuple[pd.DataFrame, dict]:
    """Missing markers counted, numbers parsed; columns that stay text keep their markers as text."""
    long = o["indicator_col"] is not None
    columns = [o["value_col"]] if long else [c for c in frame.columns if c != o["id_col"] and c not in o["text_cols"]]
    cleaned, markers = _cells.missing_markers(frame, columns, o["na_values"])
    tokens = t.text_tokens(cleaned, columns)
    decimal, thousands, detected = t.detect_number_format(tokens, decimal=o["decimal"], thousands=o["thousands"])
    out, parsing = _parse_columns(cleaned, columns, o, decimal, thousands, what=what, rows=facts["rows"])
    texts = [c for c in frame.columns if c in parsing["text_columns"] or (c not in columns and c != o["id_col"])]
    restored, kept = _cells.missing_markers(frame, texts, o["na_values"], defaults=False)
    out[texts] = restored[texts]
    markers = {c: m for c, m in {**markers, **kept}.items() if c in kept or c not in parsing["text_columns"]}
    _cells.warn_spreadsheet_errors(markers, what=what, stacklevel=5)
    facts["detected"] |= detected
    return out, parsing | {"missing_markers": markers, "decimal": decimal, "thousands": thousands}


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
    o = _options(options, id_col)
    path = _readers.nonempty_file(path, what="indicator table")
    what = f"Indicator table {path.name!r}"
    fmt, load = v.lookup(_LOADERS, path.suffix.lower(), what="indicator table format (file extension)")
    frame, facts = load(path, o, what=what)
    frame = _select_columns(frame, o, facts, what=what)
    frame, parsing = _values(frame, o, facts, what=what)
    long = o["indicator_col"] is not None
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
        layout="long" if long else "wide",
        detected=facts["detected"],
        skiprows=o["skiprows"],
        notes=(*facts.get("notes", ()), *notes),
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
    skiprows: int = 0,
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
    skiprows : int
        Lines (CSV) or rows (Excel) above the header to skip: a title or notes. An ID column found in a row
        below the header is answered with the ``skiprows`` that reads the table.
    usecols : sequence of str, optional
        Read only these columns (and the ID).
    na_values : sequence of str
        Extra markers of missing values (``".."``, ``"n.d."``), besides pandas' defaults (``"NA"``, ``"n/a"``,
        ``"null"`` ...) and spreadsheet errors (``"#DIV/0!"`` ..., also warned about), which count in numeric
        columns. Each cell read as missing this way is counted in the report's ``missing_markers``. The ID
        column never has missing values: ``"NA"`` there is Namibia's code.
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


def check_table(path: PathLike, *, id_col: str, **options: Any) -> TableReport:
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
