"""Zonal statistics: a raster summarised over each area (rasterio, imported lazily)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import _validation as v
from ...errors import ValidationError, format_ids
from ._common import require, same_crs

__all__ = ["ON_EMPTY", "STATS", "zonal_stats"]

ON_EMPTY = ("raise", "keep")


_WHOLE_RASTER_CELLS = 50_000_000  # read a raster this size at once (400 MB of float64) and label it in one pass


def _bincount(labels: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
    return np.bincount(labels, weights=weights, minlength=n + 1)[1:].astype(float)


def _extreme(ufunc: np.ufunc, start: float) -> Callable:
    def reduce(labels, values, cells, _):
        out = np.full(len(cells) + 1, start)
        ufunc.at(out, labels, values)
        return out[1:]

    return reduce


# Each statistic takes the valid cells' area labels (1..n) and values, the count of valid cells per area
# and the threshold, and returns one value per area (areas without a valid cell are set missing after).
STATS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray, float | None], np.ndarray]] = {
    "mean": lambda labels, values, cells, _: _bincount(labels, values, len(cells)) / np.maximum(cells, 1),
    "sum": lambda labels, values, cells, _: _bincount(labels, values, len(cells)),
    "min": _extreme(np.minimum, np.inf),
    "max": _extreme(np.maximum, -np.inf),
    "share_above": lambda labels, values, cells, t: (
        _bincount(labels[values > t], None, len(cells)) / np.maximum(cells, 1)
    ),
}


def _window(bounds: tuple[float, float, float, float], dataset):
    """The whole cells covering ``bounds``, clipped to the raster; None when they do not overlap it."""
    from rasterio.windows import Window, from_bounds

    w = from_bounds(*bounds, transform=dataset.transform)
    col0, row0 = math.floor(w.col_off), math.floor(w.row_off)
    col1, row1 = math.ceil(w.col_off + w.width), math.ceil(w.row_off + w.height)
    col0, row0, col1, row1 = max(col0, 0), max(row0, 0), min(col1, dataset.width), min(row1, dataset.height)
    if col1 <= col0 or row1 <= row0:
        return None
    return Window(col0, row0, col1 - col0, row1 - row0)


def _labelled(labels: np.ndarray, data: np.ma.MaskedArray, nodata: float | None) -> tuple[np.ndarray, ...]:
    """(labels, values) of the valid cells inside some area, and the labels of its missing cells."""
    values = np.ma.getdata(data).astype(float)
    missing = np.ma.getmaskarray(data) | np.isnan(values)
    if nodata is not None:
        missing |= values == nodata
    inside = labels > 0
    return labels[inside & ~missing], values[inside & ~missing], labels[inside & missing]


def _cells_one_by_one(
    geoms: np.ndarray, dataset, band: int, nodata: float | None, all_touched: bool
) -> tuple[np.ndarray, ...]:
    """Each area's cells from its own window: exact for overlapping areas and any raster size."""
    from rasterio.features import geometry_mask

    parts = []
    for label, geom in enumerate(geoms, start=1):
        window = _window(geom.bounds, dataset)
        if window is None:
            continue
        data = dataset.read(band, window=window, masked=True)
        inside = geometry_mask(
            [geom],
            out_shape=data.shape,
            transform=dataset.window_transform(window),
            invert=True,
            all_touched=all_touched,
        )
        parts.append(_labelled(np.where(inside, label, 0), data, nodata))
    if not parts:
        return np.empty(0, int), np.empty(0), np.empty(0, int)
    return tuple(np.concatenate(arrays) for arrays in zip(*parts, strict=True))


def _cells_at_once(geoms: np.ndarray, dataset, band: int, nodata: float | None) -> tuple[np.ndarray, ...]:
    """Every area's cells from one label raster: the same cells when areas do not overlap, far faster."""
    from rasterio.features import rasterize

    shapes = ((geom, label) for label, geom in enumerate(geoms, start=1))
    labels = rasterize(
        shapes, out_shape=(dataset.height, dataset.width), transform=dataset.transform, fill=0, dtype="int32"
    )
    return _labelled(labels, dataset.read(band, masked=True), nodata)


def _interiors_overlap(geoms: np.ndarray) -> bool:
    """True when two areas share more than a boundary (pairs that intersect without only touching)."""
    tree = shapely.STRtree(geoms)
    intersecting = tree.query(geoms, predicate="intersects").shape[1] - len(geoms)  # less each area with itself
    return intersecting > tree.query(geoms, predicate="touches").shape[1]


