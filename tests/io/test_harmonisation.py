"""Harmonisation: totals conserved, intensive averages by hand, nothing dropped, equal to tobler's interpolation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import deprivation_map as dm


@pytest.fixture
def lookup():
    return dm.crosswalk_from_lookup(
        pd.DataFrame({"old": ["a", "b", "b", "c", "d"], "new": ["A", "B1", "B2", "CD", "CD"]}), old="old", new="new"
    )


def test_by_hand_with_population_weights(lookup):
    data = pd.DataFrame({"people": [10.0, 20, 30, 40], "rate": [0.1, 0.2, 0.3, 0.5]}, index=["a", "b", "c", "d"])
    out = dm.harmonise(data, lookup, extensive=["people"], intensive=["rate"], weights=data["people"])
    assert out.values.loc["CD", "rate"] == pytest.approx((30 * 0.3 + 40 * 0.5) / 70)
    assert out.values.loc["B1", "rate"] == 0.2 and out.values.loc["B2", "people"] == 10.0
    assert out.totals.loc["people", "old areas"] == out.totals.loc["people", "new areas"] == 100.0
    assert out.audit["estimated"].tolist() == [False, True, True, True]
    assert data.index.tolist() == ["a", "b", "c", "d"]  # not mutated


def test_missing_source_gives_nan_flagged_and_unknown_areas_are_listed(lookup):
    data = pd.DataFrame({"people": [10.0, 20, 30, 5]}, index=["a", "b", "c", "zz"])  # d is absent
    out = dm.harmonise(data, lookup, extensive=["people"])
    assert np.isnan(out.values.loc["CD", "people"]) and not out.audit.loc["CD", "complete"]
    assert out.uncarried.index.tolist() == ["zz"]
    assert len(out.values) == 4  # every new area is there


def test_areal_interpolation_equals_tobler():
    tobler = pytest.importorskip("tobler.area_weighted")
    old = gpd.GeoDataFrame(
        {"n": [100.0, 50.0, 30.0], "r": [0.2, 0.5, 0.9]},
        geometry=[box(0, 0, 2, 2), box(2, 0, 3, 2), box(0, 2, 3, 3)],
        index=["a", "b", "c"],
        crs=3857,
    )
    new = gpd.GeoDataFrame(geometry=[box(0, 0, 1.5, 3), box(1.5, 0, 3, 3)], index=["X", "Y"], crs=3857)
    cw = dm.crosswalk_from_boundaries(old, new, tolerance=0)
    ours = dm.harmonise(old, cw, extensive=["n"], intensive=["r"], weights="area").values
    ref = tobler.area_interpolate(old, new, extensive_variables=["n"], intensive_variables=["r"])
    np.testing.assert_allclose(ours.loc[["X", "Y"], "n"], ref["n"])
    np.testing.assert_allclose(ours.loc[["X", "Y"], "r"], ref["r"])
    assert ours["n"].sum() == pytest.approx(180.0)


def test_greater_manchester_imd_2019_carried_to_2021_lsoas(shared_data):
    gm = shared_data / "greater_manchester"
    old = gpd.read_file(gm / "lsoa11.geojson").set_index("area_code")
    new = gpd.read_file(gm / "lsoa21.geojson").set_index("area_code")
    imd = pd.read_csv(gm / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})
    y19 = imd[imd["year"] == 2019].set_index("lsoa_code")
    out = dm.harmonise(y19, dm.crosswalk_from_boundaries(old, new), intensive=["imd_score"])
    assert out.values.index.equals(pd.Index(new.index.astype(str).unique())) or set(out.values.index) == set(new.index)
    assert out.values["imd_score"].notna().all() and len(out.uncarried) == 0
    assert int(out.audit["estimated"].sum()) == 63 + 3
