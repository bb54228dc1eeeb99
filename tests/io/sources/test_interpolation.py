"""Areal interpolation between boundary vintages: hand-computed pieces, kept totals, refused traps."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from deprivation_map.errors import ValidationError
from deprivation_map.io.sources import interpolate_areas

pytest.importorskip("tobler")


@pytest.fixture
def vintages():
    old = gpd.GeoDataFrame(
        {"pop": [100.0, 50.0], "rate": [10.0, 30.0]},
        geometry=[box(0, 0, 2, 1), box(2, 0, 4, 1)],
        index=pd.Index(["S1", "S2"]),
        crs="EPSG:25831",
    )
    new = gpd.GeoDataFrame(
        geometry=[box(3, 0, 4, 1), box(0, 0, 1, 1), box(1, 0, 3, 1)],
        index=pd.Index(["T3", "T1", "T2"], name="code"),
        crs="EPSG:25831",
    )
    return old, new


def test_extensive_and_intensive_by_hand(vintages):
    old, new = vintages
    out = interpolate_areas(old, new, extensive=["pop"], intensive=["rate"])
    assert out.index.equals(new.index)
    # T1 = half of S1; T2 = the other half of S1 and half of S2; T3 = the other half of S2
    assert out.loc["T1"].tolist() == pytest.approx([50, 10])
    assert out.loc["T2"].tolist() == pytest.approx([75, 20])  # rate: (10 * 1 + 30 * 1) / 2
    assert out.loc["T3"].tolist() == pytest.approx([25, 30])
    assert out["pop"].sum() == pytest.approx(old["pop"].sum())


def test_uncovered_targets_raise_or_are_missing_not_zero(vintages):
    old, new = vintages
    # 'edge' only touches S2 along x = 4: no area in common
    more = pd.concat(
        [new, gpd.GeoDataFrame(geometry=[box(4, 0, 5, 1)], index=pd.Index(["edge"], name="code"), crs=new.crs)]
    )
    with pytest.raises(ValidationError, match=r"1 target areas overlap no source area: 'edge'"):
        interpolate_areas(old, more, extensive=["pop"])
    out = interpolate_areas(old, more, extensive=["pop"], on_uncovered="keep")
    assert np.isnan(out.loc["edge", "pop"]) and out.loc["T1", "pop"] == pytest.approx(50)


def test_traps_are_refused(vintages):
    old, new = vintages
    with pytest.raises(ValidationError, match="tobler would count them as 0"):
        interpolate_areas(old.assign(pop=[np.nan, 1.0]), new, extensive=["pop"])
    with pytest.raises(ValidationError, match="geographic CRS"):
        interpolate_areas(old.to_crs(4326), new.to_crs(4326), extensive=["pop"])
    with pytest.raises(ValidationError, match="on_crs_mismatch='reproject'"):
        interpolate_areas(old.to_crs(3857), new, extensive=["pop"])
    again = interpolate_areas(old.to_crs(3857), new, extensive=["pop"], on_crs_mismatch="reproject")
    assert again["pop"].tolist() == pytest.approx([25, 50, 75])
    with pytest.raises(ValidationError, match="Name the variables"):
        interpolate_areas(old, new)
