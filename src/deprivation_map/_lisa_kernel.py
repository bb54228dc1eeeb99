"""The conditional-randomisation kernel for local statistics, compiled with numba and cached on disk.

Local Moran, bivariate local Moran and Getis-Ord Gi* all have the form
``factor[i] * (fixed[i] + sum_j w_ij pool[j])``, so one kernel serves them all. It has the semantics of
esda's conditional randomisation (each area keeps its own value and draws its neighbours' values without
replacement from the other ``n - 1`` areas) but indexes instead of copying the
value vector for every area, so its cost grows with ``n * permutations * k`` rather than ``n**2``. Each area
draws from its own counter-based random stream (SplitMix64 seeded by ``(seed, area)``), so results are
identical whatever the number of threads. ``cache=True`` compiles once and later processes load the
machine code from disk. This module is imported only when a local statistic is computed: numba is heavy.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, uint64

__all__ = ["local_counts"]

_GOLDEN = uint64(0x9E3779B97F4A7C15)
_MIX1 = uint64(0xBF58476D1CE4E5B9)
_MIX2 = uint64(0x94D049BB133111EB)
_AREA = uint64(0xD1B54A32D192ED03)
_LOW = uint64(0xFFFFFFFF)


@njit(inline="always")
def _splitmix(state):
    """One SplitMix64 step: (new state, 64 random bits)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> uint64(30))) * _MIX1
    z = (z ^ (z >> uint64(27))) * _MIX2
    return state, z ^ (z >> uint64(31))


@njit(parallel=True, cache=True, nogil=True)
def local_counts(pool, indptr, indices, weights, fixed, factor, observed, permutations, seed):
    """Count, per area, the permuted local statistics ``>=`` and ``<=`` the observed one.

    ``indptr, indices, weights`` are the graph in CSR form without its diagonal (``indices`` is unused: the
    neighbours are drawn at random). For area ``i`` with ``k`` neighbours each permutation draws ``k``
    distinct areas other than ``i`` uniformly (32-bit draws reduced by multiply-shift, whose bias is below
    ``n / 2**32``; duplicates are rejected, expected draws < 2k while k <= (n - 1) / 2) and computes ``factor[i] * (fixed[i] + sum_m weights[m] * pool[draw_m])``. Areas with
    no neighbour get zero counts; the caller marks them as isolates.
    """
    n = pool.shape[0]
    n_ge = np.zeros(n, dtype=np.int64)
    n_le = np.zeros(n, dtype=np.int64)
    others = uint64(n - 1)
    for i in prange(n):
        start = indptr[i]
        k = indptr[i + 1] - start
        if k == 0:
            continue
        state = uint64(seed) ^ (uint64(i) * _AREA)
        state, _ = _splitmix(state)
        picks = np.empty(k, dtype=np.int64)
        w = weights[start : start + k]
        base, zi, obs = fixed[i], factor[i], observed[i]
        ge, le = 0, 0
        spare, have = uint64(0), False
        for _p in range(permutations):
            lag = base
            m = 0
            while m < k:
                if have:  # each 64-bit output gives two 32-bit draws
                    r, have = spare, False
                else:
                    state, bits = _splitmix(state)
                    r, spare, have = bits & _LOW, bits >> uint64(32), True
                j = np.int64((r * others) >> uint64(32))  # Lemire's multiply-shift: uniform on 0..n-2
                if j >= i:
                    j += 1
                fresh = True
                for q in range(m):
                    if picks[q] == j:
                        fresh = False
                        break
                if fresh:
                    picks[m] = j
                    lag += w[m] * pool[j]
                    m += 1
            stat = zi * lag
            if stat >= obs:
                ge += 1
            if stat <= obs:
                le += 1
        n_ge[i] = ge
        n_le[i] = le
    return n_ge, n_le
