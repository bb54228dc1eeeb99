"""Access to services: distances by hand, CRS policies, and the covering model against brute force."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import Point, box

import deprivation_map as dm
from deprivation_map.allocation._covering import coverage_matrix, max_cover
from deprivation_map.errors import DeprivationMapWarning, ValidationError

CRS = "EPSG:25831"  # ETRS89 / UTM 31N, metres (Barcelona, Lleida)


def _grid(n=3, size=1000.0):
    """n x n square areas of side ``size`` metres, IDs '00'... in row-major order."""
    cells = [box(i * size, j * size, (i + 1) * size, (j + 1) * size) for j in range(n) for i in range(n)]
    return gpd.GeoDataFrame(geometry=cells, index=[f"{k:02d}" for k in range(n * n)], crs=CRS)


def _points(coords, prefix="s"):
    ids = [f"{prefix}{k}" for k in range(len(coords))]
    return gpd.GeoDataFrame(geometry=[Point(c) for c in coords], index=ids, crs=CRS)


def test_distances_by_hand():
    areas = _grid()
    # centres are (500 + 1000 i, 500 + 1000 j); a service at (500, 500) and one at (2500 + 300, 2500 + 400)
    services = _points([(500, 500), (2800, 2900)])
    acc = dm.distance_to_services(areas, services, within=1000, origin="centroid")
    assert acc.distance["00"] == 0.0 and acc.nearest["00"] == "s0"
    assert acc.distance["08"] == pytest.approx(500.0)  # the 3-4-5 triangle: 300, 400 -> 500
    assert acc.distance["02"] == pytest.approx(2000.0) and acc.nearest["02"] == "s0"
    assert acc.distance["04"] == pytest.approx(np.hypot(1000, 1000)) and bool(acc.beyond["04"])
    assert acc.beyond.tolist() == [d > 1000 for d in acc.distance]
    assert acc.unit == "metre" and "beyond 1000" in repr(acc)


def test_population_of_the_most_deprived_beyond_a_distance():
    areas = _grid()
    need = pd.Series(np.arange(9.0), index=areas.index)
    people = pd.Series(np.arange(1.0, 10.0) * 100, index=areas.index)
    acc = dm.distance_to_services(areas, _points([(500, 500)]), within=1500, need=need, population=people)
    # decile = ceil(10 * rank / 9): ranks 1 -> 2, so decile 1 is empty; deciles <= 3 hold ranks 1-2 (08, 07)
    assert acc.population_beyond(deciles=1) == 0.0
    assert acc.population_beyond(deciles=3) == 900.0 + 800.0  # both lie beyond 1500 m of the corner
    frame = acc.to_frame()
    assert frame.index.equals(areas.index) and {"distance", "nearest_service", "beyond", "decile"} <= set(frame)


def test_origin_options_and_given_points():
    areas = _grid(2)
    services = _points([(0, 0)])
    points = [Point(100, 0), Point(1000, 0), Point(0, 1000), Point(1000, 1000)]
    given = gpd.GeoSeries(points, index=areas.index[::-1], crs=CRS)
    acc = dm.distance_to_services(areas, services, within=1, origin=given)
    assert acc.distance.tolist() == pytest.approx([np.hypot(1000, 1000), 1000.0, 1000.0, 100.0])
    rep = dm.distance_to_services(areas, services, within=1)
    farthest = [max(np.hypot(x, y) for x, y in g.exterior.coords) for g in areas.geometry]
    assert rep.origin == "representative" and (rep.distance < farthest).all() and (rep.distance > 0).all()
    with pytest.raises(ValidationError, match=r"Unknown origin 'centre'.*'representative', 'centroid'"):
        dm.distance_to_services(areas, services, within=1, origin="centre")


def test_geographic_crs_is_refused_or_reprojected_to_utm():
    areas = _grid().to_crs("EPSG:4326")
    services = _points([(500, 500)]).to_crs("EPSG:4326")
    with pytest.raises(ValidationError, match=r"geographic CRS.*degrees.*geographic='utm'"):
        dm.distance_to_services(areas, services, within=1000)
    acc = dm.distance_to_services(areas, services, within=1000, geographic="utm", origin="centroid")
    # independent: the geodesic distance on the ellipsoid between the same two points
    a = gpd.GeoSeries([Point(2500, 2500), Point(500, 500)], crs=CRS).to_crs("EPSG:4326")
    geodesic = Geod(ellps="GRS80").inv(a[0].x, a[0].y, a[1].x, a[1].y)[2]
    assert acc.distance["08"] == pytest.approx(geodesic, rel=2e-3)


def test_bad_services():
    areas = _grid()
    polygons = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], index=["x"], crs=CRS)
    with pytest.raises(ValidationError, match=r"services must be points, but 'x' are Polygon"):
        dm.distance_to_services(areas, polygons, within=1)
    with pytest.raises(ValidationError, match="no coordinate reference system"):
        dm.distance_to_services(areas, _points([(0, 0)]).set_crs(None, allow_override=True), within=1)
    with pytest.raises(ValidationError, match="within must be a distance"):
        dm.distance_to_services(areas, _points([(0, 0)]), within=-5)


def _brute_force(cover, weights, k):
    best = -1.0
    for combo in itertools.combinations(range(cover.shape[1]), k):
        covered = np.asarray(cover[:, list(combo)].sum(axis=1)).ravel() > 0
        best = max(best, weights[covered].sum())
    return best


@pytest.mark.parametrize("seed", range(12))
def test_the_covering_model_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    origins, sites = rng.uniform(0, 10, size=(40, 2)), rng.uniform(0, 10, size=(9, 2))
    weights = rng.gamma(1.0, size=40) * (rng.uniform(size=40) > 0.1)
    cover = coverage_matrix(origins, sites, within=2.5)
    k = int(rng.integers(1, 5))
    chosen, optimal, _ = max_cover(cover, weights, k)
    assert optimal and len(chosen) == k
    got = weights[np.asarray(cover[:, chosen].sum(axis=1)).ravel() > 0].sum()
    assert got == pytest.approx(_brute_force(cover, weights, k), rel=1e-9)


def test_coverage_matrix_by_hand_includes_the_boundary():
    cover = coverage_matrix(np.array([[0.0, 0.0], [3.0, 4.0]]), np.array([[0.0, 0.0], [6.0, 8.0]]), within=5.0)
    assert cover.toarray().tolist() == [[True, False], [True, True]]


def test_select_sites_reports_the_coverage_gained_and_ignores_row_order():
    areas = _grid(4)
    need = pd.Series(np.arange(16.0), index=areas.index)
    people = pd.Series(100.0, index=areas.index)
    services = _points([(500, 500)])
    candidates = _points([(x + 500, y + 500) for x in range(0, 4000, 1000) for y in range(0, 4000, 1000)], "c")
    best = dm.select_sites(areas, candidates, 2, within=1000, need=need, population=people, services=services)
    covered = best.covered_after
    weight = need * people
    assert best.gained == pytest.approx(weight[covered & ~best.covered_before].sum())
    assert best.covered_need_after == pytest.approx(weight[covered].sum())
    assert best.covered_before.sum() == 3  # the corner service reaches its cell and two neighbours (1000 m)
    # brute force over every pair of candidates, computed here from the grid
    centres = np.array([[g.centroid.x, g.centroid.y] for g in areas.geometry])
    cand = np.array([[p.x, p.y] for p in candidates.geometry])
    near = np.hypot(*(centres[:, None, :] - cand[None, :, :]).transpose(2, 0, 1)) <= 1000
    before = best.covered_before.to_numpy()
    gains = [weight[(near[:, list(c)].any(axis=1)) & ~before].sum() for c in itertools.combinations(range(16), 2)]
    assert best.gained == pytest.approx(max(gains))
    shuffled = dm.select_sites(
        areas.iloc[::-1], candidates.iloc[::-1], 2, within=1000, need=need, population=people, services=services
    )
    assert shuffled.gained == best.gained and list(shuffled.sites) == list(best.sites)
    frame = best.to_frame()
    assert frame["newly_covered"].sum() == (covered & ~best.covered_before).sum()
    assert frame.loc[frame["newly_covered"], "nearest_site"].isin(best.sites).all()


def test_select_sites_bad_input():
    areas = _grid()
    need = pd.Series(1.0, index=areas.index)
    with pytest.raises(ValidationError, match="k=3 is more than the 2 candidate sites"):
        dm.select_sites(areas, _points([(0, 0), (1, 1)]), 3, within=10, need=need)
    with pytest.raises(ValidationError, match="negative need"):
        dm.select_sites(areas, _points([(0, 0)]), 1, within=10, need=need - 2)


def test_a_time_limit_that_stops_the_solver_is_reported(monkeypatch):
    import deprivation_map.allocation._covering as covering

    monkeypatch.setattr(covering, "max_cover", lambda *a, **k: (np.array([0]), False, "Time limit reached."))
    with pytest.warns(DeprivationMapWarning, match="not proven optimal: Time limit reached"):
        best = dm.select_sites(_grid(), _points([(0, 0)]), 1, within=10, need=pd.Series(1.0, index=_grid().index))
    assert not best.optimal


def test_a_z_score_index_gives_deciles_and_needs_a_policy_to_be_covered(georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})  # z-scores: half are negative
    services = georgia.loc[["13121"]].representative_point().to_frame("geometry")
    acc = dm.distance_to_services(georgia, services, within=100_000, need=index, population=georgia["TotPop90"])
    assert acc.decile.equals(index.decile)
    deprived_far = (index.decile == 1).to_numpy() & acc.beyond.to_numpy()
    assert acc.population_beyond() == georgia["TotPop90"][deprived_far].sum()
    sites = georgia.representative_point().to_frame("geometry")
    with pytest.raises(ValidationError, match="negative need"):
        dm.select_sites(georgia, sites, 2, within=50_000, need=index)
    shifted = dm.select_sites(georgia, sites, 2, within=50_000, need=index, negative="shift")
    assert shifted.optimal and shifted.weight.min() == 0.0


def test_site_selection_repr_and_no_need_at_all():
    areas = _grid()
    nothing = pd.Series(0.0, index=areas.index)
    best = dm.select_sites(areas, _points([(500, 500), (2500, 2500)]), 1, within=10, need=nothing)
    assert best.gained == 0 and best.optimal and repr(best).endswith("gains n/a of need, covered n/a -> n/a)")
    need = pd.Series(np.arange(1.0, 10.0), index=areas.index)  # 45 in all; s1 reaches area 08 (9)
    best = dm.select_sites(areas, _points([(500, 500), (2500, 2500)]), 1, within=10, need=need)
    assert repr(best) == "SiteSelection(k=1 within 10: ['s1']; gains 20.0% of need, covered 0.0% -> 20.0%)"


def test_areas_without_need_are_refused_or_count_for_nothing():
    areas = _grid()
    need = pd.Series(np.arange(1.0, 10.0), index=areas.index)
    need["08"] = np.nan
    sites = _points([(500, 500), (2500, 2500)])
    with pytest.raises(ValidationError, match="1 areas have no need: '08'"):
        dm.select_sites(areas, sites, 1, within=10, need=need)
    best = dm.select_sites(areas, sites, 1, within=10, need=need, missing="exclude")
    assert list(best.sites) == ["s0"] and best.weight["08"] == 0.0


def test_integer_area_ids_become_text():
    areas = _grid(2).set_axis([10, 11, 12, 13])
    need = pd.Series([1.0, 2.0, 3.0, 4.0], index=["10", "11", "12", "13"])
    acc = dm.distance_to_services(areas, _points([(0, 0)]), within=1, need=need)
    assert acc.distance.index.tolist() == ["10", "11", "12", "13"]
    best = dm.select_sites(areas, _points([(1500, 1500)]), 1, within=800, need=need)
    assert best.covered_after.tolist() == [False, False, False, True]


def test_need_and_population_are_paired_with_the_areas_by_id():
    areas = _grid()
    need = pd.Series(np.arange(9.0), index=areas.index)
    people = pd.Series(np.arange(1.0, 10.0) * 100, index=areas.index)
    services = _points([(500, 500)])
    acc = dm.distance_to_services(areas, services, within=1500, need=need, population=people)
    flipped = dm.distance_to_services(areas, services, within=1500, need=need.iloc[::-1], population=people.iloc[::-1])
    assert flipped.population.equals(acc.population) and flipped.decile.equals(acc.decile)
    with pytest.raises(ValidationError, match="must hold the same area IDs"):
        dm.distance_to_services(areas, services, within=1500, need=need, population=people.reset_index(drop=True))
