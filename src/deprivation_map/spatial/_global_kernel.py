"""The permutation kernel for global statistics, compiled with numba and cached on disk.

Moran's I, Geary's C, General G and bivariate Moran's I of a permuted variable are all built from two sums,
``x_p' W y_p`` and ``sum_i m_i y_p[i]**2``, where ``y_p`` is a random permutation of ``y`` (and ``x_p`` either
the same permutation of ``x`` or ``x`` itself). Permutation ``p`` is a Fisher-Yates shuffle of the areas in
canonical order, drawn from its own SplitMix64 stream seeded by ``(seed, p)``, so results do not depend on the
number of threads. Imported only when a global permutation test runs: numba is heavy.

Speed. Summing ``x_p' W y_p`` reads every area's neighbours' values: in canonical order (sorted by ID, which
need not follow geography) those reads jump across the whole array, and at a million areas they cost about 97%
of the time. So the sums run in a *local order* of the areas, given by the caller (a bandwidth-reducing order
of the graph: neighbours get nearby numbers): each shuffled array is read once through that order into a
column of a ``n x 8`` block, and the graph, renumbered in the same order, is then walked once per block of 8
permutations, reading nearby rows of 8 values. The shuffle itself is unchanged, so the permutations, and the
sums up to rounding in their last digits, are those of canonical order whatever the local order.
Measured at a million areas (``benchmarks/bench_hotspots.py``): 23 s of CPU for 999 permutations before, 12.6
after; what remains is the shuffle (about 1.7 ms per permutation), the read into local order (2.7 ms, random
reads) and the sums (2.3 ms), on a shared machine.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numba import njit, uint64

from ._streams import AREA, below, splitmix

__all__ = ["BLOCK", "permuted_sums"]

BLOCK = 8
"""Permutations summed together in one walk of the graph (8 float64: one cache line per area; the block
sums are written out for 8)."""


@njit(cache=True, nogil=True)
def _shuffle(x, y, xp, yp, two, p, seed):
    """Permutation ``p`` of ``y`` into ``yp`` (and the same one of ``x`` into ``xp`` when ``two``)."""
    state = uint64(seed) ^ (uint64(p + 1) * AREA)
    state, _ = splitmix(state)
    yp[:] = y
    if two:
        xp[:] = x
    for i in range(y.shape[0] - 1, 0, -1):
        state, j = below(state, i + 1)
        yp[i], yp[j] = yp[j], yp[i]
        if two:
            xp[i], xp[j] = xp[j], xp[i]


@njit(cache=True, nogil=True)
def _block_sums(xs, ys, indptr, indices, weights, margins, cross, square):
    """``cross[q] = xs[:, q]' W ys[:, q]`` and ``square[q] = sum_a margins[a] ys[a, q]**2`` for the 8 columns.

    Written out for the 8 columns of :data:`BLOCK`, as separate scalars: an array of accumulators might alias
    ``ys`` for the compiler, which would then load and store it at every step instead of keeping it in
    registers (4x slower). Each sum runs in the order of the areas and of their neighbours, as in the
    one-permutation loop it replaces.
    """
    c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = 0.0
    s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = 0.0
    for a in range(ys.shape[0]):
        l0 = l1 = l2 = l3 = l4 = l5 = l6 = l7 = 0.0
        for m in range(indptr[a], indptr[a + 1]):
            wm = weights[m]
            r = ys[indices[m]]
            l0 += wm * r[0]
            l1 += wm * r[1]
            l2 += wm * r[2]
            l3 += wm * r[3]
            l4 += wm * r[4]
            l5 += wm * r[5]
            l6 += wm * r[6]
            l7 += wm * r[7]
        x, r, ma = xs[a], ys[a], margins[a]
        c0 += x[0] * l0
        c1 += x[1] * l1
        c2 += x[2] * l2
        c3 += x[3] * l3
        c4 += x[4] * l4
        c5 += x[5] * l5
        c6 += x[6] * l6
        c7 += x[7] * l7
        s0 += ma * r[0] * r[0]
        s1 += ma * r[1] * r[1]
        s2 += ma * r[2] * r[2]
        s3 += ma * r[3] * r[3]
        s4 += ma * r[4] * r[4]
        s5 += ma * r[5] * r[5]
        s6 += ma * r[6] * r[6]
        s7 += ma * r[7] * r[7]
    cross[:] = (c0, c1, c2, c3, c4, c5, c6, c7)
    square[:] = (s0, s1, s2, s3, s4, s5, s6, s7)


@njit(cache=True, nogil=True)
def _worker(x, y, order, indptr, indices, weights, margins, permute_x, same, seed, t, workers, cross, square):
    """Blocks ``t, t + workers, ...`` of :data:`BLOCK` permutations, with this worker's own scratch arrays."""
    n, permutations = y.shape[0], cross.shape[0]
    two = permute_x and not same
    yp, xp = np.empty(n), np.empty(n if two else 0)
    ys = np.zeros((n, BLOCK))
    xs = ys if same else np.empty((n, BLOCK))
    if not permute_x:
        for a in range(n):
            for q in range(BLOCK):
                xs[a, q] = x[order[a]]
    block_cross, block_square = np.empty(BLOCK), np.empty(BLOCK)
    for b in range(t, (permutations + BLOCK - 1) // BLOCK, workers):
        first = b * BLOCK
        width = min(BLOCK, permutations - first)
        for q in range(width):
            _shuffle(x, y, xp, yp, two, first + q, seed)
            for a in range(n):
                ys[a, q] = yp[order[a]]
                if two:
                    xs[a, q] = xp[order[a]]
        _block_sums(xs, ys, indptr, indices, weights, margins, block_cross, block_square)
        for q in range(width):
            cross[first + q] = block_cross[q]
            square[first + q] = block_square[q]


def permuted_sums(x, y, order, indptr, indices, weights, margins, permute_x, permutations, seed, same, threads):
    """``(cross, square)`` per permutation: ``x_p' W y_p`` and ``sum_i margins[i] * y_p[i]**2``.

    ``x`` and ``y`` are in canonical order; ``order[a]`` is the canonical position of the area numbered ``a``
    in local order, in which ``W`` (CSR: ``indptr, indices, weights``) and ``margins`` are given. With
    ``same`` (``x`` is ``y``, permuted together) only ``y`` is shuffled and read as both. Without
    ``permute_x``, ``x`` stays in place. Each permutation is a Fisher-Yates shuffle whose index ``j`` in
    ``0..i`` comes from 32 random bits reduced by multiply-shift (bias below ``n / 2**32``). Blocks of
    :data:`BLOCK` permutations are independent: each of up to ``threads`` workers (Python threads running the
    compiled worker without the GIL: no parallel region to compile, which took seconds) takes every
    ``workers``-th block with its own scratch arrays, and the sums of a block do not depend on which worker
    computes it.
    """
    cross = np.zeros(permutations)
    square = np.zeros(permutations)
    workers = max(1, min(threads, (permutations + BLOCK - 1) // BLOCK))
    args = (x, y, order, indptr, indices, weights, margins, permute_x, same, seed)

    def run(t: int) -> None:
        _worker(*args, t, workers, cross, square)

    if workers == 1:
        run(0)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(run, range(workers)))
    return cross, square
