"""Inference for spatial statistics: permutation and analytic p-values, how many permutations, and the seeds.

Two kinds of inference, chosen by ``inference=`` in every statistic of this package:

- ``"permutation"``: pseudo p-values from random permutations (:func:`p_values`), whose number
  ``permutations="auto"`` chooses (:func:`choose_permutations`) so that the multiple-testing correction can
  reach ``alpha`` at all, within a measured budget;
- ``"analytic"``: the statistic's exact moments under (conditional) randomisation and a normal p-value
  (:func:`normal_p`), continuous, so any correction can use it at any number of areas.

Permutation counts and seeds are checked before anything is allocated (:func:`check_permutations`,
:func:`check_seed`).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from typing import Annotated, Literal

import numpy as np
from scipy.special import ndtr

from .. import _validation as v
from ..errors import DeprivationMapWarning, ValidationError
from ._numpy_kernels import SMALL_CELLS
from ._numpy_kernels import draw_table as numpy_draw_table
from .multiple_testing import CORRECTION_NAMES, significance_threshold

__all__ = [
    "ALTERNATIVES",
    "AUTO_MIN",
    "AUTO_WORK",
    "INFERENCES",
    "MAX_PERMUTATIONS",
    "MAX_TABLE_BYTES",
    "SECONDS_PER_STEP",
    "Alternative",
    "Inference",
    "Permutations",
    "Seed",
    "check_permutations",
    "check_seed",
    "choose_alternative",
    "choose_permutations",
    "moment_z",
    "normal_p",
    "p_values",
    "permutations_needed",
]

Alternative = Literal["two-sided", "greater", "less", "folded"]
Inference = Literal["permutation", "analytic"]


def _two_sided(n_ge, n_le, permutations):
    return np.minimum(1.0, 2.0 * (np.minimum(n_ge, n_le) + 1.0) / (permutations + 1.0))


def _greater(n_ge, n_le, permutations):
    return (n_ge + 1.0) / (permutations + 1.0)


def _less(n_ge, n_le, permutations):
    return (n_le + 1.0) / (permutations + 1.0)


def _folded(n_ge, n_le, permutations):
    larger = np.where(permutations - n_ge < n_ge, permutations - n_ge, n_ge)
    return (larger + 1.0) / (permutations + 1.0)


ALTERNATIVES: dict[str, Callable[[np.ndarray, np.ndarray, int], np.ndarray]] = {
    "two-sided": _two_sided,
    "greater": _greater,
    "less": _less,
    "folded": _folded,
}
_RENAMED = {"directed": "folded"}  # old name -> new name; the old one still works, with a DeprecationWarning
_SIDES = {"two-sided": 2, "greater": 1, "less": 1, "folded": 1}  # the smallest p is _SIDES / (P + 1)

INFERENCES: dict[str, str] = {
    "permutation": "conditional permutation pseudo p-values",
    "analytic": "normal p-values from the exact moments under randomisation",
}

MAX_PERMUTATIONS = 10_000_000
"""No statistic takes more permutations: beyond it, ask for ``inference="analytic"``."""

MAX_TABLE_BYTES = 4 * 2**30
"""The largest table of draws a local permutation test may allocate (4 bytes x 8 per permutation and column)."""

Permutations = Annotated[int, v.Bounds(1, MAX_PERMUTATIONS, integer=True)] | Literal["auto"]
"""A number of permutations (1 to :data:`MAX_PERMUTATIONS`) or ``"auto"``; the configuration reads these bounds."""

Seed = Annotated[int, v.Bounds(0, 2**64 - 1, integer=True)] | None
"""A seed from 0 to 2**64 - 1, or None for fresh entropy (recorded)."""

AUTO_MIN = 999
"""``permutations="auto"`` never takes fewer permutations (GeoDa's and esda's default)."""

AUTO_WORK = 2.5e10
"""The most work ``permutations="auto"`` takes, in area x permutation x neighbour steps of the local kernel.

