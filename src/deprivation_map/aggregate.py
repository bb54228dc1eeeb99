"""Aggregators: combine weighted components into one score per area.

Each aggregator is a function ``(components, weights) -> (score, contributions)``. ``contributions`` has one
column per indicator and says how much each indicator adds to the area's score in that aggregator's own
decomposition (for the arithmetic mean the contributions sum exactly to the score): it is what explains
*why* an area scores high.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import _validation as v

__all__ = ["AGGREGATORS", "aggregate", "arithmetic_mean"]

Aggregator = Callable[[pd.DataFrame, pd.Series], tuple[pd.Series, pd.DataFrame]]


def arithmetic_mean(components: pd.DataFrame, weights: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    r"""Weighted arithmetic mean (linear aggregation, fully compensatory).

    Notes
    -----
    With weights summing to one,

    .. math:: S_i = \sum_j w_j\, y_{ij}, \qquad c_{ij} = w_j\, y_{ij}, \qquad S_i = \sum_j c_{ij}.
    """
    contributions = components * weights.reindex(components.columns)
    return contributions.sum(axis=1, min_count=1).rename("score"), contributions


AGGREGATORS: dict[str, Aggregator] = {"mean": arithmetic_mean}


def aggregate(components: pd.DataFrame, weights: pd.Series, method: str) -> tuple[pd.Series, pd.DataFrame]:
    """Apply the aggregator registered as ``method``."""
    return v.lookup(AGGREGATORS, method, what="aggregation")(components, weights)
