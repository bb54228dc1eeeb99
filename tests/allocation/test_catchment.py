"""Floating catchment accessibility (allocation/catchment.py): equal to PySAL's access on the same inputs.

The reference is access's ``two_stage_fca`` with its own Euclidean costs (``create_euclidean_distance``,
centroid origins) and its own weight functions (``step_fn``, ``gravity``, ``gaussian``); also on Greater
Manchester's LSOAs and pharmacies when the shared data is present. Invariants: supply is shared out, never
created (sum of demand x score = supply within reach); the order of the rows does not matter.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

import deprivation_map as dm
from deprivation_map.errors import ValidationError

access = pytest.importorskip("access")
CRS = "EPSG:25831"
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # inside access, the reference


@pytest.fixture(scope="module")
def town():
    """12 x 12 squares of 500 m with a population, and 15 services with a capacity."""
    rng = np.random.default_rng(1)
    cells = [box(i * 500, j * 500, (i + 1) * 500, (j + 1) * 500) for j in range(12) for i in range(12)]
    areas = gpd.GeoDataFrame(
        {"pop": rng.integers(100, 3000, len(cells))}, geometry=cells, index=[f"A{k:03d}" for k in range(144)], crs=CRS
    )
    points = [Point(x, y) for x, y in rng.uniform(0, 6000, (14, 2))] + [areas.geometry.iloc[40].centroid]
    services = gpd.GeoDataFrame(
        {"beds": rng.integers(1, 40, 15)}, geometry=points, index=[f"S{k:02d}" for k in range(15)], crs=CRS
    )
    return areas, services


def reference(areas, services, max_cost, weight_fn=None):
    """access's 2SFCA (or E2SFCA with ``weight_fn``), from its own Euclidean distances."""
    logging.getLogger("access").setLevel(logging.ERROR)
    model = access.Access(
        demand_df=areas[["pop", "geometry"]].rename_axis("geoid"),
        demand_value="pop",
        supply_df=services[["beds", "geometry"]].rename_axis("geoid"),
        supply_value="beds",
    )
    model.create_euclidean_distance(threshold=1e12, centroid_o=True)
    out = model.two_stage_fca(name="fca", max_cost=max_cost, weight_fn=weight_fn)
    return out["fca_beds"].reindex(areas.index).fillna(0.0), model.cost_df


@pytest.mark.parametrize(
    ("method", "options", "weight_fn"),
    [
        ("2sfca", {}, None),
        (
            "e2sfca",
            {"steps": {600: 1.0, 1200: 0.68, 1800: 0.22}},
            access.weights.step_fn({600: 1, 1200: 0.68, 1800: 0.22}),
        ),
        ("gravity", {"decay": 1.5, "min_cost": 100.0}, access.weights.gravity(1.0, -1.5, 100.0)),
        ("gaussian", {"decay": 700.0}, access.weights.gaussian(700.0)),
    ],
)
def test_scores_equal_access_on_the_same_inputs(town, method, options, weight_fn):
    areas, services = town
    expected, costs = reference(areas, services, 1800, weight_fn)
    ours = dm.accessibility(areas, services, demand="pop", supply="beds", max_cost=1800, method=method, **options)
    np.testing.assert_allclose(ours.scores.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=0)
    table = costs.rename(columns={"dest": "destination", "euclidean": "cost"})[["origin", "destination", "cost"]]
    from_table = dm.accessibility(
        areas, services, demand="pop", supply="beds", max_cost=1800, method=method, cost=table, **options
    )
    np.testing.assert_allclose(from_table.scores.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=0)


def test_supply_is_shared_out_never_created(town):
    areas, services = town
    acc = dm.accessibility(areas, services, demand="pop", supply="beds", max_cost=900)
    reachable = acc.ratio.notna()
    assert (acc.scores * acc.demand).sum() == pytest.approx(services.loc[reachable, "beds"].sum(), rel=1e-12)
    assert acc.scores.index.equals(areas.index) and acc.ratio.index.equals(services.index)
    assert acc.reached["A040"] >= 1  # a service exactly at the centroid (distance 0) is reached
    relative = (acc.relative * acc.demand).sum() / acc.demand.sum()
    assert relative == pytest.approx(1.0)


