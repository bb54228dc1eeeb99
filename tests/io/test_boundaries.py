"""Reading boundaries and tables: IDs become strings, problems are named, results round-trip."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Polygon, box

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
