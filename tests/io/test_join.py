"""The audited join: exact counts, named IDs, explicit policies, boundaries' order, inputs untouched."""

from __future__ import annotations

import warnings

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, JoinError
from deprivation_map.io.join import join_with_reports


def test_check_join_reports_both_sides_of_the_toy(toy):
    areas, table = toy
    report = dm.check_join(areas, table)
    assert report.matched.tolist() == [f"{i:03d}" for i in range(1, 12)] + ["013"]
    assert report.missing_data.tolist() == ["012"]
    assert report.no_boundary.tolist() == ["099"]
    assert report.duplicates.empty and not report.complete
    assert (report.n_areas, report.n_rows) == (13, 13)
    assert "missing_data=1" in repr(report) and "'099'" in report.summary()


def test_raise_names_the_unmatched_ids_on_both_sides(toy):
    with pytest.raises(JoinError) as err:
        dm.join_indicators(*toy)
    message = str(err.value)
    assert "1 areas have no row ('012')" in message and "1 rows have no area ('099')" in message
    assert "on_unmatched='keep'" in message


def test_keep_keeps_every_area_in_the_boundaries_order(toy):
    areas, table = toy
    shuffled = areas.iloc[::-1]
    joined = dm.join_indicators(shuffled, table, on_unmatched="keep")
    assert joined.index.equals(shuffled.index)
    assert joined.loc["012", ["poverty", "degree"]].isna().all()
    assert joined.loc["001", "poverty"] == table.loc["001", "poverty"]


def test_drop_removes_areas_without_a_row_and_keeps_order(toy):
    joined = dm.join_indicators(*toy, on_unmatched="drop")
    assert "012" not in joined.index and len(joined) == 12
    assert joined.index.tolist() == [i for i in toy[0].index if i != "012"]


def test_warn_keeps_areas_and_warns_with_the_ids(toy):
    with pytest.warns(DeprivationMapWarning, match="'012'"):
        joined = dm.join_indicators(*toy, on_unmatched="warn")
    assert len(joined) == 13


def test_unknown_policy_lists_the_valid_ones(toy):
    with pytest.raises(dm.errors.ValidationError, match="'raise', 'warn', 'keep', 'drop'"):
        dm.join_indicators(*toy, on_unmatched="ignore")


def test_duplicated_ids_in_a_table_are_refused_with_examples(toy):
    areas, table = toy
    doubled = pd.concat([table, table.loc[["002"]]])
    assert dm.check_join(areas, doubled).duplicates.tolist() == ["002"]
    with pytest.raises(JoinError, match=r"more than one row: '002'"):
        dm.join_indicators(areas, doubled, on_unmatched="keep")


def test_several_tables_join_and_a_shared_column_is_refused(toy):
    areas, table = toy
    first, second = table[["poverty"]], table[["degree", "population"]]
    joined = dm.join_indicators(areas, first, second, on_unmatched="keep")
    assert {"poverty", "degree", "population"} <= set(joined.columns)
    with pytest.raises(JoinError, match="'poverty' is in both indicator table 1 and indicator table 2"):
        dm.join_indicators(areas, first, table[["poverty"]], on_unmatched="keep")
    with pytest.raises(JoinError, match="'name' is in both the boundaries and indicator table 1"):
        dm.join_indicators(areas, table.assign(name="x"), on_unmatched="keep")


def test_integer_keyed_tables_match_string_ids(georgia):
    areas = georgia[["geometry"]]
    table = pd.DataFrame({"x": range(159)}, index=pd.Index(georgia.index.astype(int), name="AreaKey"))
    joined = dm.join_indicators(areas, table)
    assert joined.loc["13001", "x"] == 0


def test_inputs_are_not_mutated(toy):
    areas, table = toy
    areas_before, table_before = areas.copy(), table.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dm.join_indicators(areas, table, on_unmatched="warn")
    pd.testing.assert_frame_equal(areas, areas_before)
    pd.testing.assert_frame_equal(table, table_before)


# -- key repairs ---------------------------------------------------------------------------------------------


@pytest.fixture
def sections():
    import geopandas as gpd

    codes = ["0801901001", "0801901002", "0801901003", "E01000001", "01", "001"]
    return gpd.GeoDataFrame(
        geometry=[box(i, 0, i + 1, 1) for i in range(6)], index=pd.Index(codes, name="code"), crs=3857
    )


