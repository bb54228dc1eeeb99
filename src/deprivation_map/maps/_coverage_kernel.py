"""Topology-preserving Visvalingam-Whyatt simplification of a coverage's arcs, compiled with numba and cached.

Each arc (a chain of vertices between two nodes of the coverage, or a whole ring without nodes) is simplified
once, as GEOS's ``TPVWSimplifier`` does (Martin Davis, JTS): the corner whose triangle is smallest goes first,
repeatedly, while its area is at most :math:`t^2`, unless the triangle contains another remaining vertex of
any arc (which could make borders cross) or its base is another arc of two vertices (which would make two
borders coincide). An open arc keeps at least its two end nodes; a closed one at least three vertices.

Vertices are looked up in a uniform grid (``cell_start``/``cell_nodes``, a CSR of node ids by cell). This module
is imported only when a map is simplified: numba is heavy.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["bucket", "first_ids", "rebuild_rings", "simplify_arcs"]


@njit(cache=True, nogil=True)
def _area2(xy, a, b, c):
    return abs((xy[b, 0] - xy[a, 0]) * (xy[c, 1] - xy[a, 1]) - (xy[c, 0] - xy[a, 0]) * (xy[b, 1] - xy[a, 1]))


@njit(cache=True, nogil=True)
def _side(xy, a, b, px, py):
    d = (xy[b, 0] - xy[a, 0]) * (py - xy[a, 1]) - (xy[b, 1] - xy[a, 1]) * (px - xy[a, 0])
    return 1 if d > 0 else (-1 if d < 0 else 0)


@njit(cache=True, nogil=True)
def _blocked(xy, a, b, c, alive, grid, cell_start, cell_nodes):
    """Whether the triangle ``a b c`` (node ids) holds another live vertex, boundary included."""
    x0, y0, cell, nx, ny = grid[0], grid[1], grid[2], int(grid[3]), int(grid[4])
    xmin = min(xy[a, 0], xy[b, 0], xy[c, 0])
    xmax = max(xy[a, 0], xy[b, 0], xy[c, 0])
    ymin = min(xy[a, 1], xy[b, 1], xy[c, 1])
    ymax = max(xy[a, 1], xy[b, 1], xy[c, 1])
    i0 = max(int((xmin - x0) / cell), 0)
    i1 = min(int((xmax - x0) / cell), nx - 1)
    j0 = max(int((ymin - y0) / cell), 0)
    j1 = min(int((ymax - y0) / cell), ny - 1)
    ccw = ((xy[b, 0] - xy[a, 0]) * (xy[c, 1] - xy[a, 1]) - (xy[b, 1] - xy[a, 1]) * (xy[c, 0] - xy[a, 0])) > 0
    outside = -1 if ccw else 1
    for j in range(j0, j1 + 1):
        for i in range(i0, i1 + 1):
            k = j * nx + i
            for m in range(cell_start[k], cell_start[k + 1]):
                v = cell_nodes[m]
                if not alive[v] or v in (a, b, c):
                    continue
                px, py = xy[v, 0], xy[v, 1]
                if px < xmin or px > xmax or py < ymin or py > ymax:
                    continue
                if _side(xy, a, b, px, py) == outside:
                    continue
                if _side(xy, b, c, px, py) == outside:
                    continue
                if _side(xy, c, a, px, py) == outside:
                    continue
                return True
    return False


@njit(cache=True, nogil=True)
def _push(heap_a, heap_p, size, area, pos):
    i = size
    heap_a[i] = area
    heap_p[i] = pos
    while i > 0:
        parent = (i - 1) // 2
        if heap_a[parent] < heap_a[i] or (heap_a[parent] == heap_a[i] and heap_p[parent] <= heap_p[i]):
            break
        heap_a[i], heap_a[parent] = heap_a[parent], heap_a[i]
        heap_p[i], heap_p[parent] = heap_p[parent], heap_p[i]
        i = parent
    return size + 1


@njit(cache=True, nogil=True)
def _pop(heap_a, heap_p, size):
    size -= 1
    heap_a[0] = heap_a[size]
    heap_p[0] = heap_p[size]
    i = 0
    while True:
        left, right, low = 2 * i + 1, 2 * i + 2, i
        for child in (left, right):
            if child < size and (
                heap_a[child] < heap_a[low] or (heap_a[child] == heap_a[low] and heap_p[child] < heap_p[low])
            ):
                low = child
        if low == i:
            break
        heap_a[i], heap_a[low] = heap_a[low], heap_a[i]
        heap_p[i], heap_p[low] = heap_p[low], heap_p[i]
        i = low
    return size


@njit(cache=True, nogil=True)
def _baseline(arc, a, c, ids, offsets, live, pair_of, pair_start, pair_arcs):
    """Whether another arc with the end nodes ``a`` and ``c`` is a straight segment now."""
    g = pair_of[arc]
    if g < 0:
        return False
    for m in range(pair_start[g], pair_start[g + 1]):
        other = pair_arcs[m]
        if other != arc and live[other] == 2:
            s, e = ids[offsets[other]], ids[offsets[other + 1] - 1]
            if (s == a and e == c) or (s == c and e == a):
                return True
    return False


@njit(cache=True, nogil=True)
def simplify_arcs(xy, ids, offsets, free, area_tol, grid, cell_start, cell_nodes, pair_of, pair_start, pair_arcs):
    """The simplified arcs: vertex ids (into ``xy``) and offsets, as the input (arc ``a`` at ``offsets[a]:offsets[a+1]``).

    A closed arc repeats its first vertex last; ``free[a]`` lets a closed arc without nodes lose its first vertex
    (it then starts and closes on the next one left). Arcs are simplified in order, each to the end, as GEOS does.
    """
    n_pos = ids.shape[0]
    keep = np.ones(n_pos, dtype=np.bool_)
    alive = np.ones(xy.shape[0], dtype=np.bool_)
    prv = np.arange(-1, n_pos - 1)
    nxt = np.arange(1, n_pos + 1)
    n_arcs = offsets.shape[0] - 1
    live = np.empty(n_arcs, dtype=np.int64)  # vertices left, the closing repeat not counted
    longest = 1
    for a in range(n_arcs):
        n = offsets[a + 1] - offsets[a]
        closed = n > 1 and ids[offsets[a]] == ids[offsets[a + 1] - 1]
        live[a] = n - 1 if closed else n
        longest = max(longest, n)
    heap_a = np.empty(3 * longest + 3, dtype=np.float64)
    heap_p = np.empty(3 * longest + 3, dtype=np.int64)
    tol2 = 2.0 * area_tol
    for a in range(n_arcs):
        lo, hi = offsets[a], offsets[a + 1]
        n = hi - lo
        closed = n > 1 and ids[lo] == ids[hi - 1]
        smallest = 3 if closed else 2
        if live[a] <= smallest:
            continue
        ring = closed and free[a]
        if ring:  # the closing repeat stays as it is; the others form a cycle
            prv[lo] = hi - 2
            nxt[hi - 2] = lo
        size = 0
        first = lo if ring else lo + 1
        for p in range(first, hi - 1):
            if _area2(xy, ids[prv[p]], ids[p], ids[nxt[p]]) <= tol2:
                size = _push(heap_a, heap_p, size, _area2(xy, ids[prv[p]], ids[p], ids[nxt[p]]), p)
        while size > 0 and live[a] > smallest:
            area = heap_a[0]
            p = heap_p[0]
            size = _pop(heap_a, heap_p, size)
            if not keep[p]:
                continue
            before, after = prv[p], nxt[p]
            if _area2(xy, ids[before], ids[p], ids[after]) != area:
                continue  # a neighbour went since this corner was queued
            u, v, w = ids[before], ids[p], ids[after]
            if _blocked(xy, u, v, w, alive, grid, cell_start, cell_nodes):
                continue
            if live[a] == 3 and not closed and _baseline(a, u, w, ids, offsets, live, pair_of, pair_start, pair_arcs):
                continue
            keep[p] = False
            alive[v] = False
            live[a] -= 1
            nxt[before] = after
            prv[after] = before
            for q in (before, after):
                if keep[q] and (ring or (q != lo and q != hi - 1)):
                    area_q = _area2(xy, ids[prv[q]], ids[q], ids[nxt[q]])
                    if area_q <= tol2:
                        size = _push(heap_a, heap_p, size, area_q, q)
    return _compact(ids, offsets, keep)


@njit(cache=True, nogil=True)
def _compact(ids, offsets, keep):
    """The arcs' remaining vertex ids and their offsets; a closed arc closes on its first remaining vertex."""
    n_arcs = offsets.shape[0] - 1
    out = np.empty(ids.shape[0], dtype=np.int64)
    out_offsets = np.zeros(n_arcs + 1, dtype=np.int64)
    k = 0
    for a in range(n_arcs):
        lo, hi = offsets[a], offsets[a + 1]
        closed = hi - lo > 1 and ids[lo] == ids[hi - 1]
        start = k
        for p in range(lo, hi - 1 if closed else hi):
            if keep[p]:
                out[k] = ids[p]
                k += 1
        if closed:
            out[k] = out[start]
            k += 1
        out_offsets[a + 1] = k
    return out[:k], out_offsets


