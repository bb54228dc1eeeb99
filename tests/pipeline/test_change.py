"""[change] from the configuration: the stage's results equal the API's on the same inputs, and invariants hold.

The panel is made on Georgia's counties: three periods of a poverty-like value, the first two on an older
vintage where pairs of counties were one area (so that harmonisation splits them), the last on today's.
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.config import load_config
from deprivation_map.errors import ConfigError
from deprivation_map.pipeline import run

HEAD = """
[boundaries]
path = "bundled:georgia_counties.gpkg"
id_col = "AreaKey"
[indicators]
path = "bundled:georgia_indicators.csv"
id_col = "AreaKey"
[index.indicators]
PctPov = 1
PctBach = -1
[hotspots]
seed = 0
inference = "analytic"
"""

MERGED = 10  # the first 2 x MERGED counties were MERGED areas in the old vintage


@pytest.fixture(scope="module")
def gdf():
    return dm.datasets.load_georgia()


def _old_code(ids: pd.Index) -> pd.Series:
    first = ids[: 2 * MERGED : 2]
    old = pd.Series(ids, index=ids)
    old.iloc[: 2 * MERGED] = np.repeat(["OLD" + c for c in first], 2)
    return old


@pytest.fixture(scope="module")
def files(gdf, tmp_path_factory):
    """The old boundaries, a long table (2 old periods + 1 new), a lookup, one table per period."""
    folder = tmp_path_factory.mktemp("change")
    old_code = _old_code(gdf.index)
    old = gdf.assign(code=old_code.to_numpy()).dissolve("code")[["geometry"]]
    old.reset_index().to_file(folder / "old.gpkg")
    rng = np.random.default_rng(15)
    rows = []
    for k, year in enumerate((2000, 2005)):
        base = gdf["PctPov"].groupby(old_code.to_numpy()).mean()
        rows.append(pd.DataFrame({"code": base.index, "year": year, "rate": base + k + rng.normal(0, 1, len(base)),
                                  "people": 1000.0 + np.arange(len(base))}))  # fmt: skip
    rows.append(pd.DataFrame({"code": gdf.index, "year": 2010, "rate": gdf["PctPov"] * 1.1, "people": 1000.0}))
    long = pd.concat(rows, ignore_index=True)
    long.to_csv(folder / "long.csv", index=False)
    pd.DataFrame({"old": old_code.to_numpy(), "new": gdf.index}).to_csv(folder / "lookup.csv", index=False)
    for year, part in long.groupby("year"):
        part.drop(columns="year").to_csv(folder / f"t{year}.csv", index=False)
    return folder


def _config(tmp_path, body: str):
    path = tmp_path / "config.toml"
    path.write_text(HEAD + textwrap.dedent(body), encoding="utf-8")
    return path


def _direct(gdf, files, graph, *, crosswalk, weights=None, classes="decile", **emerging):
    """The same analysis by direct API calls."""
    long = pd.read_csv(files / "long.csv", dtype={"code": str})
    frames = {y: part.set_index("code") for y, part in long.groupby("year")}
    series = {}
    for year in (2000, 2005):
        w = frames[year]["people"] if weights == "people" else weights
        series[year] = dm.harmonise(frames[year][["rate"]], crosswalk, intensive=["rate"], weights=w).values["rate"]
    series[2010] = frames[2010]["rate"]
    panel = dm.build_panel(series).reindex(gdf.index.astype(str))
    return {
        "panel": panel,
        "ranks": dm.panel_ranks(panel, classes=classes),
        "mobility": dm.mobility(panel, 2000, 2010, classes=classes),
        "persistent": dm.persistently_deprived(panel, classes=classes),
        "change": dm.panel_change(panel, 2000, 2010),
        "emerging": dm.emerging_hotspots(panel, graph, **emerging),
    }


def test_areal_harmonisation_and_every_result_equal_the_api(gdf, files, tmp_path):
    path = _config(
        tmp_path,
        f"""
        [change]
        path = "{files / "long.csv"}"
        id_col = "code"
        value = "rate"
        [change.harmonisation]
        method = "areal"
        old_boundaries = "{files / "old.gpkg"}"
        old_id_col = "code"
        years = [2000, 2005]
        kind = "intensive"
        weights = "people"
        [change.markov]
        classes = 4
        """,
    )
    result = run(path, out_dir=tmp_path / "out")
    c = result.change
    graph = result.graph
    crosswalk = dm.crosswalk_from_boundaries(dm.read_boundaries(files / "old.gpkg", id_col="code"), result.data)
    expected = _direct(gdf, files, graph, crosswalk=crosswalk, weights="people")
    pd.testing.assert_frame_equal(c.values, expected["panel"], check_names=False)
    pd.testing.assert_frame_equal(c.ranks, expected["ranks"], check_names=False)
    pd.testing.assert_frame_equal(c.mobility, expected["mobility"])
    pd.testing.assert_series_equal(c.persistent, expected["persistent"], check_names=False)
    pd.testing.assert_frame_equal(c.change, expected["change"])
    pd.testing.assert_series_equal(c.emerging.categories, expected["emerging"].categories)
    pd.testing.assert_frame_equal(c.emerging.z, expected["emerging"].z, check_names=False)
    counts = crosswalk.counts()
    assert counts["split old"] == MERGED and counts["split new"] == 2 * MERGED  # each old pair split in two
    assert len(c.audit) == 2 * len(gdf) and c.audit.groupby("period")["estimated"].sum().tolist() == [20, 20]
    chain = dm.markov(c.panel, classes=4)
    pd.testing.assert_frame_equal(
        c.markov["spatial"].global_transitions, dm.spatial_markov(c.panel, graph, classes=4).global_transitions
    )
    pd.testing.assert_frame_equal(c.markov["markov"].transitions, chain.transitions)
    assert set(c.markov) == {"markov", "spatial", "lisa"}
    # the outputs: every table and the three maps; the panel's values joined to the data
    assert {"change_audit", "change_mobility", "change_persistent", "change_periods", "change_map",
            "change_emerging", "change_markov_spatial"} <= set(result.outputs)  # fmt: skip
    assert {"rate_2000", "rate_2005", "rate_2010"} <= set(result.data.columns)
    assert "change_ehsa_category" in result.to_frame().columns
    assert "Harmonised (boundaries): 139 areas unchanged, 10 split into 20" in result.summary()


def test_a_lookup_gives_the_same_panel_as_its_crosswalk(gdf, files, tmp_path):
    path = _config(
        tmp_path,
        f"""
        [change]
        tables = {{ 2000 = "{files / "t2000.csv"}", 2005 = "{files / "t2005.csv"}", 2010 = "{files / "t2010.csv"}" }}
        id_col = "code"
        value = "rate"
        classes = "quintile"
        [change.harmonisation]
        method = "lookup"
        lookup = "{files / "lookup.csv"}"
        old = "old"
        new = "new"
        years = [2000, 2005]
        kind = "intensive"
        [change.emerging]
        alpha = 0.1
        correction = "none"
        """,
    )
    result = run(path, out_dir=tmp_path / "out")
    again = load_config(result.outputs["config"]).change  # the configuration as run, saved beside the outputs
    assert again.tables == result.config.change.tables and again.harmonisation.lookup == files / "lookup.csv"
    lookup = pd.read_csv(files / "lookup.csv", dtype=str)
    crosswalk = dm.crosswalk_from_lookup(lookup, old="old", new="new")
    expected = _direct(gdf, files, result.graph, crosswalk=crosswalk, classes="quintile", alpha=0.1, correction="none")
    pd.testing.assert_frame_equal(result.change.values, expected["panel"], check_names=False)
    pd.testing.assert_frame_equal(result.change.mobility, expected["mobility"])
    pd.testing.assert_series_equal(result.change.emerging.categories, expected["emerging"].categories)
    assert result.change.markov == {}


def test_identical_periods_show_no_change_and_no_trend(gdf, tmp_path):
    path = _config(
        tmp_path,
        """
        [change]
        columns = { 1990 = "PctPov", 2000 = "PctPov", 2010 = "PctPov" }
        normalise = "zscore"
        [change.markov]
        chains = ["markov"]
        classes = 3
        """,
    )
    c = run(path, out_dir=tmp_path / "out").change
    assert (c.change["change"] == 0).all()
    assert (c.emerging.trend.tau == 0).all() and not c.emerging.trend.to_frame().filter(like="significant").any().any()
    assert not c.emerging.categories.astype(str).str.contains("Intensifying|Diminishing|New|Oscillating").any()
    assert np.trace(c.mobility.to_numpy()) == c.mobility.to_numpy().sum() == len(gdf)
    assert c.persistent.sum() == (c.ranks[1990] == 1).sum() > 0
    np.testing.assert_array_equal(c.markov["markov"].transitions.to_numpy(), np.eye(3))


def test_direction_minus_one_turns_the_panel(gdf, tmp_path):
    body = '[change]\ncolumns = { 2000 = "PctBach", 2010 = "PctPov" }\n'
    up = run(_config(tmp_path, body), out_dir=tmp_path / "a").change
    down = run(_config(tmp_path, body + "direction = -1\n"), out_dir=tmp_path / "b").change
    pd.testing.assert_frame_equal(down.panel, -up.panel)
    hot = up.emerging.categories.astype(str).str.contains("Hot")
    assert down.emerging.categories.astype(str)[hot].str.contains("Cold").all()


def test_harmonised_periods_missing_from_the_values_are_named(files, tmp_path):
    body = f"""
        [change]
        path = "{files / "long.csv"}"
        id_col = "code"
        value = "rate"
        [change.harmonisation]
        method = "lookup"
        lookup = "{files / "lookup.csv"}"
        old = "old"
        new = "new"
        years = [1995]
        kind = "intensive"
        """
    with pytest.raises(dm.errors.ValidationError, match=r"\[change\] Periods \[1995\] of \[change.harmonisation\]"):
        run(_config(tmp_path, body), out_dir=tmp_path / "out")


def test_rows_outside_the_areas_are_listed_not_used(gdf, files, tmp_path):
    long = pd.read_csv(files / "long.csv", dtype={"code": str})
    long = long[long["year"] == 2010]
    extra = pd.DataFrame({"code": ["99999"], "year": [2010], "rate": [1.0], "people": [1.0]})
    pd.concat([long.assign(year=2000), long, extra]).to_csv(tmp_path / "long.csv", index=False)
    result = run(_config(tmp_path, '[change]\npath = "long.csv"\nid_col = "code"\nvalue = "rate"\n'),
                 out_dir=tmp_path / "out")  # fmt: skip
    assert result.change.outside["id"].tolist() == ["99999"] and "change_outside" in result.outputs
    assert "1 rows of areas outside the run's areas" in result.summary()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[change]\n", "[change] needs its values"),
        ('[change]\npath = "config.toml"\nid_col = "c"\n', "needs 'value'"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = 3 }\n', "maps each period to a column name"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nvalue = "x"\n', "leave it out"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\ndirection = 2\n', "'change.direction' must be 1"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nreference = "first"\n', 'must be "pooled" or a period'),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nreference = 2000\n', "give normalise as well"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nnormalise = "z"\n', "'change.normalise'"),
        (
            '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nnormalise = "zscore"\nreference = 1999\n',
            "one of the periods",
        ),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nstart = 2010\nend = 2000\n', "in time order"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nyears = [2010, 2000]\n', "'change.years' must list"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\nclasses = "tercile"\n', "'change.classes'"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\ncolour = 1\n', "Unknown key 'colour' in [change]"),
        ('[change]\ntables = { 2000 = "nowhere.csv" }\nvalue = "x"\nid_col = "c"\n', "no file at"),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.emerging]\nalpha = 0\n', "'change.emerging.alpha'"),
        (
            '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.emerging]\ncorrection = "holm"\n',
            "'change.emerging.correction'",
        ),
        ('[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.markov]\nclasses = 1\n', "'change.markov.classes'"),
        (
            '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.markov]\nchains = ["hidden"]\n',
            "'change.markov.chains'",
        ),
        (
            (
                '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.harmonisation]\nmethod = "areal"\nyears = [2000]\n'
                'kind = "intensive"\nold_id_col = "c"\nold_boundaries = "config.toml"\n'
            ),
            "on the run's areas already",
        ),
        (
            '[change]\npath = "config.toml"\nid_col = "c"\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.harmonisation]\nmethod = "areal"\nyears = [2000]\nkind = "intensive"\nold_id_col = "c"\n',
            "needs 'old_boundaries'",
        ),
        (
            '[change]\npath = "config.toml"\nid_col = "c"\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.harmonisation]\nmethod = "lookup"\nyears = [2000]\nkind = "intensive"\nlookup = "config.toml"\nold = "o"\nnew = "n"\nweights = "area"\n',
            'weights = "area" needs',
        ),
        (
            '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.harmonisation]\nmethod = "lookup"\nyears = [2000]\nkind = "extensive"\nlookup = "config.toml"\nold = "o"\nnew = "n"\ntolerance = 2\n',
            "'change.harmonisation.tolerance'",
        ),
        (
            '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.harmonisation]\nmethod = "grid"\nyears = [2000]\nkind = "intensive"\n',
            "'change.harmonisation.method'",
        ),
        (
            '[change]\ncolumns = { 2000 = "a", 2010 = "b" }\n[change.harmonisation]\nmethod = "areal"\nyears = [1990]\nkind = "counts"\nold_boundaries = "config.toml"\nold_id_col = "c"\n',
            "'change.harmonisation.kind'",
        ),
    ],
)
def test_each_wrong_key_gets_one_clear_message(tmp_path, body, message):
    with pytest.raises(ConfigError) as caught:
        load_config(_config(tmp_path, body))
    lines = str(caught.value).splitlines()
    assert len(lines) == 1, lines
    assert message in lines[0]


def test_a_valid_change_section_reads_its_periods_as_years(tmp_path):
    config = load_config(_config(tmp_path, '[change]\ncolumns = { 2001 = "a", 2011 = "b" }\n'))
    assert config.change.columns == {2001: "a", 2011: "b"} and config.change.emerging.alpha == 0.05
    assert config.change.harmonisation is None and config.change.markov is None
    assert load_config(_config(tmp_path, "")).change is None


def test_normalised_against_a_reference_period_equals_normalise_panel(gdf, tmp_path):
    body = '[change]\ncolumns = { 2000 = "PctPov", 2010 = "PctBach" }\nnormalise = "minmax"\nreference = 2000\n'
    c = run(_config(tmp_path, body), out_dir=tmp_path / "out").change
    tables = {2000: gdf[["PctPov"]].set_axis(["value"], axis=1), 2010: gdf[["PctBach"]].set_axis(["value"], axis=1)}
    expected = dm.normalise_panel(tables, "minmax", reference=2000)
    np.testing.assert_allclose(c.panel[2000], expected[2000]["value"])
    np.testing.assert_allclose(c.panel[2010], expected[2010]["value"])
    assert c.panel[2000].min() == pytest.approx(0) and c.panel[2000].max() == pytest.approx(1)  # its own range
    pd.testing.assert_frame_equal(
        c.values, dm.build_panel({2000: gdf["PctPov"], 2010: gdf["PctBach"]}), check_names=False
    )


def test_columns_of_a_wide_table_join_the_data_under_their_names(gdf, tmp_path):
    wide = pd.DataFrame({"code": gdf.index, "v1": gdf["PctPov"].to_numpy(), "v2": gdf["PctPov"].to_numpy() + 1})
    wide.to_csv(tmp_path / "wide.csv", index=False)
    body = '[change]\npath = "wide.csv"\nid_col = "code"\ncolumns = { 2000 = "v1", 2010 = "v2" }\n'
    result = run(_config(tmp_path, body), out_dir=tmp_path / "out")
    assert {"v1", "v2"} <= set(result.data.columns) and np.allclose(result.change.change["change"], 1)


def test_check_reads_the_panel_and_names_its_problems(files, tmp_path):
    from deprivation_map.pipeline import check

    body = f'[change]\npath = "{files / "long.csv"}"\nid_col = "code"\nvalue = "score"\n'
    found = check(_config(tmp_path, body))
    assert not found.ok and found.problems[0].startswith("[change]") and "'score'" in found.problems[0]
    ok = check(_config(tmp_path, f'[change]\npath = "{files / "long.csv"}"\nid_col = "code"\nvalue = "rate"\n'))
    assert ok.ok, ok.problems
