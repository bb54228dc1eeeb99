"""Reading boundaries and indicator tables, writing results.

Every reader returns a frame indexed by the area ID as a string, named after the ID column, so leading
zeros survive and every later step can align by ID.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from . import _validation as v
from .errors import ValidationError, format_ids

__all__ = ["read_boundaries", "read_indicators", "write_results"]

PathLike = str | os.PathLike


def _existing(path: PathLike, *, what: str) -> Path:
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"No {what} file at {str(path)!r} (resolved to {str(path.resolve())!r}). Check the path.")
    return path


def _index_by_id(frame: pd.DataFrame, id_col: str, *, what: str) -> pd.DataFrame:
    v.require_columns(frame, [id_col], what=what)
    ids = v.ids_as_strings(frame[id_col], what=f"{what} column {id_col!r}")
    out = frame.drop(columns=id_col)
    out.index = pd.Index(ids.to_numpy(), name=id_col)
    v.require_unique_ids(out.index, what=what)
    return out


def read_boundaries(path: PathLike, *, id_col: str, crs=None, layer: str | int | None = None) -> gpd.GeoDataFrame:
    """Read area boundaries, indexed by their ID as a string.

    Parameters
    ----------
    path : str or path-like
        Any vector format pyogrio reads: GeoPackage, GeoJSON, Shapefile, GeoParquet (``.parquet``).
    id_col : str
        The column holding the area code. Integer codes become strings; whole-number floats (as shapefiles
        store codes) become their integer digits.
    crs : optional
        The CRS to use when the file has none, or to override a wrong one (anything pyproj accepts).
    layer : str or int, optional
        The layer of a multi-layer file such as a GeoPackage.

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed by the ID (name ``id_col``), in file order; ``id_col`` is no longer a column.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> counties = dm.read_boundaries(dm.datasets.get_path("georgia_counties.gpkg"), id_col="AreaKey")
    >>> counties.index[:3].tolist(), counties.crs.to_epsg()
    (['13001', '13003', '13005'], 26716)
    """
    path = _existing(path, what="boundaries")
    what = f"Boundaries {path.name!r}"
    if path.suffix.lower() == ".parquet":
        frame = gpd.read_parquet(path)
    else:
        frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    if crs is not None:
        frame = frame.set_crs(crs, allow_override=True)
    v.require_crs(frame, what=what)
    frame = _index_by_id(frame, id_col, what=what)
    empty = frame.geometry.isna() | frame.geometry.is_empty
    if empty.any():
        raise ValidationError(
            f"{what} has {int(empty.sum())} areas with no geometry: {format_ids(frame.index[empty])}. "
            "Remove them or fix their polygons before reading."
        )
    return frame


def read_indicators(path: PathLike, *, id_col: str, sep: str = ",", decimal: str = ".", encoding: str = "utf-8") -> pd.DataFrame:
    """Read an indicator table (CSV), indexed by the area ID as a string.

    The ID column is read as text, so codes such as ``"0801901001"`` keep their leading zero.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> table = dm.read_indicators(dm.datasets.get_path("georgia_indicators.csv"), id_col="AreaKey")
    >>> table.loc["13001", "PctPov"]
    np.float64(19.9)
    """
    path = _existing(path, what="indicator table")
    frame = pd.read_csv(path, sep=sep, decimal=decimal, encoding=encoding, dtype={id_col: str})
    return _index_by_id(frame, id_col, what=f"Indicator table {path.name!r}")


def _write_gpkg(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame.reset_index().to_file(path, layer="results", driver="GPKG", engine="pyogrio")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    pd.DataFrame(frame.drop(columns=frame.geometry.name, errors="ignore")).to_csv(path)


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, Path], None]] = {".gpkg": _write_gpkg, ".csv": _write_csv}


def write_results(frame: gpd.GeoDataFrame, path: PathLike) -> Path:
    """Write a results frame to GeoPackage (``.gpkg``, layer ``results``) or CSV (``.csv``, no geometry).

    The area ID is written as the first column, as text. Categorical columns are written as their labels.
    """
    path = Path(path)
    writer = v.lookup(_WRITERS, path.suffix.lower(), what="output format (file extension)")
    path.parent.mkdir(parents=True, exist_ok=True)
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    writer(frame.astype({c: str for c in categorical}), path)
    return path
