"""Reading area boundaries, indexed by their ID as a string, with their CRS and geometries checked.

Repaired geometries are named in a warning; a ``.prj`` that is not a CRS, empty geometries, geometries that
are not polygons, coordinates outside the CRS's range, areas across the antimeridian and repeated IDs are
refused with the fix. Failures of the reader itself (a missing ``.shx``, a truncated file, a layer that does
not exist) are the library's errors too, naming the file.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from . import _readers, _shapes

if TYPE_CHECKING:
    import pyproj

__all__ = ["ON_INVALID", "read_boundaries", "read_points"]

PathLike = str | os.PathLike
ON_INVALID = ("raise", "fix", "keep")


def _prj_text(path: Path) -> str | None:
    """The text of a shapefile's ``.prj`` (also inside a ``.zip``), or None when there is none."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".prj")]
            return archive.read(names[0]).decode("latin-1") if len(names) == 1 else None
    found = [p for p in (path.with_suffix(".prj"), path.with_suffix(".PRJ")) if p.exists()]
    return found[0].read_text(encoding="latin-1") if path.suffix.lower() == ".shp" and found else None


_VECTOR = "a vector file (GeoPackage, GeoJSON, Shapefile, FlatGeobuf ...)"


def _read_vector(path: Path, layer: str | int | None, *, what: str) -> gpd.GeoDataFrame:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        with _readers.reader_errors(path, what=what, expected="a GeoParquet file"):
            return gpd.read_parquet(path)
    _readers.require_shapefile_parts(path, what=what)
    if layer is not None or suffix in (".gpkg", ".zip"):
        layers = _readers.layer_names(path, what=what)
        if layer is None and len(layers) > 1:
            raise ValidationError(f"{what} has {len(layers)} layers ({format_ids(layers)}); choose one with layer=.")
        if layer is not None:
            _readers.require_layer(path, layer, layers, what=what)
    with _readers.reader_errors(path, what=what, expected=_VECTOR):
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    if not isinstance(frame, gpd.GeoDataFrame):
        raise ValidationError(
            f"{what} holds a table without geometries (columns {format_ids(frame.columns, limit=4)}), not area "
            "boundaries. Read tables with read_indicators, or check that this is the boundaries file."
        )
    return frame


def _index_by_id(
    frame: gpd.GeoDataFrame, path: Path, id_col: str | Sequence[str], id_format: str | None, *, what: str
) -> gpd.GeoDataFrame:
    """Indexed by the ID column as text; codes stored as floats too large to be exact are shown as the file holds them."""
    for column in [id_col] if isinstance(id_col, str) else id_col:
        _exact_float_ids(frame, path, column, what=what)
    return v.index_by_id(frame, id_col, what=what, id_format=id_format)


def _exact_float_ids(frame: gpd.GeoDataFrame, path: Path, id_col: str, *, what: str) -> None:
    """Refuse float IDs too long for a float (a .dbf N(24,15) field), showing them as the file holds them."""
    if id_col in frame.columns and pd.api.types.is_float_dtype(frame[id_col]):
        rows = np.flatnonzero(frame[id_col].abs().to_numpy() >= v.EXACT_FLOAT_INTEGERS)[:5]
        held = _readers.dbf_text(path, id_col, rows) if len(rows) else None
        if held is not None:
            raise ValidationError(
                f"{what}: the IDs in {id_col!r} are a numeric field of the .dbf with more digits than a float holds "
                f"exactly (2**53 = {v.EXACT_FLOAT_INTEGERS:,}): the file holds {format_ids(held)}, which would be read "
                f"as {format_ids(f'{x:.17g}' for x in frame[id_col].iloc[rows])}. Store the IDs as a text (character) "
                "field, e.g. in QGIS with the field calculator's to_string(), then read the file again."
            )


def _set_crs(frame: gpd.GeoDataFrame, crs, path: Path, *, what: str) -> gpd.GeoDataFrame:
    if crs is not None:
        return frame.set_crs(crs, allow_override=True)
    if frame.crs is None:
        prj = _prj_text(path)
        if prj is not None and prj.strip():
            raise ValidationError(
                f"{what} has a .prj file that is not a coordinate reference system (it begins "
                f"{prj.strip()[:40]!r}). Pass the CRS yourself, e.g. read_boundaries(..., crs='EPSG:2263'); "
                "the .prj is then ignored."
            )
    v.require_crs(frame, what=what)
    return frame