def test_whitespace_case_and_lost_zeros_are_repaired_and_reported(sections):
    table = pd.DataFrame(
        {"x": [1.0, 2.0, 3.0, 4.0, 5.0]},
        index=pd.Index(["801901001", " 0801901002 ", "e01000001", "1", "999"], name="code"),
    )
    report = dm.check_join(sections, table)
    assert report.repairs == {"801901001": "0801901001", " 0801901002 ": "0801901002", "e01000001": "E01000001"}
    assert report.ambiguous == {"1": ("01", "001")}  # two areas are '1' without their zeros: no guess
    assert report.matched.tolist() == ["0801901001", "0801901002", "E01000001"]
    assert report.no_boundary.tolist() == ["1", "999"]
    assert "repairs=3" in repr(report)
    summary = report.summary()
    assert (
        "3 table keys repaired (" in summary
        and "leading zeros 1" in summary
        and "whitespace 1" in summary
        and "case 1" in summary
    )
    assert "1 table keys match several areas once normalised, not repaired: '1'" in summary
    audit = report.to_frame()
    assert audit.index.tolist() == ["0801901001", "0801901002", "E01000001", "0801901003", "01", "001", "1", "999"]
    assert audit["status"].value_counts().to_dict() == {"matched": 3, "missing_data": 3, "no_boundary": 2}
    assert audit.loc["0801901002", "repaired_from"] == " 0801901002 " and audit.loc["0801901003", "repaired_from"] == ""
    joined = dm.join_indicators(sections, table, on_unmatched="keep")
    assert joined.index.equals(sections.index)
    values = joined["x"].tolist()
    assert values[:2] == [1.0, 2.0] and values[3] == 3.0 and pd.isna(values[2]) and pd.isna(values[4])


def test_exact_keys_repair_nothing(sections):
    table = pd.DataFrame({"x": [1.0]}, index=pd.Index(["801901001"]))
    report = dm.check_join(sections, table, keys="exact")
    assert report.repairs == {} and report.no_boundary.tolist() == ["801901001"]
    with pytest.raises(dm.errors.ValidationError, match="'normalise', 'exact'"):
        dm.check_join(sections, table, keys="fuzzy")


def test_a_repair_onto_a_key_already_present_is_a_duplicate(sections):
    table = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["0801901001", "801901001"]))
    report = dm.check_join(sections, table)
    assert report.duplicates.tolist() == ["0801901001"] and report.repairs == {"801901001": "0801901001"}
    with pytest.raises(JoinError, match="more than one row: '0801901001'"):
        dm.join_indicators(sections, table, on_unmatched="keep")


def test_boundaries_that_lost_their_zeros_match_a_table_that_kept_them(sections):
    areas = sections.set_axis(pd.Index(["801901001", "801901002", "801901003", "E01000001", "1", "2"], name="code"))
    table = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index(["0801901001", "0801901003"]))
    report = dm.check_join(areas, table)
    assert report.repairs == {"0801901001": "801901001", "0801901003": "801901003"}
    assert report.matched.tolist() == ["801901001", "801901003"]


def test_several_tables_each_get_their_report(sections):
    first = pd.DataFrame({"x": [1.0]}, index=pd.Index(["801901001"]))
    second = pd.DataFrame({"y": [2.0]}, index=pd.Index(["0801901001"]))
    joined, reports = join_with_reports(sections, (first, second), "keep")
    assert [len(r.repairs) for r in reports] == [1, 0]
    assert joined.loc["0801901001", ["x", "y"]].tolist() == [1.0, 2.0]


@settings(max_examples=50, deadline=None)
@given(st.sets(st.integers(1, 99_999_999), min_size=1, max_size=30), st.data())
def test_exactly_the_keys_that_lost_zeros_are_repaired_whatever_the_order(numbers, data):
    """Property: codes written as numbers are repaired back to the 10-digit areas, and nothing else is."""
    import geopandas as gpd
    from shapely.geometry import Point

    codes = [f"{n:010d}" for n in sorted(numbers)]
    areas = gpd.GeoDataFrame(geometry=[Point(i, 0) for i in range(len(codes))], index=pd.Index(codes), crs=3857)
    lost = data.draw(st.lists(st.booleans(), min_size=len(codes), max_size=len(codes)))
    keys = [c.lstrip("0") if drop else c for c, drop in zip(codes, lost, strict=True)]
    order = data.draw(st.permutations(range(len(keys))))
    table = pd.DataFrame({"x": range(len(keys))}, index=pd.Index([keys[i] for i in order]))
    report = dm.check_join(areas, table)
    assert report.repairs == {k: c for k, c, drop in zip(keys, codes, lost, strict=True) if drop}
    assert report.complete and report.matched.tolist() == codes


