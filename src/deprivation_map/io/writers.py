"""Writing results with a metadata record: what went in (with checksums), the options, the versions, the seed.

Each format carries the record where its readers will find it: the GeoPackage metadata extension
(``gpkg_metadata``, read by ``pyogrio.read_info(path)["layer_metadata"]``) for the ``results`` layer, the
``deprivation_map`` key of a Parquet file's schema metadata, a ``metadata`` sheet in Excel, and a sidecar
``<file>.metadata.json`` beside CSV and GeoJSON (neither has a place for it).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import json
import os
import platform
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError
from . import _secrets

__all__ = ["build_metadata", "read_metadata", "write_results"]

PathLike = str | os.PathLike
METADATA_KEY = "deprivation_map"
_LIBRARIES = (
    "deprivation-map",
    "numpy",
    "pandas",
    "geopandas",
    "shapely",
    "pyogrio",
    "pyproj",
    "pyarrow",
    "libpysal",
    "esda",
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in _LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            continue
    return found


def _input(source: PathLike | Mapping) -> dict:
    """One input as recorded: a file with its size and SHA-256, a database URL without its password, a mapping as given."""
    if isinstance(source, Mapping):
        return dict(source)
    if isinstance(source, str) and "://" in source:
        return {"url": source}
    path = Path(source)
    return {"name": path.name, "path": str(path), "bytes": path.stat().st_size, "sha256": _sha256(path)}


def build_metadata(
    *, inputs: Sequence[PathLike | Mapping] = (), options: Mapping | None = None, seed: int | None = None
) -> dict:
    """The metadata record of an output: inputs with SHA-256 checksums, options, library versions, seed.

    Passwords never enter it: database URLs anywhere in it are recorded with their password replaced by
    ``***``, and so is the value of any key named like a password.

    Parameters
    ----------
    inputs : sequence of paths, URLs or mappings
        What the output was computed from: each file is recorded with its size and SHA-256; a database URL
        (``postgresql://...``) as ``{"url": ...}``; a mapping (``{"url": ..., "table": "areas"}``) as it is.
    options : mapping, optional
        The choices that produced the output (JSON-serialisable; paths and other objects become text).
    seed : int, optional
        The random seed of any permutation inference.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.io.writers import build_metadata
    >>> record = build_metadata(inputs=[dm.datasets.get_path("toy_indicators.csv")], seed=7)
    >>> record["seed"], record["inputs"][0]["name"], len(record["inputs"][0]["sha256"])
    (7, 'toy_indicators.csv', 64)
    >>> build_metadata(inputs=[{"url": "postgresql://analyst:s3cr3t@db/observatory", "table": "areas"}])["inputs"]
    [{'url': 'postgresql://analyst:***@db/observatory', 'table': 'areas'}]
    """
    record = _secrets.redact(
        {
            "created_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "inputs": json.loads(json.dumps([_input(p) for p in inputs], default=str)),
            "options": json.loads(json.dumps(dict(options or {}), default=str)),
            "seed": seed,
            "versions": _versions(),
        }
    )
    assert isinstance(record, dict)  # redact returns a mapping as a dict
    return record


# OWASP, "CSV Injection": a cell beginning with one of these is run as a formula by spreadsheets
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: object) -> object:
    """Text that a spreadsheet would run as a formula, prefixed with ``'`` (other values as they are)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _inert_text(values: pd.Series | pd.Index) -> pd.Series | pd.Index:
    """``values`` with :func:`_inert` applied to their text; numbers (negative ones too) are left alone."""
    if pd.api.types.is_string_dtype(values.dtype) or pd.api.types.is_object_dtype(values.dtype):
        return values.map(_inert)
    return values


def _table(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """The frame without geometry, for spreadsheets: text that would run as a formula is made inert."""
    table = frame.drop(columns=frame.geometry.name) if isinstance(frame, gpd.GeoDataFrame) else frame
    table = pd.DataFrame(table).apply(_inert_text)
    table.index = _inert_text(table.index)
    return table.rename(columns=_inert)


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".metadata.json")


def _write_gpkg(frame, path: Path, record: str) -> None:
    # GeoPackage's metadata extension (gpkg_metadata), attached to the layer: no extra layer to choose from
    frame.reset_index().to_file(
        path, layer="results", driver="GPKG", engine="pyogrio", layer_metadata={METADATA_KEY: record}
    )


def _write_parquet(frame, path: Path, record: str) -> None:
    import pyarrow.parquet as pq

    frame.reset_index().to_parquet(path) if isinstance(frame, gpd.GeoDataFrame) else frame.to_parquet(path)
    table = pq.read_table(path)
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), METADATA_KEY.encode(): record.encode()})
    pq.write_table(table, path)


def _write_geojson(frame, path: Path, record: str) -> None:
    frame.reset_index().to_file(path, driver="GeoJSON", engine="pyogrio")
    _sidecar(path).write_text(record, encoding="utf-8")


