"""p-median and set covering (allocation/location.py): the same optimum as PySAL's spopt.locate.

spopt builds the same models with PuLP and solves them with CBC; on the same cost matrix the optimal
objective must be equal (the chosen sites may differ where several choices tie). Also by brute force on
small cases, with existing services, cost tables and the policies for areas no site can reach; and on
Greater Manchester's libraries (one borough) when the shared data is present.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from shapely.geometry import Point, box

import deprivation_map as dm
from deprivation_map.errors import ValidationError

locate = pytest.importorskip("spopt.locate")
pulp = pytest.importorskip("pulp")
CRS = "EPSG:25831"
# PuLP 3.3 announces its 4.0 API on every variable spopt makes: noise from the reference, not from the library
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:pulp")


@pytest.fixture(scope="module")
def town():
    rng = np.random.default_rng(7)
    cells = [box(i * 500, j * 500, (i + 1) * 500, (j + 1) * 500) for j in range(8) for i in range(8)]
    areas = gpd.GeoDataFrame(
        {"pop": rng.integers(50, 2000, 64).astype(float)},
        geometry=cells,
        index=[f"A{k:02d}" for k in range(64)],
        crs=CRS,
    )
    sites = gpd.GeoDataFrame(
        geometry=[Point(x, y) for x, y in rng.uniform(0, 4000, (12, 2))],
        index=[f"S{k:02d}" for k in range(12)],
        crs=CRS,
    )
    return areas, sites


def matrix(areas, sites):
    xy = np.column_stack([areas.representative_point().x, areas.representative_point().y])
    return cdist(xy, np.column_stack([sites.geometry.x, sites.geometry.y]))


@pytest.mark.parametrize("p", [1, 3, 5])
def test_p_median_equals_spopt(town, p):
    areas, sites = town
    ours = dm.p_median(areas, sites, p, weight="pop")
    model = locate.PMedian.from_cost_matrix(matrix(areas, sites), areas["pop"].to_numpy(), p_facilities=p)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.optimal and len(ours.sites) == p
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective), rel=1e-9)
    brute = min(  # every choice of p sites, by hand
        (areas["pop"].to_numpy() * matrix(areas, sites)[:, list(c)].min(axis=1)).sum()
        for c in itertools.combinations(range(12), p)
    )
    assert ours.objective == pytest.approx(brute, rel=1e-12)


def test_p_median_keeps_existing_services_and_ignores_row_order(town):
    areas, sites = town
    existing, candidates = sites.iloc[:2], sites.iloc[2:]
    ours = dm.p_median(areas, candidates, 2, weight="pop", services=existing)
    brute = min(
        (areas["pop"].to_numpy() * matrix(areas, sites)[:, [0, 1, *c]].min(axis=1)).sum()
        for c in itertools.combinations(range(2, 12), 2)
    )
    assert ours.objective == pytest.approx(brute, rel=1e-12)
    assert set(ours.assigned) <= set(ours.sites) | set(existing.index)
    shuffled = dm.p_median(
        areas.sample(frac=1, random_state=1), candidates.iloc[::-1], 2, weight="pop", services=existing
    )
    assert list(shuffled.sites) == list(ours.sites)
    assert shuffled.assigned.reindex(ours.assigned.index).equals(ours.assigned)


@pytest.mark.parametrize("within", [900.0, 1400.0])
def test_set_cover_equals_spopt(town, within):
    areas, sites = town
    costs = matrix(areas, sites)
    coverable = (costs <= within).any(axis=1)
    ours = dm.set_cover(areas, sites, within=within, uncoverable="exclude")
    model = locate.LSCP.from_cost_matrix(costs[coverable], service_radius=within)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective))
    assert ours.covered.to_numpy()[coverable].all() and not ours.covered.to_numpy()[~coverable].any()


def test_cost_tables_and_errors(town):
    areas, sites = town
    costs = matrix(areas, sites)
    table = pd.DataFrame(
        [(a, s, costs[i, j]) for i, a in enumerate(areas.index) for j, s in enumerate(sites.index)],
        columns=["origin", "destination", "cost"],
    )
    from_table = dm.p_median(areas.drop(columns="geometry"), sites, 3, weight="pop", cost=table)
    assert from_table.objective == pytest.approx(dm.p_median(areas, sites, 3, weight="pop").objective)
    with pytest.raises(ValidationError, match="farther than 300"):
        dm.set_cover(areas, sites, within=300)
    with pytest.raises(ValidationError, match="No site can serve 'A00'"):
        dm.p_median(areas, sites, 1, weight="pop", cost=table[table["origin"] != "A00"])
    with pytest.raises(ValidationError, match="p=13 is more than the 12"):
        dm.p_median(areas, sites, 13, weight="pop")
    with pytest.raises(ValidationError, match="geographic CRS"):
        dm.p_median(areas.to_crs(4326), sites, 2, weight="pop")
    assert repr(from_table).startswith("Locations(p-median, p=3:")


def test_greater_manchester_libraries_equal_spopt(shared_data):
    folder = shared_data / "greater_manchester"
    lsoas = gpd.read_file(folder / "lsoa21.geojson").set_index("area_code").to_crs(27700)
    libraries = gpd.read_file(folder / "libraries.geojson").set_index("name").to_crs(27700)
    lsoas, libraries = lsoas[lsoas["lad"] == "Bolton"], libraries[libraries["lad"] == "Bolton"]
    lsoas["weight"] = 1.0
    ours = dm.p_median(lsoas, libraries, 5, weight="weight")
    model = locate.PMedian.from_cost_matrix(matrix(lsoas, libraries), np.ones(len(lsoas)), p_facilities=5)
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    assert ours.objective == pytest.approx(pulp.value(model.problem.objective), rel=1e-9)
    cover = dm.set_cover(lsoas, libraries, within=3000, uncoverable="exclude")
    reach = matrix(lsoas, libraries) <= 3000
    lscp = locate.LSCP.from_cost_matrix(matrix(lsoas, libraries)[reach.any(axis=1)], service_radius=3000)
    lscp.solve(pulp.PULP_CBC_CMD(msg=False))
    assert cover.objective == pytest.approx(pulp.value(lscp.problem.objective))
