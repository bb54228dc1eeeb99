"""Light maps: coverage simplification keeps shared borders shared; the size budget is met or refused."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely

import deprivation_map as dm
from deprivation_map.maps.simplify import fit_geometry, simplify_coverage


def test_coverage_simplification_keeps_a_valid_coverage(georgia):
    before = shapely.get_num_coordinates(georgia.geometry.to_numpy()).sum()
    simplified = simplify_coverage(georgia.geometry, 3000)
    after = shapely.get_num_coordinates(simplified.to_numpy()).sum()
    assert after < before / 2
    assert simplified.index.equals(georgia.index) and simplified.crs == georgia.crs
    # no overlaps, no gaps between neighbours: GEOS's own coverage validation, and the total area kept
    assert bool(shapely.coverage_is_valid(simplified.to_numpy()))
    assert simplified.area.sum() == pytest.approx(georgia.area.sum(), rel=0.01)
    assert shapely.get_num_coordinates(georgia.geometry.to_numpy()).sum() == before  # the caller's data untouched


def test_budget_simplifies_only_when_needed_and_reports_sizes(georgia):
    texts, size = fit_geometry(georgia.geometry, overhead_bytes=0)
    assert size.tolerance_m == 0 and size.bytes_before == size.bytes_after == sum(map(len, texts))
    texts, small = fit_geometry(georgia.geometry, overhead_bytes=0, max_mb=0.06)
    assert small.tolerance_m > 0 and small.bytes_after <= 60_000 < small.bytes_before
    assert small.vertices_after < small.vertices_before
    assert len(texts) == len(georgia) and all(t.startswith("[[[") for t in texts)
    rings = [ring for t in texts for polygon in json.loads(t) for ring in polygon]
    assert sum(len(r) // 2 for r in rings) == small.vertices_after - len(rings)  # rings written without closing vertex
    lon_lat = np.array([np.cumsum(np.reshape(r, (-1, 2)), axis=0)[0] for r in rings]) / 10**small.precision
    west, south, east, north = georgia.to_crs(4326).total_bounds
    assert (
        (lon_lat[:, 0] > west - 0.1)
        & (lon_lat[:, 0] < east + 0.1)
        & (lon_lat[:, 1] > south - 0.1)
        & (lon_lat[:, 1] < north + 0.1)
    ).all()


def test_a_map_over_budget_is_refused_with_an_alternative(georgia):
    with pytest.raises(dm.errors.ValidationError, match="aggregate to a coarser level"):
        dm.explore(georgia, max_mb=0.05)
    with pytest.warns(dm.errors.DeprivationMapWarning, match="over the"):
        m = dm.explore(georgia, max_mb=0.05, oversize="warn")
    assert m.dm_size.bytes_after > 50_000


def test_simplification_stops_before_deforming_the_areas(georgia):
    with pytest.raises(dm.errors.ValidationError, match="over the 0 MB") as info:
        fit_geometry(georgia.geometry, overhead_bytes=0, max_mb=0.002)
    tolerance = float(re.search(r"simplified at ([\d.]+) m", str(info.value)).group(1))
    typical = np.sqrt(np.median(georgia.area))
    assert typical / 12 < tolerance <= typical / 6  # the largest tolerance tried, and no larger


def test_explicit_tolerance_and_bad_values(georgia):
    m = dm.explore(georgia, simplify=2000.0)
    assert m.dm_size.tolerance_m == 2000 and m.dm_size.bytes_after < m.dm_size.bytes_before
    with pytest.raises(dm.errors.ValidationError, match="simplify must be"):
        dm.explore(georgia, simplify="lots")


def test_vertex_budget_simplifies_even_a_small_file(georgia):
    _texts, size = fit_geometry(georgia.geometry, overhead_bytes=0, max_vertices=5_000)
    assert size.bytes_before < size.budget_bytes  # small enough in bytes, but too many vertices to draw quickly
    assert size.tolerance_m > 0 and size.vertices_after <= 5_000 < size.vertices_before


def test_estimate_is_close_to_the_encoded_size_and_bounds_it_below(georgia):
    from deprivation_map.maps.encode import encode_areas
    from deprivation_map.maps.simplify import AREA_FLOOR, estimate_map_size

    est = estimate_map_size(georgia.geometry)
    exact = sum(map(len, encode_areas(georgia.geometry, 5))) + AREA_FLOOR * len(georgia)
    assert est.vertices == shapely.get_num_coordinates(georgia.geometry.to_numpy()).sum()
    assert est.bytes_full == pytest.approx(exact, rel=0.1)  # 159 areas: the sample is all of them
    _texts, strongest = fit_geometry(georgia.geometry, overhead_bytes=0, simplify=50_000.0)
    assert est.bytes_least <= strongest.bytes_after + AREA_FLOOR * len(georgia)


def test_a_map_no_file_can_hold_is_refused_before_any_work(georgia, monkeypatch):
    import deprivation_map.maps.interactive as interactive

    def no_work(*args, **kwargs):
        raise AssertionError("tooltips built for a map that cannot be drawn")

    monkeypatch.setattr(interactive, "build_tooltips", no_work)
    with pytest.raises(dm.errors.MapTooLargeError, match="write_tiles") as info:
        dm.explore(georgia, max_mb=0.001)
    assert isinstance(info.value, dm.errors.ValidationError)


def test_simplification_needed_anyway_skips_the_full_encoding(georgia):
    _texts, size = fit_geometry(georgia.geometry, overhead_bytes=0, max_vertices=5_000)
    assert size.before_estimated and "about" in size.summary()
    _texts, plain = fit_geometry(georgia.geometry, overhead_bytes=0)
    assert not plain.before_estimated and size.bytes_before == pytest.approx(plain.bytes_before, rel=0.1)


def test_neighbours_still_share_their_borders_exactly_after_simplification(georgia):
    simplified = simplify_coverage(georgia.geometry, 3000)
    assert simplified.index.equals(georgia.index) and len(simplified) == len(georgia)
    before, after = georgia.geometry.to_numpy(), simplified.to_numpy()
    left, right = shapely.STRtree(before).query(before, predicate="touches")
    pairs = left < right
    left, right = left[pairs], right[pairs]
    shared_before = shapely.length(
        shapely.intersection(shapely.boundary(before[left]), shapely.boundary(before[right]))
    )
    rook = shared_before > 0  # neighbours along a border, not at a corner
    assert rook.sum() > 300
    a, b = after[left[rook]], after[right[rook]]
    assert shapely.is_valid(after).all()
    assert np.abs(shapely.area(shapely.intersection(a, b))).max() < 1e-6  # no overlap: no sliver between them
    # the border they share is the same line in both: what one area's boundary has there, the other's has too
    shared = shapely.intersection(shapely.boundary(a), shapely.boundary(b))
    assert (shapely.length(shared) > 0).all()
    overlap = shapely.area(after).sum() - shapely.area(shapely.union_all(after))
    assert abs(overlap) < 1e-6 * shapely.area(after).sum()  # the parts add up to their union: no overlap anywhere
