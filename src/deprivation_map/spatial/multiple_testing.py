"""Multiple testing: adjusted p-values for the many local tests of a hotspot map.

A local statistic tests every area at once: with 10,000 areas and no correction, about 500 would be
"significant" at 5 % if there were no clustering at all. The corrections here return adjusted p-values (as
values, not only a cut-off), so a map can be labelled by comparing them with ``alpha``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from .. import _validation as v

__all__ = ["CORRECTIONS", "CORRECTION_NAMES", "Correction", "adjust_p", "significance_threshold"]


def _fdr(p: np.ndarray) -> np.ndarray:
    m = len(p)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * (m / np.arange(1, m + 1))  # factors >= 1, and exactly 1 for the largest: never below p
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(adjusted, 1.0)
    return out


def _bonferroni(p: np.ndarray) -> np.ndarray:
    return np.minimum(p * len(p), 1.0)


def _none(p: np.ndarray) -> np.ndarray:
    return p.copy()


CORRECTIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "fdr": _fdr,
    "bonferroni": _bonferroni,
    "none": _none,
}

Correction = Literal["fdr", "bonferroni", "none"]

CORRECTION_NAMES = {
    "fdr": "FDR (Benjamini-Hochberg)",
    "bonferroni": "Bonferroni",
    "none": "no multiple-testing correction",
}


def adjust_p(p: np.ndarray, correction: str = "fdr") -> np.ndarray:
    r"""Adjust p-values for multiple testing; missing values (isolates, no value) stay missing and do not count.

    Parameters
    ----------
    p : array of float
        Raw p-values, NaN where no test was made.
    correction : {"fdr", "bonferroni", "none"}
        ``"fdr"`` controls the false discovery rate (the expected share of false positives among the areas
        called significant); ``"bonferroni"`` controls the chance of even one false positive, which with
        thousands of areas leaves almost nothing significant; ``"none"`` returns ``p`` unchanged.

    Notes
    -----
    With the :math:`m` non-missing p-values sorted, :math:`p_{(1)} \le \dots \le p_{(m)}`, Benjamini and
    Hochberg's (1995) adjusted values are :math:`\tilde p_{(i)} = \min_{j \ge i} \min\{1, m\,p_{(j)}/j\}`,
    and rejecting :math:`\tilde p \le \alpha` is their step-up procedure at level :math:`\alpha`. It is valid
    for independent tests and for positively dependent ones (Benjamini and Yekutieli 2001), the usual case
    for overlapping neighbourhoods; Caldas de Castro and Singer (2006) recommend it for LISA. Bonferroni:
    :math:`\tilde p_i = \min\{1, m\,p_i\}`. Both equal ``statsmodels.stats.multitest.multipletests``
    (``"fdr_bh"``, ``"bonferroni"``) and ``scipy.stats.false_discovery_control``.

    Examples
    --------
    >>> adjust_p(np.array([0.01, 0.04, np.nan, 0.03]))
    array([0.03, 0.04,  nan, 0.04])
    """
    func = v.lookup(CORRECTIONS, correction, what="multiple-testing correction")
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    if tested.any():
        out[tested] = func(p[tested])
    return out


def significance_threshold(tests: int, alpha: float, correction: str) -> float:
    r"""The largest raw p-value with which the strongest of ``tests`` areas is called significant at ``alpha``.

    ``alpha`` with no correction; :math:`\alpha/m` with Bonferroni and with FDR (Benjamini-Hochberg's first
    step: the smallest p-value is compared with :math:`\alpha \cdot 1/m`). A permutation test whose smallest
    possible p-value is above it cannot call any area significant.

    Examples
    --------
    >>> round(significance_threshold(3085, 0.05, "fdr"), 10), significance_threshold(3085, 0.05, "none")
    (1.62075e-05, 0.05)
    """
    v.choose(correction, tuple(CORRECTIONS), what="multiple-testing correction")
    return alpha if correction == "none" else alpha / max(tests, 1)
