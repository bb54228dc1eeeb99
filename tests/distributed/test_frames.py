"""Partitioned boundaries: read file by file with read_boundaries' checks, in input order; results written back."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.distributed import attributes, boundary_files, read_partitioned, spatial_order, write_partitioned
from deprivation_map.errors import DeprivationMapError, ValidationError


def test_the_areas_keep_the_input_order_and_the_ids_as_text(tmp_path, synchronous, voronoi_areas, write_parts):
    folder = write_parts(voronoi_areas(300), tmp_path / "parts", 4)
    frame = attributes(read_partitioned(folder, id_col="code"))
    expected = pd.concat([dm.read_boundaries(p, id_col="code") for p in boundary_files(folder)])
    pd.testing.assert_frame_equal(frame, pd.DataFrame(expected.drop(columns="geometry")))
    assert frame.index[0].startswith("0")  # leading zeros survive


def test_an_id_repeated_across_files_is_refused(tmp_path, synchronous, voronoi_areas):
    areas = voronoi_areas(50)
    folder = tmp_path / "parts"
    folder.mkdir()
    areas.iloc[:30].to_parquet(folder / "a.parquet")
    areas.iloc[25:].to_parquet(folder / "b.parquet")  # 000025 .. 000029 in both
    with pytest.raises(ValidationError, match="000025"):
        attributes(read_partitioned(folder, id_col="code"))


def test_each_file_gets_read_boundaries_checks(tmp_path, synchronous, voronoi_areas, write_parts):
    folder = write_parts(voronoi_areas(50), tmp_path / "parts", 2)
    with pytest.raises(DeprivationMapError, match="nope"):
        read_partitioned(folder, id_col="nope")


def test_an_empty_or_missing_folder_is_named(tmp_path):
    with pytest.raises(ValidationError, match="holds no file"):
        boundary_files(tmp_path)
    with pytest.raises(ValidationError, match="no such file or folder"):
        boundary_files(tmp_path / "absent")


def test_results_are_written_with_their_geometry_one_file_per_partition(
    tmp_path, synchronous, voronoi_areas, write_parts
):
    areas = voronoi_areas(200)
    ordered = spatial_order(read_partitioned(write_parts(areas, tmp_path / "parts", 3), id_col="code"))
    results = areas.set_index("code")[["pov"]].rename(columns={"pov": "score"})
    out = write_partitioned(ordered, results, tmp_path / "out")
    assert len(list(out.glob("*.parquet"))) == 3
    back = gpd.read_parquet(out).sort_index()
    assert back.index.equals(results.sort_index().index)
    assert back["score"].equals(results["score"].sort_index())
    assert back.geometry.geom_equals(areas.set_index("code").geometry.sort_index()).all()


def test_a_missing_dask_names_the_extra(monkeypatch):
    import importlib

    from deprivation_map.distributed._require import require

    real = importlib.import_module

    def absent(name, *args):
        if name == "dask_geopandas":
            raise ImportError("No module named 'dask_geopandas'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", absent)
    with pytest.raises(DeprivationMapError, match=r"deprivation-map\[dask\].*engine='local'"):
        require("dask_geopandas")