Measured by ``benchmarks/bench_hotspots.py --auto`` on 2 cores in a fresh process: 0.27 ns per step at 100,000
areas (40,999 permutations in 6.3 s), 0.50 ns at 3,085 (129,999 in 1.2 s, fixed costs included), and up to
twice that on a machine busy with other work; at :data:`SECONDS_PER_STEP` the budget is about 10 s.
"""

SECONDS_PER_STEP = 0.4e-9
"""The measured cost of one area x permutation x neighbour step of the local kernel (2 cores), for estimates."""

_AUTO_TABLE_BYTES = 2**30  # "auto" also keeps its table of draws under 1 GiB


def choose_alternative(alternative: str, *, stacklevel: int = 2) -> str:
    """``alternative`` checked against :data:`ALTERNATIVES`; the old name ``"directed"`` warns and means ``"folded"``.

    Examples
    --------
    >>> choose_alternative("two-sided")
    'two-sided'
    """
    if alternative in _RENAMED:
        new = _RENAMED[alternative]
        warnings.warn(
            f"alternative={alternative!r} is now called {new!r} (GeoDa's and esda's folded one-sided p_sim).",
            DeprecationWarning,
            stacklevel=stacklevel + 1,
        )
        return new
    return v.choose(alternative, tuple(ALTERNATIVES), what="alternative hypothesis")


def p_values(n_ge: np.ndarray, n_le: np.ndarray, permutations: int, alternative: str) -> np.ndarray:
    r"""Pseudo p-values from the counts of permuted statistics at or beyond the observed one.

    Notes
    -----
    With :math:`P` permutations, :math:`G = \#\{s \ge s_{obs}\}` and :math:`L = \#\{s \le s_{obs}\}`:

    - ``"two-sided"``: :math:`\min\{1,\ 2(\min(G, L) + 1)/(P + 1)\}` (twice the smaller tail, capped at 1);
    - ``"greater"``: :math:`(G + 1)/(P + 1)`; ``"less"``: :math:`(L + 1)/(P + 1)`;
    - ``"folded"``: GeoDa's and esda's ``p_sim``, :math:`(\min(G, P - G) + 1)/(P + 1)`, the one-sided
      p-value in whichever direction the observed value lies (the distribution folded at its middle, about
      half the two-sided p-value; formerly ``"directed"``). It tests no hypothesis fixed in advance, so
      read it as a description, not as a test at ``alpha``.

    Every value lies in :math:`(0, 1]`; the smallest possible is :math:`2/(P+1)` two-sided, :math:`1/(P+1)`
    otherwise.

    Examples
    --------
    >>> p_values([0, 40, 999], [999, 960, 0], 999, "two-sided").round(3).tolist()
    [0.002, 0.082, 0.002]
    """
    func = ALTERNATIVES[choose_alternative(alternative, stacklevel=2)]
    return func(np.asarray(n_ge, dtype=float), np.asarray(n_le, dtype=float), permutations)


def normal_p(z: np.ndarray, alternative: str) -> np.ndarray:
    r"""Analytic p-values of standard normal scores ``z`` for ``alternative``; NaN stays NaN.

    ``"two-sided"``: :math:`2\Phi(-|z|)`; ``"greater"``: :math:`\Phi(-z)`; ``"less"``: :math:`\Phi(z)`;
    ``"folded"``: :math:`\Phi(-|z|)` (esda's ``p_norm``). Values that underflow are raised to the smallest
    positive double, so every p-value lies in :math:`(0, 1]`.

    Examples
    --------
    >>> normal_p(np.array([1.959964, -3.0, np.nan]), "two-sided").round(4).tolist()
    [0.05, 0.0027, nan]
    >>> float(normal_p(np.array([-50.0]), "greater")[0]), float(normal_p(np.array([50.0]), "greater")[0]) > 0
    (1.0, True)
    """
    z = np.asarray(z, dtype=float)
    alternative = choose_alternative(alternative, stacklevel=2)
    p = {
        "two-sided": lambda: np.minimum(1.0, 2 * ndtr(-np.abs(z))),
        "greater": lambda: ndtr(-z),
        "less": lambda: ndtr(z),
        "folded": lambda: ndtr(-np.abs(z)),
    }[alternative]()
    return np.where(np.isnan(z), np.nan, np.maximum(p, np.finfo(float).tiny))


def check_permutations(permutations: int | str, *, minimum: int = 1) -> int | str:
    """``"auto"``, or a whole number of permutations from ``minimum`` to :data:`MAX_PERMUTATIONS`.

    Checked before any work, so a count no machine can run is refused at once, not after minutes of work or
    a MemoryError.

    Examples
    --------
    >>> check_permutations("auto"), check_permutations(999)
    ('auto', 999)
    >>> check_permutations(10**12)
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: permutations=1000000000000 is more than the 10,000,000 any statistic takes; use inference='analytic' for p-values that need no permutations, or permutations='auto'.
    """
    if isinstance(permutations, str):
        return v.choose(permutations, ("auto",), what="permutations (a whole number or 'auto')")
    count = v.require_int(permutations, what="permutations", minimum=minimum)
    if count > MAX_PERMUTATIONS:
        raise ValidationError(
            f"permutations={count} is more than the {MAX_PERMUTATIONS:,} any statistic takes; use "
            "inference='analytic' for p-values that need no permutations, or permutations='auto'."
        )
    return count


def check_seed(seed: int | None) -> int:
    """The seed to use and record: ``seed`` (a whole number from 0 to 2**64 - 1), or fresh entropy when None.

    Examples
    --------
    >>> check_seed(7)
    7
    >>> check_seed(2**64)
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: seed must be a whole number from 0 to 2**64 - 1, got 18446744073709551616.
    """
    resolved = v.resolve_seed(seed)
    if resolved >= 2**64:
        raise ValidationError(f"seed must be a whole number from 0 to 2**64 - 1, got {resolved}.")
    return resolved


def permutations_needed(tests: int, alpha: float, correction: str, alternative: str) -> int:
    r"""The fewest permutations with which the correction can call the strongest of ``tests`` areas significant.

    Notes
    -----
    With :math:`P` permutations the smallest pseudo p-value is :math:`c/(P+1)`, :math:`c = 2` two-sided and
    1 otherwise. The strongest area is significant when its p-value is at most the threshold :math:`t` of
    :func:`~deprivation_map.spatial.multiple_testing.significance_threshold` (:math:`\alpha` uncorrected,
    :math:`\alpha/m` with FDR or Bonferroni over :math:`m` tests), so :math:`P = \lceil c/t \rceil - 1`.

    Examples
    --------
    >>> permutations_needed(3085, 0.05, "fdr", "two-sided")  # GeoDa's natregimes: 999 cannot reach it
    123399
    >>> permutations_needed(3085, 0.05, "none", "two-sided")
    39
    """
    threshold = significance_threshold(tests, alpha, correction)
    return max(1, math.ceil(_SIDES[alternative] / threshold * (1 - 1e-12)) - 1)


def _auto(needed: int) -> int:
    """What "auto" asks for: ``needed + 1`` rounded up to two significant digits, minus one, at least :data:`AUTO_MIN`.

    6,359 -> 6,399; 123,399 -> 129,999; 39 -> 999.
    """
    scale = 10 ** max(0, len(str(needed + 1)) - 2)
    return max(AUTO_MIN, math.ceil((needed + 1) / scale) * scale - 1)


def choose_permutations(
    permutations: int | str,
    *,
    tests: int,
    steps: int,
    columns: int,
    alpha: float,
    correction: str,
    alternative: str,
    stacklevel: int = 2,
) -> int:
    """The number of permutations to run for ``tests`` local tests; warns when the correction cannot reach ``alpha``.

    ``steps`` is the work of one permutation (the sum of the numbers of neighbours), ``columns`` the widest
    row of the table of draws (the largest number of neighbours).

    ``"auto"`` takes :func:`permutations_needed` rounded up to two significant digits, at least
    :data:`AUTO_MIN`, and at most what :data:`AUTO_WORK` steps (about 10 s) and a 1 GiB table of draws allow;
    when that cap stops it, it warns with the numbers. An explicit count is run as given (refused if its
    table of draws would exceed :data:`MAX_TABLE_BYTES`), with a warning when it makes the correction unable
    to call any area significant.

    Examples
    --------
    >>> choose_permutations("auto", tests=159, steps=900, columns=10, alpha=0.05, correction="fdr",
    ...                     alternative="two-sided")
    6399
    """
    needed = permutations_needed(tests, alpha, correction, alternative)
    bytes_per = 32 * max(columns, 1)
    if permutations == "auto":
        cap = int(min(AUTO_WORK / max(steps, 1), _AUTO_TABLE_BYTES / bytes_per, MAX_PERMUTATIONS))
        chosen = _auto(needed)
        if chosen <= cap:
            return chosen
        scale = 10 ** max(0, len(str(cap + 1)) - 2)  # rounded down to two significant digits: 40,999, not 41,665
        chosen = max(AUTO_MIN, (cap + 1) // scale * scale - 1)
        warnings.warn(
            _unreachable(chosen, needed, tests, alpha, correction, alternative)
            + f" permutations='auto' stopped at {chosen:,}: {needed:,} would take about "
            f"{needed * steps * SECONDS_PER_STEP:,.0f} s. Use inference='analytic', or pass "
            f"permutations={_auto(needed)} to run them anyway.",
            DeprivationMapWarning,
            stacklevel=stacklevel + 1,
        )
        return chosen
    if permutations * bytes_per > MAX_TABLE_BYTES:
        raise ValidationError(
            f"permutations={permutations:,} with up to {columns} neighbours per area needs a table of "
            f"{permutations * bytes_per / 2**30:.1f} GiB, more than {MAX_TABLE_BYTES / 2**30:.0f} GiB; use fewer "
            "permutations or inference='analytic'."
        )
    if permutations < needed:
        warnings.warn(
            _unreachable(permutations, needed, tests, alpha, correction, alternative)
            + f" Use permutations='auto' ({_auto(needed):,}) or inference='analytic'.",
            DeprivationMapWarning,
            stacklevel=stacklevel + 1,
        )
    return permutations


def _unreachable(permutations: int, needed: int, tests: int, alpha, correction, alternative) -> str:
    smallest = _SIDES[alternative] / (permutations + 1)
    threshold = significance_threshold(tests, alpha, correction)
    if correction == "fdr":  # Benjamini-Hochberg passes k areas at the smallest p when it is <= alpha k / m
        together = math.ceil(smallest * tests / alpha * (1 - 1e-12))
        consequence = (
            f"an area can be labelled significant only when at least {together:,} areas reach that smallest "
            "p-value together, so smaller clusters cannot be found"
        )
    else:
        consequence = "no area can be labelled significant"
    return (
        f"With {permutations:,} permutations the smallest {alternative} p-value is {smallest:.3g}, but "
        f"{CORRECTION_NAMES[correction]} over {tests:,} areas needs p <= {threshold:.3g} for the strongest area "
        f"to be significant at alpha={alpha}: {consequence} (that takes {needed:,} permutations)."
    )


def conditional_counts(pool, off, fixed, factor, observed, permutations: int, seed: int):
    """Counts ``(n_ge, n_le)`` of conditionally permuted local statistics at or beyond the observed ones, and ``z_sim``.

    The statistic of area ``i`` is ``factor[i] * (fixed[i] + sum_j off[i, j] * pool[j])``; its permutations
    draw the neighbours' values from the other areas, with the draws of
    :func:`deprivation_map.spatial._lisa_kernel.draw_table` (see
    :func:`~deprivation_map.spatial._lisa_kernel.local_counts`, imported here so that numba loads only when
    needed). ``z_sim`` is the observed statistic standardised by the mean and standard deviation of its
    permutations (esda's ``z_sim``; NaN where they do not vary).
    """
    k_max = int(np.diff(off.indptr).max(initial=0))
    draws = _draws(len(pool) - 1, k_max, permutations, seed)
    return counts_with_draws(pool, off, fixed, factor, observed, draws)


def _draws(n_positions: int, k_max: int, permutations: int, seed: int) -> np.ndarray:
    """The table of :func:`deprivation_map.spatial._lisa_kernel.draw_table`; small and sparse, in NumPy (the same)."""
    if (n_positions + 1) * permutations <= SMALL_CELLS and k_max * k_max <= 16 * n_positions:  # no numba to load
        return numpy_draw_table(n_positions, k_max, permutations, seed)
    from ._lisa_kernel import draw_table

    return draw_table(n_positions, k_max, permutations, np.uint64(seed))


def counts_with_draws(pool, off, fixed, factor, observed, draws: np.ndarray):
    """:func:`conditional_counts` with a given table of draws (e.g. esda's, to compare with it).

    Up to :data:`~deprivation_map.spatial._numpy_kernels.SMALL_CELLS` areas x permutations, in NumPy (the same
    counts; no numba to load).
    """
    if len(pool) * len(draws) <= SMALL_CELLS:
        from ._numpy_kernels import local_counts
    else:
        from ._lisa_kernel import local_counts

    f64 = np.float64
    n_ge, n_le, shift, square = local_counts(
        np.ascontiguousarray(pool, dtype=f64),
        off.indptr.astype(np.int64),
        np.ascontiguousarray(off.data, dtype=f64),
        np.ascontiguousarray(fixed, dtype=f64),
        np.ascontiguousarray(factor, dtype=f64),
        np.ascontiguousarray(observed, dtype=f64),
        np.ascontiguousarray(draws, dtype=np.int64),
    )
    permutations = len(draws)
    mean_shift = shift / permutations  # mean of (permuted - observed): computed about the observed value
    sd = np.sqrt(np.maximum(square / permutations - mean_shift**2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z_sim = np.where(sd > 0, -mean_shift / sd, np.nan)
    return n_ge, n_le, z_sim


def conditional_moments(pool, off, fixed, factor) -> tuple[np.ndarray, np.ndarray]:
    r"""Exact mean and variance of ``factor[i] * (fixed[i] + sum_j off[i, j] * pool[draw_j])`` under conditional randomisation.

    Notes
    -----
    Area :math:`i`'s :math:`k_i` neighbours' values are drawn without replacement from the other
    :math:`n - 1` values of ``pool``, whose mean and variance are
    :math:`\mu_i = (\sum_j p_j - p_i)/(n-1)` and
    :math:`\sigma_i^2 = (\sum_j p_j^2 - p_i^2)/(n-1) - \mu_i^2`. With :math:`W_i = \sum_j w_{ij}` and
    :math:`W_{2i} = \sum_j w_{ij}^2` (sampling without replacement from a finite population),

    .. math:: E[L_i] = W_i \mu_i, \qquad
              \mathrm{Var}[L_i] = \sigma_i^2\,\frac{n-1}{n-2}\left(W_{2i} - \frac{W_i^2}{n-1}\right)

    for the lag :math:`L_i = \sum_j w_{ij} p_{\pi(j)}`, and the statistic's moments follow:
    :math:`E = f_i (c_i + E[L_i])`, :math:`\mathrm{Var} = f_i^2\,\mathrm{Var}[L_i]`. For local Moran
    (``pool`` the standardised values, :math:`f_i \propto z_i`) these are Sokal, Oden and Thomson's (1998)
    conditional moments, as R's ``spdep::localmoran`` computes them (``conditional = TRUE``).

    Examples
    --------
    >>> from scipy import sparse
    >>> off = sparse.csr_array(np.array([[0, 1.0, 0, 0], [0.5, 0, 0.5, 0], [0, 0.5, 0, 0.5], [0, 0, 1.0, 0]]))
    >>> mean, var = conditional_moments(np.array([1.0, 2, 3, 4]), off, np.zeros(4), np.ones(4))
    >>> mean.tolist()  # area 0 draws one value from {2, 3, 4}; area 1 the mean of two from {1, 3, 4}
    [3.0, 2.6666666666666665, 2.3333333333333335, 2.0]
    >>> var.round(6).tolist()  # Var of one draw from {2, 3, 4} is 2/3; of the mean of two from {1, 3, 4}, 7/18
    [0.666667, 0.388889, 0.388889, 0.666667]
    """
    n = len(pool)
    total, squares = pool.sum(), (pool * pool).sum()
    mu = (total - pool) / (n - 1)
    sigma2 = np.maximum((squares - pool * pool) / (n - 1) - mu * mu, 0.0)
    w_sum = np.asarray(off.sum(axis=1)).ravel()
    w_sq = np.asarray(off.multiply(off).sum(axis=1)).ravel()
    lag_var = sigma2 * (n - 1) / (n - 2) * np.maximum(w_sq - w_sum**2 / (n - 1), 0.0)
    return factor * (fixed + w_sum * mu), factor * factor * lag_var


def moment_z(statistic: np.ndarray, mean: np.ndarray, variance: np.ndarray) -> np.ndarray:
    """``(statistic - mean) / sqrt(variance)``; 0 where the null distribution is a single point (no variance).

    Examples
    --------
    >>> moment_z(np.array([3.0, 1.0]), np.array([1.0, 1.0]), np.array([4.0, 0.0])).tolist()
    [1.0, 0.0]
    """
    sd = np.sqrt(variance)
    spread = sd > 1e-12 * (np.abs(statistic) + np.abs(mean))
    return np.divide(statistic - mean, sd, out=np.zeros_like(sd), where=spread)
