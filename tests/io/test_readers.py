"""The guard: broken files of every kind reach the user as the library's errors, never as a reader's exception.

Valid files of each format are truncated, corrupted and saved under the other formats' extensions; reading
each must either work or raise a :class:`~deprivation_map.errors.DeprivationMapError` naming the file.
"""

from __future__ import annotations

import io
import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapError

TABLE_EXTS = ("csv", "tsv", "txt", "xlsx", "parquet")
VECTOR_EXTS = ("gpkg", "geojson", "fgb", "parquet", "zip", "shp")


def _valid_tables() -> dict[str, bytes]:
    frame = pd.DataFrame({"code": ["001", "002", "NA"], "x": [1.5, -2.0, 3.25], "name": ["Πάτρα", "Aígio", "b"]})
    out = {"csv": frame.to_csv(index=False).encode(), "tsv": frame.to_csv(index=False, sep="\t").encode("utf-16")}
    out["txt"] = frame.to_csv(index=False, sep=";", decimal=",").encode("cp1253", errors="replace")
    for ext, write in (("xlsx", lambda b: frame.to_excel(b, index=False)), ("parquet", frame.to_parquet)):
        buffer = io.BytesIO()
        write(buffer)
        out[ext] = buffer.getvalue()
    return out


def _valid_vectors(folder) -> dict[str, bytes]:
    areas = gpd.GeoDataFrame({"code": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:25831")
    out = {}
    for ext in ("gpkg", "geojson", "fgb"):
        areas.to_file(folder / f"v.{ext}")
        out[ext] = (folder / f"v.{ext}").read_bytes()
    areas.to_parquet(folder / "v.parquet")
    areas.to_file(folder / "v.shp")
    out["parquet"], out["shp"] = (folder / "v.parquet").read_bytes(), (folder / "v.shp").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in ("shp", "shx", "dbf", "prj"):
            archive.write(folder / f"v.{part}", f"v.{part}")
    out["zip"] = buffer.getvalue()
    return out


def _damaged(data: bytes, rng: np.random.Generator) -> list[bytes]:
    """Truncations at several lengths, a few flipped bytes, and random bytes of the same length."""
    cuts = [data[: int(len(data) * f)] for f in (0.02, 0.1, 0.33, 0.5, 0.8, 0.97)]
    flipped = []
    for _ in range(4):
        raw = bytearray(data)
        for pos in rng.integers(0, len(raw), size=8):
            raw[pos] ^= 0xFF
        flipped.append(bytes(raw))
    return [*cuts, *flipped, rng.integers(0, 256, len(data), dtype=np.uint8).tobytes(), b"\x00", b" \n"]


def _read(reader, path, escaped: list) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired geometries, spreadsheet errors: warnings are allowed
        try:
            reader(path)
        except DeprivationMapError as err:
            assert path.name in str(err), f"{type(err).__name__} does not name {path.name}: {err}"
        except Exception as err:  # the point of the guard
            escaped.append(f"{path.parent.name}/{path.name}: {type(err).__module__}.{type(err).__name__}: {err}")


READERS = {
    "read_indicators": lambda p: dm.read_indicators(p, id_col="code"),
    "check_table": lambda p: dm.check_table(p, id_col="code"),
    "read_boundaries": lambda p: dm.read_boundaries(p, id_col="code"),
}


@pytest.mark.parametrize("reader", READERS)
def test_no_reader_exception_escapes_from_a_corpus_of_broken_files(tmp_path, reader):
    rng = np.random.default_rng(13)
    sources = {**_valid_tables(), **{f"v_{k}": v for k, v in _valid_vectors(tmp_path).items()}}
    exts = VECTOR_EXTS if reader == "read_boundaries" else TABLE_EXTS
    n, escaped = 0, []
    for name, data in sources.items():
        for k, variant in enumerate([data, *_damaged(data, rng)]):
            for ext in exts:
                folder = tmp_path / f"{name}_{k}_{ext}"
                folder.mkdir()
                path = folder / f"broken.{ext}"
                path.write_bytes(variant)
                if ext == "shp":  # the other parts of the shapefile, intact, beside a broken .shp
                    for part in ("shx", "dbf", "prj"):
                        (folder / f"broken.{part}").write_bytes((tmp_path / f"v.{part}").read_bytes())
                _read(READERS[reader], path, escaped)
                n += 1
    assert n > 500 and not escaped, "\n".join(escaped[:20])
