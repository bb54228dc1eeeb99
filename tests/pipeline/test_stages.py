"""Every capability from the configuration: each stage's result equals the API's on the same inputs."""

from __future__ import annotations

import textwrap

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

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
[hotspots]
seed = 0
inference = "analytic"
"""


def _config(tmp_path, body: str, *, index: str = "[index.indicators]\nPctPov = 1\nPctBach = -1\n"):
    path = tmp_path / "config.toml"
    path.write_text(HEAD + index + textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    """Four district polygons covering Georgia, service points and candidate sites, written to files."""
    folder = tmp_path_factory.mktemp("layers")
    gdf = dm.datasets.load_georgia()
    x0, y0, x1, y1 = gdf.total_bounds
    xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    quarters = [
        box(x0 - 1, y0 - 1, xm, ym),
        box(xm, y0 - 1, x1 + 1, ym),
        box(x0 - 1, ym, xm, y1 + 1),
        box(xm, ym, x1 + 1, y1 + 1),
    ]
    gpd.GeoDataFrame({"name": ["SW", "SE", "NW", "NE"]}, geometry=quarters, crs=gdf.crs).to_file(
        folder / "districts.gpkg"
    )
    points = gdf.geometry.representative_point()
    services = gpd.GeoDataFrame(
        {"code": [f"S{i}" for i in range(12)], "places": np.arange(12) * 10 + 20, "kind": ["clinic", "library"] * 6},
        geometry=points.iloc[::13].to_numpy()[:12],
        crs=gdf.crs,
    )
    services.to_file(folder / "services.gpkg")
    gpd.GeoDataFrame(geometry=points.iloc[5::11].to_numpy(), crs=gdf.crs).to_file(folder / "candidates.gpkg")
    elderly = (gdf["PctEld"] * gdf["TotPop90"] / 100).round().astype(int)
    pd.DataFrame({"AreaKey": gdf.index, "elderly": elderly.to_numpy()}).to_csv(folder / "groups.csv", index=False)
    return folder


def test_statistics_districts_uncertainty_and_robust_hotspots_equal_the_api(tmp_path, layers):
    path = _config(
        tmp_path,
        f"""
        [gi]
        values = "PctPov"
        [geary]
        seed = 1
        permutations = 99
        [general_g]
        values = "PctPov"
        inference = "analytic"
        [districts]
        path = "{layers / "districts.gpkg"}"
        name_col = "name"
        population_col = "TotPop90"
        [uncertainty]
        replicates = 50
        seed = 2
        normalise = ["zscore", "minmax"]
        [robust]
        graphs = ["queen", "knn6"]
        seed = 3
        inference = "analytic"
        """,
    )
    result = run(path, out_dir=tmp_path / "out")
    gdf, graph = result.data, result.graph
    gi = dm.local_g(gdf["PctPov"], graph)
    pd.testing.assert_series_equal(result.gi.Zs, gi.Zs)
    assert result.geary.value == pytest.approx(dm.geary(result.index.score, graph, permutations=99, seed=1).value)
    assert result.general_g.p == dm.general_g(gdf["PctPov"], graph, inference="analytic").p
    quarters = dm.read_boundaries(layers / "districts.gpkg", id_col="name").reset_index()
    names = dm.assign_districts(gdf, quarters, name_col="name")
    expected = dm.district_summary(result.index.score, names, population=gdf["TotPop90"], hotspots=result.hotspots)
    pd.testing.assert_frame_equal(result.districts, expected)
    u = dm.uncertainty(
        gdf, {"PctPov": 1, "PctBach": -1}, replicates=50, seed=2, normalise=["zscore", "minmax"], graph=graph
    )
    pd.testing.assert_frame_equal(result.uncertainty.to_frame(), u.to_frame())
    assert result.robust.to_frame().index.equals(gdf.index)
    assert (tmp_path / "out" / "districts.csv").is_file() and (
        tmp_path / "out" / "uncertainty_sensitivity.csv"
    ).is_file()
    summary = result.summary()
    assert "Geary's C = " in summary and "Gi* (alpha = 0.1" in summary and "Districts summarised: 4" in summary


def test_a_district_layer_in_another_crs_is_refused_unless_the_configuration_says_reproject(tmp_path, layers):
    other = tmp_path / "districts_4326.gpkg"
    gpd.read_file(layers / "districts.gpkg").to_crs(4326).to_file(other)
    body = f"""
        [districts]
        path = "{other}"
        name_col = "name"
        """
    with pytest.raises(dm.errors.ValidationError, match="reproject"):
        run(_config(tmp_path, body), out_dir=tmp_path / "refused")
    result = run(_config(tmp_path, body + 'on_crs_mismatch = "reproject"\n'), out_dir=tmp_path / "out")
    assert sorted(result.districts.index) == ["NE", "NW", "SE", "SW"]
    with pytest.raises(ConfigError, match="overlaps"):
        load_config(_config(tmp_path, body + 'overlaps = "first"\n'))


def test_services_access_sites_and_groups(tmp_path, layers):
    path = _config(
        tmp_path,
        f"""
        [[indicators]]
        path = "{layers / "groups.csv"}"
        id_col = "AreaKey"
        [services]
        path = "{layers / "services.gpkg"}"
        id_col = "code"
        category_col = "kind"
        within = 40000
        [access]
        demand = "TotPop90"
        supply = "places"
        max_cost = 60000
        method = "2sfca"
        [sites.covering]
        candidates = "{layers / "candidates.gpkg"}"
        k = 2
        within = 40000
        negative = "shift"
        [groups]
        columns = ["elderly"]
        population_col = "TotPop90"
        """,
    )
    text = path.read_text(encoding="utf-8").replace('[indicators]\npath = "bundled', '[[indicators]]\npath = "bundled')
    path.write_text(text, encoding="utf-8")
    result = run(path, out_dir=tmp_path / "out")
    gdf = result.data
    services = dm.io.read_points(layers / "services.gpkg", id_col="code")
    expected = dm.accessibility(gdf, services, demand="TotPop90", supply="places", max_cost=60000, method="2sfca")
    pd.testing.assert_series_equal(result.access.scores, expected.scores)
    near = dm.distance_to_services(gdf, services, within=40000, need=result.index)
    pd.testing.assert_frame_equal(result.services.to_frame(), near.to_frame())
    candidates = dm.io.read_points(layers / "candidates.gpkg")
    sites = dm.select_sites(gdf, candidates, 2, within=40000, need=result.index, services=services, negative="shift")
    assert list(result.sites.sites) == list(sites.sites)
    groups = dm.vulnerable_groups(
        gdf[["elderly"]], gdf["TotPop90"], index=result.index, hotspots=result.hotspots, access=result.access
    )
    pd.testing.assert_frame_equal(result.groups.by_decile, groups.by_decile)
    assert {"access_score", "services_distance"} & set(result.to_frame().columns)
    assert (tmp_path / "out" / "groups_by_decile.csv").is_file() and (tmp_path / "out" / "sites.csv").is_file()


@pytest.mark.parametrize(
    ("recipe", "call"),
    [
        (
            "[index.pca]\nindicators = { PctPov = 1, PctBach = -1, PctEld = 1 }\n",
            lambda g: dm.recipes.pca_index(g, {"PctPov": 1, "PctBach": -1, "PctEld": 1}),
        ),
        (
            "[index.townsend]\nunemployment = 'PctPov'\novercrowding = 'PctFB'\nnot_owner_occupied = 'PctRural'\nno_car = 'PctBlack'\n",
            lambda g: dm.recipes.townsend(
                g, unemployment="PctPov", overcrowding="PctFB", not_owner_occupied="PctRural", no_car="PctBlack"
            ),
        ),
    ],
)
def test_a_recipe_from_the_configuration_is_the_recipe(tmp_path, recipe, call):
    result = run(_config(tmp_path, "", index=recipe), out_dir=tmp_path / "out")
    pd.testing.assert_series_equal(result.index.score, call(result.data).score)


def test_indicators_and_a_recipe_together_are_refused(tmp_path):
    index = "[index.indicators]\nPctPov = 1\n[index.pca]\nindicators = { PctPov = 1 }\n"
    with pytest.raises(ConfigError, match=r"\[index.indicators\] or one recipe"):
        load_config(_config(tmp_path, "", index=index))


def test_sources_points_and_another_vintage_become_indicators(tmp_path, layers):
    areas = dm.datasets.load_georgia()
    halves = areas.dissolve(by=(areas["Longitud"] > areas["Longitud"].median()).map({True: "E", False: "W"}))
    halves.assign(people=[1000.0, 3000.0])[["people", "geometry"]].reset_index(names="half").to_file(
        tmp_path / "halves.gpkg"
    )
    path = _config(
        tmp_path,
        f"""
        [[sources.points]]
        path = "{layers / "services.gpkg"}"
        name = "services"
        threshold = 1
        [[sources.areas]]
        path = "halves.gpkg"
        id_col = "half"
        extensive = ["people"]
        """,
        index="[index.indicators]\nPctPov = 1\npeople = 1\n",
    )
    result = run(path, out_dir=tmp_path / "out")
    assert result.data["services_count"].sum() == 12  # every service point counted once
    assert result.data["people"].sum() == pytest.approx(4000.0)  # a count is conserved by interpolation


def test_several_indicator_tables_and_extra_outputs(tmp_path):
    table = dm.read_indicators(dm.datasets.get_path("georgia_indicators.csv"), id_col="AreaKey")
    table[["PctEld"]].rename(columns={"PctEld": "elderly"}).reset_index().to_csv(tmp_path / "more.csv", index=False)
    text = HEAD.replace("[indicators]", "[[indicators]]") + '[[indicators]]\npath = "more.csv"\nid_col = "AreaKey"\n'
    text += (
        '[index.indicators]\nPctPov = 1\nelderly = 1\n[output]\nexcel = "results.xlsx"\nparquet = "results.parquet"\n'
    )
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    result = run(tmp_path / "config.toml", out_dir=tmp_path / "out")
    assert len(result.reports) == 2 and "elderly" in result.data.columns
    assert {"excel", "parquet"} <= set(result.outputs)
    assert (
        pd.read_excel(result.outputs["excel"], sheet_name="results", dtype={"AreaKey": str})["AreaKey"]
        .str.len()
        .eq(5)
        .all()
    )


def test_zones_from_the_configuration_are_regionalise_s(tmp_path):
    pytest.importorskip("spopt")
    path = _config(
        tmp_path,
        """
        [zones]
        attrs = ["PctPov", "PctBach"]
        method = "ward"
        n_zones = 6
        seed = 0
        """,
    )
    result = run(path, out_dir=tmp_path / "out")
    expected = dm.regionalise(result.data, ["PctPov", "PctBach"], method="ward", n_zones=6, seed=0, graph=result.graph)
    pd.testing.assert_series_equal(result.zones.labels, expected.labels)
    assert "Zones: 6" in result.summary() and (tmp_path / "out" / "zones.csv").is_file()
