"""From the rows of a CSV file or a sheet to a frame: the header checked, the IDs kept, missing markers counted.

Rules, each reported or refused, never applied silently:

- **header**: columns without a name and without a value (trailing separators) are dropped and noted;
  a column without a name but with values is named ``Unnamed: <position>`` and noted; two columns with the
  same name are refused (pandas would rename the second ``x.1``), unless ``usecols`` leaves them out;
- **a title above the header**: when the ID column is not in the header but in one of the next rows, the
  error says which ``skiprows=`` reads the table;
- **IDs** are read as text exactly as written: ``"NA"`` (Namibia), ``"null"`` or ``"nan"`` are IDs, never
  missing values; blank IDs are refused, naming their rows;
- **missing markers**: in every other column, the values pandas reads as missing by default (``NA``,
  ``n/a``, ``null``, ``nan`` ...), the markers given in ``na_values`` and spreadsheet errors (``#DIV/0!``,
  ``#N/A``, ``#VALUE!`` ...) become missing values, counted per column and marker in the report; spreadsheet
  errors are also warned about, since they are broken formulas rather than data that were never there.
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import DeprivationMapWarning, ValidationError, format_ids

__all__ = [
    "PANDAS_NA",
    "SPREADSHEET_ERRORS",
    "blank_ids",
    "find_header_row",
    "frame_from_rows",
    "missing_markers",
    "warn_spreadsheet_errors",
]

# pandas' default missing-value markers (the read_csv documentation's list)
PANDAS_NA = frozenset(
    [
        "",
        "#N/A N/A",
        "#NA",
        "-1.#IND",
        "-1.#QNAN",
        "-NaN",
        "-nan",
        "1.#IND",
        "1.#QNAN",
        "<NA>",
        "N/A",
        "NA",
        "NULL",
        "NaN",
        "None",
        "n/a",
        "nan",
        "null",
    ]
)
# the error values of Excel, LibreOffice and Google Sheets, as a CSV export or an openpyxl cell holds them
SPREADSHEET_ERRORS = frozenset(
    [
        "#DIV/0!",
        "#N/A",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
        "Err:502",
        "Err:504",
        "Err:511",
        "Err:522",
    ]
)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""


def _names(header: Sequence[object], body: pd.DataFrame, notes: list[str]) -> list[str | None]:
    """Column names from the header cells; ``None`` marks an empty unnamed column (to drop)."""
    names: list[str | None] = []
    phantom, unnamed = [], []
    for position, cell in enumerate(header):
        if not _blank(cell):
            names.append(str(cell))
        elif body.iloc[:, position].map(_blank).all():
            names.append(None)
            phantom.append(position + 1)
        else:
            names.append(f"Unnamed: {position}")
            unnamed.append(f"Unnamed: {position}")
    if phantom:
        notes.append(
            f"{len(phantom)} columns with no name and no value (trailing separators, empty spreadsheet columns) dropped, at "
            f"positions {format_ids(phantom)}"
        )
    if unnamed:
        notes.append(f"columns with values but no name in the header, named {format_ids(unnamed)}")
    return names


def frame_from_rows(
    header: Sequence[object],
    body: pd.DataFrame,
    *,
    what: str,
    header_line: int,
    keep: Collection[str] | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The body under the header's names, checked as the module says; ``keep``: the columns asked for (``usecols``).

    ``header_line`` is the header's line (row) number in the file, for messages.
    """
    notes: list[str] = []
    names = _names(header, body, notes)
    named = [i for i, n in enumerate(names) if n is not None]
    frame = body.iloc[:, named].set_axis([names[i] for i in named], axis=1)
    repeated = pd.Index(frame.columns)[pd.Index(frame.columns).duplicated()].unique()
    if keep is not None:
        unwanted = [c for c in repeated if c not in keep]
        frame = frame.loc[:, ~pd.Index(frame.columns).isin(unwanted)]
        repeated = repeated.difference(unwanted)
    if len(repeated):
        where = "; ".join(
            f"{c!r} at columns {', '.join(str(i + 1) for i, n in enumerate(names) if n == c)}" for c in repeated[:3]
        )
        raise ValidationError(
            f"{what} has columns with the same name in its header (line {header_line}): {where}. Reading them "
            "would have to rename or drop one silently. Rename them in the header, or read only the columns you "
            "need with usecols=[...]."
        )
    return frame.reset_index(drop=True), tuple(notes)


