"""The field separator of a CSV file, told from its first lines, or a clear error naming the lines at fault."""

from __future__ import annotations

import csv

import numpy as np

from ..errors import ValidationError

__all__ = ["SEPARATORS", "detect_sep"]

SEPARATORS = (",", ";", "\t", "|")
_SNIFF_LINES = 50


def _field_counts(numbered: list[tuple[int, str]]) -> dict[str, list[int]]:
    return {sep: [len(row) for row in csv.reader([line for _, line in numbered], delimiter=sep)] for sep in SEPARATORS}


def _title_rows(numbered: list[tuple[int, str]], counts: dict[str, list[int]], name: str) -> None:
    """Raise when the lines after the first few split evenly: a title (or notes) above the header."""
    for k in range(1, min(6, len(numbered) - 1)):
        rest = {sep: c[k] for sep, c in counts.items() if len(set(c[k:])) == 1 and c[k] > 1}
        if len(rest) == 1:
            sep, n = rest.popitem()
            line = numbered[k][0]
            raise ValidationError(
                f"{name} does not start with its header: line {numbered[0][0]} ({numbered[0][1][:60]!r}) does not "
                f"split like the lines after it, which {sep!r} splits into {n} fields from line {line}. A title or "
                f"notes above the table? Pass skiprows={line - 1} to start at line {line} (and sep={sep!r})."
            )


def _ragged(numbered: list[tuple[int, str]], counts: dict[str, list[int]], name: str) -> None:
    """Raise when a separator splits nearly every line evenly but a few: name those lines."""
    for sep, c in counts.items():
        values, freq = np.unique(c, return_counts=True)
        n = int(values[np.argmax(freq)])
        odd = [(line, k) for (line, _), k in zip(numbered, c, strict=True) if k != n]
        if n > 1 and len(odd) <= max(1, len(c) // 10):
            shown = ", ".join(f"line {line} has {k}" for line, k in odd[:3])
            raise ValidationError(
                f"{name}: {sep!r} splits the lines into {n} fields, but {shown}. Fix those lines (a value holding "
                f"{sep!r} must be in double quotes), or pass sep= if {sep!r} is not the separator."
            )


def detect_sep(text: str, *, skiprows: int = 0, name: str = "The table") -> tuple[str, str]:
    """The field separator of CSV ``text``: the one that splits the first lines into equal field counts.

    Lines before ``skiprows`` are left out. When none does, a title above the header or a ragged line is
    named, with the option that reads the file.
    """
    lines = text.splitlines()
    numbered = [(i + 1, line) for i, line in enumerate(lines) if i >= skiprows and line.strip()][:_SNIFF_LINES]
    if not numbered:
        raise ValidationError(f"{name} has no table to read: it holds no text after line {skiprows}.")
    counts = _field_counts(numbered)
    consistent = {sep: c[0] for sep, c in counts.items() if len(set(c)) == 1 and c[0] > 1}
    if len(consistent) == 1:
        sep, n = consistent.popitem()
        return sep, f"{sep!r} splits each of the first {len(numbered)} lines into {n} fields"
    if consistent:
        raise ValidationError(
            f"Could not tell the field separator of {name}: {', '.join(repr(s) for s in consistent)} each split "
            "every line evenly. Pass sep= to choose."
        )
    _title_rows(numbered, counts, name)
    _ragged(numbered, counts, name)
    shown = ", ".join(repr(s) for s in SEPARATORS)
    raise ValidationError(
        f"Could not tell the field separator of {name}: none of {shown} splits the first {len(numbered)} lines "
        "into the same number of fields. Pass sep= (for example sep=';'), or check that the file is a table."
    )
