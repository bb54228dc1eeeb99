"""Reading boundaries and tables: IDs become strings, problems are named, results round-trip."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, ValidationError


@pytest.fixture
def squares():
    return gpd.GeoDataFrame(
        {"code": [801901001, 801901002, 801901003], "name": ["a", "b", "c"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:25831",
    )


RTF = r"{\rtf1\ansi\ansicpg1252\cocoartf1671 {\fonttbl\f0\fswiss Helvetica;} NAD83 / New York Long Island}"


def test_integer_and_whole_float_ids_become_their_digits(tmp_path, squares):
    squares.to_file(tmp_path / "a.gpkg")
    squares.assign(code=squares["code"].astype(float)).to_file(tmp_path / "b.gpkg")
    for name in ("a.gpkg", "b.gpkg"):
        out = dm.read_boundaries(tmp_path / name, id_col="code")
        assert out.index.tolist() == ["801901001", "801901002", "801901003"]
        assert out.index.name == "code" and "code" not in out.columns
        assert out.crs.to_epsg() == 25831


def test_boundaries_problems_are_named(tmp_path, squares):
    path = tmp_path / "a.gpkg"
    squares.to_file(path)
    with pytest.raises(ValidationError, match=r"no column 'cod'.*'code'"):
        dm.read_boundaries(path, id_col="cod")
    with pytest.raises(ValidationError, match="No boundaries file"):
        dm.read_boundaries(tmp_path / "missing.gpkg", id_col="code")
    squares.assign(code=[1, 1, 2]).to_file(tmp_path / "dup.gpkg")
    with pytest.raises(ValidationError, match=r"more than once: '1'"):
        dm.read_boundaries(tmp_path / "dup.gpkg", id_col="code")
    with pytest.warns(UserWarning, match="crs"):  # a shapefile without .prj, like libpysal's Georgia
        squares.set_crs(None, allow_override=True).to_file(tmp_path / "nocrs.shp")
    with pytest.raises(ValidationError, match=r"crs="):
        dm.read_boundaries(tmp_path / "nocrs.shp", id_col="code")
    fixed = dm.read_boundaries(tmp_path / "nocrs.shp", id_col="code", crs="EPSG:25831")
    assert fixed.crs.to_epsg() == 25831


def test_empty_geometries_are_refused_with_their_ids(tmp_path, squares):
    squares.loc[1, "geometry"] = Polygon()
    squares.to_file(tmp_path / "e.gpkg")
    with pytest.raises(ValidationError, match=r"no geometry: '801901002'"):
        dm.read_boundaries(tmp_path / "e.gpkg", id_col="code")


def test_every_vector_format_reads_to_the_same_frame(tmp_path, squares):
    squares.to_file(tmp_path / "a.gpkg", layer="sections")
    squares.to_file(tmp_path / "a.geojson")
    squares.to_file(tmp_path / "a.fgb", SPATIAL_INDEX="NO")  # with an index, features are stored in its order
    squares.to_file(tmp_path / "a.shp")
    squares.to_parquet(tmp_path / "a.parquet")
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        for ext in ("shp", "shx", "dbf", "prj"):
            archive.write(tmp_path / f"a.{ext}", f"a.{ext}")
    reference = dm.read_boundaries(tmp_path / "a.gpkg", id_col="code")
    for name in ("a.geojson", "a.fgb", "a.shp", "a.parquet", "a.zip"):
        out = dm.read_boundaries(tmp_path / name, id_col="code")
        assert out.index.equals(reference.index), name
        assert out.crs == reference.crs and out.geom_equals(reference.geometry).all(), name


def test_a_geopackage_with_several_layers_needs_layer(tmp_path, squares):
    squares.to_file(tmp_path / "m.gpkg", layer="sections")
    squares.iloc[:2].to_file(tmp_path / "m.gpkg", layer="districts")
    with pytest.raises(ValidationError, match=r"2 layers \('sections', 'districts'\); choose one with layer="):
        dm.read_boundaries(tmp_path / "m.gpkg", id_col="code")
    assert len(dm.read_boundaries(tmp_path / "m.gpkg", id_col="code", layer="districts")) == 2


def test_a_prj_that_is_not_a_crs_is_named_and_crs_overrides_it(tmp_path, squares):
    squares.to_file(tmp_path / "nyc.shp")
    (tmp_path / "nyc.prj").write_text(RTF)
    with zipfile.ZipFile(tmp_path / "nyc.zip", "w") as archive:
        for ext in ("shp", "shx", "dbf", "prj"):
            archive.write(tmp_path / f"nyc.{ext}", f"nyc.{ext}")
    for name in ("nyc.shp", "nyc.zip"):
        with pytest.raises(ValidationError, match=r"\.prj file that is not a coordinate reference system.*rtf1.*crs="):
            dm.read_boundaries(tmp_path / name, id_col="code")
        fixed = dm.read_boundaries(tmp_path / name, id_col="code", crs="EPSG:2263")
        assert fixed.crs.to_epsg() == 2263 and len(fixed) == 3


def test_invalid_geometries_raise_fix_or_keep_by_policy(tmp_path, squares):
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # two triangles of area 1 crossing at (1, 1)
    squares.loc[1, "geometry"] = bowtie
    squares.to_file(tmp_path / "b.gpkg")
    with pytest.raises(
        ValidationError, match=r"1 invalid geometries \('801901002': Self-intersection.*on_invalid='fix'"
    ):
        dm.read_boundaries(tmp_path / "b.gpkg", id_col="code")
    with pytest.warns(DeprivationMapWarning, match=r"repaired 1 invalid geometries .*: '801901002'"):
        fixed = dm.read_boundaries(tmp_path / "b.gpkg", id_col="code", on_invalid="fix")
    assert fixed.is_valid.all() and fixed.loc["801901002"].geometry.area == pytest.approx(2.0)
    assert fixed.loc["801901001"].geometry.equals(box(0, 0, 1, 1))
    kept = dm.read_boundaries(tmp_path / "b.gpkg", id_col="code", on_invalid="keep")
    assert kept.is_valid.tolist() == [True, False, True]
    with pytest.raises(ValidationError, match="'raise', 'fix', 'keep'"):
        dm.read_boundaries(tmp_path / "b.gpkg", id_col="code", on_invalid="ignore")


def test_greater_manchester_generalised_lsoas_have_four_invalid_rings(shared_data):
    """The ONS generalised boundaries self-intersect in 4 LSOAs: refused by default, repaired by policy."""
    path = shared_data / "greater_manchester" / "lsoa21.geojson"
    with pytest.raises(ValidationError, match=r"4 invalid geometries \('E01005866': Ring Self-intersection"):
        dm.read_boundaries(path, id_col="area_code")
    with pytest.warns(
        DeprivationMapWarning,
        match=r"repaired 4 invalid geometries .*'E01005866', 'E01005907', 'E01006012', 'E01006312'",
    ):
        lsoas = dm.read_boundaries(path, id_col="area_code", on_invalid="fix")
    assert len(lsoas) == 1702 and lsoas.is_valid.all() and lsoas.index.is_unique


# --- inputs that are not what they claim, and failures of the reader: the library's errors, naming the file


def _shapefile_without(tmp_path, squares, ext):
    squares.to_file(tmp_path / "s.shp")
    (tmp_path / f"s.{ext}").unlink()
    return tmp_path / "s.shp"


def _truncated(tmp_path, squares, name):
    squares.to_file(tmp_path / f"whole.{name}")
    data = (tmp_path / f"whole.{name}").read_bytes()
    (tmp_path / f"cut.{name}").write_bytes(data[: len(data) // 3])
    return tmp_path / f"cut.{name}"


BROKEN = {  # name -> (make the file, what the message must say)
    "missing .shx": (lambda t, s: _shapefile_without(t, s, "shx"), r"without s\.shx .*copy all of them"),
    "missing .dbf": (lambda t, s: _shapefile_without(t, s, "dbf"), r"without s\.dbf .*area IDs.*copy all of them"),
    "empty file": (lambda t, s: t / "e.gpkg", r"'e\.gpkg' is empty \(0 bytes\).*again"),
    "truncated GeoPackage": (lambda t, s: _truncated(t, s, "gpkg"), r"'cut\.gpkg' could not be read: .*truncated"),
    "truncated GeoJSON": (lambda t, s: _truncated(t, s, "geojson"), r"'cut\.geojson' could not be read:.*truncated"),
    "text saved as .gpkg": (lambda t, s: t / "t.gpkg", r"'t\.gpkg' could not be read: it is not a vector file.*\.csv"),
    "broken GeoParquet": (lambda t, s: t / "p.parquet", r"'p\.parquet' could not be read: it is not a GeoParquet"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_file_gets_the_librarys_error_naming_it_with_the_fix(tmp_path, squares, case):
    make, message = BROKEN[case]
    (tmp_path / "e.gpkg").write_bytes(b"")
    (tmp_path / "t.gpkg").write_text("code,x\n1,2\n")
    (tmp_path / "p.parquet").write_text("code,x\n1,2\n")
    with pytest.raises(ValidationError, match=message):
        dm.read_boundaries(make(tmp_path, squares), id_col="code")


@pytest.mark.parametrize("layer", ["sectoins", 3])
def test_a_layer_that_does_not_exist_is_named_with_the_layers_there_are(tmp_path, squares, layer):
    squares.to_file(tmp_path / "m.gpkg", layer="sections")
    squares.to_file(tmp_path / "m.gpkg", layer="districts")
    with pytest.raises(
        ValidationError, match=rf"'m\.gpkg' has no layer {layer!r}; its layers are 'sections', 'districts'"
    ):
        dm.read_boundaries(tmp_path / "m.gpkg", id_col="code", layer=layer)


def test_points_and_lines_among_the_areas_are_refused_naming_them(tmp_path, squares):
    squares.loc[1, "geometry"] = Point(1.5, 0.5)
    squares.loc[2, "geometry"] = LineString([(2, 0), (3, 1)])
    squares.to_file(tmp_path / "mixed.geojson")
    with pytest.raises(
        ValidationError, match=r"2 areas that are not polygons: '801901002' \(Point\), '801901003' \(Li"
    ):
        dm.read_boundaries(tmp_path / "mixed.geojson", id_col="code", on_invalid="keep")


def test_projected_metres_in_a_file_that_says_degrees_are_refused_with_the_fix(tmp_path, squares):
    utm = squares.set_geometry(squares.translate(430_000, 4_580_000)).set_crs("EPSG:4326", allow_override=True)
    utm.to_file(tmp_path / "utm.geojson")  # GeoJSON says WGS 84: UTM metres read as degrees
    with pytest.raises(ValidationError, match=r"'WGS 84'.*degrees.*reach x from 430,000.*crs='EPSG:"):
        dm.read_boundaries(tmp_path / "utm.geojson", id_col="code")
    fixed = dm.read_boundaries(tmp_path / "utm.geojson", id_col="code", crs="EPSG:25831")
    assert fixed.crs.to_epsg() == 25831 and fixed.total_bounds[0] == 430_000


def test_areas_across_the_antimeridian_are_detected_and_fixed_on_request(tmp_path):
    fiji = Polygon([(179.5, -17), (-179.5, -17), (-179.5, -16), (179.5, -16)])  # 1 degree wide, read as 359
    areas = gpd.GeoDataFrame({"code": ["FJ1", "FJ2"]}, geometry=[fiji, box(178, -18, 179, -17)], crs="EPSG:4326")
    areas.to_file(tmp_path / "fiji.geojson")
    with pytest.raises(ValidationError, match=r"1 areas wider than 180 degrees.*'FJ1' \(359 degrees\).*antimeridian"):
        dm.read_boundaries(tmp_path / "fiji.geojson", id_col="code")
    with pytest.warns(DeprivationMapWarning, match=r"'FJ1'.*moved by \+360"):
        fixed = dm.read_boundaries(tmp_path / "fiji.geojson", id_col="code", on_invalid="fix")
    assert fixed.geometry["FJ1"].bounds == (179.5, -17.0, 180.5, -16.0)
    assert fixed.geometry["FJ2"].equals(box(178, -18, 179, -17))
    kept = dm.read_boundaries(tmp_path / "fiji.geojson", id_col="code", on_invalid="keep")
    assert kept.geometry["FJ1"].bounds[2] - kept.geometry["FJ1"].bounds[0] == 359


def _numeric_dbf(path, field, values, width=24, decimals=15):
    """A .dbf with one numeric field N(width, decimals) holding ``values`` as text, as GIS software writes codes."""
    header = 32 + 32 + 1
    head = bytes([3, 124, 1, 1]) + len(values).to_bytes(4, "little") + header.to_bytes(2, "little")
    head += (1 + width).to_bytes(2, "little") + bytes(20)
    descriptor = field.encode().ljust(11, b"\x00") + b"N" + bytes(4) + bytes([width, decimals]) + bytes(14)
    records = b"".join(b" " + value.rjust(width).encode() for value in values)
    path.write_bytes(head + descriptor + b"\r" + records + b"\x1a")


def test_codes_beyond_two_to_the_53_are_shown_as_the_file_holds_them_not_mangled(tmp_path, squares):
    # a DBF N(24,15) field: read as float64, 123456789012345678901 became -9223372036854775808
    squares[["geometry"]].to_file(tmp_path / "big.shp")
    _numeric_dbf(tmp_path / "big.dbf", "code", ["123456789012345678901", "123456789012345678902", "7"])
    assert gpd.read_file(tmp_path / "big.shp")["code"].dtype == "float64"  # what every reader makes of it
    with pytest.raises(ValidationError, match=r"holds '123456789012345678901', '123456789012345678902', which.*text"):
        dm.read_boundaries(tmp_path / "big.shp", id_col="code")
    gpd.GeoDataFrame(
        {"code": [1.2345678901234567e20, 7.0]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:25831"
    ).to_file(tmp_path / "big.gpkg")
    with pytest.raises(ValidationError, match=r"1 codes stored as floating-point numbers beyond 2\*\*53.*as text"):
        dm.read_boundaries(tmp_path / "big.gpkg", id_col="code")


@pytest.mark.parametrize("code", ["", "   "])
def test_blank_ids_are_refused_and_namibias_code_is_an_id(tmp_path, squares, code):
    squares.assign(code=["NA", code, "ZA"]).to_file(tmp_path / "ids.geojson")
    with pytest.raises(ValidationError, match=r"1 IDs that are blank or only spaces"):
        dm.read_boundaries(tmp_path / "ids.geojson", id_col="code")
    squares.assign(code=["NA", "NAM", "ZA"]).to_file(tmp_path / "na.geojson")
    assert dm.read_boundaries(tmp_path / "na.geojson", id_col="code").index.tolist() == ["NA", "NAM", "ZA"]


def test_a_code_split_over_two_columns_is_built_from_both(tmp_path):
    """Barcelona's section code is district + section; a format string adds the province and town prefix."""
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"C_Distri": ["01", "01", "02"], "C_SecCens": ["001", "002", "001"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:25831",
    )
    frame.to_file(tmp_path / "sections.gpkg")
    with pytest.raises(ValidationError, match=r"appear more than once.*split over several columns"):
        dm.read_boundaries(tmp_path / "sections.gpkg", id_col="C_SecCens")
    joined = dm.read_boundaries(tmp_path / "sections.gpkg", id_col=["C_Distri", "C_SecCens"])
    assert joined.index.tolist() == ["01001", "01002", "02001"] and joined.index.name == "id"
    assert joined["C_Distri"].tolist() == ["01", "01", "02"]  # the parts stay, e.g. to summarise districts
    ine = dm.read_boundaries(
        tmp_path / "sections.gpkg", id_col=["C_Distri", "C_SecCens"], id_format="08019{C_Distri}{C_SecCens}"
    )
    assert ine.index.tolist() == ["0801901001", "0801901002", "0801902001"]
    with pytest.raises(ValidationError, match=r"id_format .*C_Barri"):
        dm.read_boundaries(tmp_path / "sections.gpkg", id_col=["C_Distri"], id_format="{C_Barri}")


def test_barcelona_sections_join_medea_by_their_ine_code(shared_data):
    sections = dm.read_boundaries(
        shared_data / "barcelona" / "sections.geojson",
        id_col=["C_Distri", "C_SecCens"],
        id_format="08019{C_Distri}{C_SecCens}",
    )
    medea = dm.read_indicators(shared_data / "barcelona" / "medea_deprivation_spain_cities.csv", id_col="seccion")
    report = dm.check_join(sections, medea)
    assert len(sections) == 1068 and sections.index.is_unique
    assert len(report.matched) == 512  # the README: only 512 of the 1,068 current sections have a value
