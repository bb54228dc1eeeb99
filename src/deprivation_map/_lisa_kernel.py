"""The conditional-randomisation kernel for local statistics, compiled with numba and cached on disk.

Local Moran, bivariate local Moran and Getis-Ord Gi* all have the form
``factor[i] * (fixed[i] + sum_j w_ij pool[j])``, so one kernel serves them all. It has the semantics of
esda's conditional randomisation (each area keeps its own value and draws its neighbours' values without
replacement from the other ``n - 1`` areas) but indexes instead of copying the value vector for every area,
so its cost grows with ``n * permutations * k`` rather than ``n**2``. Each area draws from its own
counter-based random stream (SplitMix64, Steele et al. 2014, started from a hash of ``(seed, area)``), so
results are identical whatever the number of threads. ``cache=True`` compiles once and later processes load
the machine code from disk. This module is imported only when a local statistic is computed: numba is heavy.
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
_CHUNK = 256


@njit(inline="always")
def _splitmix(state):
    """One SplitMix64 step: (new state, 64 random bits)."""
    state = state + _GOLDEN
    z = state
    z = (z ^ (z >> uint64(30))) * _MIX1
    z = (z ^ (z >> uint64(27))) * _MIX2
    return state, z ^ (z >> uint64(31))


@njit(inline="always")
def _draw(state, others, i):
    """A uniform index in 0..others other than i (multiply-shift reduction, bias below others / 2**32)."""
    state, bits = _splitmix(state)
    j = np.int64(((bits & _LOW) * others) >> uint64(32))
    return state, j + (j >= i)


@njit(inline="always")
def _lag_of_distinct(state, others, i, picks, k, w, pool, whole):
    """Draw ``k`` distinct indices other than ``i`` uniformly into ``picks``; return (state, sum_m w[m] pool[pick_m]).

    With ``whole`` (small ``k``), the k draws are made and read together and, in the rare case of a repeat,
    redrawn together, which keeps the random stream's dependency chain short and lets the memory reads
    overlap; otherwise each repeat is redrawn on its own. Both give every ordered k-tuple of distinct indices
    the same probability, i.e. draws without replacement.
    """
    if whole:
        while True:
            lag = 0.0
            for m in range(k):
                state, j = _draw(state, others, i)
                picks[m] = j
                lag += w[m] * pool[j]
            repeat = False
            for a in range(1, k):
                for b in range(a):
                    repeat |= picks[a] == picks[b]
            if not repeat:
                return state, lag
    lag = 0.0
    for m in range(k):
        while True:
            state, j = _draw(state, others, i)
            fresh = True
            for q in range(m):
                if picks[q] == j:
                    fresh = False
                    break
            if fresh:
                break
        picks[m] = j
        lag += w[m] * pool[j]
    return state, lag


@njit(parallel=True, cache=True, nogil=True)
def local_counts(pool, indptr, indices, weights, fixed, factor, observed, permutations, seed):
    """Count, per area, the permuted local statistics ``>=`` and ``<=`` the observed one.

    ``indptr, indices, weights`` are the graph in CSR form without its diagonal (``indices`` is unused: the
    neighbours are drawn at random). For area ``i`` with ``k`` neighbours each permutation draws ``k``
    distinct areas other than ``i`` uniformly and computes ``factor[i] * (fixed[i] + sum_m weights[m] *
    pool[draw_m])``. Areas with no neighbour get zero counts; the caller marks them as isolates.
    """
    n = pool.shape[0]
    n_ge = np.zeros(n, dtype=np.int64)
    n_le = np.zeros(n, dtype=np.int64)
    others = uint64(n - 1)
    k_max = 0
    for i in range(n):
        k_max = max(k_max, indptr[i + 1] - indptr[i])
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    for c in prange(n_chunks):  # one scratch array per chunk of areas: no allocation per area
        picks = np.empty(k_max, dtype=np.int64)
        for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
            start = indptr[i]
            k = indptr[i + 1] - start
            if k == 0:
                continue
            state = _splitmix(uint64(seed) ^ (uint64(i) * _AREA))[1]
            whole = k <= 16 and 8 * k * k <= n
            w = weights[start : start + k]
            base, zi, obs = fixed[i], factor[i], observed[i]
            ge, le = 0, 0
            for _p in range(permutations):
                state, lag = _lag_of_distinct(state, others, i, picks, k, w, pool, whole)
                stat = zi * (base + lag)
                ge += stat >= obs
                le += stat <= obs
            n_ge[i] = ge
            n_le[i] = le
    return n_ge, n_le
