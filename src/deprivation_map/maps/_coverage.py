r"""Coverage simplification by arcs: each border shared by two areas is simplified once, then the areas rebuilt.

The method of GEOS's ``CoverageSimplifier`` (shapely's ``coverage_simplify``), in arrays:

1. every ring's vertices, without the closing repeat and without repeated points, get a node id (equal
   coordinates, equal id) and every segment an id (equal end nodes, equal id, whichever the direction);
2. a vertex is a *node* where the rings' borders meet or change: it has other than two distinct neighbours,
   it is on more than two rings, or its two segments are on different numbers of rings (one a border with
   another area, the other the coverage's edge);
3. each ring is cut at its nodes into *pieces*; a piece and the pieces of other rings along the same border
   hold the same segments, so the smallest segment id names the *arc*. A ring without nodes is one piece,
   started at its lowest node id, a *free ring* (any of its vertices may go);
4. each arc is simplified once (:mod:`._coverage_kernel`, topology-preserving Visvalingam-Whyatt);
5. each ring is rebuilt from its pieces' simplified arcs, each read forwards or backwards as the piece runs.

So two areas' common border is the same vertices after simplification (neither gaps nor overlaps open) and
every area keeps at least a triangle. Rings with fewer than three distinct vertices are left as they are.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely

from ..errors import ValidationError
from ._coverage_kernel import bucket, first_ids, rebuild_rings, simplify_arcs

__all__ = ["Coverage", "coverage_simplify"]

_PER_CELL = 2.0  # vertices per cell of the lookup grid, on average


def coverage_simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """The polygons ``geoms`` (a coverage) simplified at ``tolerance``: corners of area up to ``tolerance``² go.

    Missing or empty geometries come back as they are.
    """
    return Coverage(geoms).simplify(tolerance)


class _Arcs(NamedTuple):
    """A coverage's rings as arcs (steps 1-3), what simplifying at any tolerance needs."""

    xy: np.ndarray  # each node id's coordinates
    arcs: np.ndarray  # the arcs' node ids, arc a at arc_start[a]:arc_start[a + 1]
    arc_start: np.ndarray
    arc_free: np.ndarray
    arc_of: np.ndarray  # each piece's arc, whether it runs backwards, its ring
    reversed_: np.ndarray
    piece_ring: np.ndarray
    grid: np.ndarray  # the vertex lookup grid and its cells' node ids
    cell_start: np.ndarray
    cell_nodes: np.ndarray
    pair_of: np.ndarray  # open arcs grouped by their end nodes
    pair_start: np.ndarray
    pair_arcs: np.ndarray
    fixed: np.ndarray  # rings of fewer than three distinct vertices, copied as they are


class Coverage:
    """A coverage's arcs, found once, then simplified at as many tolerances as asked (:meth:`simplify`).

    Finding the arcs (steps 1-3) costs most of a simplification: a map that tries several tolerances pays it once.
    """

    def __init__(self, geoms: np.ndarray) -> None:
        self.geoms = np.asarray(geoms, dtype=object)
        self.todo = np.flatnonzero(~(shapely.is_missing(self.geoms) | shapely.is_empty(self.geoms)))
        self.kinds = shapely.get_type_id(self.geoms[self.todo])
        other = ~np.isin(self.kinds, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON])
        if other.any():
            raise ValidationError(
                f"Coverage simplification needs polygons; {int(other.sum())} geometries are not (the first is a "
                f"{self.geoms[self.todo][other][0].geom_type} at position {int(self.todo[other][0])}). Keep the "
                "areas' polygons only (e.g. gdf.geometry.make_valid() then the polygonal parts)."
            )
        parts, self.part_of = shapely.get_parts(self.geoms[self.todo], return_index=True)
        rings, self.ring_of = shapely.get_rings(parts, return_index=True)
        self.coords, self.vertex_of = shapely.get_coordinates(rings, return_index=True)
        self.n_parts, self.n_rings = len(parts), len(rings)
        self._arcs = _find_arcs(self.coords, self.vertex_of, self.n_rings) if len(self.todo) else None

    def simplify(self, tolerance: float) -> np.ndarray:
        """The polygons simplified at ``tolerance`` (a new array; missing and empty geometries as they were)."""
        out = self.geoms.copy()
        if self._arcs is None or tolerance <= 0:
            return out
        xy, ring = _simplified_rings(self._arcs, self.coords, self.vertex_of, self.n_rings, tolerance)
        ring_offsets = np.r_[0, np.cumsum(np.bincount(ring, minlength=self.n_rings))]
        part_offsets = np.r_[0, np.cumsum(np.bincount(self.ring_of, minlength=self.n_parts))]
        polygons = shapely.from_ragged_array(shapely.GeometryType.POLYGON, xy, (ring_offsets, part_offsets))
        multi = self.kinds == shapely.GeometryType.MULTIPOLYGON
        first = np.r_[0, np.cumsum(np.bincount(self.part_of, minlength=len(self.todo)))[:-1]]
        result = polygons[first]
        if multi.any():
            keep = multi[self.part_of]
            result[multi] = shapely.multipolygons(
                polygons[keep], indices=np.searchsorted(np.flatnonzero(multi), self.part_of[keep])
            )
        out[self.todo] = result
        return out


