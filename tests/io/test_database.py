"""Reading boundaries and indicators from a real PostgreSQL server with PostGIS (see conftest.py).

The reference is the file readers: the same data loaded into PostGIS with geopandas and pandas themselves
(``to_postgis``, ``to_sql``, independent of the code under test) must read back exactly as
``read_boundaries``/``read_indicators`` read the files.
"""

from __future__ import annotations

import socket
import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal
from hypothesis import given
from hypothesis import strategies as st

import deprivation_map as dm
from deprivation_map.errors import DatabaseError, DeprivationMapWarning, ValidationError
from deprivation_map.io.database import redact_url

TOY_AREAS = dm.datasets.get_path("toy_areas.geojson")
TOY_TABLE = dm.datasets.get_path("toy_indicators.csv")
GEORGIA = dm.datasets.get_path("georgia_counties.gpkg")
GEORGIA_TABLE = dm.datasets.get_path("georgia_indicators.csv")


def load_file(db, path, name: str) -> None:
    """Load a vector file into PostGIS as ogr2ogr would: every field as stored, the geometry column ``geom``."""
    gpd.read_file(path).rename_geometry("geom").to_postgis(name, db.engine, schema=db.schema, index=False)


def load_csv(db, path, name: str, id_col: str) -> None:
    """Load a CSV as a database holds it: the ID as text, every other column as a number."""
    pd.read_csv(path, dtype={id_col: str}).to_sql(name, db.engine, schema=db.schema, index=False)


def execute(db, *statements: str) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


# --- round trips: the database gives what the files give


@pytest.mark.parametrize(("path", "id_col"), [(TOY_AREAS, "code"), (GEORGIA, "AreaKey")])
def test_boundaries_from_postgis_equal_the_file(postgres, path, id_col):
    url, db = postgres.url, postgres
    load_file(db, path, "areas")
    from_db = dm.read_boundaries_sql(url, table="areas", id_col=id_col)
    from_file = dm.read_boundaries(path, id_col=id_col)
    assert_geodataframe_equal(from_db, from_file)  # both files are in ID order, as a table is read
    assert from_db.index.name == id_col and from_db.crs == from_file.crs


