"""The bundled datasets: Georgia's CRS is the one its own coordinates imply; the toy holds every edge case."""

from __future__ import annotations

import numpy as np
import pytest

import deprivation_map as dm


def _centroid_offsets_m(gdf, epsg):
    """Signed north/east offsets (metres) of county centroids from the file's Latitude/Longitud columns."""
    centroids = gdf.geometry.set_crs(epsg, allow_override=True).centroid.to_crs(4326)
    north = (centroids.y - gdf["Latitude"]) * 111_000
    east = (centroids.x - gdf["Longitud"]) * 111_000 * np.cos(np.radians(gdf["Latitude"]))
    return north, east


def test_georgia_crs_is_nad27_utm16n_as_its_latitude_longitude_columns_imply(georgia):
    assert georgia.crs.to_epsg() == 26716
    north, east = _centroid_offsets_m(georgia, 26716)
    # The columns are rounded gazetteer points: centroids sit a few hundred metres away, without bias.
    assert abs(np.median(north)) < 50 and abs(np.median(east)) < 100
    assert np.hypot(north, east).max() < 7_000
    # NAD83 on the same zone shifts every county about 200 m south: the wrong ellipsoid.
    north83, _ = _centroid_offsets_m(georgia, 26916)
    assert np.median(north83) < -150
    # Zone 17N puts Georgia 6 degrees east of itself.
    centroids17 = georgia.geometry.set_crs(26717, allow_override=True).centroid.to_crs(4326)
    assert np.median(centroids17.x - georgia["Longitud"]) == pytest.approx(6.0, abs=0.1)


def test_georgia_has_159_counties_keyed_by_fips_strings(georgia):
    assert len(georgia) == 159
    assert georgia.index.name == "AreaKey"
    assert all(isinstance(i, str) and len(i) == 5 and i.startswith("13") for i in georgia.index)
    assert {"PctPov", "PctBach", "TotPop90"} <= set(georgia.columns)


def test_toy_holds_every_edge_case(toy):
    areas, table = toy
    assert areas.index[0] == "001"  # leading zeros kept
    assert "012" in areas.index and "012" not in table.index  # a polygon with no row
    assert "099" in table.index and "099" not in areas.index  # a row with no polygon
    assert table.loc["005"].isna().sum() == 1  # one missing value
    assert table.loc["002", ["poverty", "degree"]].equals(table.loc["003", ["poverty", "degree"]])  # a tie
    others = areas.drop(index="013")
    assert not others.intersects(areas.geometry["013"]).any()  # 013 is an island


def test_get_path_names_the_available_files_when_asked_for_an_unknown_one():
    with pytest.raises(dm.errors.ValidationError, match=r"georgia_counties.gpkg"):
        dm.datasets.get_path("nope.csv")
