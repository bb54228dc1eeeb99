"""The index over time: pooled and reference-year normalisation by hand, ranks, mobility, persistence, change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm


@pytest.fixture
def tables(georgia):
    rng = np.random.default_rng(3)
    cols = ["PctPov", "PctBach", "PctEld"]
    base = georgia[cols]
    return {y: base * (1 + 0.03 * k) + rng.normal(0, 0.5, base.shape) for k, y in enumerate((2000, 2005, 2010))}


def test_pooled_zscore_by_hand(tables):
    out = dm.normalise_panel(tables, "zscore")
    stacked = pd.concat(tables.values())
    expected = (tables[2010] - stacked.mean()) / stacked.std(ddof=1)
    pd.testing.assert_frame_equal(out[2010], expected, check_names=False)


def test_reference_year_zscore_by_hand_and_non_affine_refused(tables):
    out = dm.normalise_panel(tables, "zscore", reference=2000)
    ref = tables[2000]
    pd.testing.assert_frame_equal(out[2010], (tables[2010] - ref.mean()) / ref.std(ddof=1), check_names=False)
    with pytest.raises(dm.errors.ValidationError, match="not a linear rescaling"):
        dm.normalise_panel(tables, "rank", reference=2000)


def test_panel_index_equals_build_index_on_the_stacked_rows(tables):
    spec = {"PctPov": 1, "PctBach": -1, "PctEld": 1}
    panel = dm.panel_index(tables, spec)
    assert panel.columns.tolist() == [2000, 2005, 2010] and panel.index.equals(tables[2000].index)
    stacked = pd.concat(dict(tables))
    stacked.index = [f"{y}-{i}" for y, i in stacked.index]
    ref = dm.build_index(stacked, spec).score
    np.testing.assert_allclose(panel[2005].to_numpy(), ref[[f"2005-{i}" for i in panel.index]].to_numpy())


def test_identical_years_show_no_change_and_no_mobility(georgia):
    panel = pd.DataFrame(dict.fromkeys((2001, 2011), georgia["PctPov"]))
    assert (dm.panel_change(panel, 2001, 2011)["change"] == 0).all()
    m = dm.mobility(panel, 2001, 2011)
    assert np.trace(m.to_numpy()) == m.to_numpy().sum() == len(georgia)
    persistent = dm.persistently_deprived(panel)
    assert persistent.sum() == (dm.build_index(georgia, {"PctPov": 1}).decile == 1).sum()


def test_change_interval_by_hand():
    panel = pd.DataFrame({1: [1.0, 2.0], 2: [3.0, 2.1]}, index=["a", "b"])
    se = pd.DataFrame({1: [0.3, 0.4], 2: [0.4, 0.3]}, index=["a", "b"])
    out = dm.panel_change(panel, 1, 2, standard_errors=se)
    assert out.loc["a", "se"] == pytest.approx(0.5)
    assert out.loc["a", "low"] == pytest.approx(2.0 - 1.959964 * 0.5, rel=1e-5)
    assert out["significant"].tolist() == [True, False]
    assert dm.panel_change(panel, 1, 2)["significant"].isna().all()  # no standard errors: no verdict


def test_area_missing_a_year_is_never_persistent():
    panel = pd.DataFrame({1: [9.0, 1, 2, 3, 4], 2: [np.nan, 1, 2, 3, 4]}, index=list("abcde"))
    assert not dm.persistently_deprived(panel, classes="quintile")["a"]
