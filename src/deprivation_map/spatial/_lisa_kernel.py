"""The conditional-randomisation kernel for local statistics, compiled with numba and cached on disk.

Local Moran, bivariate local Moran and Getis-Ord Gi* all have the form
``factor[i] * (fixed[i] + sum_m w_im pool[draw_m])``, so one kernel serves them all. It has esda's semantics
(``esda.crand``, Rey et al.): one table of ``P`` random draws is shared by every area; row ``p`` is an ordered
sample without replacement of ``k_max`` positions among ``0 .. n - 2``, and area ``i`` with ``k`` neighbours
reads its first ``k`` entries, each position ``j`` standing for area ``j + (j >= i)``. So every area keeps its
own value and draws its neighbours' values uniformly without replacement from the other ``n - 1`` areas: each
area's permutation distribution is exact, while areas share their draws (their p-values are not independent,
as in esda). Unlike esda, nothing is copied per area: the values at the drawn positions, ``pool[j]`` and
``pool[j + 1]``, are gathered once into two ``P x k_max`` tables, and each area reads them in order, choosing
one or the other by ``j >= i``. Memory traffic no longer grows with ``n``, and the cost is ``n * P * k`` reads
of a table that stays in cache.

The draws come from one SplitMix64 stream per permutation (Steele et al. 2014), so results are identical
whatever the number of threads and whatever numpy's version. ``cache=True`` compiles once; later processes
load the machine code from disk. This module is imported only when a permutation test runs: numba is heavy.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, uint64

from ._streams import AREA, below, splitmix

__all__ = ["draw_table", "local_counts"]

_CHUNK = 256
_BLOCK = 4096  # permutations per block: k_max x 4096 x 24 bytes of tables stay in cache


@njit(cache=True, nogil=True)
def draw_table(n_positions, k_max, permutations, seed):
    """The ``(permutations, k_max)`` int64 table of draws shared by every area.

    Row ``p`` is an ordered sample without replacement of ``0 .. n_positions - 1``, every ordered sample
    equally likely.

    Row ``p`` uses its own stream, seeded by a hash of ``(seed, p)``. With few columns (``k_max**2 <= 16 *
    n_positions``) a repeat within the row is drawn again; otherwise (dense graphs) the row is a partial
    Fisher-Yates shuffle of a running arrangement of all positions, which needs no redraws.
    """
    table = np.empty((permutations, k_max), dtype=np.int64)
    sparse = k_max * k_max <= 16 * n_positions
    arrangement = np.arange(0 if sparse else n_positions)
    for p in range(permutations):
        state = splitmix(uint64(seed) ^ (uint64(p + 1) * AREA))[1]
        for m in range(k_max):
            if sparse:
                while True:
                    state, j = below(state, n_positions)
                    fresh = True
                    for q in range(m):
                        if table[p, q] == j:
                            fresh = False
                            break
                    if fresh:
                        break
            else:  # a uniform pick among the positions not yet in the row: arrangement[m:]
                state, r = below(state, n_positions - m)
                arrangement[m], arrangement[m + r] = arrangement[m + r], arrangement[m]
                j = arrangement[m]
            table[p, m] = j
    return table


@njit(cache=True, nogil=True, fastmath={"reassoc", "nsz"})
def _tally(lag, width, base, zi, obs):
    """Counts ``>= obs`` and ``<= obs``, and sums of ``stat - obs`` and its square, over one block of permutations.

    ``stat = zi * (base + lag[q])`` for ``q < width``. Only the two sums may be reassociated (``fastmath``), so that the compiler vectorises them; each ``stat``
    is computed exactly as written, so the counts (and the p-values) are exact and equal esda's given its draws.
    """
    ge, le = 0, 0
    s1, s2 = 0.0, 0.0
    for q in range(width):
        stat = zi * (base + lag[q])
        ge += stat >= obs
        le += stat <= obs
        d = stat - obs
        s1 += d
        s2 += d * d
    return ge, le, s1, s2


@njit(parallel=True, cache=True, nogil=True)
def local_counts(pool, indptr, weights, fixed, factor, observed, draws):
    """Count, per area, the permuted local statistics ``>=`` and ``<=`` the observed one, and sum their deviations.

    ``indptr, weights`` are the graph in CSR form without its diagonal (the neighbours themselves are not
    needed: their values are drawn). ``draws`` is a :func:`draw_table` over ``n - 1`` positions with at least
    as many columns as the largest number of neighbours. Permutation ``p`` of area ``i`` with ``k``
    neighbours computes ``factor[i] * (fixed[i] + sum_{m<k} weights[m] * pool[j_m + (j_m >= i)])`` with
    ``j_m = draws[p, m]``; the sum runs in the order of ``m``, for a block of ``p`` at once (a loop the
    compiler vectorises). Areas with no neighbour get zero counts; the caller marks them as isolates. ``shift``
    and ``square`` are the sums of ``stat - observed`` and of its square over the permutations (about the
    observed value, so the permutation variance keeps its digits), from which the caller computes esda's
    ``z_sim``; they are summed block by block, in a fixed order whatever the number of threads.

    Each thread takes a chunk of areas and walks the permutations in blocks of ``_BLOCK``: every area of the
    chunk reads the same block of the gathered tables while it is in cache, so the tables are read from memory
    once per chunk instead of once per area (with 130,000 permutations they no longer fit in cache).
    """
    n = pool.shape[0]
    permutations, k_max = draws.shape
    drawn = np.empty((k_max, permutations), dtype=np.int64)  # draws transposed: row m, all permutations
    below = np.empty((k_max, permutations))  # pool[j]: the value position j stands for when j < i
    above = np.empty((k_max, permutations))  # pool[j + 1]: when j >= i
    for m in range(k_max):
        for p in range(permutations):
            drawn[m, p] = draws[p, m]
            below[m, p] = pool[draws[p, m]]
            above[m, p] = pool[draws[p, m] + 1]
    n_ge = np.zeros(n, dtype=np.int64)
    n_le = np.zeros(n, dtype=np.int64)
    shift = np.zeros(n)
    square = np.zeros(n)
    n_chunks = (n + _CHUNK - 1) // _CHUNK
    for c in prange(n_chunks):  # one scratch array per chunk of areas: no allocation per area
        lag = np.empty(_BLOCK)
        for first in range(0, permutations, _BLOCK):
            width = min(_BLOCK, permutations - first)
            for i in range(c * _CHUNK, min(n, (c + 1) * _CHUNK)):
                start = indptr[i]
                k = indptr[i + 1] - start
                if k == 0:
                    continue
                lag[:width] = 0.0
                for m in range(k):
                    wm = weights[start + m]
                    for q in range(width):
                        p = first + q
                        lag[q] += wm * (above[m, p] if drawn[m, p] >= i else below[m, p])
                ge, le, s1, s2 = _tally(lag, width, fixed[i], factor[i], observed[i])
                n_ge[i] += ge
                n_le[i] += le
                shift[i] += s1
                square[i] += s2
    return n_ge, n_le, shift, square
