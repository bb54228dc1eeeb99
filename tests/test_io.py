"""Reading boundaries and tables: IDs become strings, problems are named, results round-trip."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

import deprivation_map as dm
from deprivation_map.errors import ValidationError


@pytest.fixture
def squares():
    return gpd.GeoDataFrame(
        {"code": [801901001, 801901002, 801901003], "name": ["a", "b", "c"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:25831",
    )


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


def test_indicator_ids_keep_leading_zeros(tmp_path):
    (tmp_path / "t.csv").write_text("code,x\n0801901001,1.5\n0801901002,2.5\n", encoding="utf-8")
    table = dm.read_indicators(tmp_path / "t.csv", id_col="code")
    assert table.index.tolist() == ["0801901001", "0801901002"]
    assert table["x"].tolist() == [1.5, 2.5]


def test_results_round_trip_with_text_ids(tmp_path, toy_joined):
    frame = toy_joined.assign(label=pd.Categorical(["a"] * len(toy_joined)))
    dm.write_results(frame, tmp_path / "r.gpkg")
    dm.write_results(frame, tmp_path / "r.csv")
    back = gpd.read_file(tmp_path / "r.gpkg")
    assert back["code"].tolist() == toy_joined.index.tolist()
    csv = pd.read_csv(tmp_path / "r.csv", dtype={"code": str})
    assert csv["code"].tolist() == toy_joined.index.tolist() and "geometry" not in csv
    with pytest.raises(ValidationError, match=r"'.gpkg', '.csv'"):
        dm.write_results(frame, tmp_path / "r.xyz")
