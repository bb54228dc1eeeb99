"""Partitioned boundaries: read file by file with read_boundaries' checks, in input order; results written back."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.distributed import attributes, boundary_files, read_partitioned, spatial_order, write_partitioned
from deprivation_map.distributed.frames import ID, POSITION
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
    ordered = spatial_order(read_partitioned(write_parts(areas, tmp_path / "parts", 3), id_col="code"), tmp_path / "o")
    results = areas.set_index("code")[["pov"]].rename(columns={"pov": "score"})
    (tmp_path / "out").mkdir()
    for j in (2, 7):  # an earlier run's files, one this run writes again, one it does not
        areas.iloc[:5].to_parquet(tmp_path / "out" / f"part.{j:05d}.parquet")
    out = write_partitioned(ordered, results, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == [f"part.{j:05d}.parquet" for j in range(3)]  # no staging left
    for j, part in enumerate(ordered.to_delayed()):  # file j holds partition j's areas, in its order
        written = gpd.read_parquet(out / f"part.{j:05d}.parquet")
        assert written.index.tolist() == part.compute()[ID].tolist()
    back = gpd.read_parquet(out).sort_index()
    assert back.index.equals(results.sort_index().index)
    assert back["score"].equals(results["score"].sort_index())
    assert back.geometry.geom_equals(areas.set_index("code").geometry.sort_index()).all()


def test_the_spatial_order_is_hilbert_partitions_of_equal_size(tmp_path, synchronous, voronoi_areas, write_parts):
    areas = voronoi_areas(400)
    ordered = spatial_order(read_partitioned(write_parts(areas, tmp_path / "parts", 4), id_col="code"), tmp_path / "o")
    parts = [p.compute() for p in ordered.to_delayed()]
    assert [len(p) for p in parts] == [100] * 4  # cut at quantiles of the Hilbert distance
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [f"part.{j:05d}.parquet" for j in range(4)]
    key = areas.set_index("code").loc[pd.concat(parts)[ID]].geometry.hilbert_distance(total_bounds=areas.total_bounds)
    assert key.is_monotonic_increasing  # along the curve, partition after partition
    positions = pd.concat(parts).set_index(ID)[POSITION]
    expected = attributes(read_partitioned(tmp_path / "parts", id_col="code")).index
    assert (expected[positions.to_numpy()] == positions.index).all()  # input positions kept
    hulls = ordered.spatial_partitions
    assert all(hulls[j].covers(parts[j].geometry.union_all()) for j in range(4))


def test_the_results_are_written_by_the_workers_without_a_scattered_copy(
    tmp_path, monkeypatch, voronoi_areas, write_parts
):
    """A LocalCluster: nothing is scattered (a worker lost would lose it), and the results are whole."""
    distributed = pytest.importorskip("distributed")
    areas = voronoi_areas(300)
    folder = write_parts(areas, tmp_path / "parts", 3)
    results = areas.set_index("code")[["pov"]]

    def refused(*args, **kwargs):
        raise AssertionError("results scattered to the workers")

    monkeypatch.setattr(distributed.Client, "scatter", refused)
    with distributed.Client(processes=False, n_workers=2, threads_per_worker=1, dashboard_address=None):
        ordered = spatial_order(read_partitioned(folder, id_col="code"), tmp_path / "o")
        out = write_partitioned(ordered, results, tmp_path / "out")
    assert sorted(p.name for p in out.iterdir()) == [f"part.{j:05d}.parquet" for j in range(3)]  # staging removed
    back = gpd.read_parquet(out).sort_index()
    pd.testing.assert_series_equal(back["pov"], results["pov"].sort_index())


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
