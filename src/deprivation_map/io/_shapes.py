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

import warnings

import geopandas as gpd
import numpy as np
import shapely

from ..errors import DeprivationMapWarning, ValidationError, format_ids

__all__ = [
    "AREA_TYPES",
    "antimeridian_message",
    "check_coordinates",
    "check_geometries",
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


def _antimeridian(frame: gpd.GeoDataFrame, on_invalid: str, *, what: str) -> gpd.GeoDataFrame:
    wide = crossing_antimeridian(frame)
    if not wide.any() or on_invalid == "keep":
        return frame
    message = antimeridian_message(frame, wide, what=what)
    if on_invalid == "raise":
        raise ValidationError(
            f"{message}. Split them at the antimeridian (GDAL: ogr2ogr -wrapdateline), or pass on_invalid='fix' "
            "to move their western longitudes by +360 (reported), or on_invalid='keep' if they truly are that wide."
        )
    warnings.warn(f"{message}; their longitudes below 0 were moved by +360.", DeprivationMapWarning, stacklevel=3)
    return unwrap_antimeridian(frame, wide)


def check_geometries(frame: gpd.GeoDataFrame, on_invalid: str, *, what: str) -> gpd.GeoDataFrame:
    """The boundaries' geometry checks, with the ``on_invalid`` policy of :func:`~deprivation_map.io.read_boundaries`.

    Warnings name the caller of the public reader that called this (``stacklevel=3``).
    """
    require_polygons(frame, what=what)
    check_coordinates(frame, what=what)
    frame = _antimeridian(frame, on_invalid, what=what)
    geoms = frame.geometry.to_numpy()
    invalid = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    if invalid.any() and on_invalid == "raise":
        reasons = shapely.is_valid_reason(geoms[invalid])
        examples = "; ".join(f"{i!r}: {r}" for i, r in list(zip(frame.index[invalid], reasons, strict=True))[:3])
        raise ValidationError(
            f"{what} has {int(invalid.sum())} invalid geometries ({examples}). Repair them with "
            "on_invalid='fix' (shapely.make_valid, reported), keep them with on_invalid='keep', or fix the file."
        )
    if invalid.any() and on_invalid == "fix":
        fixed = geoms.copy()
        fixed[invalid] = shapely.make_valid(geoms[invalid], method="structure", keep_collapsed=False)
        frame = frame.set_geometry(gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs))
        warnings.warn(
            f"{what}: repaired {int(invalid.sum())} invalid geometries with shapely.make_valid: "
            f"{format_ids(frame.index[invalid])}.",
            DeprivationMapWarning,
            stacklevel=3,
        )
    empty = frame.geometry.isna().to_numpy() | frame.geometry.is_empty.to_numpy()
    if empty.any():
        raise ValidationError(
            f"{what} has {int(empty.sum())} areas with no geometry: {format_ids(frame.index[empty])}. "
            "Remove them or fix their polygons before reading."
        )
    return frame
