"""Boundaries as partitions: read a folder of files (one partition each), order them spatially, write results.

A folder of GeoParquet files (or any format :func:`~deprivation_map.read_boundaries` reads) is one dask
partition per file, each read and checked by :func:`~deprivation_map.read_boundaries` itself, so the IDs, the
CRS and the geometry checks are those of a local run. The areas' order is the files' (sorted by name), then
each file's: the order a local run of the same files put together would have, and so the order of every result.
"""

from __future__ import annotations

import os
import shutil
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
_KEY = "__hilbert__"
_LEVEL = 16


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


def _hilbert(part: Any, bounds: np.ndarray) -> np.ndarray:
    """Each area's distance along a Hilbert curve over ``bounds`` (geopandas' ``hilbert_distance``, level 16)."""
    return part.geometry.hilbert_distance(total_bounds=bounds, level=_LEVEL).to_numpy(dtype=np.int64)


def _split(part: Any, bounds: np.ndarray, cuts: np.ndarray, folder: Path, i: int) -> list[int]:
    """Write the areas of input partition ``i`` as pieces, one per output partition they go to; their numbers."""
    key = _hilbert(part, bounds)
    target = np.searchsorted(cuts, key, side="right")
    frame = part.rename_axis(ID).reset_index()[[ID, POSITION, part.geometry.name]].assign(**{_KEY: key})
    written = []
    for j in np.unique(target).tolist():
        frame.loc[target == j].to_parquet(folder / f"piece.{j}.{i}.parquet", index=False)
        written.append(j)
    return written


def _combine(folder: Path, j: int, split: list[list[int]], path: Path) -> Any:
    """Put together output partition ``j`` from its pieces, sorted along the curve, as ``path``; its convex hull."""
    import geopandas as gpd
    import shapely

    pieces = [folder / f"piece.{j}.{i}.parquet" for i, targets in enumerate(split) if j in targets]
    if not pieces:  # equal distances at a cut can leave a partition empty: it is not written
        return None
    frame = pd.concat([gpd.read_parquet(f) for f in pieces], ignore_index=True)
    frame = frame.sort_values([_KEY, POSITION], kind="stable", ignore_index=True).drop(columns=_KEY)
    frame.to_parquet(path, index=False)  # the pieces stay until all are put together: a task run again finds them
    return shapely.convex_hull(shapely.geometrycollections(np.asarray(frame.geometry.values)))


def _read_ordered(files: list[Path], hulls: Any, meta: Any) -> Any:
    """The dask-geopandas GeoDataFrame of ordered partition files, one partition each, with their hulls."""
    import geopandas as gpd

    dask = require("dask")
    parts = [dask.delayed(gpd.read_parquet)(f) for f in files]
    frame = require("dask_geopandas").from_dask_dataframe(require("dask.dataframe").from_delayed(parts, meta=meta))
    frame.spatial_partitions = hulls
    return frame