def test_barcelona_sections_join_medea_as_published_and_as_a_spreadsheet_export(tmp_path, shared_data):
    """The issue's published counts: 1,068 sections, 512 with MEDEA values, 6,791 rows of other cities."""
    sections = gpd.read_file(shared_data / "barcelona" / "sections.geojson")
    sections["code"] = "08019" + sections["C_Distri"] + sections["C_SecCens"]
    sections.to_file(tmp_path / "sections.gpkg")
    areas = dm.read_boundaries(tmp_path / "sections.gpkg", id_col="code")
    medea = shared_data / "barcelona" / "medea_deprivation_spain_cities.csv"
    table = dm.read_indicators(medea, id_col="seccion")
    report = dm.check_join(areas, table)
    counts = (len(report.matched), len(report.missing_data), len(report.no_boundary), len(report.repairs))
    assert (report.n_areas, *counts) == (1068, 512, 556, 6791, 0)
    # the same table as a Spanish spreadsheet exports it: ';', decimal comma, cp1252, codes stored as numbers
    raw = pd.read_csv(medea, dtype=str)
    raw["seccion"] = raw["seccion"].astype("int64")
    raw["cod_municipio"] = raw["cod_municipio"].astype("int64")
    for col in ("privacion_2001", "privacion_2011"):
        raw[col] = raw[col].astype(float)
    raw.to_csv(tmp_path / "medea.csv", sep=";", decimal=",", encoding="cp1252", index=False)
    read = dm.check_table(tmp_path / "medea.csv", id_col="seccion")
    assert (read.sep, read.decimal, read.n_rows) == (";", ",", 7303)
    export = dm.read_indicators(tmp_path / "medea.csv", id_col="seccion")
    again = dm.check_join(areas, export)
    assert (len(again.matched), len(again.missing_data), len(again.no_boundary), len(again.repairs)) == (
        512,
        556,
        6791,
        512,
    )
    assert all(key.zfill(10) == area for key, area in again.repairs.items())
    assert "512 table keys repaired (leading zeros 512)" in again.summary()
    joined = dm.join_indicators(areas, export, on_unmatched="keep")
    expected = dm.join_indicators(areas, table, on_unmatched="keep")
    assert joined.index.equals(areas.index)
    pd.testing.assert_series_equal(joined["privacion_2011"], expected["privacion_2011"], rtol=1e-12)


@pytest.mark.parametrize("reindex", [lambda t: t.reset_index(), lambda t: t.reset_index().iloc[[0, 2, 5]]])
def test_a_table_indexed_by_row_position_is_refused_naming_its_code_column(toy, reindex):
    # 0, 1, 2 ... would be "repaired" as leading-zero keys to areas 001, 002 ...: every value one area off
    areas, table = toy
    positional = reindex(table.rename_axis("code"))
    with pytest.raises(JoinError, match=r"indexed by row position.*set_index\('code'\) \(column 'code' holds"):
        dm.join_indicators(areas, positional, on_unmatched="keep")
    with pytest.raises(JoinError, match="indexed by row position"):
        dm.check_join(areas, positional)
    joined = dm.join_indicators(areas, positional.set_index("code"), on_unmatched="keep")
    assert joined.loc["001", "poverty"] == table.loc["001", "poverty"]


def test_boundaries_indexed_by_row_position_are_refused(toy):
    areas, table = toy
    with pytest.raises(JoinError, match="The boundaries frame is indexed by row position"):
        dm.join_indicators(areas.reset_index(), table, on_unmatched="keep")


def test_integer_ids_that_are_a_named_index_still_join(toy):
    areas, table = toy
    numbered = table.set_axis(table.index.astype(int)).rename_axis("code")  # 1, 2 ... : repaired to 001, 002
    report = dm.check_join(areas, numbered)
    assert report.repairs["1"] == "001" and len(report.matched) == 12


def test_keys_written_in_decomposed_unicode_match_their_area_and_the_repair_is_reported():
    # macOS and some exports write 'í' as 'i' + a combining accent (NFD): the same name, other bytes
    import unicodedata

    names = ["Αίγιο", "Sant Martí", "Pátra"]
    areas = gpd.GeoDataFrame(
        geometry=[box(i, 0, i + 1, 1) for i in range(3)], index=pd.Index(names, name="name"), crs="EPSG:3857"
    )
    nfd = [unicodedata.normalize("NFD", n) for n in names[:2]]
    table = pd.DataFrame({"x": [1.0, 2.0, 3.0]}, index=pd.Index([*nfd, "Pátra"], name="name"))
    assert nfd[0] != names[0]
    report = dm.check_join(areas, table)
    assert report.repairs == dict(zip(nfd, names[:2], strict=True)) and report.complete
    assert "Unicode normalisation 2" in report.summary()
    assert dm.join_indicators(areas, table)["x"].tolist() == [1.0, 2.0, 3.0]
    assert dm.check_join(areas, table, keys="exact").missing_data.tolist() == names[:2]
