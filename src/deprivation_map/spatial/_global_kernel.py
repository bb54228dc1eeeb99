"""The permutation kernel for global statistics, compiled with numba and cached on disk.

Moran's I, Geary's C, General G and bivariate Moran's I of a permuted variable are all built from two sums,
``x_p' W y_p`` and ``sum_i m_i y_p[i]**2``, where ``y_p`` is a random permutation of ``y`` (and ``x_p`` either
the same permutation of ``x`` or ``x`` itself). Permutations run in parallel, each with its own SplitMix64
stream seeded by ``(seed, permutation)``, so results do not depend on the number of threads. Imported only
when a global permutation test runs: numba is heavy.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, uint64

from ._streams import AREA, below, splitmix

__all__ = ["permuted_sums"]


@njit(parallel=True, cache=True, nogil=True)
def permuted_sums(x, y, indptr, indices, weights, margins, permute_x, permutations, seed, same=False):
    """``(cross, square)`` per permutation: ``x_p' W y_p`` and ``sum_i margins[i] * y_p[i]**2``.

    ``W`` is given in CSR form. With ``same`` (``x`` is ``y``, permuted together) only ``y`` is shuffled and
    read as both, which gives the same sums with half the memory traffic. Each permutation is a Fisher-Yates shuffle whose index ``j`` in ``0..i`` comes
    from 32 random bits reduced by multiply-shift (bias below ``n / 2**32``).
    """
    n = y.shape[0]
    cross = np.empty(permutations)
    square = np.empty(permutations)
    for p in prange(permutations):
        state = uint64(seed) ^ (uint64(p + 1) * AREA)
        state, _ = splitmix(state)
        yp = y.copy()
        xp = yp if same else x.copy()
        for i in range(n - 1, 0, -1):  # the same swaps on y and (if permute_x) x
            state, j = below(state, i + 1)
            yp[i], yp[j] = yp[j], yp[i]
            if permute_x and not same:
                xp[i], xp[j] = xp[j], xp[i]
        total = 0.0
        sq = 0.0
        for i in range(n):
            lag = 0.0
            for m in range(indptr[i], indptr[i + 1]):
                lag += weights[m] * yp[indices[m]]
            total += xp[i] * lag
            sq += margins[i] * yp[i] * yp[i]
        cross[p] = total
        square[p] = sq
    return cross, square
