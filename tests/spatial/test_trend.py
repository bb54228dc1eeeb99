"""The Mann-Kendall test against pymannkendall's original_test, row by row, ties included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm

pmk = pytest.importorskip("pymannkendall")


@pytest.mark.parametrize("periods", [3, 5, 10, 17])
def test_equals_pymannkendall_with_ties(periods):
    rng = np.random.default_rng(periods)
    x = rng.integers(0, 5, (60, periods)).astype(float)  # many ties
    x[:5] = np.arange(periods) + rng.normal(0, 0.1, (5, periods))  # and clear trends
    t = dm.mann_kendall(pd.DataFrame(x, index=[f"a{i}" for i in range(60)]))
    for i in range(60):
        ref = pmk.original_test(x[i])
        if np.all(x[i] == x[i, 0]):
            assert t.s.iloc[i] == 0 and t.p.iloc[i] == 1.0
            continue
        assert np.isclose(ref.s, t.s.iloc[i]) and np.isclose(ref.var_s, t.var_s.iloc[i])
        assert np.isclose(ref.z, t.z.iloc[i]) and np.isclose(ref.p, t.p.iloc[i]) and np.isclose(ref.Tau, t.tau.iloc[i])
        assert (ref.trend == "increasing") == (t.labels.iloc[i] == "Increasing")
        assert (ref.trend == "decreasing") == (t.labels.iloc[i] == "Decreasing")


def test_missing_value_gives_undefined_and_index_is_kept():
    panel = pd.DataFrame({1: [1.0, 2.0], 2: [np.nan, 3.0], 3: [2.0, 4.0]}, index=["b", "a"])
    t = dm.mann_kendall(panel)
    assert t.labels.tolist() == ["Undefined", "No trend"] and t.s.index.tolist() == ["b", "a"]
    assert np.isnan(t.p["b"])


def test_reversing_time_flips_the_sign():
    x = pd.DataFrame(np.random.default_rng(1).normal(size=(20, 8)), index=[str(i) for i in range(20)])
    a = dm.mann_kendall(x)
    b = dm.mann_kendall(x[x.columns[::-1]].set_axis(x.columns, axis=1))
    np.testing.assert_allclose(a.s, -b.s)
    np.testing.assert_allclose(a.p, b.p)