def _write_csv(frame, path: Path, record: str) -> None:
    _table(frame).to_csv(path, quoting=csv.QUOTE_NONNUMERIC)  # text quoted (OWASP), so a CR in it stays text
    _sidecar(path).write_text(record, encoding="utf-8")


def _write_excel(frame, path: Path, record: str) -> None:
    meta = pd.DataFrame({"key": [METADATA_KEY], "value": [record]})
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        _table(frame).to_excel(book, sheet_name="results")
        meta.to_excel(book, sheet_name="metadata", index=False)


_WRITERS: dict[str, Callable[[pd.DataFrame, Path, str], None]] = {
    ".gpkg": _write_gpkg,
    ".csv": _write_csv,
    ".parquet": _write_parquet,
    ".geojson": _write_geojson,
    ".xlsx": _write_excel,
}
_NEEDS_GEOMETRY = (".gpkg", ".geojson")


def write_results(frame: gpd.GeoDataFrame, path: PathLike, *, metadata: Mapping | None = None) -> Path:
    """Write a results frame, with a metadata record, to a file whose extension names the format.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or pandas.DataFrame
        Indexed by area ID.
    path : path
        ``.gpkg`` (layer ``results``, record in its layer metadata), ``.parquet`` (GeoParquet when there is a
        geometry; record in the schema metadata), ``.geojson`` and ``.csv`` (record in
        ``<file>.metadata.json``), ``.xlsx`` (sheets ``results`` and ``metadata``). CSV and Excel hold no
        geometry.
    metadata : mapping, optional
        The record, usually from :func:`build_metadata`; when None, one without inputs is built (versions
        and time only). Passwords in it are replaced by ``***``. :func:`read_metadata` reads it back.

    Returns
    -------
    pathlib.Path

    Notes
    -----
    The area ID is written as the first column, as text. Categorical columns are written as their labels.

    In CSV and Excel, text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a
    name, an ID or a column name) is written with a leading ``'``, as OWASP's advice on CSV injection
    recommends, so that no spreadsheet runs it as a formula (``=HYPERLINK(...)`` stays text); in CSV every
    text field is also quoted. Numbers, negative ones included, are written as numbers.

    Examples
    --------
    >>> import tempfile, pathlib, deprivation_map as dm
    >>> from deprivation_map.io.writers import read_metadata
    >>> areas, table = dm.datasets.load_toy()
    >>> out = dm.write_results(areas, pathlib.Path(tempfile.mkdtemp()) / "areas.gpkg", metadata={"seed": 3})
    >>> read_metadata(out)["seed"]
    3
    """
    path = Path(path)
    suffix = path.suffix.lower()
    writer = v.lookup(_WRITERS, suffix, what="output format (file extension)")
    if suffix in _NEEDS_GEOMETRY and not isinstance(frame, gpd.GeoDataFrame):
        raise ValidationError(
            f"A {suffix} file needs geometries, but got a {type(frame).__name__}. Write .csv, .xlsx or .parquet."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    record = json.loads(json.dumps(dict(metadata) if metadata is not None else build_metadata(), default=str))
    record = json.dumps(_secrets.redact(record), ensure_ascii=False)  # no password is ever written
    writer(frame.astype(dict.fromkeys(categorical, str)), path, record)
    return path


def _gpkg_record(path: Path) -> str:
    import pyogrio

    return pyogrio.read_info(path, layer="results")["layer_metadata"][METADATA_KEY]


def _parquet_record(path: Path) -> str:
    import pyarrow.parquet as pq

    return pq.read_schema(path).metadata[METADATA_KEY.encode()].decode()


def _excel_record(path: Path) -> str:
    return pd.read_excel(path, sheet_name="metadata")["value"].iloc[0]


def _sidecar_record(path: Path) -> str:
    return _sidecar(path).read_text(encoding="utf-8")


_RECORDS: dict[str, Callable[[Path], str]] = {
    ".gpkg": _gpkg_record,
    ".parquet": _parquet_record,
    ".xlsx": _excel_record,
    ".csv": _sidecar_record,
    ".geojson": _sidecar_record,
}


def read_metadata(path: PathLike) -> dict:
    """The metadata record :func:`write_results` stored with an output (a dict, as written).

    Examples
    --------
    >>> import hashlib, tempfile, deprivation_map as dm
    >>> from deprivation_map.io.writers import build_metadata
    >>> gdf = dm.datasets.load_georgia()
    >>> source = dm.datasets.get_path("georgia_indicators.csv")
    >>> record = build_metadata(inputs=[source], options={"index": {"PctPov": 1}}, seed=0)
    >>> path = dm.write_results(gdf, tempfile.mkdtemp() + "/results.gpkg", metadata=record)
    >>> meta = read_metadata(path)
    >>> meta["seed"], meta["options"], meta["inputs"][0]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    (0, {'index': {'PctPov': 1}}, True)
    """
    path = Path(path)
    reader = v.lookup(_RECORDS, path.suffix.lower(), what="output format (file extension)")
    return json.loads(reader(path))
