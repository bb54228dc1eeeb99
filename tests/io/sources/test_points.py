"""Point counts per area: exact counts, rates by hand, and no count below the threshold ever leaves."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from deprivation_map.errors import DeprivationMapWarning, ValidationError
from deprivation_map.io.sources import count_points


@pytest.fixture
def two():
    return gpd.GeoDataFrame(
        {"pop": [2600, 100]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        index=pd.Index(["A", "B"], name="code"),
        crs="EPSG:25831",
    )


def points(xy, crs="EPSG:25831"):
    return gpd.GeoDataFrame(geometry=[Point(x, y) for x, y in xy], crs=crs)


def test_counts_rates_and_suppression_by_hand(two):
    xy = (
        [(0.05 + 0.07 * i, 0.5) for i in range(12)] + [(1.5, 0.2), (1.5, 0.4), (1.5, 0.6)] + [(1.0, 0.5)]
    )  # last: on the edge
    out = count_points(two, points(xy), population="pop", name="users")
    assert out.columns.tolist() == ["users_count", "users_rate", "users_suppressed"]
    assert out.loc["A"].tolist() == [13, 5.0, False]  # 12 + the edge point (ID A sorts first); 13 / 2600 * 1000
    assert (
        pd.isna(out.loc["B", "users_count"])
        and np.isnan(out.loc["B", "users_rate"])
        and out.loc["B", "users_suppressed"]
    )
    assert str(out["users_count"].dtype) == "Int64"
    same = count_points(two, points(xy), population=pd.Series([2600, 100], index=["A", "B"]), name="users", threshold=3)
    assert same.loc["B"].tolist() == [3, 30.0, False]


def test_points_outside_every_area_raise_or_warn(two):
    pts = points([(0.5, 0.5), (5, 5), (6, 6)])
    with pytest.raises(ValidationError, match=r"2 of 3 points are in no area \(or have no geometry\): '1', '2'"):
        count_points(two, pts, threshold=1)
    with pytest.warns(DeprivationMapWarning, match="not counted"):
        out = count_points(two, pts, threshold=1, on_outside="warn")
    assert out["points_count"].iloc[0] == 1 and out["points_suppressed"].tolist() == [False, True]


def test_crs_population_and_threshold_are_checked(two):
    far = points([(0.5, 0.5)]).to_crs("EPSG:4326")
    with pytest.raises(ValidationError, match="on_crs_mismatch='reproject'"):
        count_points(two, far)
    assert count_points(two, far, threshold=1, on_crs_mismatch="reproject")["points_count"].iloc[0] == 1
    with pytest.raises(ValidationError, match=r"positive population .* 1 areas have none: 'B'"):
        count_points(two.assign(pop=[10, 0]), far.to_crs(two.crs), population="pop")
    with pytest.raises(ValidationError, match="threshold must be an integer of at least 1"):
        count_points(two, far.to_crs(two.crs), threshold=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0.01, 3.99), st.floats(0.01, 0.99)), max_size=60), st.integers(1, 15))
def test_no_small_count_leaves_and_published_counts_are_exact(xy, threshold):
    areas = gpd.GeoDataFrame(geometry=[box(i, 0, i + 1, 1) for i in range(4)], index=pd.Index(list("abcd")), crs=3857)
    out = count_points(areas, points(xy, crs=3857), threshold=threshold)
    shown = out["points_count"].dropna()
    assert (shown >= threshold).all()
    assert out["points_suppressed"].tolist() == out["points_count"].isna().tolist()
    # area i is (i, i + 1); a point exactly on the edge x = i belongs to the first of the two, area i - 1
    truth = (
        np.bincount(np.maximum(np.ceil([x for x, _ in xy]).astype(int) - 1, 0), minlength=4) if xy else np.zeros(4, int)
    )
    assert shown.tolist() == [n for n in truth if n >= threshold]


def test_a_point_on_a_shared_edge_goes_to_the_area_whose_id_sorts_first_whatever_the_row_order():
    # four unit squares meeting at (1, 1); points on their edges and on the shared corner
    squares = gpd.GeoDataFrame(
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 1, 2), box(1, 1, 2, 2)],
        index=pd.Index(["d", "b", "c", "a"], name="code"),
        crs="EPSG:25831",
    )
    xy = [(1, 1)] * 3 + [(1, 0.5)] * 4 + [(0.5, 1)] * 5 + [(1.5, 1)] * 6 + [(1, 1.5)] * 7
    expected = {"a": 3 + 6 + 7, "b": 4, "c": 5, "d": 0}  # corner -> a; (1, .5): b < d; (.5, 1): c < d; ...
    for order in ([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]):
        out = count_points(squares.iloc[order], points(xy), threshold=1)
        assert out.index.equals(squares.index[order])
        assert out["points_count"].fillna(0).astype(int).to_dict() == expected
