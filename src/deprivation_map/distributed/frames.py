"""Boundaries as partitions: read a folder of files (one partition each), order them spatially, write results.

A folder of GeoParquet files (or any format :func:`~deprivation_map.read_boundaries` reads) is one dask
partition per file, each read and checked by :func:`~deprivation_map.read_boundaries` itself, so the IDs, the
CRS and the geometry checks are those of a local run. The areas' order is the files' (sorted by name), then
each file's: the order a local run of the same files put together would have, and so the order of every result.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError
from ._require import require

__all__ = [
    "ID",
    "POSITION",
    "attributes",
    "boundary_files",
    "read_partitioned",
    "spatial_order",
    "write_partitioned",
]

ID = "__area_id__"
"""The column holding the area ID once the partitions are ordered spatially (the index becomes the order)."""
POSITION = "__position__"
"""The column holding each area's row in the input order (files by name, then rows): the results' order."""


def boundary_files(path: str | os.PathLike) -> list[Path]:
    """The files of a partitioned layer: every file in the folder ``path`` (sorted by name), or ``path`` itself.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("part.1.parquet", "part.0.parquet", "_metadata"):
    ...     _ = (folder / name).write_bytes(b"x")
    >>> [p.name for p in boundary_files(folder)]  # dask's and Spark's hidden files are not partitions
    ['part.0.parquet', 'part.1.parquet']
    """
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ValidationError(f"Boundaries {str(path)!r}: no such file or folder. Give a folder of GeoParquet files.")
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(("_", ".")))
    if not files:
        raise ValidationError(f"Boundaries folder {str(path)!r} holds no file; expected one file per partition.")
    return files


def _rows(path: Path) -> int:
    """The number of features of a file, from its metadata (a GeoParquet footer, or the driver's count)."""
    if path.suffix.lower() in (".parquet", ".geoparquet"):
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    import pyogrio

    return int(pyogrio.read_info(path)["features"])


def _read_file(path: Path, start: int, rows: int, options: dict[str, Any]) -> Any:
    from ..io import read_boundaries

    frame = read_boundaries(path, **options)
    if len(frame) != rows:
        raise ValidationError(f"Boundaries {path.name!r}: its metadata counts {rows} rows but {len(frame)} were read.")
    return frame.assign(**{POSITION: np.arange(start, start + rows, dtype=np.int64)})


def read_partitioned(path: str | os.PathLike, **options: Any) -> Any:
    """A dask-geopandas GeoDataFrame with one partition per file of ``path``, indexed by area ID.

    ``options`` are those of :func:`~deprivation_map.read_boundaries` (``id_col``, ``crs``, ``on_invalid`` ...),
    applied to each file. Column :data:`POSITION` numbers the areas in input order (counted from each file's
    metadata before any is read). IDs repeated across files are refused when the attributes are gathered
    (:func:`attributes`); each file's own repeats by :func:`~deprivation_map.read_boundaries`.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> areas = read_partitioned(folder, id_col="AreaKey")
    >>> areas.npartitions, areas.compute().index.equals(gdf.index)
    (3, True)
    """
    dask = require("dask")
    dgpd = require("dask_geopandas")
    files = boundary_files(path)
    rows = [_rows(f) for f in files]
    starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(int)
    meta = _read_file(files[0], 0, rows[0], options).iloc[:0]  # the columns, dtypes and CRS of every file
    parts = [dask.delayed(_read_file)(f, int(s), r, options) for f, s, r in zip(files, starts, rows, strict=True)]
    return dgpd.from_dask_dataframe(require("dask.dataframe").from_delayed(parts, meta=meta, verify_meta=True))


def attributes(areas: Any) -> pd.DataFrame:
    """Every column but the geometry, gathered in the areas' order; IDs repeated across partitions are refused.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> frame = attributes(read_partitioned(folder, id_col="AreaKey"))
    >>> frame.index.equals(gdf.index), "geometry" in frame
    (True, False)
    """
    frame = areas.drop(columns=[areas.geometry.name, POSITION]).compute()
    v.require_unique_ids(frame.index, what="The areas of all partitions")
    return frame


def spatial_order(areas: Any) -> Any:
    """The areas re-partitioned along a Hilbert curve (dask-geopandas' ``spatial_shuffle``), ID in column :data:`ID`.

    Neighbours then mostly share a partition, so few areas cross partition borders in the graph.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> ordered = spatial_order(read_partitioned(folder, id_col="AreaKey"))
    >>> ordered.npartitions, len(ordered.spatial_partitions), sorted(ordered.compute()[ID]) == sorted(gdf.index)
    (3, 3, True)
    """
    frame = areas.rename_axis(ID).reset_index()
    return frame.spatial_shuffle(by="hilbert", npartitions=areas.npartitions)


def _with_results(part: Any, results: pd.DataFrame) -> Any:
    geometry = part.set_index(ID)[[part.geometry.name]].rename_axis(results.index.name)
    return geometry.join(results, how="inner")  # areas the join dropped are not in the results


def write_partitioned(
    ordered: Any, results: pd.DataFrame, folder: str | os.PathLike, client: Any | None = None
) -> Path:
    """Write ``results`` (one row per area ID) with each area's geometry as a folder of GeoParquet files.

    Areas without a row in ``results`` (left out by the join) are not written.

    One file per partition of ``ordered`` (the spatially ordered areas of :func:`spatial_order`), so the
    output keeps the Hilbert order that makes a later read by region cheap. With a ``client``, ``results`` is
    sent once to each worker (``client.scatter``) rather than in every task.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> ordered = spatial_order(read_partitioned(folder, id_col="AreaKey"))
    >>> out = write_partitioned(ordered, gdf[["PctPov"]], folder / "results")
    >>> import geopandas as gpd
    >>> back = gpd.read_parquet(out)
    >>> len(back), back["PctPov"].sort_index().equals(gdf["PctPov"].sort_index())
    (159, True)
    """
    folder = Path(folder)
    shared = client.scatter(results, broadcast=True) if client is not None else results
    meta = _with_results(ordered._meta, results.iloc[:0])
    joined = ordered.map_partitions(_with_results, shared, meta=meta)
    joined.to_parquet(folder, write_index=True)
    return folder
