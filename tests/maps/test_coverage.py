"""Coverage simplification by arcs: the same as GEOS's CoverageSimplifier, borders kept shared, no area lost."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from deprivation_map.maps._coverage import coverage_simplify


@pytest.fixture(scope="module")
def metric(georgia):
    return georgia.geometry.to_crs(georgia.geometry.estimate_utm_crs()).to_numpy()


def _vertices(geom) -> set[tuple[float, float]]:
    return set(map(tuple, shapely.get_coordinates(geom)))


@pytest.mark.parametrize("tolerance", [500, 2000, 5000])
def test_same_result_as_geos(metric, tolerance):
    """Independent implementation: shapely's coverage_simplify (GEOS's TPVW CoverageSimplifier)."""
    ours, geos = coverage_simplify(metric, tolerance), shapely.coverage_simplify(metric, tolerance)
    assert shapely.equals(ours, geos).mean() >= 0.95  # corners of equal area may go in another order
    n_ours, n_geos = shapely.get_num_coordinates(ours).sum(), shapely.get_num_coordinates(geos).sum()
    assert abs(n_ours - n_geos) <= 0.005 * n_geos
    assert n_ours < shapely.get_num_coordinates(metric).sum()


@pytest.mark.parametrize("tolerance", [2000, 20000])
def test_shared_borders_stay_shared_and_the_coverage_valid(metric, tolerance):
    simplified = coverage_simplify(metric, tolerance)
    assert shapely.is_valid(simplified).all() and bool(shapely.coverage_is_valid(simplified))
    # neither gaps nor overlaps: the areas add up to their union, which has no more holes than before
    union = shapely.coverage_union_all(simplified)
    assert shapely.area(simplified).sum() == pytest.approx(union.area, rel=1e-9)
    assert (
        shapely.get_num_interior_rings(shapely.get_parts(union)).sum()
        == shapely.get_num_interior_rings(shapely.get_parts(shapely.coverage_union_all(metric))).sum()
    )
    # each border between two neighbours keeps the same vertices on both sides
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="touches")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    assert len(pairs) > 300
    for a, b in pairs:
        border = _vertices(metric[a]) & _vertices(metric[b])
        assert _vertices(simplified[a]) & border == _vertices(simplified[b]) & border


def test_every_area_is_kept_however_large_the_tolerance(metric):
    simplified = coverage_simplify(metric, 1e7)
    assert len(simplified) == len(metric) and not shapely.is_empty(simplified).any()
    assert shapely.is_valid(simplified).all() and (shapely.area(simplified) > 0).all()
    distinct = [len(_vertices(g)) for g in simplified]
    assert min(distinct) >= 3


def test_holes_islands_multipolygons_and_missing_areas():
    """An island filling a hole is a ring without nodes shared by two areas: simplified once, for both."""
    theta = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    wiggle = 1 + 0.01 * np.sin(25 * theta)
    island = shapely.Polygon(np.c_[50 + 20 * wiggle * np.cos(theta), 50 + 20 * wiggle * np.sin(theta)])
    square = shapely.Polygon(shapely.box(0, 0, 100, 100).exterior, [island.exterior])
    far = shapely.MultiPolygon([shapely.box(100, 0, 120, 100), shapely.box(200, 0, 220, 10)])
    geoms = np.array([square, island, None, far, shapely.Polygon()], dtype=object)
    before = geoms.copy()
    simplified = coverage_simplify(geoms, 2.0)
    assert all(a is b for a, b in zip(geoms, before, strict=True))  # the input is untouched
    assert simplified[2] is None and simplified[4].is_empty
    assert list(shapely.get_type_id(simplified[[0, 1, 3]])) == [3, 3, 6]
    assert shapely.get_num_coordinates(simplified[1]) < shapely.get_num_coordinates(island)
    hole = shapely.get_interior_ring(simplified[0], 0)
    assert shapely.equals(shapely.polygons(hole), simplified[1])  # the hole and the island: the same vertices
    assert shapely.is_valid(simplified[[0, 1, 3]]).all() and bool(shapely.coverage_is_valid(simplified[[0, 1, 3]]))
    assert shapely.equals(simplified[3], far)  # rectangles have nothing to lose


def test_zero_tolerance_changes_nothing(metric):
    assert shapely.equals(coverage_simplify(metric, 0.0), metric).all()


def test_anything_but_polygons_is_refused():
    from deprivation_map.errors import ValidationError

    geoms = np.array([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (1, 1)])], dtype=object)
    with pytest.raises(
        ValidationError, match=r"needs polygons; 1 geometries are not \(the first is a LineString at position 1\)"
    ):
        coverage_simplify(geoms, 1.0)


def test_arcs_found_once_serve_every_tolerance(metric):
    """A Coverage simplified at several tolerances, in any order, gives what a fresh simplification gives."""
    from deprivation_map.maps._coverage import Coverage

    coverage = Coverage(metric)
    for tolerance in (5000, 500, 2000):
        assert shapely.equals(coverage.simplify(tolerance), coverage_simplify(metric, tolerance)).all()
    assert shapely.equals(coverage.simplify(0.0), metric).all()


def test_a_ring_of_two_distinct_points_is_left_as_it_is():
    """Rings without three distinct vertices cannot be simplified: copied, the rest simplified around them."""
    thin = shapely.from_wkt("POLYGON ((0 0, 1 0, 0 0, 0 0))")
    theta = np.linspace(0, 2 * np.pi, 100, endpoint=False)
    round_ = shapely.Polygon(np.c_[10 + np.cos(theta), np.sin(theta)])
    simplified = coverage_simplify(np.array([thin, round_], dtype=object), 0.3)
    assert shapely.equals_exact(simplified[0], thin, tolerance=0)
    assert 3 <= shapely.get_num_coordinates(simplified[1]) < 100


@pytest.mark.parametrize(
    "path", ["barcelona/sections.geojson", "greater_manchester/lsoa11.geojson", "greater_manchester/lsoa21.geojson"]
)
def test_real_coverages_give_geos_result_with_shared_borders(shared_data, path):
    """Barcelona's census sections and Greater Manchester's LSOAs, at the map's tolerances (sqrt(median area)/100,
    /25, /6): every area equals shapely's coverage_simplify (GEOS), valid, and neighbours keep one border.

    Made valid first, as the pipeline reads them (three LSOAs have self-intersecting rings, which stay invalid).
    """
    import geopandas as gpd

    gdf = gpd.read_file(shared_data / path)
    metric = shapely.make_valid(gdf.geometry.to_crs(gdf.geometry.estimate_utm_crs()).to_numpy())
    typical = float(np.sqrt(np.median(shapely.area(metric))))
    left, right = shapely.STRtree(metric).query(metric, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    for divisor in (100, 25, 6):
        ours = coverage_simplify(metric, typical / divisor)
        assert shapely.equals(ours, shapely.coverage_simplify(metric, typical / divisor)).all()
        assert shapely.is_valid(ours).all() and bool(shapely.coverage_is_valid(ours))
        assert shapely.get_num_coordinates(ours).sum() < shapely.get_num_coordinates(metric).sum()
        for a, b in pairs:
            border = _vertices(metric[a]) & _vertices(metric[b])
            assert _vertices(ours[a]) & border == _vertices(ours[b]) & border
