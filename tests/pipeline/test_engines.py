"""The dask engine gives the local engine's results: same scores, labels and p-values, ID for ID.

A few thousand irregular areas in files whose rows are in random order (so partitions are not spatial until
the engine orders them); the dask run uses an in-process cluster (threads), the slow test a LocalCluster of
processes through the command line.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

pytest.importorskip("dask_geopandas")
distributed = pytest.importorskip("distributed")

from deprivation_map.config import load_config  # noqa: E402
from deprivation_map.errors import ConfigError, ValidationError  # noqa: E402
from deprivation_map.pipeline import run  # noqa: E402

CONFIG = """
[boundaries]
path = "{path}"
id_col = "code"
[indicators]
path = "table.csv"
id_col = "code"
[join]
on_unmatched = "{unmatched}"
[index]
normalise = "{normalise}"
[index.indicators]
pov = 1
edu = -1
[graph]
method = "queen"
[hotspots]
permutations = 499
seed = 11
correction = "none"  # so that some areas are labelled at 499 permutations: labels to compare
[gi]
inference = "permutation"
permutations = 499
seed = 5
correction = "none"
[districts]
column = "district"
[output]
dir = "out"
"""


@pytest.fixture(scope="module")
def client():
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None) as c:
        yield c


def _write(tmp_path, voronoi_areas, write_parts, n=2000, unmatched="raise", normalise="zscore"):
    areas = voronoi_areas(n, seed=3)
    table = areas[["code", "edu"]]
    if unmatched == "drop":
        table = table[table["code"].str[-1] != "7"]  # a tenth of the areas have no row: dropped
    table.to_csv(tmp_path / "table.csv", index=False)
    boundaries = areas.drop(columns="edu")
    write_parts(boundaries, tmp_path / "parts", 6)
    pd.concat([gpd.read_parquet(p) for p in sorted((tmp_path / "parts").glob("*.parquet"))]).to_parquet(
        tmp_path / "whole.parquet"
    )  # the same areas in the same order, one file: what the local engine reads
    for name, path in (("local", "whole.parquet"), ("dask", "parts")):
        (tmp_path / f"{name}.toml").write_text(CONFIG.format(path=path, unmatched=unmatched, normalise=normalise))


def _assert_equal(local, other):
    pd.testing.assert_series_equal(local.index.score, other.index.score)
    pd.testing.assert_series_equal(local.index.rank, other.index.rank)
    for name in ("hotspots", "gi"):
        a, b = local.results[name], other.results[name]
        for field in ("p", "p_adjusted", "labels", "z_sim"):
            pd.testing.assert_series_equal(getattr(a, field), getattr(b, field))
    assert local.moran.I == other.moran.I and local.moran.p_sim == other.moran.p_sim
    pd.testing.assert_frame_equal(local.districts, other.districts)


@pytest.mark.filterwarnings("ignore::deprivation_map.errors.DeprivationMapWarning")
@pytest.mark.parametrize(("unmatched", "normalise"), [("raise", "zscore"), ("drop", "rank")])
def test_dask_gives_the_local_results_exactly(tmp_path, client, voronoi_areas, write_parts, unmatched, normalise):
    _write(tmp_path, voronoi_areas, write_parts, unmatched=unmatched, normalise=normalise)
    local = run(tmp_path / "local.toml", out_dir=tmp_path / "local")
    other = run(tmp_path / "dask.toml", out_dir=tmp_path / "dask", engine="dask", scheduler=client)
    assert other.hotspots.labels.value_counts().drop("Not significant").sum() > 0  # something to compare
    _assert_equal(local, other)
    written = gpd.read_parquet(other.outputs["parquet"]).sort_index()
    expected = local.to_frame().sort_index()
    assert written.index.equals(expected.index)  # each area once, and only the joined ones
    pd.testing.assert_frame_equal(  # every column, value for value, written from the spatially ordered partitions
        pd.DataFrame(written.drop(columns="geometry")),
        pd.DataFrame(expected.drop(columns=expected.geometry.name)),
        check_like=True,
    )
    assert written.geometry.geom_equals(expected.geometry).all()
    assert sorted(p.name for p in (tmp_path / "dask").iterdir() if p.name.startswith("_")) == []  # no ordering left
    assert other.outputs["districts"].exists() and other.outputs["config"].exists()


def test_sections_that_need_every_geometry_are_refused_before_any_work(tmp_path, voronoi_areas, write_parts):
    _write(tmp_path, voronoi_areas, write_parts, n=50)
    config = load_config(tmp_path / "dask.toml")
    text = (tmp_path / "dask.toml").read_text().replace('method = "queen"', 'method = "knn"')
    (tmp_path / "knn.toml").write_text(text)
    with pytest.raises(ConfigError, match=r"\[graph\] method = 'knn'.*engine='local'"):
        run(tmp_path / "knn.toml", engine="dask")
    with pytest.raises(ValidationError, match="engine"):
        run(config, engine="spark")


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::deprivation_map.errors.DeprivationMapWarning")
def test_the_command_line_runs_on_a_local_cluster(tmp_path, voronoi_areas, write_parts):
    import subprocess
    import sys

    _write(tmp_path, voronoi_areas, write_parts, n=500)
    command = [sys.executable, "-m", "deprivation_map.cli", "--quiet", "run", str(tmp_path / "dask.toml"),
               "--engine", "dask", "--workers", "2", "--memory-limit", "1GiB", "--out", str(tmp_path / "o")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(list((tmp_path / "o" / "areas").glob("*.parquet"))) == 6
    wrong = subprocess.run([*command[:6], "--workers", "2"], capture_output=True, text=True, check=False)
    assert wrong.returncode == 2 and "--engine dask" in wrong.stderr
