"""The need an allocation shares by: its direction, the negative and missing policies, the population.

Shared by :func:`~deprivation_map.allocation.allocate`, :func:`~deprivation_map.allocation.assess_equity` and
the access functions; everything is aligned by area ID, never by position.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from ..index.composite import DeprivationIndex

NEGATIVE = ("raise", "shift", "clip")
MISSING = ("raise", "exclude")
DIRECTIONS = {1: "higher = more need", -1: "lower = more need"}


def need_direction(direction: object) -> int:
    """``direction`` checked: +1 (higher values = more need) or -1 (lower values = more need)."""
    if (
        isinstance(direction, bool)
        or not isinstance(direction, int | float | np.integer)
        or direction not in DIRECTIONS
    ):
        raise ValidationError(
            f"direction must be +1 (higher values = more need) or -1 (lower values = more need, such as a "
            f"population change or an income), got {direction!r}."
        )
    return int(direction)


def need_values(need: pd.Series | DeprivationIndex, direction: int = 1) -> tuple[pd.Series, pd.Series | None]:
    """The need oriented so that higher = more need (by area ID, as text), and the index's deciles if any."""
    direction = need_direction(direction)
    if isinstance(need, DeprivationIndex):
        if direction != 1:
            raise ValidationError(
                "A DeprivationIndex's score already runs from least to most deprived: leave direction=1 "
                "(each indicator's direction is set in the index's specification)."
            )
        decile = need.decile.set_axis(need.decile.index.astype(str))
        return need_values(need.score)[0], decile
    if not isinstance(need, pd.Series):
        raise ValidationError(
            f"need must be a pandas Series by area ID or a DeprivationIndex, got {type(need).__name__}."
        )
    v.require_numeric(need.to_frame("need"), ["need"], what="The need")
    v.require_unique_ids(need.index, what="The need")
    return (need.astype("float64") * direction).set_axis(need.index.astype(str)), None


def negative_message(need: pd.Series, negative_rows: np.ndarray, direction: int) -> str:
    """Refusing negative needs: first which way the need runs, then the policies."""
    found = f"{int(negative_rows.sum())} areas have a negative need ({format_ids(need.index[negative_rows])})"
    policies = (
        "negative='clip' counts negative needs as 0 (those areas get the floor and nothing else), "
        "negative='shift' subtracts the lowest need (that area then gets no weight)"
    )
    if direction == -1:
        return f"With direction=-1, {found}: their values are above 0 (less need). Choose a policy: {policies}."
    return (
        f"{found}. First, which way does the need run? If lower values mean more need (a population change, an "
        "income, a rate of employment), pass direction=-1. If higher values mean more need and the values are "
        f"centred (z-scores), choose a policy: {policies}; or pass a rank or a rate."
    )


def need_policies(need: pd.Series, negative: str, missing: str, *, direction: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The need as used (negative and missing policies applied) and the mask of excluded areas.

    ``need`` is already oriented; ``direction`` (the one it was oriented with) only shapes the messages.
    """
    values = need.to_numpy(dtype="float64")
    absent = np.isnan(values)
    if np.isinf(values).any():
        raise ValidationError(f"The need is infinite for {format_ids(need.index[np.isinf(values)])}.")
    if absent.any() and v.choose(missing, MISSING, what="missing-need policy") == "raise":
        raise ValidationError(
            f"{int(absent.sum())} areas have no need: {format_ids(need.index[absent])}. Fill them in, or pass "
            "missing='exclude' to give them nothing (and no floor)."
        )
    negative_rows = values < 0
    if negative_rows.any():
        policy = v.choose(negative, NEGATIVE, what="negative-need policy")
        if policy == "raise":
            raise ValidationError(negative_message(need, negative_rows, direction))
        values = values - np.nanmin(values) if policy == "shift" else np.maximum(values, 0.0)
    return np.where(absent, 0.0, values), absent


def population_weights(population: pd.Series | None, ids: pd.Index, *, against: str) -> pd.Series | None:
    """The population aligned to ``ids``: numeric, finite and >= 0 everywhere, or a clear error."""
    if population is None:
        return None
    fix = "Give a population for every area (0 where nobody lives)."
    people = v.align(population, ids, what="The population", against=against, fix=fix)
    v.require_numeric(people.to_frame("population"), ["population"], what="The population")
    bad = people.isna() | (people < 0) | np.isinf(people)
    if bad.any():
        raise ValidationError(f"The population is missing or negative for {format_ids(ids[bad.to_numpy()])}. {fix}")
    return people.astype("float64").rename("population")


def by_id(**given: object) -> list[Any]:
    """The arguments as arrays paired by area ID when they are Series (refused unless their IDs match).

    Arrays and lists are paired by position; a Series mixed with an array is refused, since nothing says
    which area each array value belongs to.
    """
    present = {k: val for k, val in given.items() if val is not None}
    series = [k for k, val in present.items() if isinstance(val, pd.Series)]
    if not series:
        return list(given.values())
    if len(series) < len(present):
        arrays = [k for k in present if k not in series]
        raise ValidationError(
            f"{', '.join(series)} {'is a' if len(series) == 1 else 'are'} Series by area ID but {', '.join(arrays)} "
            f"{'is' if len(arrays) == 1 else 'are'} not, so values cannot be paired by ID. Pass every one as a Series "
            "indexed by area ID, or every one as an array in the same order (.to_numpy())."
        )
    first = present[series[0]]
    assert isinstance(first, pd.Series)  # the first of the Series
    v.require_unique_ids(first.index, what=f"{series[0]}")
    ids = first.index.astype(str)
    fix = "Give every Series the same area IDs (subset one to the other)."
    return [
        None if val is None else v.align(val, ids, what=f"{k}", against=f"{series[0]}", fix=fix).to_numpy()
        for k, val in given.items()
    ]
