"""Counter-based random streams for the permutation kernels: SplitMix64 (Steele, Lea and Flood 2014).

Each permutation draws from its own stream, seeded by a hash of ``(seed, permutation)``, so results are the
same whatever the number of threads and whatever numpy's version. Shared by the local and global kernels;
compiled by numba where they are (numba is heavy: imported only when a permutation test runs).
"""

from __future__ import annotations

import numpy as np
from numba import njit, uint64

__all__ = ["AREA", "GOLDEN", "below", "splitmix"]

GOLDEN = uint64(0x9E3779B97F4A7C15)
MIX1 = uint64(0xBF58476D1CE4E5B9)
MIX2 = uint64(0x94D049BB133111EB)
AREA = uint64(0xD1B54A32D192ED03)
LOW = uint64(0xFFFFFFFF)


@njit(inline="always")
def splitmix(state):
    """One SplitMix64 step: (new state, 64 random bits)."""
    state = state + GOLDEN
    z = state
    z = (z ^ (z >> uint64(30))) * MIX1
    z = (z ^ (z >> uint64(27))) * MIX2
    return state, z ^ (z >> uint64(31))


@njit(inline="always")
def below(state, size):
    """(new state, a uniform integer in ``0 .. size - 1``).

    32 random bits reduced by multiply-shift (bias below ``size / 2**32``).
    """
    state, bits = splitmix(state)
    return state, np.int64(((bits & LOW) * uint64(size)) >> uint64(32))
