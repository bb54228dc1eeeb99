"""Points for distances: areas and point layers in one projected CRS, one origin point per area, coordinates.

Shared by :mod:`~deprivation_map.allocation.access`, :mod:`~deprivation_map.allocation.catchment` and
:mod:`~deprivation_map.allocation.location`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validation as v
from ..errors import ValidationError, format_ids

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["GEOGRAPHIC", "ORIGINS", "point_coords", "check_distance", "origin_points", "to_projected", "crs_unit"]

ORIGINS: dict[str, Callable] = {
    "representative": lambda geoms: geoms.representative_point(),
    "centroid": lambda geoms: geoms.centroid,
}
GEOGRAPHIC = ("raise", "utm")


def to_projected(
    areas: gpd.GeoDataFrame, others: Mapping[str, gpd.GeoDataFrame | None], geographic: str
) -> tuple[gpd.GeoDataFrame, dict[str, Any]]:
    """The areas and the point layers in one projected CRS, or a clear error."""
    v.require_crs(areas, what="The areas")
    v.require_unique_ids(areas.index, what="The areas")
    areas = areas.set_axis(areas.index.astype(str))  # area IDs are text, as everywhere in the library
    if areas.crs.is_geographic:
        if v.choose(geographic, GEOGRAPHIC, what="geographic-CRS policy") == "raise":
            raise ValidationError(
                f"The areas are in a geographic CRS ({areas.crs.to_string()}, degrees), where distances are not "
                "lengths. Reproject them to a projected CRS (areas.to_crs('EPSG:XXXX')), or pass "
                "geographic='utm' to use the local UTM zone."
            )
        areas = areas.to_crs(areas.estimate_utm_crs())
    out: dict[str, Any] = {}  # each layer reprojected, None where none is given
    for what, points in others.items():
        if points is None:
            out[what] = None
            continue
        v.require_crs(points, what=f"The {what}")
        points = points.to_crs(areas.crs)  # a known CRS to another: exact, not a guess
        kinds = points.geometry.geom_type
        bad = kinds.ne("Point") | points.geometry.is_empty
        if bad.any():
            raise ValidationError(
                f"The {what} must be points, but {format_ids(points.index[bad.to_numpy()])} are "
                f"{', '.join(sorted(set(kinds[bad].astype(str))))}. Use .representative_point() for areas."
            )
        v.require_unique_ids(points.index, what=f"The {what}")
        out[what] = points.set_axis(points.index.astype(str))
    return areas, out


def origin_points(areas, origin) -> np.ndarray:
    """One point per area, as an (n, 2) array of coordinates in the areas' order."""
    if isinstance(origin, str):
        points = v.lookup(ORIGINS, origin, what="origin")(areas.geometry)
    else:
        fix = "Give one point (e.g. the population-weighted centroid) for every area."
        given = getattr(origin, "geometry", origin)
        points = v.align(given, areas.index, what="The origin", against="the areas", fix=fix)
        v.require_crs(points, what="The origin")
        points = points.to_crs(areas.crs)
        bad = (points.geom_type != "Point").to_numpy()
        if bad.any():
            raise ValidationError(f"The origin must hold points, but not for {format_ids(areas.index[bad])}. {fix}")
    return np.column_stack([points.x.to_numpy(), points.y.to_numpy()])


def point_coords(points) -> np.ndarray:
    """The (n, 2) coordinates of a layer of points."""
    return np.column_stack([points.geometry.x.to_numpy(), points.geometry.y.to_numpy()])


def crs_unit(crs) -> str:
    """The name of a CRS's unit of length ("metre"), for labels."""
    return crs.axis_info[0].unit_name if crs.axis_info else "CRS units"


def check_distance(within: object, *, what: str = "within") -> float:
    """A distance >= 0 as a float, or a clear error."""
    if (
        isinstance(within, bool)
        or not isinstance(within, int | float | np.number)
        or not np.isfinite(within)
        or within < 0
    ):
        raise ValidationError(f"{what} must be a distance >= 0 in the CRS's units, got {within!r}.")
    return float(within)
