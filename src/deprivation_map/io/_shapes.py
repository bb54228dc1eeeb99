"""Checks that boundaries are what they claim: polygons, in the range of their CRS, not wrapped round the world.

- **polygons**: points or lines among the areas (labels, centroids, outlines stored in the same layer) are
  refused, naming them;
- **coordinates in range**: in a geographic CRS, longitudes must lie in [-180, 360] and latitudes in
  [-90, 90] (projected metres read as degrees do not); in a projected CRS no coordinate can exceed
  10**8 units (more than twice the Earth's circumference in feet);
- **antimeridian**: in a geographic CRS, an area wider than 180 degrees of longitude is almost always one
  that crosses the antimeridian (Fiji, Chukotka, the Aleutians) stored with longitudes on both sides of
  ±180, which every tool then draws as a band round the world.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from ..errors import ValidationError

__all__ = [
    "AREA_TYPES",
    "antimeridian_message",
    "check_coordinates",
    "crossing_antimeridian",
    "require_polygons",
    "unwrap_antimeridian",
]

AREA_TYPES = ("Polygon", "MultiPolygon")
_PROJECTED_LIMIT = 1e8
_WIDEST = 180.0


def require_polygons(frame: gpd.GeoDataFrame, *, what: str) -> None:
    """Refuse geometries that are not (multi)polygons, naming them with their type."""
    types = frame.geometry.geom_type
    wrong = types.notna().to_numpy() & ~types.isin(AREA_TYPES).to_numpy()
    if wrong.any():
        shown = ", ".join(f"{i!r} ({t})" for i, t in list(zip(frame.index[wrong], types[wrong], strict=True))[:5])
        raise ValidationError(
            f"{what} has {int(wrong.sum())} areas that are not polygons: {shown}"
            f"{f', ... ({int(wrong.sum())} in all)' if wrong.sum() > 5 else ''}. Areas must be polygons: remove "
            "the others (labels, centroids or outlines kept in the same layer) or read the polygon layer."
        )


def check_coordinates(frame: gpd.GeoDataFrame, *, what: str) -> None:
    """Refuse coordinates far outside what the CRS allows, saying what they look like and how to fix it."""
    geoms = frame.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    bounds = shapely.bounds(geoms[present])
    xmin, ymin = np.nanmin(bounds[:, :2], axis=0)
    xmax, ymax = np.nanmax(bounds[:, 2:], axis=0)
    crs = frame.crs
    span = f"x from {xmin:,.6g} to {xmax:,.6g}, y from {ymin:,.6g} to {ymax:,.6g}"
    eps = 1e-6
    if crs.is_geographic and (xmin < -180 - eps or xmax > 360 + eps or ymin < -90 - eps or ymax > 90 + eps):
        raise ValidationError(
            f"{what} is in {crs.name!r} ({crs.to_string()}), whose coordinates are degrees (longitude -180 to "
            f"180, latitude -90 to 90), but its coordinates reach {span}. They look like projected coordinates "
            "(metres or feet, such as UTM) with the wrong CRS recorded. Pass the CRS they are in, e.g. "
            "read_boundaries(..., crs='EPSG:25830') for ETRS89 / UTM zone 30N; the file's metadata or its "
            "publisher says which."
        )
    if not crs.is_geographic and max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) > _PROJECTED_LIMIT:
        unit = crs.axis_info[0].unit_name if crs.axis_info else "units"
        raise ValidationError(
            f"{what} is in {crs.name!r} ({unit}), but its coordinates reach {span}: farther than any place on "
            "Earth in those units. The recorded CRS is wrong (or the coordinates are in another unit): pass the "
            "right one with read_boundaries(..., crs=...)."
        )


def crossing_antimeridian(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Areas of a geographic frame wider than 180 degrees: stored across the antimeridian."""
    if frame.crs is None or not frame.crs.is_geographic:
        return np.zeros(len(frame), dtype=bool)
    bounds = shapely.bounds(frame.geometry.to_numpy())
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(bounds[:, 2] - bounds[:, 0]) > _WIDEST


def antimeridian_message(frame: gpd.GeoDataFrame, wide: np.ndarray, *, what: str) -> str:
    """Naming the areas that cross the antimeridian, with their width, and the fixes."""
    bounds = shapely.bounds(frame.geometry.to_numpy()[wide])
    shown = ", ".join(
        f"{i!r} ({w:.0f} degrees)"
        for i, w in list(zip(frame.index[wide], bounds[:, 2] - bounds[:, 0], strict=True))[:5]
    )
    return (
        f"{what} has {int(wide.sum())} areas wider than 180 degrees of longitude: {shown}"
        f"{f', ... ({int(wide.sum())} in all)' if wide.sum() > 5 else ''}. They cross the antimeridian (±180) "
        "with longitudes on both sides of it, so they are read as wrapping round the world"
    )


def _east_of_180(xy: np.ndarray) -> np.ndarray:
    return np.column_stack([np.where(xy[:, 0] < 0, xy[:, 0] + 360, xy[:, 0]), xy[:, 1]])


def unwrap_antimeridian(frame: gpd.GeoDataFrame, wide: np.ndarray) -> gpd.GeoDataFrame:
    """The areas ``wide`` with their negative longitudes moved by +360, so each lies in one piece near 180."""
    geoms = frame.geometry.to_numpy().copy()
    geoms[wide] = shapely.transform(geoms[wide], _east_of_180)
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))
