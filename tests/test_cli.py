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


def test_init_check_and_run_as_a_new_user_would(tmp_path, capsys):
    toy = dm.datasets.get_path("toy_areas.geojson"), dm.datasets.get_path("toy_indicators.csv")
    config = tmp_path / "config.toml"
    assert main(["init", str(toy[0]), "--id", "code", "--table", str(toy[1]), "--out", str(config)]) == 0
    assert main(["check", str(config)]) == 0
    assert "No problem found" in capsys.readouterr().out
    assert main(["--quiet", "run", str(config)]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "Traceback" not in err
    assert (tmp_path / "out" / "map.html").is_file()  # [output] dir = "out", beside the configuration


def test_check_reports_every_problem_and_exits_2(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(
        '[boundaries]\npath = "bundled:toy_areas.geojson"\nid_col = "code"\n'
        '[indicators]\npath = "bundled:toy_indicators.csv"\nid_col = "code"\n'
        "[index.indicators]\npoverty = 1\npovrty = 1\n",
        encoding="utf-8",
    )
    assert main(["check", str(config)]) == 2
    err = capsys.readouterr().err
    assert "[join]" in err and "'012'" in err  # the join policy refuses the unmatched area, named
    assert "[graph]" in err and "013" in err  # the island the graph policy refuses
    assert "no column 'povrty'" in err
    assert "Join: 12 of 13 areas matched" in err  # the audit is shown even when the policy refuses the join


def test_an_internal_error_is_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    from deprivation_map import pipeline

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pipeline, "run", broken)
    assert main(["demo", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: ZeroDivisionError" in err and "--traceback" in err


def test_warnings_are_lines_of_the_command(tmp_path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(
        '[boundaries]\npath = "bundled:toy_areas.geojson"\nid_col = "code"\n'
        "[join]\non_unmatched = 'warn'\n"
        '[indicators]\npath = "bundled:toy_indicators.csv"\nid_col = "code"\n'
        "[index]\nmissing = 'exclude'\n[index.indicators]\npoverty = 1\n[graph]\nislands = 'keep'\n"
        "[hotspots]\nmissing = 'exclude'\nseed = 0\n",
        encoding="utf-8",
    )
    assert main(["--quiet", "run", str(config), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "deprivation-map: warning: Indicator table 1: 1 areas have no row" in err
    assert ".py:" not in err  # no file and line of the library


def test_publish_writes_an_atlas_and_refuses_a_folder_that_is_not_one(tmp_path, capsys):
    config = str(dm.datasets.get_path("demo.toml"))
    site = tmp_path / "site"
    assert main(["publish", config, "--out", str(site), "--lang", "en", "--lang", "el", "--licence", "CC BY 4.0"]) == 0
    out = capsys.readouterr().out
    assert f"Published the atlas: {site / 'index.html'}" in out and "Wrote " not in out  # the run's scratch files
    assert (site / "el" / "index.html").is_file() and (site / "data" / "results.gpkg").is_file()
    assert "Licence: CC BY 4.0" in (site / "index.html").read_text(encoding="utf-8")
    (tmp_path / "mine.txt").write_text("keep")
    assert main(["--quiet", "publish", config, "--out", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("deprivation-map: error: The folder") and len(err.splitlines()) == 1


def test_publish_takes_the_atlas_section_and_its_options_override_it(tmp_path):
    """Issue 14: [atlas] gives publish_atlas's options; each option given on the command line wins."""
    demo = dm.datasets.get_path("demo.toml").read_text(encoding="utf-8")
    config = tmp_path / "config.toml"
    atlas = (
        '[atlas]\nlanguages = ["ca", "es"]\ntitle = "Atles de Geòrgia"\nlicence = "CC BY 4.0"\ndate = "2026-01-31"\n'
    )
    config.write_text(demo + atlas, encoding="utf-8")
    assert main(["--quiet", "publish", str(config), "--out", str(tmp_path / "a")]) == 0
    home = (tmp_path / "a" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ca">' in home and (tmp_path / "a" / "es" / "index.html").is_file()
    assert "Atles de Geòrgia" in home and "Llicència: CC BY 4.0" in home and "Publicat el 2026-01-31." in home
    assert main(["--quiet", "publish", str(config), "--out", str(tmp_path / "b"), "--lang", "en", "--title", "T"]) == 0
    home = (tmp_path / "b" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in home and not (tmp_path / "b" / "es").exists()
    assert "<title>Overview · T</title>" in home and "Licence: CC BY 4.0" in home  # the licence still from [atlas]
    config.write_text(demo + '[atlas]\nlanguages = ["fr"]\n', encoding="utf-8")
    with pytest.raises(dm.errors.ConfigError, match="fr"):
        dm.config.load_config(config)
