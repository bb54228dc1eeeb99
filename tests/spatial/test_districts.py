"""District summaries: extent and local concentration computed by hand on small cases."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.spatial.districts import assign_districts, district_summary

IDS = [f"a{i:02d}" for i in range(20)]


def test_extent_by_hand():
    """20 areas scored 0..19: the most deprived decile is the two highest, a18 and a19 (both in district B)."""
    score = pd.Series(np.arange(20.0), index=IDS)
    district = pd.Series(["A"] * 10 + ["B"] * 10, index=IDS)
    population = pd.Series(100.0, index=IDS).mask(score == 19, 300.0)
    out = district_summary(score, district, population=population)
    assert out.loc["A", "extent"] == 0
    assert out.loc["B", "extent"] == pytest.approx(400 / 1200)
    assert out.loc["B", "population"] == 1200 and out["areas"].tolist() == [10, 10]


def test_extent_counts_the_decile_as_the_index_does():
    """15 areas: decile 1 is rank <= 15/10 = 1.5, i.e. only the highest score (ceil(10 * 2 / 15) = 2)."""
    ids = IDS[:15]
    score = pd.Series(np.arange(15.0), index=ids)
    district = pd.Series(["A"] * 13 + ["B"] * 2, index=ids)
    out = district_summary(score, district, population=pd.Series(100.0, index=ids))
    assert out.loc["B", "extent"] == pytest.approx(100 / 200)  # a14 only, not a13


def test_local_concentration_by_hand():
    """District C has areas of national rank 1, 5 and 9 with 5, 10 and 85 people: its most deprived 10 people
    are the 5 in rank 1 and 5 of the 10 in rank 5, so the weighted mean rank is (1*5 + 5*5) / 10 = 3."""
    score = pd.Series(np.arange(20.0)[::-1], index=IDS)  # a00 is rank 1
    district = pd.Series("D", index=IDS)
    district[["a00", "a04", "a08"]] = "C"
    population = pd.Series(50.0, index=IDS)
    population[["a00", "a04", "a08"]] = [5.0, 10.0, 85.0]
    out = district_summary(score, district, population=population)
    assert out.loc["C", "local_concentration"] == pytest.approx(3.0)


def test_cluster_populations_add_up(georgia):
    hot = dm.local_moran(georgia["PctPov"], dm.build_graph(georgia), seed=0, correction="none")
    half = (georgia["Longitud"] > -83.5).map({True: "east", False: "west"})
    out = district_summary(georgia["PctPov"], half, population=georgia["TotPop90"], hotspots=hot)
    high = hot.labels == "High-High"
    assert out["population_high_high"].sum() == georgia["TotPop90"][high].sum()
    assert out.filter(regex="^n_").to_numpy().sum() == len(georgia)
    assert out["n_High-High"].sum() == high.sum()


def test_missing_districts_and_scores(georgia):
    half = (georgia["Longitud"] > -83.5).map({True: "east", False: "west"})
    with pytest.raises(ValidationError, match="no district"):
        district_summary(georgia["PctPov"], half.where(half.index != "13001"))
    score = georgia["PctPov"].where(georgia.index != "13001")
    out = district_summary(score, half)
    assert out["areas"].sum() == 159  # an unscored area is still counted, just not ranked


def test_assign_districts_from_a_second_layer():
    areas = gpd.GeoDataFrame(geometry=[box(i, 0, i + 1, 1) for i in range(4)], index=list("abcd"), crs="EPSG:3857")
    layer = gpd.GeoDataFrame({"name": ["W", "E"]}, geometry=[box(0, 0, 2.1, 1), box(2.1, 0, 3.5, 1)], crs="EPSG:3857")
    with pytest.raises(ValidationError, match=r"'d'.*unassigned='keep'"):
        assign_districts(areas, layer, name_col="name")
    out = assign_districts(areas, layer, name_col="name", unassigned="keep")
    assert out.tolist() == ["W", "W", "E", "(unassigned)"]


def _overlapping():
    """Areas a..d side by side (unit squares); districts W = [0, 2.6] and E = [1.4, 4] overlap over [1.4, 2.6],
    where the representative points of b and c lie: b is all in W and 60 % in E, c 60 % in W and all in E."""
    areas = gpd.GeoDataFrame(geometry=[box(i, 0, i + 1, 1) for i in range(4)], index=list("abcd"), crs="EPSG:3857")
    layer = gpd.GeoDataFrame({"name": ["W", "E"]}, geometry=[box(0, 0, 2.6, 1), box(1.4, 0, 4, 1)], crs="EPSG:3857")
    return areas, layer


def test_overlapping_districts_are_reported_and_resolved_by_shared_surface_not_row_order():
    from deprivation_map.errors import DeprivationMapWarning

    areas, layer = _overlapping()
    with pytest.warns(
        DeprivationMapWarning, match=r"2 areas lie in more than one district .*'b' \(E / W\), 'c' \(E / W\)"
    ):
        out = assign_districts(areas, layer, name_col="name")

    assert out.tolist() == ["W", "W", "E", "E"]
    reversed_layer = assign_districts(areas[::-1], layer[::-1], name_col="name", overlaps="largest")
    pd.testing.assert_series_equal(reversed_layer.sort_index(), out.sort_index())
    with pytest.raises(ValidationError, match=r"more than one district.*overlaps='largest'"):
        assign_districts(areas, layer, name_col="name", overlaps="raise")


def test_equal_overlap_goes_to_the_first_name_alphabetically():
    areas = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], index=["a"], crs="EPSG:3857")
    for order in ([0, 1], [1, 0]):
        layer = gpd.GeoDataFrame({"name": ["Z", "M"]}, geometry=[box(0, 0, 1, 1)] * 2, crs="EPSG:3857")
        assert assign_districts(areas, layer.iloc[order], name_col="name", overlaps="largest").tolist() == ["M"]


def test_district_rows_of_one_name_are_one_district():
    areas, _ = _overlapping()
    layer = gpd.GeoDataFrame({"name": ["W", "W"]}, geometry=[box(0, 0, 2.6, 1), box(1.4, 0, 4, 1)], crs="EPSG:3857")
    assert assign_districts(areas, layer, name_col="name").tolist() == ["W"] * 4  # no overlap to report


def test_districts_in_another_crs_are_refused_unless_reprojection_is_asked_for(georgia):
    halves = georgia.dissolve(by=georgia["Longitud"] > -83.5).reset_index(names="east")
    other = halves.to_crs("EPSG:4326")
    with pytest.raises(ValidationError, match=r"districts are in 'WGS 84'.*on_crs_mismatch='reproject'"):
        assign_districts(georgia, other, name_col="east")
    out = assign_districts(georgia, other, name_col="east", on_crs_mismatch="reproject")
    pd.testing.assert_series_equal(out, assign_districts(georgia, halves, name_col="east"))


def test_coverage_is_reported_and_low_coverage_hides_the_extent():
    """District A: 4 areas of 100 people, only a00 scored (and most deprived): 25 % coverage, so no extent.
    District B: 4 areas, all scored. District C: 2 areas, none scored."""
    ids = IDS[:10]
    score = pd.Series([9.0, np.nan, np.nan, np.nan, 1.0, 2.0, 3.0, 4.0, np.nan, np.nan], index=ids)
    district = pd.Series(["A"] * 4 + ["B"] * 4 + ["C"] * 2, index=ids)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning for C's empty division
        out = district_summary(score, district, population=pd.Series(100.0, index=ids))
    assert out.loc["A", ["areas_scored", "population_scored"]].tolist() == [1, 100]
    assert out.loc["A", "coverage_population"] == 0.25 and out.loc["B", "coverage_areas"] == 1
    assert np.isnan(out.loc["A", "extent"]) and "only 1 of 4 areas scored" in out.loc["A", "reason"]
    assert np.isnan(out.loc["C", "local_concentration"]) and out.loc["C", "reason"] == "no scored area"
    assert out.loc["B", "reason"] == "" and out.loc["B", "extent"] == 0
    lower = district_summary(score, district, min_coverage=0.25).loc["A"]  # 5 scored areas: no decile 1 (r <= 0.5)
    assert lower["extent"] == 0 and lower["local_concentration"] == 1 and lower["reason"] == ""


def test_trinitat_nova_is_not_reported_as_wholly_deprived(shared_data):
    """Barcelona, MEDEA 2011: la Trinitat Nova has 1 scored section of 5 (the README's unified sectioning)."""
    folder = shared_data / "barcelona"
    sections = gpd.read_file(folder / "sections.geojson")
    sections.index = (
        "08019" + sections["C_Distri"].astype(str).str.zfill(2) + sections["C_SecCens"].astype(str).str.zfill(3)
    )
    medea = pd.read_csv(folder / "medea_deprivation_spain_cities.csv", dtype={"seccion": str}).set_index("seccion")
    score = medea["privacion_2011"].reindex(sections.index)
    population = sections["Homes"].astype(float) + sections["Dones"].astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = district_summary(score, sections["N_Barri"], population=population)
    row = out.loc["la Trinitat Nova"]
    assert (row["areas"], row["areas_scored"]) == (5, 1)
    assert np.isnan(row["extent"]) and row["reason"].startswith("only 1 of 5 areas scored")
    assert (out["reason"] == "no scored area").sum() == out["areas_scored"].eq(0).sum() > 0
    assert out["areas"].sum() == len(sections)
