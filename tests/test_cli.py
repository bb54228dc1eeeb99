"""The configuration, the pipeline and the command line: two commands, clear errors, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.cli import main


def test_demo_writes_the_outputs_and_a_true_summary(tmp_path, capsys, georgia):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for name in ("map.html", "results.gpkg", "results.csv", "config.toml"):
        assert (tmp_path / name).is_file()
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    moran = dm.global_moran(index.score, dm.build_graph(georgia), seed=0)
    hot = dm.local_moran(index.score, dm.build_graph(georgia), seed=0)
    assert f"Global Moran's I = {moran.I:.4f} (pseudo p = {moran.p_sim:.4f}" in out
    assert f"High-High {hot.counts()['High-High']}, Low-Low {hot.counts()['Low-Low']}" in out
    assert "Areas read: 159" in out and "Areas joined: 159" in out and "zscore / equal / mean" in out
    results = gpd.read_file(tmp_path / "results.gpkg")
    assert results["AreaKey"].tolist() == georgia.index.tolist()
    assert {"score", "rank", "decile", "lisa_label", "lisa_p"} <= set(results.columns)
    csv = pd.read_csv(tmp_path / "results.csv", dtype={"AreaKey": str}).set_index("AreaKey")
    assert csv["lisa_label"].value_counts().to_dict() == {k: v for k, v in hot.counts().items() if v}


@pytest.mark.slow
def test_the_command_is_installed_and_runs_in_a_fresh_process(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "deprivation_map.cli", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"Global Moran's I = 0\.\d{4}", done.stdout)