def read_boundaries(
    path: PathLike,
    *,
    id_col: str | Sequence[str],
    id_format: str | None = None,
    crs: str | int | pyproj.CRS | None = None,
    layer: str | int | None = None,
    on_invalid: str = "raise",
) -> gpd.GeoDataFrame:
    """Read area boundaries, indexed by their ID as a string.

    Parameters
    ----------
    path : str or path-like
        GeoPackage, GeoJSON, Shapefile (``.shp``, or a ``.zip`` holding one, read directly), FlatGeobuf
        (``.fgb``), GeoParquet (``.parquet``) or any other vector format pyogrio reads.
    id_col : str or sequence of str
        The column holding the area code. Integer codes become strings; whole-number floats (as shapefiles
        store codes) become their integer digits. Several columns build the code when it is split over them
        (Barcelona's section code is district + section): joined as they are, or by ``id_format``.
    id_format : str, optional
        A Python format string building the code from the ``id_col`` columns, for a prefix or a layout:
        ``"08019{C_Distri}{C_SecCens}"`` (Spain's INE code: province and town, district, section).
    crs : optional
        The CRS to use when the file has none, or to override a wrong one (anything pyproj accepts). A
        shapefile whose ``.prj`` is not a CRS is read with this one, ignoring the ``.prj``.
    layer : str or int, optional
        The layer of a multi-layer file; a GeoPackage or zip with several layers needs it.
    on_invalid : {"raise", "fix", "keep"}
        Invalid geometries (self-intersections ...) and areas wider than 180 degrees of longitude (stored
        across the antimeridian): ``"raise"`` (default) names them with the reason; ``"fix"`` repairs them
        with :func:`shapely.make_valid` (``method="structure"``, keeping only the polygonal parts), moves the
        western longitudes of areas across the antimeridian by +360, and warns, counting and naming them;
        ``"keep"`` leaves them as they are. Empty geometries, geometries that are not polygons, coordinates
        outside the CRS's range (projected metres in a file that says degrees) and duplicated IDs are
        always refused.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by the ID (name ``id_col``; ``"id"`` when built from several columns, which stay), in file
        order; a single ``id_col`` is no longer a column. (A FlatGeobuf
        written with a spatial index stores its features in that index's order, so that is its file order.)

    Examples
    --------
    >>> import deprivation_map as dm
    >>> counties = dm.read_boundaries(dm.datasets.get_path("georgia_counties.gpkg"), id_col="AreaKey")
    >>> counties.index[:3].tolist(), counties.crs.to_epsg()
    (['13001', '13003', '13005'], 26716)
    """
    v.choose(on_invalid, ON_INVALID, what="on_invalid policy")
    path = _readers.nonempty_file(path, what="boundaries")
    what = f"Boundaries {path.name!r}"
    frame = _set_crs(_read_vector(path, layer, what=what), crs, path, what=what)
    frame = _index_by_id(frame, path, id_col, id_format, what=what)
    return _shapes.check_geometries(frame, on_invalid, what=what)


def read_points(
    path: PathLike,
    *,
    id_col: str | None = None,
    crs: str | int | pyproj.CRS | None = None,
    layer: str | int | None = None,
) -> gpd.GeoDataFrame:
    """Read a layer of points (services, candidate sites, cases), indexed by their ID as a string.

    Parameters
    ----------
    path : str or path-like
        Any vector file :func:`read_boundaries` reads.
    id_col : str, optional
        The column holding each point's code; without it, points are numbered from 0 in file order.
    crs : optional
        The CRS to use when the file has none, or to override a wrong one.
    layer : str or int, optional
        The layer of a multi-layer file.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by the ID, in file order. Geometries that are not points, or empty, are refused, named.

    Examples
    --------
    >>> import tempfile, geopandas as gpd, deprivation_map as dm
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "services.geojson"
    >>> gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=gpd.points_from_xy([0, 1], [0, 1]), crs=4326).to_file(path)
    >>> read_points(path).index.tolist(), read_points(path, id_col="name").index.tolist()
    (['0', '1'], ['a', 'b'])
    """
    path = _readers.nonempty_file(path, what="points")
    what = f"Points {path.name!r}"
    frame = _set_crs(_read_vector(path, layer, what=what), crs, path, what=what)
    if id_col is None:
        frame = frame.set_axis(pd.Index([str(i) for i in range(len(frame))], name="point"))
    else:
        frame = v.index_by_id(frame, id_col, what=what)
    geoms = frame.geometry
    wrong = (geoms.isna() | geoms.is_empty | (geoms.geom_type != "Point")).to_numpy()
    if wrong.any():
        raise ValidationError(
            f"{what} has {int(wrong.sum())} features that are not points: {format_ids(frame.index[wrong])}. "
            "Give one point per service (e.g. its address geocoded, or the centroid of its building)."
        )
    return frame
