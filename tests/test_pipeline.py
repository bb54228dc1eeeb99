"""The configuration, the pipeline and the command line: two commands, clear errors, no traceback."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import geopandas as gpd
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.cli import main
from deprivation_map.config import load_config
from deprivation_map.errors import ConfigError, DeprivationMapWarning
from deprivation_map.pipeline import STAGES, run


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


def test_run_records_every_stage_time_and_the_seed(tmp_path):
    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    assert tuple(result.timings) == tuple(s for s in STAGES if s != "allocate")  # no [allocation] in the demo
    assert result.moran.seed == 0 and result.hotspots.seed == 0
    assert repr(result).startswith(f"PipelineResult(159 areas, Moran's I {result.moran.I:.4f}")
    html = result._repr_html_()
    high_high = result.hotspots.counts()["High-High"]
    assert f"<th>High-High</th><td>{high_high}</td>" in html and "wrote map</th><td>map.html" in html


ALLOCATION = """
[allocation]
budget = 250000.5
population_col = "TotPop90"
negative = "shift"
cap = 20000
"""


def test_a_configured_allocation_is_the_api_s_and_reaches_every_output(tmp_path, capsys):
    demo = dm.datasets.get_path("demo.toml").read_text(encoding="utf-8")
    path = _write(tmp_path, demo + ALLOCATION)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    result = run(path, out_dir=tmp_path / "again")
    expected = dm.allocate(
        result.index,
        250000.5,
        population=result.data["TotPop90"],
        negative="shift",
        cap=20000,
        hotspots=result.hotspots,
    )
    pd.testing.assert_series_equal(result.allocation.amounts, expected.amounts)
    assert result.allocation.minor_units.sum() == 25000050  # exact, in cents
    assert tuple(result.timings) == STAGES
    csv = pd.read_csv(tmp_path / "out" / "results.csv", dtype={"AreaKey": str}).set_index("AreaKey")
    assert round(csv["allocation_amount"].sum(), 2) == 250000.5 and csv["allocation_amount"].max() <= 20000
    assert f"Gini {expected.equity.gini:.3f}" in out and "Allocation: 250000.5 shared proportional" in out
    assert "allocation" in (tmp_path / "out" / "map.html").read_text(encoding="utf-8").lower()
    pytest.importorskip("matplotlib")
    from deprivation_map.maps.report import report_from_result

    html = report_from_result(result, tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="allocation"' in html and f"{expected.equity.gini:.3f}" in html


def test_an_allocation_column_that_is_not_there_is_named(tmp_path, capsys):
    demo = dm.datasets.get_path("demo.toml").read_text(encoding="utf-8")
    path = _write(tmp_path, demo + ALLOCATION.replace("TotPop90", "population"))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    assert "[allocation] The joined data has no column 'population'" in capsys.readouterr().err


def _write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


TOY = """
    [boundaries]
    path = "bundled:toy_areas.geojson"
    id_col = "code"
    name_col = "name"
    [indicators]
    path = "bundled:toy_indicators.csv"
    id_col = "code"
    [join]
    on_unmatched = "keep"
    [index]
    missing = "drop"
    [index.indicators]
    poverty = 1
    degree = -1
    [graph]
    islands = "keep"
    [hotspots]
    seed = 1
    missing = "exclude"
"""


def test_a_config_with_every_edge_case_runs(tmp_path, capsys):
    assert main(["run", str(_write(tmp_path, TOY)), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "12 of 13 areas matched 13 table rows" in out and "'099'" in out
    assert "Isolate 1" in out and "Undefined 2" in out


def test_a_config_can_impute_from_neighbours_within_a_minimum_share(tmp_path):
    text = TOY.replace('missing = "drop"', 'missing = "neighbours"\n    min_available = 0.5')
    with pytest.warns(DeprivationMapWarning, match=r"\('012'\) and are left unscored"):
        result = run(_write(tmp_path, text), out_dir=tmp_path / "out")
    expected = result.data.loc[list(result.graph.neighbors["005"]), "degree"].mean()  # 005's only gap: degree
    imputed = result.index.imputed.set_index(["id", "indicator"])["value"]
    assert imputed[("005", "degree")] == pytest.approx(expected)
    assert result.index.score.notna()["005"]
    assert "012" not in imputed.index.get_level_values("id")  # no indicator at all: below the minimum share
    assert pd.isna(result.index.score["012"])


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("normalise", "normalize"), "Unknown key 'normalize' in [index]. Did you mean 'normalise'?"),
        (('path = "bundled:toy_areas.geojson"', 'path = "nowhere.gpkg"'), "Key 'boundaries.path': no file at"),
        (("poverty = 1", "povrty = 1"), "[index] The data has no column 'povrty'"),
        (("seed = 1", 'seed = "one"'), "Key 'hotspots.seed' must be a int, got 'one'"),
        (('islands = "keep"', 'islands = "drop"'), "Unknown value for 'graph.islands' 'drop'"),
        (('on_unmatched = "keep"', 'on_unmatched = "raise"'), "[join] Indicator table 1: 1 areas have no row ('012')"),
    ],
)
def test_config_mistakes_get_one_clear_message(tmp_path, capsys, edit, message):
    text = TOY.replace("[index]\n    missing", "[index]\n    normalise = 'zscore'\n    missing")
    path = _write(tmp_path, text.replace(*edit))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_sections_and_files_are_named(tmp_path):
    with pytest.raises(ConfigError, match=r"needs a \[index\] table"):
        load_config(
            _write(
                tmp_path,
                "[boundaries]\npath='bundled:toy_areas.geojson'\nid_col='code'\n"
                "[indicators]\npath='bundled:toy_indicators.csv'\nid_col='code'\n",
            )
        )
    with pytest.raises(ConfigError, match="No configuration file"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[boundaries\n"))


def test_the_command_is_installed_and_runs_in_a_fresh_process(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "deprivation_map.cli", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"Global Moran's I = 0\.\d{4}", done.stdout)


HEAVY = (
    "folium",
    "mapclassify",
    "numba",
    "libpysal",
    "matplotlib",
    "scipy.spatial",
    "scipy.optimize",
    "scipy.stats",
    "sklearn",
    "rasterio",
    "tobler",
    "openpyxl",
    "playwright",
    "jinja2",
    "esda",
    "statsmodels",
)


def test_importing_the_package_stays_light():
    code = f"import sys, deprivation_map; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
