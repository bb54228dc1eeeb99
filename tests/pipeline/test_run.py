"""The configuration, the pipeline and the command line: two commands, clear errors, no traceback."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.cli import main
from deprivation_map.errors import DeprivationMapWarning
from deprivation_map.pipeline import STAGES, run

ALLOCATION = """
[allocation]
budget = 250000.5
population_col = "TotPop90"
negative = "shift"
cap = 20000
"""


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
    missing = "exclude"
    [index.indicators]
    poverty = 1
    degree = -1
    [graph]
    islands = "keep"
    [hotspots]
    seed = 1
    missing = "exclude"
"""


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


def test_run_records_every_stage_time_and_the_seed(tmp_path):
    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    ran = ("read", "sources", "join", "graph", "index", "hotspots", "map", "save")  # no optional section in the demo
    assert tuple(result.timings) == ran
    assert [s.name for s in STAGES if not s.optional] == list(ran[:-2])
    assert result.moran.seed == 0 and result.hotspots.seed == 0
    assert repr(result).startswith(f"PipelineResult(159 areas, Moran's I {result.moran.I:.4f}")
    html = result._repr_html_()
    high_high = result.hotspots.counts()["High-High"]
    assert f"<th>High-High</th><td>{high_high}</td>" in html and "wrote map</th><td>map.html" in html


def test_a_run_that_wrote_a_database_table_shows_it_in_html(tmp_path):
    # a database output is recorded as "schema.table", not a path: the HTML repr names it (it raised before)
    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    wrote = dataclasses.replace(result, outputs={**result.outputs, "database": "public.areas_results"})
    html = wrote._repr_html_()
    assert "wrote database</th><td>public.areas_results" in html and "wrote map</th><td>map.html" in html


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
    assert tuple(result.timings) == ("read", "sources", "join", "graph", "index", "hotspots", "allocate", "map", "save")
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
    assert (
        "[allocation] The joined data ([allocation] population_col) has no column 'population'"
        in capsys.readouterr().err
    )


def test_a_config_with_every_edge_case_runs(tmp_path, capsys):
    assert main(["run", str(_write(tmp_path, TOY)), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "12 of 13 areas matched 13 table rows" in out and "'099'" in out
    assert "Isolate 1" in out and "Undefined 2" in out


def test_a_config_can_impute_from_neighbours_within_a_minimum_share(tmp_path):
    text = TOY.replace(
        '[index]\n    missing = "exclude"', '[index]\n    missing = "neighbours"\n    min_available = 0.5'
    )
    with pytest.warns(DeprivationMapWarning, match=r"\('012'\) and are left unscored"):
        result = run(_write(tmp_path, text), out_dir=tmp_path / "out")
    expected = result.data.loc[list(result.graph.neighbors["005"]), "degree"].mean()  # 005's only gap: degree
    imputed = result.index.imputed.set_index(["id", "indicator"])["value"]
    assert imputed[("005", "degree")] == pytest.approx(expected)
    assert result.index.score.notna()["005"]
    assert "012" not in imputed.index.get_level_values("id")  # no indicator at all: below the minimum share
    assert pd.isna(result.index.score["012"])


@pytest.mark.slow
def test_importing_the_package_stays_light():
    code = f"import sys, deprivation_map; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_analytic_inference_from_the_configuration_runs_no_permutation(tmp_path):
    path = _write(tmp_path, TOY + '    inference = "analytic"\n    [output]\n    report = "report.html"\n')
    result = run(path, out_dir=tmp_path / "out")
    assert result.hotspots.inference == result.moran.inference == "analytic"
    assert result.hotspots.permutations == result.moran.permutations == 0
    assert result.moran.p == pytest.approx(float(dm.spatial.inference.normal_p(result.moran.z_rand, "two-sided")))
    summary = result.summary()
    assert "analytic p-values" in summary and "permutations" not in summary
    report = result.outputs["report"].read_text(encoding="utf-8")
    assert "from its variance under randomisation" in report and "conditional permutations" not in report
    assert "LISA p-values come from the normal approximation of their exact moments" in report
