"""The PostgreSQL/PostGIS server of the database tests, and a fresh schema for each test.

``.ci/postgres`` installs and starts the server and prints its URL, which ``.ci/run`` exports as
``DEPRIVATION_MAP_TEST_POSTGRES``. Without that variable the tests try the URL the script creates, and skip
(saying how to start one) when nothing answers; with it, a server that does not answer fails them.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from urllib.parse import quote

import pytest

ENV = "DEPRIVATION_MAP_TEST_POSTGRES"
DEFAULT = "postgresql://deprivation_map:dm-test-pw-4e7c@127.0.0.1:5432/deprivation_map_test"  # .ci/postgres's


def _engine(url: str):
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url).set(drivername="postgresql+psycopg")
    return sa.create_engine(parsed, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL (with its password) of a PostgreSQL server with PostGIS, or a skip saying how to start one."""
    for module in ("sqlalchemy", "psycopg", "geoalchemy2"):
        pytest.importorskip(module, reason='the postgis extra: pip install "deprivation-map[postgis]"')
    given = os.environ.get(ENV)
    url = given or DEFAULT
    try:
        with _engine(url).connect() as connection:
            connection.exec_driver_sql("SELECT postgis_version()")
    except Exception as err:
        message = f"no PostgreSQL server with PostGIS answers at {url} ({type(err).__name__}: {' '.join(str(err).split())[:160]})"
        if given:
            pytest.fail(f"{ENV} names a server, but {message}")
        pytest.skip(f"{message}; start one with `bash .ci/postgres` (as root on Debian)")
    return url


@dataclass(frozen=True)
class Database:
    """A test's own schema: ``url`` puts it first on the search path; ``engine`` connects there."""

    url: str
    engine: object
    schema: str


@pytest.fixture
def postgres(postgres_server):
    """A :class:`Database` whose schema is new and empty (dropped afterwards).

    Tables written without a schema go to that schema, so tests never see each other's tables (geopandas'
    ``to_postgis`` writes to ``public`` unless given ``schema=``).
    """
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = _engine(postgres_server)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in postgres_server else "?"
    url = f"{postgres_server}{separator}options={quote(f'-csearch_path={schema},public', safe='')}"
    scoped = _engine(url)
    try:
        yield Database(url, scoped, schema)
    finally:
        scoped.dispose()
        with engine.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        engine.dispose()


@pytest.fixture
def password(postgres_server) -> str:
    """The test server's password, as its URL holds it."""
    import sqlalchemy as sa

    return sa.engine.make_url(postgres_server).password
