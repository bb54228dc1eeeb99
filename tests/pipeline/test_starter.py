"""deprivation-map init: a starting configuration from the data, which run accepts as written."""

from __future__ import annotations

import pytest

import deprivation_map as dm
from deprivation_map.config import load_config
from deprivation_map.pipeline import check, run
from deprivation_map.pipeline.starter import starter_config


def test_the_toy_data_gets_explicit_policies_for_each_of_its_edge_cases(tmp_path):
    path = starter_config(
        dm.datasets.get_path("toy_areas.geojson"),
        id_col="code",
        table=dm.datasets.get_path("toy_indicators.csv"),
        out=tmp_path / "config.toml",
    )
    text = path.read_text(encoding="utf-8")
    assert 'on_unmatched = "keep"' in text  # the toy has areas without a row and rows without an area
    assert 'islands = "knn"' in text  # area 013 is an island
    assert "missing =" in text  # area 012 has no value
    config = load_config(path)
    assert set(config.index.indicators) == {"poverty", "degree", "population"}  # every numeric column, to review
    assert all(direction == 1 for direction in config.index.indicators.values())
    assert check(config).ok
    result = run(config, out_dir=tmp_path / "out")
    assert len(result.data) == len(dm.datasets.load_toy()[0])  # no area lost


def test_indicators_in_the_boundaries_file_and_a_geographic_crs(tmp_path):
    areas = dm.datasets.load_georgia().to_crs(4326)
    areas.reset_index().to_file(tmp_path / "areas.geojson")
    path = starter_config(tmp_path / "areas.geojson", id_col="AreaKey", out=tmp_path / "config.toml")
    text = path.read_text(encoding="utf-8")
    assert "\n[indicators]" not in text and "PctPov = 1" in text
    assert "UTM zone 16N" in text or "UTM zone 17N" in text  # a projected CRS is suggested for Georgia
    assert 'path = "areas.geojson"' in text  # relative to the configuration's folder
    assert run(path, out_dir=tmp_path / "out").index.score.notna().all()


def test_a_file_without_numbers_is_refused_before_anything_is_written(tmp_path):
    areas = dm.datasets.load_georgia()[["geometry"]].assign(name="x")
    areas.reset_index().to_file(tmp_path / "areas.gpkg")
    with pytest.raises(dm.errors.ValidationError, match=r"no numeric column.*--table"):
        starter_config(tmp_path / "areas.gpkg", id_col="AreaKey", out=tmp_path / "config.toml")
    assert not (tmp_path / "config.toml").exists()


def test_invalid_polygons_are_repaired_on_purpose(tmp_path, shared_data):
    lsoas = dm.read_boundaries(
        shared_data / "greater_manchester" / "lsoa21.geojson", id_col="area_code", on_invalid="keep"
    )
    lsoas.assign(pop=1.0).reset_index().to_file(tmp_path / "lsoas.gpkg")
    path = starter_config(tmp_path / "lsoas.gpkg", id_col="area_code", out=tmp_path / "config.toml")
    text = path.read_text(encoding="utf-8")
    assert 'on_invalid = "fix"' in text and 'name_col = "area_name"' in text
    with pytest.warns(dm.errors.DeprivationMapWarning, match="repaired 4 invalid geometries"):
        assert check(path).ok