def _find_arcs(coords: np.ndarray, ring_of: np.ndarray, n_rings: int) -> _Arcs:
    """The coverage's arcs and how its rings are made of them (the module's steps 1-3)."""
    bits = np.ascontiguousarray((coords + 0.0).view(np.int64))  # + 0.0: -0.0 is 0.0
    node, first = first_ids(bits[:, 0].copy(), bits[:, 1].copy())
    xy = coords[first]
    closing = np.r_[ring_of[1:] != ring_of[:-1], True]
    node, ring = _drop_repeats(node[~closing], ring_of[~closing], n_rings)
    fixed = np.bincount(ring, minlength=n_rings) < 3  # degenerate rings are copied as they are
    if fixed.any():
        node, ring = node[~fixed[ring]], ring[~fixed[ring]]
    start = _starts(ring, n_rings)
    length = np.diff(start)
    local = np.arange(len(node)) - start[ring]
    following = start[ring] + (local + 1) % length[ring]
    segment, first = first_ids(np.minimum(node, node[following]), np.maximum(node, node[following]))
    is_node = _nodes(node, segment, first, following, len(xy))
    order, free = _rotation(node, ring, start, length, local, is_node)
    node, segment = node[order], segment[order]  # a segment starts at the same vertex, still followed by the next
    piece_start = np.flatnonzero(is_node[node] | (local == 0))
    flat, flat_start, piece_ring = _pieces(node, ring, start, piece_start)
    arc_of, reversed_, arcs, arc_start, arc_free = _arcs(flat, flat_start, piece_ring, segment, piece_start, free)
    grid, cell_start, cell_nodes = _grid(xy)
    pair_of, pair_start, pair_arcs = _pairs(arcs, arc_start)
    return _Arcs(
        xy, arcs, arc_start, arc_free, arc_of, reversed_, piece_ring, grid, cell_start, cell_nodes, pair_of,
        pair_start, pair_arcs, fixed,
    )  # fmt: skip


def _simplified_rings(a: _Arcs, coords: np.ndarray, ring_of: np.ndarray, n_rings: int, tolerance: float):
    """Each ring's simplified coordinates, closed, in ring order: ``(xy, ring of each row)`` (steps 4-5)."""
    ids, offsets = simplify_arcs(
        a.xy, a.arcs, a.arc_start, a.arc_free, tolerance**2, a.grid, a.cell_start, a.cell_nodes, a.pair_of,
        a.pair_start, a.pair_arcs,
    )  # fmt: skip
    out_nodes, per_ring = rebuild_rings(ids, offsets, a.arc_of, a.reversed_, a.piece_ring, n_rings)
    out_ring = np.repeat(np.arange(n_rings), per_ring)
    xy_out = a.xy[out_nodes]
    if a.fixed.any():  # rings of fewer than three distinct points, as they were
        keep = a.fixed[ring_of]
        xy_out = np.concatenate([xy_out, coords[keep]])
        out_ring = np.concatenate([out_ring, ring_of[keep]])
        order = np.argsort(out_ring, kind="stable")
        xy_out, out_ring = xy_out[order], out_ring[order]
    return xy_out, out_ring


def _starts(ring: np.ndarray, n_rings: int) -> np.ndarray:
    return np.r_[0, np.cumsum(np.bincount(ring, minlength=n_rings))]


