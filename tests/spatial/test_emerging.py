"""Emerging hot spots: Esri's categories computed by hand on small cases, and the invariants of issue 15."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.spatial import labels as lab
from deprivation_map.spatial.emerging import emerging_categories

T = 10
UP, DOWN, FLAT = (1.0, 0.001), (-1.0, 0.001), (0.0, 1.0)  # (tau, trend p)


def _one(bins, trend=FLAT):
    return emerging_categories(np.array([bins]), np.array([trend[0]]), np.array([trend[1]]))[0]


# Each case by hand from Esri's definitions (10 periods: 90 % = 9 periods); H hot, C cold, . not significant.
CASES = [
    (".........H", FLAT, "New Hot Spot"),
    ("C........H", FLAT, "New Hot Spot"),  # New and Oscillating both fit: the first in Esri's order wins
    (".......HHH", FLAT, "Consecutive Hot Spot"),
    ("HHHHHHHHHH", UP, "Intensifying Hot Spot"),
    ("HHHHHHHHHH", FLAT, "Persistent Hot Spot"),
    ("HHHHHHHHHH", DOWN, "Diminishing Hot Spot"),
    (".H.H...H.H", FLAT, "Sporadic Hot Spot"),
    ("H.....H.HH", FLAT, "Sporadic Hot Spot"),  # a final run after an earlier hot period is not consecutive
    (".C...H...H", FLAT, "Oscillating Hot Spot"),
    ("HHHHHHHHH.", FLAT, "Historical Hot Spot"),
    ("HHHHHHHHH.", UP, "Historical Hot Spot"),
    (".........C", FLAT, "New Cold Spot"),
    ("........CC", FLAT, "Consecutive Cold Spot"),
    ("CCCCCCCCCC", DOWN, "Intensifying Cold Spot"),
    ("CCCCCCCCCC", FLAT, "Persistent Cold Spot"),
    ("CCCCCCCCCC", UP, "Diminishing Cold Spot"),
    (".C..C....C", FLAT, "Sporadic Cold Spot"),
    (".H..C....C", FLAT, "Oscillating Cold Spot"),
    ("CCCCCCCCC.", FLAT, "Historical Cold Spot"),
    ("CCCCCCCCCH", FLAT, "New Hot Spot"),  # the final period's pattern wins over a historical cold one
    ("..........", FLAT, "No Pattern Detected"),
    ("HHHH......", FLAT, "No Pattern Detected"),  # hot in the past, in fewer than 90 % of periods, not now
    ("..........", UP, "No Pattern Detected"),  # a trend alone is no pattern
]


@pytest.mark.parametrize(("pattern", "trend", "expected"), CASES)
def test_each_category_by_hand(pattern, trend, expected):
    bins = [{"H": 2, "C": -2, ".": 0}[c] for c in pattern]
    assert len(bins) == T
    assert _one(bins, trend) == expected
    assert expected in lab.EMERGING_LABELS


def test_ninety_percent_counts_periods_and_the_final_one_matters():
    # 9 of 10 hot with the final one not hot: historical; 8 of 10 hot with the final hot: sporadic
    assert _one([2] * 9 + [0]) == "Historical Hot Spot"
    assert _one([2, 0, 2, 2, 0, 2, 2, 2, 2, 2]) == "Sporadic Hot Spot"
    assert _one([2, 2, 2, 2, 2, 2, 2, 2, 0, 2]) == "Persistent Hot Spot"  # 9 of 10, final included


def test_labels_are_esris_seventeen_names():
    assert len(lab.EMERGING_LABELS) == 18 and lab.EMERGING_LABELS[-2:] == ("No Pattern Detected", "Undefined")
    assert "Oscillating Cold Spot" in lab.EMERGING_LABELS


@pytest.fixture(scope="module")
def setting(georgia):
    graph = dm.build_graph(georgia)
    rng = np.random.default_rng(7)
    base = georgia["PctPov"]
    panel = pd.DataFrame({year: base + rng.normal(0, 2 + k, len(base)) for k, year in enumerate(range(2000, 2008))})
    return georgia, graph, panel


def test_identical_periods_show_no_change_and_no_trend(setting):
    georgia, graph, _ = setting
    panel = pd.DataFrame(dict.fromkeys(range(2001, 2007), georgia["PctPov"]))
    out = dm.emerging_hotspots(panel, graph)
    assert (out.trend.labels == "No trend").all() and (out.trend.s == 0).all()
    assert set(out.categories) <= {"Persistent Hot Spot", "Persistent Cold Spot", "No Pattern Detected"}
    assert (out.bins.nunique(axis=1) == 1).all()


def test_relabelling_periods_in_order_changes_nothing(setting):
    _, graph, panel = setting
    a = dm.emerging_hotspots(panel, graph)
    b = dm.emerging_hotspots(panel.set_axis([f"t{i:02d}" for i in range(panel.shape[1])], axis=1), graph)
    pd.testing.assert_series_equal(a.categories, b.categories)
    np.testing.assert_allclose(a.trend.p, b.trend.p)


def test_row_order_invariance_and_index_by_id(setting):
    _, graph, panel = setting
    a = dm.emerging_hotspots(panel, graph)
    shuffled = panel.sample(frac=1, random_state=3)
    b = dm.emerging_hotspots(shuffled, graph)
    assert b.categories.index.equals(shuffled.index)
    pd.testing.assert_series_equal(a.categories, b.categories.reindex(a.categories.index))


def test_gi_z_per_period_is_the_library_local_g_and_trend_is_mann_kendall(setting):
    _, graph, panel = setting
    out = dm.emerging_hotspots(panel, graph, correction="none")
    for year in panel.columns[:2]:
        gi = dm.local_g(panel[year], graph, correction="none", alpha=0.05)
        np.testing.assert_allclose(out.z[year], gi.Zs)
        np.testing.assert_array_equal(out.bins[year], gi.bins.astype(int))
    pmk = pytest.importorskip("pymannkendall")
    area = out.z.index[0]
    ref = pmk.original_test(out.z.loc[area].round(9).to_numpy())
    assert np.isclose(ref.p, out.trend.p[area]) and np.isclose(ref.Tau, out.trend.tau[area])
    # the category follows from those bins and that trend
    expected = emerging_categories(out.bins.to_numpy(), out.trend.tau.to_numpy(), out.trend.p.to_numpy())
    assert (out.categories.astype(str).to_numpy() == expected).all()


def test_missing_values_are_undefined_never_a_pattern(setting):
    _, graph, panel = setting
    holed = panel.copy()
    holed.iloc[0, 3] = np.nan
    out = dm.emerging_hotspots(holed, graph)
    assert out.categories.iloc[0] == "Undefined"
    assert len(out.categories) == len(panel)


def test_panel_out_of_time_order_is_refused(setting):
    _, graph, panel = setting
    with pytest.raises(dm.errors.ValidationError, match="time order"):
        dm.emerging_hotspots(panel[panel.columns[::-1]], graph)
