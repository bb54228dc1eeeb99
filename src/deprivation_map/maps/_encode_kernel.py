"""The page's geometry text written byte by byte, compiled with numba and cached (see :mod:`.encode`).

Formatting millions of integers one Python string at a time takes seconds at national scale; here they are
written as ASCII digits into one buffer. Imported only when a map is encoded: numba is heavy.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["write_nested"]


@njit(cache=True, nogil=True)
def _put_int(buf, k, value):
    if value < 0:
        buf[k] = 45  # "-"
        k += 1
        value = -value
    if value == 0:
        buf[k] = 48
        return k + 1
    start = k
    while value > 0:
        buf[k] = 48 + value % 10
        value //= 10
        k += 1
    i, j = start, k - 1
    while i < j:
        buf[i], buf[j] = buf[j], buf[i]
        i += 1
        j -= 1
    return k


@njit(cache=True, nogil=True)
def write_nested(values, ring_bounds, rings_per_part, parts_per_area):
    """Each area as ``[[[v,v,...],[...]],[...]]``: bytes of all areas, and each area's end offset.

    ``values`` are the integers in order; ring ``r`` holds ``values[ring_bounds[r]:ring_bounds[r + 1]]``; part
    ``p`` the next ``rings_per_part[p]`` rings, area ``a`` the next ``parts_per_area[a]`` parts.
    """
    size = 21 * values.shape[0] + 2 * (rings_per_part.shape[0] + parts_per_area.shape[0] + ring_bounds.shape[0]) + 8
    buf = np.empty(size, dtype=np.uint8)
    ends = np.empty(parts_per_area.shape[0], dtype=np.int64)
    k, part, ring = 0, 0, 0
    for a in range(parts_per_area.shape[0]):
        buf[k] = 91  # "["
        k += 1
        for p in range(parts_per_area[a]):
            if p:
                buf[k] = 44  # ","
                k += 1
            buf[k] = 91
            k += 1
            for r in range(rings_per_part[part]):
                if r:
                    buf[k] = 44
                    k += 1
                buf[k] = 91
                k += 1
                for i in range(ring_bounds[ring], ring_bounds[ring + 1]):
                    if i > ring_bounds[ring]:
                        buf[k] = 44
                        k += 1
                    k = _put_int(buf, k, values[i])
                buf[k] = 93  # "]"
                k += 1
                ring += 1
            buf[k] = 93
            k += 1
            part += 1
        buf[k] = 93
        k += 1
        ends[a] = k
    return buf[:k], ends
