"""How an indicator table was written, found out and reported: encoding, separators, numbers stored as text.

The kernels here take bytes or frames and return frames plus the facts they found; :func:`read_indicators`
and :func:`check_table` (in :mod:`deprivation_map.io`) put them together into a :class:`TableReport`.

Rules, each one reported when it is applied and overridable by the matching option:

- **encoding**: a byte-order mark names it (UTF-8, UTF-16 as Excel's "Unicode text" saves); text that
  decodes as UTF-8 is ``utf-8``; Greek text in Windows-1253 is ``cp1253``; other Latin text is ``cp1252``
  (Windows Western European), or ``latin-1`` when it holds bytes cp1252 leaves undefined. UTF-16 without a
  byte-order mark and other non-Latin code pages are refused, naming the encodings to try.
- **separator**: the one of ``,`` ``;`` tab ``|`` that splits every one of the first lines into the same
  number (more than one) of fields; none or several such is an error asking for ``sep=``, or for
  ``skiprows=`` when the lines after a title split evenly, or naming the lines that do not split like
  the others. A line beyond the first 50 with too many fields is named by the reader's error.
- **missing markers**: pandas' defaults (``NA``, ``n/a``, ``null``, ``nan`` ...), ``na_values`` and
  spreadsheet errors (``#DIV/0!`` ...) in numeric columns are missing values, counted per column in the
  report (spreadsheet errors also warned about). IDs are never read as missing: ``"NA"`` is Namibia.
- **decimal and thousands separators**: read from the values themselves. ``2,5`` or ``0,125`` prove a
  decimal comma, ``1.234.567`` or ``1.234,5`` a thousands dot, and the same with the roles swapped.
  Values that read both ways (``1.234`` alone) and contradicting values are errors asking for ``decimal=``.
- **numbers stored as text**: a column whose values are mostly numbers once spaces, ``%`` and the
  separators are handled is numeric (markers such as ``'..'`` or ``'*'`` count neither way); the values
  left over are errors naming column, row and ID, offering markers as ``na_values``. A column holding
  integers with leading zeros (``01059``) is a code and stays text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._repr import html_repr
from ..errors import ValidationError, format_ids

__all__ = ["TableReport"]

_SPACES = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space: all used between digit groups


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
    missing_markers : Mapping[str, Mapping[str, int]]
        Per numeric column, the markers read as missing values (``"NA"``, ``"n/a"``, ``"#DIV/0!"``, those of
        ``na_values``) and how many cells held each. Blank cells are missing without being counted here.
    skiprows : int
        Lines (CSV) or rows (Excel) skipped above the header.
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
    missing_markers: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    skiprows: int = 0
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
        skip = {"skiprows": self.skiprows} if self.skiprows else {}
        return chosen | {"thousands": self.thousands or ""} | skip  # "" is "none": given, so not detected again

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
            f"unparsed={sum(len(i) for i in self.unparsed.values())}, "
            f"missing_markers={sum(sum(m.values()) for m in self.missing_markers.values())})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per column of the table: how it was read.

        Columns ``read_as`` (``"number"``, ``"text"`` or ``"as stored"``), ``how`` (conversions done, or why it
        stayed text), ``unparsed`` (values turned missing) and ``missing_markers`` (cells holding a missing
        marker).
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
        return frame.assign(
            unparsed=[len(self.unparsed.get(c, ())) for c in frame.index],
            missing_markers=[sum(self.missing_markers.get(c, {}).values()) for c in frame.index],
        )

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
        lines += [
            f"  column {c!r}: {sum(m.values())} cells read as missing from markers: "
            + ", ".join(f"{k!r} x{n}" for k, n in m.items())
            for c, m in self.missing_markers.items()
        ]
        return "\n".join(lines + [f"  {note}" for note in self.notes])


# -- encoding and separator -------------------------------------------------------------------------------


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
MARKER = r"[^\w\s]+|\[[a-z]\]"  # punctuation alone ('*', '..', ':', '-') or a bracketed letter ('[c]', as ONS)
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
    withheld = values[failed.to_numpy()].astype(str).str.strip()  # '*', '..', ':', '-': numbers withheld, not words
    n_markers = int(withheld.str.fullmatch(MARKER).sum()) if len(withheld) else 0
    if n_ok == 0 or n_ok <= _MOSTLY * (len(text) - n_markers):
        return "text", f"only {n_ok} of its {len(text)} text values are numbers"
    return "numeric", numbers, failed, done


def unparsed_message(
    what: str, failures: Mapping[str, pd.Series], ids: pd.Series, *, rows: Sequence[int] | np.ndarray | None = None
) -> str:
    """Name each column, row and ID whose value is not a number; markers such as ``'..'`` are offered as ``na_values``.

    ``failures`` holds the bad values by position; ``rows`` the file's row number of each position (by
    default, position + 2: one header line).
    """
    parts = []
    for col, bad in failures.items():
        shown = [(rows[pos] if rows is not None else pos + 2, pos, value) for pos, value in list(bad.items())[:3]]
        more = f", ... ({len(bad)} in all)" if len(bad) > 3 else ""
        parts.append(
            f"column {col!r}: " + ", ".join(f"row {r} (ID {ids.iloc[p]!r}): {x!r}" for r, p, x in shown) + more
        )
    values = pd.Series(pd.unique(pd.concat(list(failures.values())).astype(str).str.strip()), dtype=str)
    markers = values[values.str.fullmatch(MARKER)].tolist()
    declare = (
        f"Values such as {format_ids(markers)} look like markers of missing or withheld data: pass "
        f"na_values={markers[:6]!r} to read them as missing (the report counts them)"
        if markers
        else "Fix them, or declare missing-value markers with na_values=[...]"
    )
    return (
        f"{what} has values that are not numbers in numeric columns: " + "; ".join(parts) + f". {declare}. Or keep "
        "a column as text with text_cols=[...], or turn them into missing values with on_unparsed='missing' (the "
        "report lists them)."
    )