def _drop_repeats(node: np.ndarray, ring: np.ndarray, n_rings: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices equal to the one before them in their ring (the first compared with the last) removed."""
    start = _starts(ring, n_rings)
    used = np.diff(start) > 0
    previous = np.r_[-1, node[:-1]]
    previous[start[:-1][used]] = node[start[1:][used] - 1]
    keep = node != previous
    return node[keep], ring[keep]


def _nodes(node: np.ndarray, segment: np.ndarray, first: np.ndarray, following: np.ndarray, n_nodes: int):
    """Whether each node id is a node of the coverage (the module's step 2); ``first`` each segment's first row."""
    rings_on = np.bincount(segment)  # rings along each segment
    degree = np.bincount(np.concatenate([node[first], node[following[first]]]), minlength=n_nodes)
    is_node = (degree != 2) | (np.bincount(node, minlength=n_nodes) > 2)
    previous = np.empty_like(segment)  # the segment ending at each vertex
    previous[following] = segment
    is_node[node[rings_on[previous] != rings_on[segment]]] = True
    return is_node


def _rotation(node, ring, start, length, local, is_node) -> tuple[np.ndarray, np.ndarray]:
    """The order that starts each ring at its first node, or (free rings) at its lowest node id; which are free."""
    big = np.iinfo(np.int64).max
    used = length > 0
    shift = np.zeros(len(length), dtype=np.int64)
    shift[used] = np.minimum.reduceat(np.where(is_node[node], local, big), start[:-1][used])
    free = shift == big
    if free.any():
        lowest = np.zeros(len(length), dtype=np.int64)
        lowest[used] = np.minimum.reduceat(np.where(free[ring], node, big), start[:-1][used])
        hits = np.flatnonzero(free[ring] & (node == lowest[ring]))[::-1]
        shift[ring[hits]] = local[hits]  # the first occurrence wins
    order = start[ring] + (local + shift[ring]) % length[ring]
    return order, free


def _pieces(node, ring, start, piece_start):
    """The pieces' vertices, each with its end node: flat node ids, each piece's first row, each piece's ring."""
    n_pieces = len(piece_start)
    flag = np.zeros(len(node), dtype=np.int64)
    flag[piece_start] = 1
    piece_of = np.cumsum(flag) - 1
    piece_ring = ring[piece_start]
    following = np.r_[piece_start[1:], 0]
    last = np.r_[piece_ring[1:] != piece_ring[:-1], True]
    following[last] = start[piece_ring[last]]
    flat = np.empty(len(node) + n_pieces, dtype=np.int64)
    flat[np.arange(len(node)) + piece_of] = node
    ends = np.r_[piece_start[1:], len(node)] + np.arange(n_pieces)
    flat[ends] = node[following]
    return flat, np.r_[piece_start + np.arange(n_pieces), len(flat)], piece_ring


def _arcs(flat, flat_start, piece_ring, segment, piece_start, free):
    """Each piece's arc and direction; the arcs' node ids (each its first piece's), offsets and free flags."""
    key = np.minimum.reduceat(segment, piece_start)  # no two arcs share a segment
    arc_of, rep = first_ids(key, key)  # arcs numbered as first met, ring by ring
    first, second = flat[flat_start[:-1]], flat[flat_start[:-1] + 1]
    mine = rep[arc_of]
    reversed_ = (first != first[mine]) | (second != second[mine])
    sizes = np.diff(flat_start)[rep]
    arc_start = np.r_[0, np.cumsum(sizes)]
    rows = np.repeat(flat_start[rep] - arc_start[:-1], sizes) + np.arange(arc_start[-1])
    return arc_of, reversed_, flat[rows], arc_start, free[piece_ring[rep]]


def _grid(xy: np.ndarray):
    """A uniform grid over the vertices: ``(x0, y0, cell size, nx, ny)`` and their ids by cell (a CSR)."""
    low, high = xy.min(axis=0), xy.max(axis=0)
    extent = np.maximum(high - low, 1e-9)
    cell = max(float(np.sqrt(extent[0] * extent[1] * _PER_CELL / max(len(xy), 1))), float(extent.max()) / 2**15)
    nx, ny = (extent // cell).astype(np.int64) + 1
    ij = ((xy - low) // cell).astype(np.int64)
    cells = np.minimum(ij[:, 1], ny - 1) * nx + np.minimum(ij[:, 0], nx - 1)
    cell_start, order = bucket(cells, int(nx * ny))
    return np.array([low[0], low[1], cell, nx, ny], dtype=np.float64), cell_start, order


def _pairs(arcs: np.ndarray, arc_start: np.ndarray):
    """Open arcs grouped by their two end nodes: each arc's group (-1 alone or closed) and the groups as CSR."""
    a, b = arcs[arc_start[:-1]], arcs[arc_start[1:] - 1]
    group, _ = first_ids(np.minimum(a, b), np.maximum(a, b))
    counts = np.bincount(group)
    shared = (counts[group] > 1) & (a != b)
    pair_of = np.where(shared, group, -1)
    members = np.flatnonzero(shared)
    order = members[np.argsort(group[members], kind="stable")]
    pair_start = np.r_[0, np.cumsum(np.bincount(group[members], minlength=len(counts)))]
    return pair_of, pair_start, order
