"""Panels from long tables and from one table per period: every area kept, periods in time order."""

from __future__ import annotations

import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.io.panel import check_panel


def test_long_table_keeps_every_area_and_sorts_periods():
    long = pd.DataFrame({"code": ["01", "02", "01", "03"], "year": [2019, 2015, 2015, 2019], "v": [1.0, 2, 3, 4]})
    panel = dm.build_panel(long, "v", id_col="code")
    assert panel.columns.tolist() == [2015, 2019] and panel.index.tolist() == ["01", "02", "03"]
    assert panel.loc["01"].tolist() == [3.0, 1.0] and pd.isna(panel.loc["02", 2019])
    assert long["code"].tolist() == ["01", "02", "01", "03"]  # the caller's table is untouched


def test_repeated_area_and_period_is_refused_naming_it():
    long = pd.DataFrame({"code": ["a", "a"], "year": [2015, 2015], "v": [1.0, 2.0]})
    with pytest.raises(dm.errors.ValidationError, match="'a in 2015'"):
        dm.build_panel(long, "v", id_col="code")


def test_one_table_per_period():
    t15 = pd.DataFrame({"v": [1.0, 2.0]}, index=["a", "b"])
    t19 = pd.DataFrame({"v": [5.0]}, index=["c"])
    panel = dm.build_panel({2019: t19, 2015: t15}, "v")
    assert panel.shape == (3, 2) and panel.columns.tolist() == [2015, 2019]


def test_check_panel_refuses_positional_index_and_disorder():
    with pytest.raises(dm.errors.ValidationError, match="row position"):
        check_panel(pd.DataFrame({1: [1.0, 2.0], 2: [1.0, 2.0]}))
    with pytest.raises(dm.errors.ValidationError, match="at least 2"):
        check_panel(pd.DataFrame({1: [1.0]}, index=["a"]))
