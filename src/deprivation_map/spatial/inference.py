"""Permutation inference: pseudo p-values from permutation counts, and the seeds that drive them."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import _validation as v

__all__ = ["ALTERNATIVES", "p_values"]  # the counts functions serve the local statistics of this package


def _two_sided(n_ge, n_le, permutations):
    return np.minimum(1.0, 2.0 * (np.minimum(n_ge, n_le) + 1.0) / (permutations + 1.0))


def _greater(n_ge, n_le, permutations):
    return (n_ge + 1.0) / (permutations + 1.0)


def _less(n_ge, n_le, permutations):
    return (n_le + 1.0) / (permutations + 1.0)


def _directed(n_ge, n_le, permutations):
    larger = np.where(permutations - n_ge < n_ge, permutations - n_ge, n_ge)
    return (larger + 1.0) / (permutations + 1.0)


ALTERNATIVES: dict[str, Callable[[np.ndarray, np.ndarray, int], np.ndarray]] = {
    "two-sided": _two_sided,
    "greater": _greater,
    "less": _less,
    "directed": _directed,
}


def p_values(n_ge: np.ndarray, n_le: np.ndarray, permutations: int, alternative: str) -> np.ndarray:
    r"""Pseudo p-values from the counts of permuted statistics at or beyond the observed one.

    Notes
    -----
    With :math:`P` permutations, :math:`G = \#\{s \ge s_{obs}\}` and :math:`L = \#\{s \le s_{obs}\}`:

    - ``"two-sided"``: :math:`\min\{1,\ 2(\min(G, L) + 1)/(P + 1)\}` (twice the smaller tail, capped at 1);
    - ``"greater"``: :math:`(G + 1)/(P + 1)`; ``"less"``: :math:`(L + 1)/(P + 1)`;
    - ``"directed"``: esda's ``p_sim``, :math:`(\min(G, P - G) + 1)/(P + 1)`, the one-sided p-value in the
      direction the observed value lies (about half the two-sided one).

    Every value lies in :math:`(0, 1]`.

    Examples
    --------
    >>> p_values([0, 40, 999], [999, 960, 0], 999, "two-sided").round(3).tolist()
    [0.002, 0.082, 0.002]
    """
    func = v.lookup(ALTERNATIVES, alternative, what="alternative hypothesis")
    return func(np.asarray(n_ge, dtype=float), np.asarray(n_le, dtype=float), permutations)


def conditional_counts(pool, off, fixed, factor, observed, permutations: int, seed: int):
    """Counts ``(n_ge, n_le)`` of conditionally permuted local statistics at or beyond the observed ones.

    The statistic of area ``i`` is ``factor[i] * (fixed[i] + sum_j off[i, j] * pool[j])``; its permutations
    draw the neighbours' values from the other areas, with the draws of
    :func:`deprivation_map.spatial._lisa_kernel.draw_table` (see :func:`~deprivation_map.spatial._lisa_kernel.local_counts`,
    imported here so that numba loads only when needed).
    """
    from ._lisa_kernel import draw_table

    k_max = int(np.diff(off.indptr).max(initial=0))
    return counts_with_draws(
        pool, off, fixed, factor, observed, draw_table(len(pool) - 1, k_max, permutations, np.uint64(seed))
    )


def counts_with_draws(pool, off, fixed, factor, observed, draws: np.ndarray):
    """:func:`conditional_counts` with a given table of draws (e.g. esda's, to compare with it)."""
    from ._lisa_kernel import local_counts

    f64 = np.float64
    return local_counts(
        np.ascontiguousarray(pool, dtype=f64),
        off.indptr.astype(np.int64),
        np.ascontiguousarray(off.data, dtype=f64),
        np.ascontiguousarray(fixed, dtype=f64),
        np.ascontiguousarray(factor, dtype=f64),
        np.ascontiguousarray(observed, dtype=f64),
        np.ascontiguousarray(draws, dtype=np.int64),
    )
