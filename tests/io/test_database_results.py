"""Writing results to a real PostGIS server, with their metadata record (see conftest.py for the server)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from geopandas.testing import assert_geodataframe_equal

import deprivation_map as dm
from deprivation_map.errors import DatabaseError, ValidationError
from deprivation_map.io.database_results import METADATA_TABLE, read_metadata_sql
from deprivation_map.io.writers import build_metadata, read_metadata


def scalar(db, sql: str, *params):
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(sql, params).scalar()


@pytest.fixture
def results(toy):
    """The toy areas joined with their indicators, an index and its deciles (a categorical column)."""
    areas, table = toy
    joined = dm.join_indicators(areas, table, on_unmatched="drop")
    index = dm.build_index(joined, {"poverty": 1, "degree": -1}, missing="exclude")
    out = joined.assign(score=index.score, decile=pd.Categorical(index.decile.astype("string")))
    return out.rename_axis("code")


def test_results_read_back_as_written(postgres, results):
    url = postgres.url
    written = dm.write_results_sql(results, url, table="results", metadata={"seed": 3})
    assert written == f"{postgres.schema}.results"
    back = dm.read_boundaries_sql(url, table="results", id_col="code")
    expected = results.astype({"decile": "str"})
    assert_geodataframe_equal(back, expected, check_like=False)
    table = dm.read_indicators_sql(url, table="results", id_col="code", usecols=["score"])
    pd.testing.assert_series_equal(table["score"], results["score"])
    again = dm.join_indicators(back.drop(columns=["score"]), table)  # the audited join works on the results
    pd.testing.assert_series_equal(again["score"], results["score"])


def test_the_table_has_its_id_as_text_primary_key_srid_and_spatial_index(postgres, results):
    dm.write_results_sql(results, postgres.url, table="results")
    relation = f"{postgres.schema}.results"
    key = scalar(
        postgres,
        "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary",
        relation,
    )
    assert key == "code text"
    assert scalar(postgres, "SELECT Find_SRID(%s, 'results', 'geometry')", postgres.schema) == 25831
    assert (
        scalar(postgres, "SELECT count(*) FROM pg_indexes WHERE tablename = 'results' AND indexdef LIKE '%%gist%%'")
        == 1
    )
    with pytest.raises(Exception, match="duplicate key"), postgres.engine.begin() as connection:
        connection.exec_driver_sql(f"INSERT INTO {relation} (code) VALUES ('001')")


def test_the_metadata_record_is_the_files_record(postgres, results, tmp_path):
    record = build_metadata(inputs=[dm.datasets.get_path("toy_indicators.csv")], options={"index": {"a": 1}}, seed=0)
    dm.write_results_sql(results, postgres.url, table="results", metadata=record)
    dm.write_results(results, tmp_path / "results.gpkg", metadata=record)
    from_db = read_metadata_sql(postgres.url, table="results")
    assert from_db == read_metadata(tmp_path / "results.gpkg") == json.loads(json.dumps(record))
    assert list(from_db) == list(record)  # stored as json, not jsonb: the record as written, keys in order
    assert scalar(postgres, f"SELECT record->>'seed' FROM {METADATA_TABLE} WHERE table_name = 'results'") == "0"
    comment = scalar(postgres, "SELECT obj_description(%s::regclass)", f"{postgres.schema}.results")
    assert f"{postgres.schema}.{METADATA_TABLE}, in the row whose table_name is 'results'" in comment


def test_an_existing_table_is_refused_unless_replaced(postgres, results):
    url = postgres.url
    dm.write_results_sql(results, url, table="results", metadata={"seed": 1})
    with pytest.raises(DatabaseError, match=r"already a table test_\w+\.results .* if_exists='replace'"):
        dm.write_results_sql(results, url, table="results")
    fewer = results.iloc[:3]
    dm.write_results_sql(fewer, url, table=f"{postgres.schema}.results", if_exists="replace", metadata={"seed": 2})
    assert len(dm.read_boundaries_sql(url, table="results", id_col="code")) == 3
    assert read_metadata_sql(url, table="results") == {"seed": 2}
    assert scalar(postgres, f"SELECT count(*) FROM {METADATA_TABLE}") == 1


def test_a_table_without_geometries(postgres, results):
    table = pd.DataFrame(results.drop(columns="geometry"))
    dm.write_results_sql(table, postgres.url, table="scores", metadata={"seed": 5})
    back = dm.read_indicators_sql(postgres.url, table="scores", id_col="code")
    pd.testing.assert_frame_equal(back, table.astype({"decile": "str"}))
    assert read_metadata_sql(postgres.url, table="scores") == {"seed": 5}


def test_missing_categories_stay_missing(postgres, results):
    gaps = results.assign(decile=results["decile"].where(results.index != "004"))
    dm.write_results_sql(gaps, postgres.url, table="results")
    assert scalar(postgres, "SELECT decile IS NULL FROM results WHERE code = '004'") is True


def test_what_postgresql_would_change_is_refused_before_writing(postgres, results):
    url = postgres.url
    long_name = "x" * 64
    with pytest.raises(ValidationError, match="longer than 63 bytes, which PostgreSQL would cut"):
        dm.write_results_sql(results.assign(**{long_name: 1.0}), url, table="results")
    with pytest.raises(ValidationError, match="appear more than once: '001'"):
        dm.write_results_sql(pd.concat([results, results.iloc[:1]]), url, table="results")
    with pytest.raises(ValidationError, match="no EPSG code"):
        dm.write_results_sql(results.set_crs("+proj=robin +lon_0=10", allow_override=True), url, table="results")
    with pytest.raises(DatabaseError, match=r"no schema .nowhere. .*Create it \(CREATE SCHEMA nowhere\)"):
        dm.write_results_sql(results, url, table="nowhere.results")
    with pytest.raises(ValidationError, match="Unknown if_exists policy 'append'"):
        dm.write_results_sql(results, url, table="results", if_exists="append")
    assert scalar(postgres, "SELECT to_regclass('results')") is None  # nothing was written


def test_a_table_written_by_another_program_has_no_record(postgres):
    with postgres.engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE other (code text)")
    with pytest.raises(DatabaseError, match=r"has no record for it. Was the table written by write_results_sql"):
        read_metadata_sql(postgres.url, table="other")


def test_a_password_given_in_code_is_recorded_nowhere(postgres, password, results, tmp_path):
    """The run's URL (with its password) recorded as input and option, and in a careless key: never stored."""
    url = postgres.url
    options = {"boundaries": {"url": url, "table": "areas"}, "output": {"password": password}}
    record = build_metadata(inputs=[url, {"url": url, "query": "SELECT 1"}], options=options, seed=0)
    careless = {**record, "note": f"read from {url}"}  # a record not built by build_metadata
    dm.write_results_sql(results, url, table="results", metadata=careless)
    outputs = [
        dm.write_results(results, tmp_path / f"results.{x}", metadata=careless) for x in ("gpkg", "csv", "parquet")
    ]
    stored = [
        scalar(postgres, f"SELECT record::text FROM {METADATA_TABLE}"),
        scalar(postgres, "SELECT obj_description('results'::regclass)"),
        json.dumps(read_metadata_sql(url, table="results")),
        *(p.read_bytes().decode("latin-1") for p in outputs),
        (tmp_path / "results.csv.metadata.json").read_text(),
        json.dumps(record),
    ]
    assert all(password not in text for text in stored)
    meta = read_metadata_sql(url, table="results")
    assert meta["options"]["boundaries"]["url"] == url.replace(f":{password}@", ":***@")
    assert meta["inputs"][0] == {"url": url.replace(f":{password}@", ":***@")}
    assert meta["options"]["output"]["password"] == "***" and meta["note"].endswith(meta["inputs"][0]["url"])


def test_table_and_record_are_written_together_or_not_at_all(postgres, results):
    with postgres.engine.begin() as connection:  # a companion table another program made, which cannot take the record
        connection.exec_driver_sql(f"CREATE TABLE {METADATA_TABLE} (table_name text PRIMARY KEY)")
    with pytest.raises(DatabaseError, match=r'Writing table test_\w+\.results failed .*column "record"'):
        dm.write_results_sql(results, postgres.url, table="results")
    assert scalar(postgres, "SELECT to_regclass('results')") is None
