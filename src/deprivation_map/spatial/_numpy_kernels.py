"""The permutation kernels in plain NumPy, for small problems: the same draws and sums as the numba kernels.

Compiling the numba kernels takes seconds the first time (about 10 s for the local and global kernels
together, paid once per installation) and loading them from the cache still costs a fraction of a second per
process, more than the work itself for a few hundred areas (the demo's 159 counties). So small problems run
here instead, vectorised over the permutations (and, for the local kernel, over the areas), with the same
SplitMix64 streams, the same Fisher-Yates shuffles and draw tables, and each statistic summed in the same
order as the numba kernels: the sims and the counts (so the p-values) are identical. Only the sums of
deviations behind the local ``z_sim`` may differ in their last digits (the numba kernel reassociates them).
"""

from __future__ import annotations

import numpy as np

__all__ = ["SMALL_CELLS", "draw_table", "local_counts", "permuted_sums", "splitmix"]

SMALL_CELLS = 2_000_000
"""Areas x permutations up to which the NumPy kernels run (16 MB per table of values, a few tables at once)."""

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_AREA = np.uint64(0xD1B54A32D192ED03)
_LOW = np.uint64(0xFFFFFFFF)


def splitmix(state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One SplitMix64 step of each stream in ``state`` (uint64): (new states, 64 random bits each)."""
    state = state + _GOLDEN
    z = (state ^ (state >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return state, z ^ (z >> np.uint64(31))


def _below(state: np.ndarray, size) -> tuple[np.ndarray, np.ndarray]:
    """(new states, a uniform integer in ``0 .. size - 1`` each): 32 random bits reduced by multiply-shift."""
    state, bits = splitmix(state)
    return state, ((bits & _LOW) * np.asarray(size, dtype=np.uint64) >> np.uint64(32)).astype(np.int64)


def _seeds(permutations: int, seed: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.uint64(seed) ^ (np.arange(1, permutations + 1, dtype=np.uint64) * _AREA)


def shuffles(n: int, permutations: int, seed: int) -> np.ndarray:
    """``(permutations, n)`` positions: row ``p`` is the Fisher-Yates shuffle of ``0 .. n-1`` of stream ``p``."""
    state, _ = splitmix(_seeds(permutations, seed))
    positions = np.tile(np.arange(n), (permutations, 1))
    rows = np.arange(permutations)
    for i in range(n - 1, 0, -1):
        state, j = _below(state, i + 1)
        positions[rows, i], positions[rows, j] = positions[rows, j], positions[rows, i]
    return positions


def permuted_sums(x, y, indptr, indices, weights, margins, permute_x, permutations, seed, same=False):
    """``(cross, square)`` per permutation, as :func:`deprivation_map.spatial._global_kernel.permuted_sums`.

    The graph in canonical order (CSR with sorted indices). Each sum runs over the areas, and each lag over
    the neighbours, in order (``cumsum``, never NumPy's pairwise ``sum``), as in the numba kernel.
    """
    positions = shuffles(len(y), permutations, seed)
    yp = y[positions]
    xp = yp if same else x[positions] if permute_x else np.broadcast_to(x, yp.shape)
    counts = np.diff(indptr)
    lag = np.zeros_like(yp)
    for m in range(int(counts.max(initial=0))):  # the m-th neighbour of every area that has one
        rows = np.flatnonzero(counts > m)
        entry = indptr[rows] + m
        lag[:, rows] += weights[entry] * yp[:, indices[entry]]
    cross = np.cumsum(xp * lag, axis=1)[:, -1]
    square = np.cumsum(margins * yp * yp, axis=1)[:, -1]
    return cross, square


def draw_table(n_positions: int, k_max: int, permutations: int, seed: int) -> np.ndarray:
    """The table of :func:`deprivation_map.spatial._lisa_kernel.draw_table` when ``k_max**2 <= 16 * n_positions``.

    Row ``p``: draws from stream ``p`` of ``0 .. n_positions - 1``, a repeat within the row drawn again.
    """
    if k_max * k_max > 16 * n_positions:
        raise ValueError("the NumPy draw table covers sparse graphs only (k_max**2 <= 16 * n_positions)")
    state = splitmix(_seeds(permutations, seed))[1]
    table = np.empty((permutations, k_max), dtype=np.int64)
    for m in range(k_max):
        need = np.arange(permutations)
        while len(need):
            state[need], j = _below(state[need], n_positions)
            table[need, m] = j
            need = need[(table[need, :m] == j[:, None]).any(axis=1)]
    return table


def local_counts(pool, indptr, weights, fixed, factor, observed, draws):
    """``(n_ge, n_le, shift, square)`` as :func:`deprivation_map.spatial._lisa_kernel.local_counts`.

    Vectorised over areas and permutations: the lag of area ``i`` sums ``weights[m] * pool[j_m + (j_m >= i)]``
    in the order of ``m``, so each permuted statistic, and each count, is the numba kernel's.
    """
    n = len(pool)
    counts = np.diff(indptr)
    lag = np.zeros((n, len(draws)))
    area = np.arange(n)[:, None]
    for m in range(int(counts.max(initial=0))):
        rows = np.flatnonzero(counts > m)
        j = draws[:, m][None, :]
        value = pool[j + (j >= area[rows])]
        lag[rows] += weights[indptr[rows] + m][:, None] * value
    stat = factor[:, None] * (fixed[:, None] + lag)
    linked = (counts > 0)[:, None]
    ge = ((stat >= observed[:, None]) & linked).sum(axis=1)
    le = ((stat <= observed[:, None]) & linked).sum(axis=1)
    d = np.where(linked, stat - observed[:, None], 0.0)
    return ge, le, d.sum(axis=1), (d * d).sum(axis=1)
