"""Long tables, one row per (area, indicator[, year]), pivoted to one row per area and one column per indicator."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ValidationError, format_ids

__all__ = ["pivot_long"]


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