def zonal_stats(
    areas: gpd.GeoDataFrame,
    raster: str | os.PathLike,
    *,
    stats: Sequence[str] = ("mean",),
    threshold: float | None = None,
    band: int = 1,
    nodata: float | None = None,
    all_touched: bool = False,
    on_crs_mismatch: str = "raise",
    on_empty: str = "raise",
) -> pd.DataFrame:
    r"""Summarise a raster's cells over each area.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Indexed by area ID.
    raster : path
        Any raster rasterio opens (GeoTIFF ...).
    stats : sequence of {"mean", "sum", "min", "max", "share_above"}
        The statistics, one column each. ``"share_above"`` needs ``threshold``.
    threshold : float, optional
        For ``"share_above"``: the share of an area's valid cells whose value is strictly above it.
    band : int
        The band to read (1-based).
    nodata : float, optional
        A value marking missing cells, besides the raster's own nodata value and NaN (always missing).
        When the raster declares no nodata value and none is given, every non-NaN cell is a value.
    all_touched : bool
        False (default): a cell belongs to an area when its centre is inside it. True: every cell the area
        touches (cells on a shared edge then count in both areas).
    on_crs_mismatch : {"raise", "reproject"}
        When the areas' CRS is not the raster's: raise (default), or reproject the areas to the raster's CRS
        (the raster is never resampled).
    on_empty : {"raise", "keep"}
        Areas with no valid cell (outside the raster, or only nodata): raise naming them (default), or keep
        them with missing statistics.

    Returns
    -------
    pandas.DataFrame
        Indexed by the areas' IDs, in their order: one column per statistic, plus ``cells`` (valid cells
        used) and ``nodata_cells`` (cells of the area that were missing).

    Notes
    -----
    With :math:`C_j` the valid cells whose centre lies in area :math:`j` and :math:`x_c` their values:
    mean :math:`= \sum_{c \in C_j} x_c / |C_j|`, sum :math:`= \sum_{c \in C_j} x_c`, share_above
    :math:`= |\{c \in C_j : x_c > t\}| / |C_j|`. The sum is of cell values, so a raster of counts per cell
    (population grid) gives counts per area; a raster of densities must be multiplied by the cell area.

    Areas whose interiors do not overlap (a partition, as boundaries are) over a raster of up to 50 million
    cells are labelled in one rasterisation pass; otherwise each area is read and masked in its own window.
    Both select the same cells (GDAL's rule, a cell centre on a shared edge going to one area only).

    Examples
    --------
    A 100 m grid over the toy areas (500 m squares) holding each cell's column number (0 to 54): area 001
    spans columns 0-4 (mean 2, 25 cells of one hectare), area 003 columns 10-14 (4 of 5 columns above 10):

    >>> import tempfile, numpy as np, rasterio, deprivation_map as dm
    >>> from rasterio.transform import from_origin
    >>> from deprivation_map.io.sources import zonal_stats
    >>> areas, _ = dm.datasets.load_toy()
    >>> path = tempfile.mkdtemp() + "/grid.tif"
    >>> with rasterio.open(path, "w", driver="GTiff", width=55, height=55, count=1, dtype="float64", crs=areas.crs,
    ...                    transform=from_origin(430000, 4585500, 100, 100), nodata=-1) as dst:
    ...     dst.write(np.tile(np.arange(55.0), (55, 1)), 1)
    >>> zonal_stats(areas, path, stats=("mean", "share_above"), threshold=10).head(3)  # doctest: +NORMALIZE_WHITESPACE
          mean  share_above  cells  nodata_cells
    code
    001    2.0          0.0     25             0
    002    7.0          0.0     25             0
    003   12.0          0.8     25             0
    """
    require("rasterio")
    import pyproj
    import rasterio

    for name in stats:
        v.lookup(STATS, name, what="zonal statistic")
    if "share_above" in stats and threshold is None:
        raise ValidationError("The 'share_above' statistic needs threshold= (cells strictly above it are counted).")
    v.choose(on_empty, ON_EMPTY, what="on_empty policy")
    with rasterio.open(raster) as dataset:
        if not dataset.transform.is_rectilinear:
            raise ValidationError(f"Raster {str(raster)!r} is rotated; warp it to a north-up grid first (gdalwarp).")
        crs = pyproj.CRS.from_wkt(dataset.crs.to_wkt()) if dataset.crs else None
        areas = same_crs(areas, crs, on_crs_mismatch, what="Areas", other=f"raster {os.fspath(raster)!r}")
        geoms = areas.geometry.to_numpy()
        at_once = (
            not all_touched and dataset.width * dataset.height <= _WHOLE_RASTER_CELLS and not _interiors_overlap(geoms)
        )
        if at_once:
            labels, values, missing = _cells_at_once(geoms, dataset, band, nodata)
        else:
            labels, values, missing = _cells_one_by_one(geoms, dataset, band, nodata, all_touched)
    cells = _bincount(labels, None, len(geoms))
    out = pd.DataFrame({name: STATS[name](labels, values, cells, threshold) for name in stats}, index=areas.index)
    out.loc[cells == 0, list(stats)] = np.nan
    out["cells"], out["nodata_cells"] = cells.astype(int), _bincount(missing, None, len(geoms)).astype(int)
    empty = out["cells"] == 0
    if empty.any() and on_empty == "raise":
        raise ValidationError(
            f"{int(empty.sum())} areas have no valid raster cell (outside the raster or only nodata): "
            f"{format_ids(out.index[empty])}. Check the raster covers them, or pass on_empty='keep' to keep them "
            "with missing statistics."
        )
    return out