def test_leading_zeros_are_kept_and_integer_ids_become_text(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    assert dm.read_boundaries_sql(url, table="areas", id_col="code").index[:3].tolist() == ["001", "002", "003"]
    execute(db, "CREATE TABLE numbered AS SELECT code::int AS code, geom FROM areas")
    ids = dm.read_boundaries_sql(url, table="numbered", id_col="code").index
    assert ids.tolist()[:3] == ["1", "10", "11"]  # text, in text order
    assert all(isinstance(i, str) for i in ids)


def test_a_code_split_over_columns_is_built_as_from_files(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    execute(db, "CREATE TABLE split AS SELECT left(code, 2) AS district, right(code, 1) AS section, geom FROM areas")
    areas = dm.read_boundaries_sql(
        url, table="split", id_col=["district", "section"], id_format="08019{district}{section}"
    )
    assert areas.index.name == "id" and areas.index[:2].tolist() == ["08019001", "08019002"]
    assert areas.columns.tolist() == ["district", "section", "geometry"]
    with pytest.raises(ValidationError, match="build it from all of them: id_col="):
        dm.read_boundaries_sql(url, table="split", id_col="section")


@pytest.mark.parametrize(("path", "id_col"), [(TOY_TABLE, "code"), (GEORGIA_TABLE, "AreaKey")])
def test_indicators_from_postgresql_equal_the_file(postgres, path, id_col):
    url, db = postgres.url, postgres
    load_csv(db, path, "indicators", id_col)
    from_db = dm.read_indicators_sql(url, table="indicators", id_col=id_col)
    from_file = dm.read_indicators(path, id_col=id_col)
    pd.testing.assert_frame_equal(from_db.astype(float), from_file)  # the database stores population as integers
    assert from_db.index.tolist() == from_file.index.tolist()


def test_column_types_are_the_databases(postgres):
    url, db = postgres.url, postgres
    execute(
        db,
        "CREATE TABLE t (code text, n integer, rate numeric(6, 2), name varchar(20), flag boolean)",
        "INSERT INTO t VALUES ('02', 2, 1.25, 'b', true), ('01', NULL, NULL, NULL, false)",
    )
    table = dm.read_indicators_sql(url, table="t", id_col="code")
    assert table.index.tolist() == ["01", "02"]  # a table is read in ID order
    assert table["rate"].dtype == "float64" and table.loc["02", "rate"] == 1.25 and pd.isna(table.loc["01", "rate"])
    assert table.loc["02", "n"] == 2 and pd.isna(table.loc["01", "n"])
    assert table.loc["02", "name"] == "b" and bool(table.loc["02", "flag"]) is True


def test_the_audited_join_works_on_what_the_database_gives(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    load_csv(db, TOY_TABLE, "indicators", "code")
    areas = dm.read_boundaries_sql(url, table="areas", id_col="code")
    table = dm.read_indicators_sql(url, table="indicators", id_col="code")
    report = dm.check_join(areas, table)
    expected = dm.check_join(dm.read_boundaries(TOY_AREAS, id_col="code"), dm.read_indicators(TOY_TABLE, id_col="code"))
    assert report.missing_data.tolist() == expected.missing_data.tolist() == ["012"]
    assert report.no_boundary.tolist() == expected.no_boundary.tolist() == ["099"]
    assert report.matched.equals(expected.matched)
    joined = dm.join_indicators(areas, table, on_unmatched="keep")
    assert joined.index.tolist() == areas.index.tolist() and pd.isna(joined.loc["012", "poverty"])


# --- queries


def test_a_query_instead_of_a_table_keeps_its_order_and_its_percent_signs(postgres):
    url, db = postgres.url, postgres
    load_csv(db, TOY_TABLE, "indicators", "code")
    sql = "SELECT code, poverty * 2 AS double_poverty FROM indicators WHERE code LIKE '00%' ORDER BY code DESC;"
    table = dm.read_indicators_sql(url, query=sql, id_col="code")
    assert table.index.tolist() == ["009", "008", "007", "006", "005", "004", "003", "002", "001"]
    file = dm.read_indicators(TOY_TABLE, id_col="code")
    pd.testing.assert_series_equal(table["double_poverty"], (file["poverty"] * 2).loc[table.index], check_names=False)


def test_a_boundaries_query_finds_its_geometry_column_and_srid(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    sql = "SELECT code, name, ST_Transform(geom, 4326) AS shape FROM areas WHERE code <> '013'"
    areas = dm.read_boundaries_sql(url, query=sql, id_col="code")
    assert areas.crs.to_epsg() == 4326 and areas.geometry.name == "geometry" and len(areas) == 12
    expected = dm.read_boundaries(TOY_AREAS, id_col="code").to_crs(4326).drop(index="013")
    assert shapely.equals_exact(areas.geometry.values, expected.geometry.values, tolerance=1e-9).all()


def test_usecols_and_long_tables(postgres):
    url, db = postgres.url, postgres
    load_csv(db, TOY_TABLE, "indicators", "code")
    assert dm.read_indicators_sql(url, table="indicators", id_col="code", usecols=["degree"]).columns.tolist() == [
        "degree"
    ]
    execute(
        db,
        "CREATE TABLE long AS SELECT code, 'poverty' AS indicator, poverty AS value FROM indicators "
        "UNION ALL SELECT code, 'degree', degree FROM indicators",
    )
    wide = dm.read_indicators_sql(url, table="long", id_col="code", indicator_col="indicator")
    file = dm.read_indicators(TOY_TABLE, id_col="code")
    pd.testing.assert_frame_equal(wide.sort_index(axis=1), file[["degree", "poverty"]])


def test_geometry_columns_are_not_indicators(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    assert dm.read_indicators_sql(url, table="areas", id_col="code").columns.tolist() == ["name"]
    with pytest.raises(ValidationError, match="geometry columns, not indicators"):
        dm.read_indicators_sql(url, table="areas", id_col="code", usecols=["geom"])


# --- the same guarantees as the file readers


def test_repeated_ids_are_refused(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    load_csv(db, TOY_TABLE, "indicators", "code")
    execute(
        db,
        "INSERT INTO areas SELECT * FROM areas WHERE code = '004'",
        "INSERT INTO indicators SELECT * FROM indicators WHERE code = '011'",
    )
    with pytest.raises(ValidationError, match="appear more than once: '004'"):
        dm.read_boundaries_sql(url, table="areas", id_col="code")
    with pytest.raises(ValidationError, match="appear more than once: '011'"):
        dm.read_indicators_sql(url, table="indicators", id_col="code")


def test_a_crs_is_required(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    execute(db, "CREATE TABLE nosrid AS SELECT code, ST_SetSRID(geom, 0) AS geom FROM areas")
    with pytest.raises(ValidationError, match=r"SRID 0\). Pass it, e.g. crs="):
        dm.read_boundaries_sql(url, table="nosrid", id_col="code")
    given = dm.read_boundaries_sql(url, table="nosrid", id_col="code", crs="EPSG:25831")
    assert given.crs.to_epsg() == 25831
    execute(
        db,
        "CREATE TABLE mixed AS SELECT code, CASE WHEN code < '005' THEN ST_Transform(geom, 4326) ELSE geom END AS geom FROM areas",
    )
    with pytest.raises(ValidationError, match=r"mixes geometries of 2 SRIDs \(SRID 4326: '001', '002', '003'"):
        dm.read_boundaries_sql(url, table="mixed", id_col="code")


def test_invalid_geometries_follow_the_policy(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    bowtie = "ST_GeomFromText('POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))', 25831)"
    execute(db, f"UPDATE areas SET geom = {bowtie} WHERE code = '002'")
    with pytest.raises(ValidationError, match=r"1 invalid geometries \('002': Self-intersection"):
        dm.read_boundaries_sql(url, table="areas", id_col="code")
    with pytest.warns(DeprivationMapWarning, match="repaired 1 invalid geometries with shapely.make_valid: '002'"):
        fixed = dm.read_boundaries_sql(url, table="areas", id_col="code", on_invalid="fix")
    assert fixed.geometry.is_valid.all()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kept = dm.read_boundaries_sql(url, table="areas", id_col="code", on_invalid="keep")
    assert not kept.loc["002", "geometry"].is_valid


def test_the_geometry_column_is_found_or_chosen(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    execute(db, "CREATE TABLE two AS SELECT code, geom, ST_Centroid(geom) AS centre FROM areas")
    with pytest.raises(ValidationError, match=r"has 2 geometry columns \('geom', 'centre'\).*geometry_col="):
        dm.read_boundaries_sql(url, table="two", id_col="code")
    assert len(dm.read_boundaries_sql(url, table="two", id_col="code", geometry_col="geom")) == 13
    with pytest.raises(ValidationError, match="'code' is of type 'text', not a PostGIS geometry"):
        dm.read_boundaries_sql(url, table="two", id_col="code", geometry_col="code")
    with pytest.raises(ValidationError, match="no geometry column"):
        dm.read_boundaries_sql(url, query="SELECT code FROM areas", id_col="code")
    with pytest.raises(ValidationError, match=r"has no column 'AreaKey'. Its columns are: 'code', 'name', 'geom'"):
        dm.read_boundaries_sql(url, table="areas", id_col="AreaKey")


def test_repeated_column_names_and_empty_results_are_refused(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    with pytest.raises(ValidationError, match="returns the columns 'code' more than once"):
        dm.read_indicators_sql(url, query="SELECT a.code, b.code FROM areas a JOIN areas b USING (code)", id_col="code")
    with pytest.raises(ValidationError, match="returned no rows"):
        dm.read_boundaries_sql(url, query="SELECT * FROM areas WHERE false", id_col="code")


def test_reading_changes_nothing(postgres):
    url, db = postgres.url, postgres
    execute(db, "CREATE SEQUENCE counter", "CREATE TABLE t (code text)", "INSERT INTO t VALUES ('1')")
    with pytest.raises(DatabaseError, match=r"read-only transaction.*only read"):
        dm.read_indicators_sql(url, query="SELECT code, nextval('counter') AS n FROM t", id_col="code")


# --- errors: what failed, the URL without its password, the fix


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_server_that_does_not_answer_is_named_with_host_and_port():
    url = f"postgresql://analyst:hunter2-secret@127.0.0.1:{free_port()}/observatory"
    with pytest.raises(DatabaseError) as caught:
        dm.read_boundaries_sql(url, table="areas", id_col="code")
    message = str(caught.value)
    assert "hunter2-secret" not in message and "analyst:***@127.0.0.1" in message
    assert (
        "host '127.0.0.1', port" in message and "Connection refused" in message and "Check the host and port" in message
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("areas.gpkg", "Expected a database URL such as"),
        ("mysql://analyst:hunter2-secret@db/observatory", "only PostgreSQL \\(with PostGIS\\) is read here"),
        ("sqlite:///areas.sqlite", "Read a GeoPackage or SpatiaLite file with read_boundaries"),
    ],
)
def test_a_url_that_is_not_postgresql_is_refused(url, expected):
    with pytest.raises(ValidationError, match=expected) as caught:
        dm.read_indicators_sql(url, table="t", id_col="code")
    assert "hunter2-secret" not in str(caught.value)


def test_a_wrong_password_is_never_shown(postgres_server, password):
    wrong = postgres_server.replace(f":{password}@", ":not-the-pw-8812@")
    with pytest.raises(DatabaseError, match=r"password authentication failed.*PGPASSWORD.*~/.pgpass") as caught:
        dm.read_indicators_sql(wrong, table="t", id_col="code")
    assert "not-the-pw-8812" not in str(caught.value) and ":***@" in str(caught.value)


def test_no_password_says_where_to_put_one(postgres_server, password, monkeypatch, tmp_path):
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    bare = postgres_server.replace(f":{password}@", "@")
    with pytest.raises(DatabaseError, match=r"asks for a password and none was given.*PGPASSWORD"):
        dm.read_indicators_sql(bare, table="t", id_col="code")


def test_the_password_comes_from_pgpassword_pgpass_or_a_service(postgres, password, monkeypatch, tmp_path):
    url, db = postgres.url, postgres
    load_csv(db, TOY_TABLE, "indicators", "code")
    bare = url.replace(f":{password}@", "@")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", password)
    assert len(dm.read_indicators_sql(bare, table="indicators", id_col="code")) == 13
    monkeypatch.delenv("PGPASSWORD")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:*:{password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert len(dm.read_indicators_sql(bare, table="indicators", id_col="code")) == 13
    import sqlalchemy as sa

    parts = sa.engine.make_url(url)
    service = tmp_path / "pg_service.conf"
    service.write_text(
        f"[observatory]\nhost={parts.host}\nport={parts.port}\ndbname={parts.database}\nuser={parts.username}\n"
        f"options={parts.query['options']}\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    assert len(dm.read_indicators_sql("postgresql:///?service=observatory", table="indicators", id_col="code")) == 13
    with pytest.raises(DatabaseError, match=r"service 'nowhere'.*Check the service name"):
        dm.read_indicators_sql("postgresql:///?service=nowhere", table="indicators", id_col="code")


def test_a_missing_table_lists_the_tables_there_are(postgres):
    url, db = postgres.url, postgres
    load_file(db, TOY_AREAS, "areas")
    load_csv(db, TOY_TABLE, "indicators", "code")
    schema = postgres.schema
    with pytest.raises(DatabaseError) as caught:
        dm.read_boundaries_sql(url, table="Areas", id_col="code")
    message = str(caught.value)
    assert "there is no table 'Areas'" in message and f"Did you mean '{schema}.areas'?" in message
    assert f"'{schema}.areas', '{schema}.indicators'" in message and "case-sensitive" in message
    assert "dm-test-pw" not in message and ":***@" in message
    with pytest.raises(DatabaseError, match=f"no table '{schema}.nothing'"):
        dm.read_indicators_sql(url, table=f"{schema}.nothing", id_col="code")


def test_an_sql_error_quotes_the_server(postgres):
    url, db = postgres.url, postgres
    load_csv(db, TOY_TABLE, "indicators", "code")
    with pytest.raises(DatabaseError) as caught:
        dm.read_indicators_sql(url, query="SELECT code FRM indicators", id_col="code")
    message = str(caught.value)  # FRM is read as an alias of code: the server stops at "indicators", character 17
    assert 'syntax error at or near "indicators"; at character 17 of the query, in ' in message
    assert "'SELECT code FRM indicators'. Check the SQL" in message
    assert "dm-test-pw" not in str(caught.value)
    with pytest.raises(DatabaseError, match=r'relation "indicator" does not exist.*Check the table names'):
        dm.read_indicators_sql(url, query="SELECT * FROM indicator", id_col="code")
    with pytest.raises(DatabaseError, match=r'column "povety" does not exist.*Check the column names'):
        dm.read_indicators_sql(url, query="SELECT code, povety FROM indicators", id_col="code")
    with pytest.raises(ValidationError, match=r"give either table= .* or query="):
        dm.read_indicators_sql(url, id_col="code")


# --- passwords are never shown


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=30))
def test_redact_url_removes_any_password(secret):
    from urllib.parse import quote as q

    for written in (q(secret, safe=""), secret):
        url = f"postgresql://analyst:{written}@db.example.org:5432/observatory?sslmode=require"
        assert redact_url(url) == "postgresql://analyst:***@db.example.org:5432/observatory?sslmode=require"
    assert (
        redact_url(f"postgresql://db/obs?password={q(secret, safe='')}&x=1") == "postgresql://db/obs?password=***&x=1"
    )
