"""The ranking universe of a recipe: which areas its statistics are computed over, and their values.

``universe=None`` is every row of the data; a boolean Series or a list of IDs restricts the statistics to
those areas and leaves the others unscored, never dropped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from .composite import DeprivationIndex, assemble
from .engine import require_finite

__all__ = ["Universe", "result", "universe_mask", "values_in"]

Universe: TypeAlias = pd.Series | Iterable[str] | None
"""Every row (None), a boolean Series over the data's IDs, or the IDs of the ranked areas."""


def universe_mask(data: pd.DataFrame, universe: Universe) -> pd.Series:
    """A boolean Series over ``data.index``: True for the areas that are ranked."""
    v.require_unique_ids(data.index, what="The data")
    if universe is None:
        return pd.Series(True, index=data.index)
    if isinstance(universe, pd.Series) and pd.api.types.is_bool_dtype(universe):
        return v.align(universe, data.index.astype(str), what="The universe mask").set_axis(data.index)
    ids = pd.Index([str(i) for i in universe])
    unknown = ids.difference(data.index.astype(str))
    if len(unknown):
        raise ValidationError(f"The universe names {len(unknown)} areas not in the data ({format_ids(unknown)}).")
    return pd.Series(data.index.astype(str).isin(ids), index=data.index)


def values_in(data: pd.DataFrame, columns: Iterable[str], mask: pd.Series, *, what: str) -> pd.DataFrame:
    """The numeric ``columns`` for the areas in the universe; a missing or infinite value is refused, naming the areas."""
    columns = list(columns)
    v.require_columns(data, columns, what="The data")
    v.require_numeric(data, columns, what="The data")
    values = pd.DataFrame(data.loc[mask.to_numpy(), columns]).astype("float64")
    require_finite(values, what=what)
    gaps = values.isna().any(axis=1)
    if gaps.any():
        raise ValidationError(
            f"{what} needs every value, but {int(gaps.sum())} areas of the universe have gaps "
            f"({format_ids(values.index[gaps])}). Impute them first or leave those areas out with universe=."
        )
    return values


def result(data: pd.DataFrame, score: pd.Series, **fields: object) -> DeprivationIndex:
    """A DeprivationIndex over every row of ``data`` (areas outside the universe unscored)."""
    return assemble(data.index, score, **fields)