def spatial_order(areas: Any, folder: str | os.PathLike) -> Any:
    """The areas re-partitioned along a Hilbert curve, written as one GeoParquet file per partition in ``folder``.

    Each area's distance along a Hilbert curve (level 16, over the areas' total bounds) is computed on the
    workers and gathered (8 bytes an area); the client cuts the sorted distances into as many partitions of
    equal size as the input has, and each input partition writes its areas to the pieces of the partitions
    they go to, which are then put together, sorted along the curve (ties by input position), as
    ``folder/part.J.parquet``. The exchange goes through files, so no worker holds more than a partition
    and its pieces, and a worker lost mid-way is replaced by recomputing from files. Neighbours then mostly
    share a partition, so few areas cross partition borders in the graph.

    The result holds only the ID (column :data:`ID`), the input position and the geometry: the attributes
    are gathered separately by :func:`attributes`. Its ``spatial_partitions`` are each partition's convex hull.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> ordered = spatial_order(read_partitioned(folder, id_col="AreaKey"), folder / "ordered")
    >>> ordered.npartitions, len(ordered.spatial_partitions), sorted(ordered.compute()[ID]) == sorted(gdf.index)
    (3, 3, True)
    """
    import geopandas as gpd

    dask = require("dask")
    folder = Path(folder)
    pieces = folder / "_pieces"
    pieces.mkdir(parents=True, exist_ok=True)
    bounds = np.asarray(areas.total_bounds.compute())
    keys = np.concatenate(dask.compute(*[dask.delayed(_hilbert)(p, bounds) for p in areas.to_delayed()]))
    k = max(1, min(areas.npartitions, len(keys)))
    cuts = np.sort(keys)[(np.arange(1, k) * len(keys)) // k]  # partition j takes cuts[j - 1] <= key < cuts[j]
    split = [dask.delayed(_split)(p, bounds, cuts, pieces, i) for i, p in enumerate(areas.to_delayed())]
    files = [folder / f"part.{j:05d}.parquet" for j in range(k)]
    hulls = dask.compute(*[dask.delayed(_combine)(pieces, j, split, f) for j, f in enumerate(files)])
    shutil.rmtree(pieces)
    kept = [j for j, hull in enumerate(hulls) if hull is not None]
    meta = areas._meta.rename_axis(ID).reset_index()[[ID, POSITION, areas.geometry.name]]
    return _read_ordered([files[j] for j in kept], gpd.GeoSeries([hulls[j] for j in kept], crs=areas.crs), meta)


def _with_results(part: Any, results: pd.DataFrame) -> Any:
    geometry = part.set_index(ID)[[part.geometry.name]].rename_axis(results.index.name)
    return geometry.join(results, how="inner")  # areas the join dropped are not in the results


def _ids(part: Any) -> np.ndarray:
    return part[ID].to_numpy()


def _write_part(part: Any, staged: Path, path: Path) -> int:
    """Join partition ``part``'s geometry to its results staged in ``staged``, write ``path``; the rows written."""
    joined = _with_results(part, pd.read_parquet(staged))
    joined.to_parquet(path, index=True)  # the staged file stays until all are written: a task run again finds it
    return len(joined)


def write_partitioned(ordered: Any, results: pd.DataFrame, folder: str | os.PathLike) -> Path:
    """Write ``results`` (one row per area ID) with each area's geometry as a folder of GeoParquet files.

    Areas without a row in ``results`` (left out by the join) are not written.

    One file per partition of ``ordered`` (the spatially ordered areas of :func:`spatial_order`), so the
    output keeps the Hilbert order that makes a later read by region cheap; the ``part.*.parquet`` files of
    an earlier run in ``folder`` are removed first, so none is read back with these. The workers send the IDs of
    their partitions; the client writes each partition's rows of ``results`` to a staging file, and the
    workers join them to the geometry and write the outputs: nothing is gathered but the IDs, no partition's
    results travel through the scheduler, and a worker lost mid-way is replaced by recomputing from files.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> ordered = spatial_order(read_partitioned(folder, id_col="AreaKey"), folder / "ordered")
    >>> out = write_partitioned(ordered, gdf[["PctPov"]], folder / "results")
    >>> import geopandas as gpd
    >>> back = gpd.read_parquet(out)
    >>> len(back), back["PctPov"].sort_index().equals(gdf["PctPov"].sort_index())
    (159, True)
    """
    dask = require("dask")
    folder = Path(folder)
    for stale in folder.glob("part.*.parquet"):  # an earlier run's, perhaps of more partitions
        stale.unlink()
    staging = folder / "_staging"
    staging.mkdir(parents=True, exist_ok=True)
    parts = ordered.to_delayed()
    ids = dask.compute(*[dask.delayed(_ids)(p) for p in parts])
    writes = []
    for j, (part, part_ids) in enumerate(zip(parts, ids, strict=True)):
        rows = results.index.get_indexer(part_ids)
        staged = staging / f"part.{j:05d}.parquet"
        results.iloc[rows[rows >= 0]].to_parquet(staged)
        writes.append(dask.delayed(_write_part)(part, staged, folder / f"part.{j:05d}.parquet"))
    dask.compute(*writes)
    shutil.rmtree(staging)
    return folder
