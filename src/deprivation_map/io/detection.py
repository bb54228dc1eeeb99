"""How an indicator table was written, found out and reported: encoding, separators, numbers stored as text.

The kernels here take bytes or frames and return frames plus the facts they found; :func:`read_indicators`
and :func:`check_table` (in :mod:`deprivation_map.io`) put them together into a :class:`TableReport`.

Rules, each one reported when it is applied and overridable by the matching option:

- **encoding**: a UTF-8 byte-order mark means ``utf-8-sig``; text that decodes as UTF-8 is ``utf-8``;
  anything else is ``cp1252`` (Windows Western European, a superset of Latin-1's letters), or ``latin-1``
  when it holds bytes cp1252 leaves undefined. Other code pages (Greek ``cp1253`` ...) must be named.
- **separator**: the one of ``,`` ``;`` tab ``|`` that splits every one of the first lines into the same
  number (more than one) of fields; none or several such is an error asking for ``sep=``.
- **decimal and thousands separators**: read from the values themselves. ``2,5`` or ``0,125`` prove a
  decimal comma, ``1.234.567`` or ``1.234,5`` a thousands dot, and the same with the roles swapped.
  Values that read both ways (``1.234`` alone) and contradicting values are errors asking for ``decimal=``.
- **numbers stored as text**: a column whose values are mostly numbers once spaces, ``%`` and the
  separators are handled is numeric; the values left over are errors naming column, row and ID. A column
  holding integers with leading zeros (``01059``) is a code and stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._repr import html_repr
from ..errors import ValidationError, format_ids

__all__ = ["TableReport"]

SEPARATORS = (",", ";", "\t", "|")
_SPACES = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space: all used between digit groups
_SNIFF_LINES = 50


@dataclass(frozen=True, eq=False)
class TableReport:
    """What reading an indicator table found and did, option by option.

    Attributes
    ----------
    path : str
        The file read.
    format : {"csv", "excel", "parquet"}
    n_rows : int
        Rows (areas) in the table returned.
    columns : tuple of str
        Its columns, in order.
    encoding, sep, sheet : str or None
        The text encoding and field separator (CSV) or the sheet (Excel) used.
    decimal, thousands : str or None
        The decimal and thousands separators used to parse numbers stored as text (``None``: none seen).
    layout : {"wide", "long"}
        ``"long"`` when the table was pivoted from (id, indicator, value[, year]) rows.
    detected : Mapping[str, str]
        For each option that was detected rather than given, the evidence (``{"sep": "';' splits ..."}``).
    parsed : Mapping[str, tuple of str]
        Columns read as numbers from text, with what was done to them (``("decimal comma",)``; empty for
        plain numbers).
    text_columns : tuple of str
        Columns kept as text, with the reason in :meth:`summary`.
    unparsed : Mapping[str, tuple of str]
        Under ``on_unparsed="missing"``: per column, the IDs whose value was not a number and became missing.
    notes : tuple of str
        Anything else a reader should know (cells a long table did not have).

    Examples
    --------
    >>> import pathlib, tempfile, deprivation_map as dm
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "secciones.csv"  # as a Spanish spreadsheet exports it
    >>> _ = path.write_text("seccion;paro;renta\\n0801901001;12,5;10.250\\n0801901002;7,25;21.400\\n", encoding="utf-8")
    >>> report = dm.check_table(path, id_col="seccion")
    >>> report.options
    {'sep': ';', 'decimal': ',', 'thousands': '.', 'encoding': 'utf-8'}
    >>> report.to_frame()["how"].to_dict()
    {'paro': 'decimal comma', 'renta': "thousands separator '.'"}
    >>> table = dm.read_indicators(path, id_col="seccion", **report.options)  # the same reading, nothing detected
    >>> table.index.tolist(), table["renta"].tolist()
    (['0801901001', '0801901002'], [10250.0, 21400.0])
    """

    path: str
    format: str
    n_rows: int
    columns: tuple[str, ...]
    encoding: str | None = None
    sep: str | None = None
    decimal: str | None = "."
    thousands: str | None = None
    sheet: str | None = None
    layout: str = "wide"
    detected: Mapping[str, str] = field(default_factory=dict)
    parsed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    text_columns: Mapping[str, str] = field(default_factory=dict)
    unparsed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def _file_name(self) -> str:
        """The file's name without its folders (either separator)."""
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]

    def _how(self, key: str) -> str:
        """How the option ``key`` was chosen: ``"detected: <evidence>"`` or ``"given"``."""
        return f"detected: {self.detected[key]}" if key in self.detected else "given"

    @property
    def options(self) -> dict[str, str | None]:
        """The reading options, to pass back to :func:`read_indicators` to read the same way without detection."""
        keys = {"csv": ("sep", "decimal", "thousands", "encoding"), "excel": ("sheet", "decimal", "thousands")}
        chosen = {k: getattr(self, k) for k in keys.get(self.format, ("decimal", "thousands"))}
        return chosen | {"thousands": self.thousands or ""}  # "" is "none": given, so not detected again

    def _repr_html_(self) -> str:
        options = {k: f"{v!r} ({self._how(k)})" for k, v in self.options.items()}
        return html_repr(
            self,
            {
                "file": self._file_name,
                "format": self.format,
                "layout": self.layout,
                "rows": self.n_rows,
                "columns": len(self.columns),
                **options,
                "notes": "; ".join(self.notes) or "none",
            },
            frame=self.to_frame(),
            rows=len(self.columns),
        )

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.options.items())
        return (
            f"TableReport({self._file_name!r}, {self.format}, rows={self.n_rows}, "
            f"columns={len(self.columns)}, {opts}, parsed={len(self.parsed)}, text={len(self.text_columns)}, "
            f"unparsed={sum(len(i) for i in self.unparsed.values())})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per column of the table: how it was read.

        Columns ``read_as`` (``"number"``, ``"text"`` or ``"as stored"``), ``how`` (conversions done, or why it
        stayed text) and ``unparsed`` (values turned missing).
        """
        rows = {}
        for col in self.columns:
            if col in self.parsed:
                rows[col] = ("number", ", ".join(self.parsed[col]) or "plain numbers")
            elif col in self.text_columns:
                rows[col] = ("text", self.text_columns[col])
            else:
                rows[col] = ("as stored", "not text in the file")
        frame = pd.DataFrame.from_dict(rows, orient="index", columns=["read_as", "how"]).rename_axis("column")
        return frame.assign(unparsed=[len(self.unparsed.get(c, ())) for c in frame.index])

    def summary(self) -> str:
        """A few lines for people: each choice (detected or given), conversions, columns kept as text."""
        lines = [f"{self._file_name}: {self.format} ({self.layout}), {self.n_rows} rows, {len(self.columns)} columns"]
        for key, value in self.options.items():
            how = self._how(key)
            lines.append(f"  {key} {value!r} ({how})" if value != "" else f"  {key}: none ({how})")
        lines += [f"  column {c!r} read as numbers: {', '.join(d)}" for c, d in self.parsed.items() if d]
        lines += [f"  column {c!r} kept as text: {why}" for c, why in self.text_columns.items()]
        lines += [
            f"  column {c!r}: {len(i)} values not numbers, now missing: {format_ids(i)}"
            for c, i in self.unparsed.items()
        ]
        return "\n".join(lines + [f"  {note}" for note in self.notes])


# -- encoding and separator -------------------------------------------------------------------------------


def detect_encoding(raw: bytes) -> tuple[str, str]:
    """The encoding of ``raw`` and why (see the module's rules)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "UTF-8 byte-order mark"
    if raw.isascii():
        return "utf-8", "ASCII only (the same in UTF-8, cp1252 and Latin-1)"
    try:
        raw.decode("utf-8")
        return "utf-8", "valid UTF-8"
    except UnicodeDecodeError as err:
        sample = raw[max(err.start - 10, 0) : err.start + 10]
    try:
        raw.decode("cp1252")
        return "cp1252", f"not valid UTF-8 (bytes {sample!r}); read as Windows Western European"
    except UnicodeDecodeError:
        return "latin-1", f"not valid UTF-8 (bytes {sample!r}) nor cp1252; read as Latin-1"


def detect_sep(text: str) -> tuple[str, str]:
    """The field separator of CSV ``text``: the one that splits the first lines into equal field counts."""
    lines = [line for line in text.splitlines()[:_SNIFF_LINES] if line.strip()]
    consistent = {}
    for sep in SEPARATORS:
        counts = {len(row) for row in csv.reader(lines, delimiter=sep)}
        if len(counts) == 1 and counts != {1}:
            consistent[sep] = counts.pop()
    if len(consistent) == 1:
        sep, n = consistent.popitem()
        return sep, f"{sep!r} splits each of the first {len(lines)} lines into {n} fields"
    shown = ", ".join(repr(s) for s in SEPARATORS)
    if not consistent:
        raise ValidationError(
            f"Could not tell the field separator: none of {shown} splits the first {len(lines)} lines into the "
            "same number of fields. Pass sep= (for example sep=';'), or check that the file is a table."
        )
    raise ValidationError(
        f"Could not tell the field separator: {', '.join(repr(s) for s in consistent)} each split every line "
        "evenly. Pass sep= to choose."
    )


def parse_csv(text: str, *, sep: str, na_values: Sequence[str]) -> pd.DataFrame:
    """Every cell as text (missing markers as missing); numbers are parsed later, by the reported rules."""
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, na_values=list(na_values), keep_default_na=True)


# -- decimal and thousands separators ---------------------------------------------------------------------

_PROOFS = {  # values that can only be read with this decimal separator
    ",": (
        r"^[+-]?(?:\d*,(?:\d{1,2}|\d{4,})|0,\d+)$",
        r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+$",
        r"^[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}$",
    ),
    ".": (
        r"^[+-]?(?:\d*\.(?:\d{1,2}|\d{4,})|0\.\d+)$",
        r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+\.\d+$",
        r"^[+-]?[1-9]\d{0,2}(?:,\d{3}){2,}$",
    ),
}
_EITHER = r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$"  # 1.234: a decimal, or a thousand with a separator
_SPACED = rf"^[+-]?\d{{1,3}}(?:{_SPACES}\d{{3}})+(?:[.,]\d+)?$"
_CODE = r"^0\d+$"  # an integer with a leading zero is a code, not a number
_MOSTLY = 0.5  # a column is numeric when more than this share of its text values are numbers


def _grouped(sep: str, decimal: str) -> str:
    return rf"^[+-]?[1-9]\d{{0,2}}(?:\{sep}\d{{3}})+(?:\{decimal}\d+)?$"


def _core(values: pd.Series) -> pd.Series:
    """Strip blanks and a trailing percent sign; empty strings become missing."""
    core = values.str.strip().str.removesuffix("%").str.strip()
    return core.where(core != "")


def _first(tokens: pd.Series, *patterns: str) -> str | None:
    for pattern in patterns:
        hit = tokens[tokens.str.fullmatch(pattern)]
        if not hit.empty:
            return str(hit.iloc[0])
    return None


def text_tokens(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The distinct text values of ``columns``, stripped, as a string Series (numbers in cells left out)."""
    parts = [_core(_text_only(frame[c])).dropna() for c in columns]
    values = pd.concat(parts, ignore_index=True) if parts else pd.Series([], dtype=str)
    return pd.Series(pd.unique(values.astype(str)), dtype=str)


def detect_number_format(
    tokens: pd.Series, *, decimal: str | None, thousands: str | None
) -> tuple[str, str | None, dict[str, str]]:
    """The decimal and thousands separators the values prove, with the evidence; ``None`` options are detected."""
    detected: dict[str, str] = {}
    if decimal is None:
        proofs = {d: _first(tokens, *patterns) for d, patterns in _PROOFS.items()}
        found = {d: tok for d, tok in proofs.items() if tok is not None}
        if len(found) == 2:
            raise ValidationError(
                f"The table's numbers contradict each other: {found[',']!r} has a decimal comma and {found['.']!r} a "
                "decimal point. Pass decimal= (',' or '.') and fix the values written the other way."
            )
        either = _first(tokens, _EITHER)
        if not found and either is not None:
            raise ValidationError(
                f"Cannot tell how to read values such as {either!r}: as a decimal ({either.replace(',', '.')}) or "
                f"as a number with a thousands separator. Pass decimal='.' or decimal=','."
            )
        decimal, proof = next(iter(found.items())) if found else (".", None)
        detected["decimal"] = f"values such as {proof!r}" if proof else "no value has a decimal comma"
    if thousands is None:
        other = "," if decimal == "." else "."
        proof = _first(tokens, _grouped(other, decimal))
        thousands = other if proof is not None and other in proof else None
        detected["thousands"] = f"values such as {proof!r}" if thousands else "no value groups digits with ',' or '.'"
    return decimal, (thousands or None), detected


# -- numbers stored as text --------------------------------------------------------------------------------


def _text_only(values: pd.Series) -> pd.Series:
    """The text cells of a column as strings; numbers and missing cells become missing."""
    if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype):
        return values
    if not pd.api.types.is_object_dtype(values.dtype):
        return pd.Series(np.nan, index=values.index, dtype=str)
    return values.where(values.map(lambda x: isinstance(x, str))).astype(str)


def parse_numbers(
    values: pd.Series, *, decimal: str, thousands: str | None
) -> tuple[pd.Series, pd.Series, tuple[str, ...]]:
    """Numbers from text: ``(numbers, failed, conversions)``; ``failed`` marks text that is not a number."""
    text = _text_only(values)
    core = _core(text)
    done = []
    if text.str.strip().str.endswith("%").any():
        done.append("percent sign removed (values in percent points)")
    spaced = core.str.fullmatch(_SPACED).fillna(False).astype(bool)
    if spaced.any():
        core = core.where(~spaced, core.str.replace(_SPACES, "", regex=True))
        done.append("spaces between digit groups")
    if thousands:
        grouped = core.str.fullmatch(_grouped(thousands, decimal)).fillna(False).astype(bool)
        if grouped.any():
            core = core.where(~grouped, core.str.replace(thousands, "", regex=False))
            done.append(f"thousands separator {thousands!r}")
    other = "." if decimal == "," else ","
    wrong = core.str.contains(other, regex=False).fillna(False).astype(bool)
    if decimal == "," and core.str.contains(",", regex=False).any():
        core = core.str.replace(",", ".", regex=False)
        done.append("decimal comma")
    numbers = pd.to_numeric(core.where(~wrong), errors="coerce")
    numbers = numbers.where(text.notna(), pd.to_numeric(values.where(text.isna()), errors="coerce"))
    failed = core.notna() & numbers.isna()
    return numbers.astype(float), failed, tuple(done)


def classify(values: pd.Series, *, decimal: str, thousands: str | None):
    """``("numeric", numbers, failed, conversions)`` or ``("text", reason)`` for one column."""
    text = _core(_text_only(values)).dropna()
    if text.empty:
        if pd.api.types.is_numeric_dtype(values):
            return "numeric", values, None, ()
        present = values.dropna()  # Excel cells read as objects: numbers only -> a numeric column
        if (
            len(present)
            and present.map(
                lambda x: isinstance(x, int | float | np.number) and not isinstance(x, bool | np.bool_)
            ).all()
        ):
            return "numeric", pd.to_numeric(values), None, ()
        return "keep", None
    code = _first(text, _CODE)
    if code is not None:
        return "text", f"integers with leading zeros such as {code!r} (a code)"
    numbers, failed, done = parse_numbers(values, decimal=decimal, thousands=thousands)
    n_ok = len(text) - int(failed.sum())
    if n_ok <= _MOSTLY * len(text):
        return "text", f"only {n_ok} of its {len(text)} text values are numbers"
    return "numeric", numbers, failed, done


def unparsed_message(what: str, failures: Mapping[str, pd.Series], ids: pd.Series) -> str:
    """Name each column, row (as in the file, after one header line) and ID whose value is not a number."""
    parts = []
    for col, bad in failures.items():
        rows = [f"row {pos + 2} (ID {ids.iloc[pos]!r}): {value!r}" for pos, value in list(bad.items())[:3]]
        more = f", ... ({len(bad)} in all)" if len(bad) > 3 else ""
        parts.append(f"column {col!r}: " + ", ".join(rows) + more)
    return (
        f"{what} has values that are not numbers in numeric columns: " + "; ".join(parts) + ". Fix them, declare "
        "missing-value markers with na_values=[...], keep a column as text with text_cols=[...], or turn them "
        "into missing values with on_unparsed='missing' (the report lists them)."
    )


# -- long tables ------------------------------------------------------------------------------------------


def pivot_long(
    frame: pd.DataFrame, *, id_col: str, indicator_col: str, value_col: str, year_col: str | None, what: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """(id, indicator, value[, year]) rows to one row per ID and one column per indicator (``name_year``).

    IDs and columns keep their order of first appearance; a repeated (id, indicator[, year]) is refused.
    """
    keys = [indicator_col] + ([year_col] if year_col else [])
    extra = [c for c in frame.columns if c not in (id_col, value_col, *keys)]
    if extra:
        raise ValidationError(
            f"{what} is read as a long table (id, indicator, value{', year' if year_col else ''}) but also has "
            f"columns {format_ids(extra)}. Read only the long columns with usecols=[...]."
        )
    name = frame[indicator_col].astype(str)
    if year_col:
        name = name + "_" + _year_labels(frame[year_col], what=what)
    cells = pd.DataFrame(
        {"id": frame[id_col].to_numpy(), "name": name.to_numpy(), "value": frame[value_col].to_numpy()}
    )
    repeated = cells.duplicated(["id", "name"], keep=False)
    if repeated.any():
        examples = cells.loc[repeated, ["id", "name"]].drop_duplicates().head(3)
        pairs = ", ".join(f"({i!r}, {n!r})" for i, n in examples.itertuples(index=False))
        raise ValidationError(
            f"{what} has {int(repeated.sum())} rows repeating an (id, indicator{', year' if year_col else ''}) pair, "
            f"such as {pairs}. Keep one value per pair (aggregate or remove the repeats)."
        )
    wide = cells.pivot(index="id", columns="name", values="value")
    wide = wide.reindex(index=pd.unique(cells["id"]), columns=pd.unique(cells["name"]))
    absent = int(wide.size - len(cells))
    notes = (f"{absent} (ID, indicator) pairs absent from the long table are missing values",) if absent else ()
    wide.columns.name = None
    return wide.rename_axis(id_col).reset_index(), notes


def _year_labels(years: pd.Series, *, what: str) -> pd.Series:
    numbers = pd.to_numeric(years, errors="coerce")
    if numbers.isna().any() or not np.allclose(numbers, numbers.round()):
        bad = years[numbers.isna() | (numbers != numbers.round())]
        raise ValidationError(f"{what} has years that are not whole numbers: {format_ids(bad)}. Fix them.")
    return numbers.round().astype("int64").astype(str)