def find_header_row(body: pd.DataFrame, id_col: str, *, rows: int = 20) -> int | None:
    """The position of the first of ``rows`` body rows that holds ``id_col`` as a cell (a header below a title)."""
    head = body.iloc[:rows].astype(str).apply(lambda col: col.str.strip())
    hits = np.flatnonzero((head == id_col).any(axis=1).to_numpy())
    return int(hits[0]) if len(hits) else None


def blank_ids(ids: pd.Series, *, what: str, id_col: str, rows: np.ndarray) -> None:
    """Refuse IDs that are blank or only spaces, naming their rows in the file (``rows``: each one's number)."""
    blank = ids.map(_blank).to_numpy(dtype=bool)
    if blank.any():
        at = [str(r) for r in rows[blank]]
        raise ValidationError(
            f"{what} has {int(blank.sum())} rows with no ID in column {id_col!r} (blank or only spaces), at rows "
            f"{format_ids(at)} of the file. Every area needs an ID: fill them in or remove those rows."
        )


def missing_markers(
    frame: pd.DataFrame, columns: Sequence[str], na_values: Collection[str], *, defaults: bool = True
) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """Markers of missing values in ``columns`` made missing, with their count per column and marker.

    The markers are ``na_values``, with pandas' defaults and spreadsheet errors unless ``defaults=False``.
    Blank cells become missing without being counted (they are not markers); numbers are left alone.
    """
    markers = (PANDAS_NA | SPREADSHEET_ERRORS if defaults else frozenset()) | {str(m) for m in na_values}
    out, counts = frame.copy(), {}
    for col in columns:
        values = frame[col]
        if pd.api.types.is_string_dtype(values.dtype) and not pd.api.types.is_object_dtype(values.dtype):
            is_text = values.notna().to_numpy()  # a CSV's cells: text or missing
        else:
            is_text = values.map(lambda x: isinstance(x, str)).to_numpy(dtype=bool)
        if not is_text.any():
            continue
        stripped = values[is_text].str.strip()
        hit = stripped.isin(markers).to_numpy() & (stripped != "").to_numpy()
        found = stripped[hit].value_counts(sort=False)
        if len(found):
            counts[col] = {str(k): int(n) for k, n in found.items()}
        gone = np.zeros(len(values), dtype=bool)
        gone[np.flatnonzero(is_text)[hit | (stripped == "").to_numpy()]] = True
        if gone.any():
            out[col] = values.where(~gone, np.nan)
    return out, counts


def warn_spreadsheet_errors(counts: Mapping[str, Mapping[str, int]], *, what: str, stacklevel: int) -> None:
    """Warn once about spreadsheet errors read as missing values, per column."""
    found = {
        col: {m: n for m, n in markers.items() if m in SPREADSHEET_ERRORS}
        for col, markers in counts.items()
        if any(m in SPREADSHEET_ERRORS for m in markers)
    }
    if found:
        shown = "; ".join(
            f"{col!r}: " + ", ".join(f"{m} x{n}" for m, n in markers.items())
            for col, markers in list(found.items())[:5]
        )
        warnings.warn(
            f"{what} holds spreadsheet errors, read as missing values ({shown}). They are formulas that failed "
            "(a division by zero, a lookup that found nothing): fix them in the spreadsheet if the values exist.",
            DeprivationMapWarning,
            stacklevel=stacklevel + 1,
        )