@njit(cache=True, nogil=True)
def _mix(a, b):
    h = np.uint64(a) * np.uint64(0x9E3779B97F4A7C15) ^ np.uint64(b) * np.uint64(0xC2B2AE3D27D4EB4F)
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    return h ^ (h >> np.uint64(32))


@njit(cache=True, nogil=True)
def first_ids(a, b):
    """An id for each pair ``(a[i], b[i])`` of int64, numbered in order of first appearance; and each id's first row.

    An open-addressing hash table: linear in the rows, where sorting them (``numpy.unique``) is not.
    """
    n = a.shape[0]
    size = 1
    while size < 2 * n + 2:
        size *= 2
    mask = np.uint64(size - 1)
    table = np.full(size, -1, dtype=np.int64)
    ids = np.empty(n, dtype=np.int64)
    first = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        slot = _mix(a[i], b[i]) & mask
        while True:
            j = table[slot]
            if j < 0:
                table[slot] = k
                first[k] = i
                ids[i] = k
                k += 1
                break
            r = first[j]
            if a[r] == a[i] and b[r] == b[i]:
                ids[i] = j
                break
            slot = (slot + np.uint64(1)) & mask
    return ids, first[:k]


@njit(cache=True, nogil=True)
def rebuild_rings(ids, offsets, arc_of, backwards, piece_ring, n_rings):
    """Each ring's node ids, closed, from its pieces' simplified arcs; and each ring's number of them.

    A piece gives its arc's vertices but the last (the next piece's first), backwards where ``backwards``.
    """
    total = 0
    for p in range(arc_of.shape[0]):
        total += offsets[arc_of[p] + 1] - offsets[arc_of[p]] - 1
    out = np.empty(total + n_rings, dtype=np.int64)
    counts = np.zeros(n_rings, dtype=np.int64)
    k = 0
    first = 0
    for p in range(arc_of.shape[0]):
        r = piece_ring[p]
        if p == 0 or piece_ring[p - 1] != r:
            first = k
        lo, hi = offsets[arc_of[p]], offsets[arc_of[p] + 1]
        if backwards[p]:
            for i in range(hi - 1, lo, -1):
                out[k] = ids[i]
                k += 1
        else:
            for i in range(lo, hi - 1):
                out[k] = ids[i]
                k += 1
        counts[r] += hi - lo - 1
        if p == arc_of.shape[0] - 1 or piece_ring[p + 1] != r:
            out[k] = out[first]  # the ring closes
            k += 1
            counts[r] += 1
    return out[:k], counts


@njit(cache=True, nogil=True)
def bucket(cells, n_cells):
    """A counting sort of ``cells``: each cell's first position and the items in cell order (a CSR)."""
    start = np.zeros(n_cells + 1, dtype=np.int64)
    for c in cells:
        start[c + 1] += 1
    for c in range(n_cells):
        start[c + 1] += start[c]
    fill = start[:-1].copy()
    items = np.empty(cells.shape[0], dtype=np.int64)
    for i in range(cells.shape[0]):
        items[fill[cells[i]]] = i
        fill[cells[i]] += 1
    return start, items