def test_row_order_does_not_matter(town):
    areas, services = town
    one = dm.accessibility(areas, services, demand="pop", supply="beds", max_cost=1500)
    two = dm.accessibility(
        areas.sample(frac=1, random_state=2), services.iloc[::-1], demand="pop", supply="beds", max_cost=1500
    )
    pd.testing.assert_series_equal(one.scores, two.scores.reindex(one.scores.index), rtol=1e-13)


def test_by_decile_by_hand(town):
    areas, services = town
    acc = dm.accessibility(areas, services, demand="pop", supply="beds", max_cost=1200)
    need = pd.Series(np.arange(144.0)[::-1], index=areas.index)  # A000 the most deprived
    table = acc.by_decile(need)
    first = areas.index[:14]  # ceil(10 r / 144) == 1 for ranks 1..14: A000..A013
    expected = (acc.scores[first] * acc.demand[first]).sum() / acc.demand[first].sum()
    assert table.loc[1, "supply_per_person"] == pytest.approx(expected)
    assert table["areas"].sum() == 144 and table.loc[1, "areas"] == 14
    overall = (acc.scores * acc.demand).sum() / acc.demand.sum()
    assert table.loc[1, "relative"] == pytest.approx(expected / overall)


def test_clear_errors(town):
    areas, services = town
    kwargs = {"demand": "pop", "supply": "beds", "max_cost": 1000}
    with pytest.raises(ValidationError, match=r"geographic CRS.*to_crs"):
        dm.accessibility(areas.to_crs(4326), services, **kwargs)
    with pytest.raises(ValidationError, match="expected one of '2sfca', 'e2sfca'"):
        dm.accessibility(areas, services, method="3sfca", **kwargs)
    with pytest.raises(ValidationError, match="needs decay"):
        dm.accessibility(areas, services, method="gravity", **kwargs)
    with pytest.raises(ValidationError, match="infinite at cost 0"):
        dm.accessibility(areas, services, method="gravity", decay=1.0, **kwargs)
    table = pd.DataFrame({"origin": ["A001", "Z9"], "destination": ["S01", "S01"], "cost": [3.0, 4.0]})
    with pytest.raises(ValidationError, match="'Z9'"):
        dm.accessibility(areas, services, cost=table, **kwargs)
    with pytest.raises(ValidationError, match="repeats 1"):
        dm.accessibility(areas, services, cost=pd.concat([table.iloc[:1]] * 2), **kwargs)
    bad = areas.assign(pop=areas["pop"].where(areas.index != "A005", -1))
    with pytest.raises(ValidationError, match="'A005'"):
        dm.accessibility(bad, services, **kwargs)
    assert repr(dm.accessibility(areas, services, **kwargs)).startswith("Accessibility(e2sfca, 144 areas")


def test_greater_manchester_pharmacies_equal_access(shared_data):
    folder = shared_data / "greater_manchester"
    lsoas = gpd.read_file(folder / "lsoa21.geojson").set_index("area_code").to_crs(27700)
    pharmacies = gpd.read_file(folder / "pharmacies.geojson").set_index("ods_code").to_crs(27700)
    lsoas["pop"] = 1500.0 + (lsoas.area / lsoas.area.max() * 1000).round()  # no population in the file
    pharmacies["beds"] = 1.0
    expected, _ = reference(lsoas, pharmacies, 2000, access.weights.step_fn({700: 1, 1400: 0.68, 2000: 0.22}))
    ours = dm.accessibility(
        lsoas, pharmacies, demand="pop", supply="beds", max_cost=2000, steps={700: 1, 1400: 0.68, 2000: 0.22}
    )
    np.testing.assert_allclose(ours.scores.to_numpy(), expected.to_numpy(), rtol=1e-12, atol=0)
