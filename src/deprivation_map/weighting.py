"""Weighting schemes: how much each indicator counts in the index.

Each scheme is a function ``(spec, components) -> Series`` returning one weight per indicator column,
non-negative and summing to 1, so weights are comparable between schemes and are reported as applied.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from . import _validation as v
from .indicators import IndexSpec

__all__ = ["WEIGHTINGS", "equal", "explicit", "weights_for"]


def equal(spec: IndexSpec, components: pd.DataFrame) -> pd.Series:
    r"""Every indicator gets :math:`w_j = 1/m` for :math:`m` indicators."""
    return pd.Series(1.0 / len(spec.columns), index=spec.columns, name="weight")


def explicit(spec: IndexSpec, components: pd.DataFrame) -> pd.Series:
    r"""The weights written in the specification, rescaled to sum to 1: :math:`w_j = a_j / \sum_k a_k`."""
    raw = pd.Series({i.column: float(i.weight) for i in spec.indicators}, name="weight")
    return raw / raw.sum()


WEIGHTINGS: dict[str, Callable[[IndexSpec, pd.DataFrame], pd.Series]] = {"equal": equal, "explicit": explicit}


def weights_for(spec: IndexSpec, components: pd.DataFrame, method: str) -> pd.Series:
    """Apply the weighting scheme registered as ``method``."""
    return v.lookup(WEIGHTINGS, method, what="weighting")(spec, components)
