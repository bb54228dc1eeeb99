r"""Compact geometry for the page: coordinates as integer steps, decoded by the page into GeoJSON.

GeoJSON writes every vertex in full (``[-3.70379,40.41677],`` is 20 characters). Here each area is
``[[[x0,y0,dx1,dy1,...],[hole ...]],[second polygon ...]]``: the coordinates in WGS 84 multiplied by
:math:`10^d` and rounded (:math:`d` decimals, so the grid is the same as rounding to :math:`d` decimals),
then each vertex written as the step from the previous one in its ring (the first from zero). Neighbouring
vertices are close, so steps have few digits: about 8 characters a vertex instead of 20. Rings are not
closed (Leaflet closes polygons itself). The page rebuilds
:math:`x_k = 10^{-d} \sum_{i \le k} \Delta x_i` (see ``_leaflet.AreaData``).
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import shapely

__all__ = ["encode_areas"]


def encode_areas(geometry: gpd.GeoSeries, digits: int) -> list[str]:
    """Each area's polygons, in WGS 84, as JSON text of nested lists of integer steps (``digits`` decimals).

    An area with no geometry gives ``[]``.

    Examples
    --------
    >>> square = gpd.GeoSeries([shapely.box(2.0, 41.0, 2.001, 41.002)], crs=4326)
    >>> encode_areas(square, 4)
    ['[[[20010,410000,0,20,-10,0,0,-20]]]']
    """
    from ._encode_kernel import write_nested  # numba's kernels load only when a map is encoded

    geoms = geometry.to_crs(4326).to_numpy()
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, vertex_of = shapely.get_coordinates(rings, return_index=True)
    last = np.r_[vertex_of[1:] != vertex_of[:-1], True]  # the closing vertex, a repeat of the first
    coords, vertex_of = coords[~last], vertex_of[~last]
    grid = np.round(coords * 10.0**digits).astype(np.int64)
    first = np.r_[True, vertex_of[1:] != vertex_of[:-1]]
    steps = grid.copy()
    steps[1:] -= grid[:-1]
    steps[first] = grid[first]
    ring_bounds = 2 * np.r_[0, np.cumsum(np.bincount(vertex_of, minlength=len(rings)))]  # empty rings included
    text, ends = write_nested(
        steps.ravel(),
        ring_bounds,
        np.bincount(ring_of, minlength=len(parts)),
        np.bincount(part_of, minlength=len(geoms)),
    )
    text = text.tobytes().decode("ascii")
    return [text[a:b] for a, b in itertools.pairwise(np.r_[0, ends].tolist())]
