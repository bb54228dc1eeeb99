"""Results written to PostgreSQL/PostGIS with their metadata record, and the record read back.

The table holds what :func:`~deprivation_map.io.write_results` writes to a GeoPackage: the area ID first, as
text (and the table's primary key), then every column; geometries in a PostGIS geometry column with the
CRS's EPSG code as SRID and a spatial index. The metadata record, the same one the files carry
(:func:`~deprivation_map.io.writers.build_metadata`), is a row of the companion table
``deprivation_map_metadata`` in the same schema (``table_name``, ``written_utc``, ``record`` as ``json``,
queryable with ``record->'seed'``), and the table's comment says where it is. Table, record and comment are
written in one transaction: all of them or none. Passwords are removed from the record before it is
written (:func:`~deprivation_map.io.database.redact_url`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd

from .. import _validation as v
from .._version import __version__
from ..errors import DatabaseError, ValidationError, format_ids
from . import _database as db
from . import _secrets
from ._database import METADATA_TABLE
from .writers import build_metadata

__all__ = ["IF_EXISTS", "METADATA_TABLE", "read_metadata_sql", "write_results_sql"]

IF_EXISTS = ("raise", "replace")
MAX_IDENTIFIER = 63  # bytes: PostgreSQL cuts longer names silently (NAMEDATALEN - 1)


def _prepared(frame: pd.DataFrame, *, what: str) -> pd.DataFrame:
    """The frame as it is written: the ID (as text) its first column, categories as their labels."""
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(f"{what}: expected a (Geo)DataFrame indexed by area ID, got {type(frame).__name__}.")
    v.require_unique_ids(frame.index, what=what)
    if isinstance(frame, gpd.GeoDataFrame):
        v.require_crs(frame, what=what)
        if frame.crs.to_epsg(min_confidence=25) is None:
            raise ValidationError(
                f"{what} is in {frame.crs.name!r}, which has no EPSG code for PostGIS to store as its SRID. "
                "Transform it first, e.g. frame.to_crs('EPSG:4326')."
            )
    categorical = [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    out = frame.astype(dict.fromkeys(categorical, "str"))
    out.index = out.index.astype(str)
    out = out.reset_index()
    names = list(map(str, out.columns))
    long = [n for n in names if len(n.encode()) > MAX_IDENTIFIER]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if long or repeated:
        problem = f"names longer than {MAX_IDENTIFIER} bytes, which PostgreSQL would cut" if long else "repeated names"
        raise ValidationError(
            f"{what} has columns with {problem}: {format_ids(long or repeated)}. Rename them (frame.rename(columns=...))."
        )
    return out


def _target(connection, url: str, table: str, if_exists: str) -> tuple[db.Relation, bool]:
    """The table to write (its schema named, which must exist) and whether it exists already."""
    found = db.Relation(connection, table).resolved(connection)
    if len(found.name.encode()) > MAX_IDENTIFIER or found.name == METADATA_TABLE:
        raise ValidationError(f"Cannot write a table named {found.name!r}: choose another name.")
    schemas = connection.exec_driver_sql(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%%' AND nspname <> 'information_schema' "
        "ORDER BY 1"
    ).scalars()
    schemas = list(schemas)
    if found.schema not in schemas:
        raise DatabaseError(
            f"There is no schema {found.schema!r} in {_secrets.redact_url(url)!r} (it has {format_ids(schemas, limit=10)}). "
            f"Create it (CREATE SCHEMA {found.schema}) or write to one of those."
        )
    exists = found.exists(connection)
    if exists and if_exists == "raise":
        raise DatabaseError(
            f"There is already a table {found.schema}.{found.name} in {_secrets.redact_url(url)!r}. Pass "
            "if_exists='replace' to replace it (and its metadata record), or choose another table name."
        )
    return found, exists


def _comment(connection, target: db.Relation) -> None:
    from psycopg import sql

    assert target.schema is not None  # a resolved relation names its schema
    text = (
        f"Results written by deprivation_map {__version__}. Their metadata record (inputs, options, library "
        f"versions, seed) is in {target.schema}.{METADATA_TABLE}, in the row whose table_name is {target.name!r}."
    )
    raw = connection.connection.driver_connection
    statement = sql.SQL("COMMENT ON TABLE {} IS {}").format(
        sql.Identifier(target.schema, target.name), sql.Literal(text)
    )
    connection.exec_driver_sql(db.escape(statement.as_string(raw)))


def _write_record(connection, target: db.Relation, record: str) -> None:
    meta = db.Relation(connection, METADATA_TABLE, schema=target.schema).sql
    connection.exec_driver_sql(
        f"CREATE TABLE IF NOT EXISTS {meta} (table_name text PRIMARY KEY, "
        "written_utc timestamptz NOT NULL DEFAULT now(), record json NOT NULL)"
    )
    connection.exec_driver_sql(
        f"INSERT INTO {meta} (table_name, record) VALUES (%s, %s) "
        "ON CONFLICT (table_name) DO UPDATE SET record = EXCLUDED.record, written_utc = now()",
        (target.name, record),
    )
    _comment(connection, target)


def write_results_sql(
    frame: pd.DataFrame, url: str, *, table: str, if_exists: str = "raise", metadata: Mapping | None = None
) -> str:
    """Write a results frame to a PostgreSQL/PostGIS table, with its metadata record in the companion table.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or pandas.DataFrame
        Indexed by area ID (written as text, the table's primary key). A GeoDataFrame needs a CRS with an
        EPSG code (the geometry column's SRID).
    url : str
        As in :func:`~deprivation_map.io.database.read_boundaries_sql`; the user needs the right to create
        tables in the schema.
    table : str
        ``"results"`` (in the first schema of the search path) or ``"schema.results"``.
    if_exists : {"raise", "replace"}
        A table of that name already there: ``"raise"`` (default) says so; ``"replace"`` replaces it and its record.
    metadata : mapping, optional
        The record, usually from :func:`~deprivation_map.io.writers.build_metadata` (one without inputs when
        None). Passwords in it (in URLs, or under a key named like ``password``) are replaced by ``***``.

    Returns
    -------
    str
        The table written, as ``schema.table``. :func:`read_metadata_sql` reads its record back.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.io.writers import build_metadata
    >>> url = "postgresql://analyst@db.example.org/observatory"
    >>> areas, _ = dm.datasets.load_toy()
    >>> record = build_metadata(inputs=[url], options={"seed": 0})  # a URL is recorded without its password
    >>> dm.write_results_sql(areas, url, table="results.toy", metadata=record)  # doctest: +SKIP
    'results.toy'
    >>> read_metadata_sql(url, table="results.toy")["options"]  # doctest: +SKIP
    {'seed': 0}
    """
    v.choose(if_exists, IF_EXISTS, what="if_exists policy")
    what = f"The results for table {table!r}"
    out = _prepared(frame, what=what)
    record = json.loads(json.dumps(dict(metadata) if metadata is not None else build_metadata(), default=str))
    record = json.dumps(_secrets.redact(record), ensure_ascii=False)
    with db.connect(url, write=True) as connection:
        target, exists = _target(connection, url, table, if_exists)
        policy = "replace" if exists else "fail"
        with db.query_errors(url, what=f"Writing table {target.schema}.{target.name}"):
            if isinstance(out, gpd.GeoDataFrame):
                out.to_postgis(target.name, connection, schema=target.schema, if_exists=policy, index=False)
            else:
                out.to_sql(target.name, connection, schema=target.schema, if_exists=policy, index=False)
            key = db.identifier(connection, str(out.columns[0]))
            connection.exec_driver_sql(f"ALTER TABLE {target.sql} ADD PRIMARY KEY ({key})")
            _write_record(connection, target, record)
    return f"{target.schema}.{target.name}"


def read_metadata_sql(url: str, *, table: str) -> dict:
    """The metadata record :func:`write_results_sql` stored for a table (a dict, as written).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> record = dm.io.read_metadata_sql("postgresql:///?service=observatory", table="results.toy")  # doctest: +SKIP
    >>> record["seed"], sorted(record["versions"])[:2]  # doctest: +SKIP
    (0, ['deprivation-map', 'esda'])
    """
    what = f"The metadata record of table {table!r}"
    with db.connect(url) as connection:
        target = db.relation(connection, url, table, what=what).resolved(connection)
        meta = db.Relation(connection, METADATA_TABLE, schema=target.schema)
        row = None
        if meta.exists(connection):
            row = connection.exec_driver_sql(
                f"SELECT record::text FROM {meta.sql} WHERE table_name = %s", (target.name,)
            ).scalar()
    if row is None:
        raise DatabaseError(
            f"{what}: {target.schema}.{METADATA_TABLE} in {_secrets.redact_url(url)!r} has no record for it. Was the table "
            "written by write_results_sql? (Another program's table has none.)"
        )
    return json.loads(row)
