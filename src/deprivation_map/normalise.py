"""Normalisers: put indicators measured in different units on a common scale.

Each normaliser is a pure function ``DataFrame -> DataFrame`` applied column by column, preserving the
index and the order of values within a column (a higher input never gets a lower output). Indicators are
oriented before they are normalised (multiplied by their direction), so "higher = more deprived" holds for
every output column.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import _validation as v
from .errors import ValidationError, format_ids

__all__ = ["NORMALISERS", "minmax", "normalise", "rank", "zscore"]


def zscore(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Standardise each column to mean 0 and sample standard deviation 1.

    Notes
    -----
    .. math:: y_{ij} = \frac{x_{ij} - \bar{x}_j}{s_j}, \qquad
              s_j = \sqrt{\tfrac{1}{n-1}\sum_i (x_{ij} - \bar{x}_j)^2}

    The sample (``n - 1``) standard deviation follows the OECD/JRC Handbook (2008) and COINr's ``n_zscore``.
    """
    return (frame - frame.mean()) / frame.std(ddof=1)


def minmax(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Rescale each column to [0, 1].

    Notes
    -----
    .. math:: y_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}
    """
    low, high = frame.min(), frame.max()
    return (frame - low) / (high - low)


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Replace each value by its rank within the column (1 = lowest; ties share the average rank)."""
    return frame.rank(method="average")


NORMALISERS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {"zscore": zscore, "minmax": minmax, "rank": rank}


def normalise(frame: pd.DataFrame, method: str) -> pd.DataFrame:
    """Apply the normaliser registered as ``method``; a constant column is refused (it carries no information)."""
    func = v.lookup(NORMALISERS, method, what="normalisation")
    constant = [c for c in frame.columns if frame[c].nunique(dropna=True) < 2]
    if constant:
        raise ValidationError(
            f"Indicators {format_ids(constant)} take a single value over the areas used, so they cannot be "
            f"normalised by {method!r} and would not discriminate between areas. Remove them from the index."
        )
    return func(frame)
