"""Connections to PostgreSQL/PostGIS (SQLAlchemy over psycopg 3) and their failures as the library's errors.

The password is never taken from anywhere but where libpq looks for it: the URL (allowed in code, never
shown), ``PGPASSWORD``, ``~/.pgpass`` (``PGPASSFILE``) or a service of ``~/.pg_service.conf``
(``PGSERVICEFILE``; ``service=`` in the URL). Every message names the URL with its password replaced by
``***`` (:func:`~deprivation_map.io._secrets.redact_url`), says what failed and how to fix it: a connection
refused names host and port, a missing table lists the tables the user can see, an SQL error quotes the
server's message.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import DatabaseError, DeprivationMapError, ValidationError, format_ids
from ._secrets import redact_url

if TYPE_CHECKING:
    import sqlalchemy

__all__ = [
    "EXTRA",
    "METADATA_TABLE",
    "Relation",
    "Source",
    "check_source",
    "columns",
    "connect",
    "escape",
    "identifier",
    "import_sqlalchemy",
    "parse_url",
    "query_errors",
    "relation",
]

EXTRA = 'pip install "deprivation-map[postgis]"'
METADATA_TABLE = "deprivation_map_metadata"  # the companion table of the metadata records, one per schema
# PostGIS's own catalogue and the metadata records: never the table a user means
_NOT_DATA = {"geometry_columns", "geography_columns", "spatial_ref_sys", "raster_columns", "raster_overviews"}
_NOT_DATA.add(METADATA_TABLE)
CONNECT_TIMEOUT = 10  # seconds; a URL's own connect_timeout wins
_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg", "postgresql+psycopg": None}
_EXAMPLE = "'postgresql://analyst@db.example.org:5432/observatory' or 'postgresql:///?service=observatory'"
_PASSWORD_FIX = (
    "Give the password where libpq reads it, never in the configuration: the PGPASSWORD environment variable, a "
    "line host:port:database:user:password in ~/.pgpass (mode 0600), or a service in ~/.pg_service.conf "
    "(service=NAME in the URL)."
)
_CONNECTION_FIXES = (  # (words of the server's or libpq's message, the fix), the first match wins
    (("password authentication failed",), "The server refused the password. " + _PASSWORD_FIX),
    (("no password supplied",), "The server asks for a password and none was given. " + _PASSWORD_FIX),
    (("definition of service",), "Check the service name and the file it is in (~/.pg_service.conf, PGSERVICEFILE)."),
    (("database", "does not exist"), "Check the database name at the end of the URL (or dbname= in the service)."),
    (("role", "does not exist"), "Check the user name in the URL (or user= in the service)."),
    (("no pg_hba.conf entry",), "The server does not accept this user from this host: ask its administrator."),
)
_HOST_FIX = (
    "Check the host and port (or the service), that the server is running and that it accepts connections "
    "from here (listen_addresses, pg_hba.conf, a firewall)."
)


def import_sqlalchemy():
    """SQLAlchemy, once it is known that psycopg is there too, or an error naming the extra that installs them."""
    try:
        import psycopg  # noqa: F401 (the driver SQLAlchemy will load)
        import sqlalchemy
    except ImportError as err:
        raise ImportError(
            f"Reading and writing PostgreSQL/PostGIS needs {err.name}, which is not installed: {EXTRA}."
        ) from err
    return sqlalchemy


def parse_url(url: str) -> sqlalchemy.URL:
    """The URL as SQLAlchemy's psycopg 3 driver takes it, with a connection timeout unless it sets one."""
    sa = import_sqlalchemy()
    if not isinstance(url, str) or "://" not in url:
        shown = redact_url(url) if isinstance(url, str) else type(url).__name__
        raise ValidationError(f"Expected a database URL such as {_EXAMPLE}, got {shown!r}.")
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as err:
        raise ValidationError(f"{redact_url(url)!r} is not a database URL ({err}). Write it as {_EXAMPLE}.") from None
    if parsed.drivername not in _DRIVERS and parsed.get_backend_name() != "postgresql":
        raise ValidationError(
            f"{redact_url(url)!r} is a {parsed.drivername!r} URL; only PostgreSQL (with PostGIS) is read here. "
            "Read a GeoPackage or SpatiaLite file with read_boundaries(path) and read_indicators(path)."
        )
    parsed = parsed.set(drivername=_DRIVERS.get(parsed.drivername) or parsed.drivername)
    if "connect_timeout" not in parsed.query:
        parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT)})
    return parsed


def _server_message(err: BaseException, query: str | None = None, start: int = 0) -> str:
    """What the server or libpq said, without SQLAlchemy's wrapping.

    Where the server points in ``query`` (which begins at character ``start`` of the statement sent) is
    quoted from the query itself, so that the subquery the readers wrap it in never shows.
    """
    orig = getattr(err, "orig", None) or err
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None)
    if not primary:
        return redact_url(" ".join(str(orig).split()))
    assert diag is not None  # a primary message came from it
    said = [primary, *(x for x in (diag.message_detail, diag.message_hint) if x)]
    position = int(diag.statement_position or 0) - start
    if query is not None and 0 < position <= len(query):
        near = query[max(0, position - 25) : position + 25].replace("\n", " ")
        said.append(f"at character {position} of the query, in {near!r}")
    return redact_url("; ".join(said))


def _where(parsed: sqlalchemy.URL) -> str:
    service = parsed.query.get("service")
    place = f"host {parsed.host!r}, port {parsed.port or 5432}" if parsed.host else "the local socket"
    return f"service {service!r}" if service and not parsed.host else place


def connection_message(url: str, parsed: sqlalchemy.URL, err: BaseException) -> str:
    """Could not connect: what the server or libpq said, and the fix."""
    said = _server_message(err)
    fix = next((f for words, f in _CONNECTION_FIXES if all(w in said.lower() for w in words)), None)
    return f"Could not connect to the database {redact_url(url)!r} ({_where(parsed)}): {said}. {fix or _HOST_FIX}"


@contextmanager
def connect(url: str, *, write: bool = False) -> Iterator[sqlalchemy.Connection]:
    """A connection inside one transaction (committed at the end, rolled back on error); read-only unless ``write``."""
    sa = import_sqlalchemy()
    parsed = parse_url(url)
    engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
    try:
        try:
            connection = engine.connect()
        except sa.exc.DBAPIError as err:
            raise DatabaseError(connection_message(url, parsed, err)) from err
        with connection, connection.begin():
            if not write:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection
    finally:
        engine.dispose()


_SQL_FIXES = {  # SQLSTATE -> the fix
    "42601": "Check the SQL: run it in psql to see where it fails.",
    "42P01": "Check the table names (and their schemas: schema.table).",
    "42703": "Check the column names.",
    "42501": "The user has no right to do this: ask the database's administrator (GRANT SELECT/CREATE ...).",
    "25006": "The readers only read: write with write_results_sql.",
}


@contextmanager
def query_errors(url: str, *, what: str, query: str | None = None, start: int = 0) -> Iterator[None]:
    """Turn an error of the server while running SQL into a DatabaseError quoting it (ours pass through).

    ``query``, the user's SQL, begins at character ``start`` of the statement run: the error says where in it.
    """
    try:
        yield
    except (DeprivationMapError, ImportError, MemoryError):
        raise
    except Exception as err:
        cause = err.__cause__ if type(err).__module__.startswith("pandas") and err.__cause__ else err
        if not hasattr(cause, "orig") and not type(cause).__module__.startswith(("psycopg", "sqlalchemy")):
            raise
        state = getattr(getattr(cause, "orig", None), "sqlstate", None)
        fix = _SQL_FIXES.get(state or "", "Check the SQL and the database.")
        said = _server_message(cause, query, start)
        raise DatabaseError(f"{what} failed in {redact_url(url)!r}: {said}. {fix}") from err


def _visible_tables(connection) -> list[str]:
    """``schema.table`` of every table, view and materialized view the user can see, system schemas left out."""
    rows = connection.exec_driver_sql(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') "
        "UNION SELECT schemaname, matviewname FROM pg_matviews ORDER BY 1, 2"
    ).fetchall()
    return [f"{schema}.{name}" for schema, name in rows if name not in _NOT_DATA]


def escape(sql: str) -> str:
    """SQL as psycopg runs it through SQLAlchemy, which always treats ``%`` as a placeholder: ``%`` doubled."""
    return sql.replace("%", "%%")


def identifier(connection, name: str) -> str:
    """A column or table name quoted (and escaped) for a statement."""
    return escape(connection.dialect.identifier_preparer.quote_identifier(name))


class Relation:
    """A table given as ``"table"`` or ``"schema.table"``, quoted for SQL; ``schema`` is None for the search path."""

    def __init__(self, connection, table: str, *, schema: str | None = None) -> None:
        if not isinstance(table, str) or not table.strip():
            raise ValidationError(f"table must be a table name ('areas' or 'schema.areas'), got {table!r}.")
        given_schema, _, name = ("", "", table) if schema else table.rpartition(".")
        self.given, self.schema, self.name = table, schema or given_schema or None, name
        quote = connection.dialect.identifier_preparer.quote_identifier
        self.quoted = f"{quote(self.schema)}.{quote(name)}" if self.schema else quote(name)  # as a value
        self.sql = escape(self.quoted)  # in a statement

    def exists(self, connection) -> bool:
        return connection.exec_driver_sql("SELECT to_regclass(%s)", (self.quoted,)).scalar() is not None

    def resolved(self, connection) -> Relation:
        """The same table with its schema named: the one given, or the one the search path finds it in."""
        schema = (
            self.schema
            or connection.exec_driver_sql(
                "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.oid = to_regclass(%s)",
                (self.sql,),
            ).scalar()
        )
        schema = schema or connection.exec_driver_sql("SELECT current_schema()").scalar()
        if schema is None:
            raise ValidationError(f"No schema is on the search path for {self.given!r}: write 'schema.table'.")
        return Relation(connection, self.name, schema=schema)


def relation(connection, url: str, table: str, *, what: str) -> Relation:
    """The table, which must exist; a missing one is answered with the tables the user can see."""
    found = Relation(connection, table)
    if found.exists(connection):
        return found
    visible = _visible_tables(connection)
    names = [t.rpartition(".")[2] for t in visible]
    close = difflib.get_close_matches(found.name, names, n=1) or [n for n in names if n.lower() == found.name.lower()]
    hint = f" Did you mean {visible[names.index(close[0])]!r}?" if close else ""
    listing = (
        f"The tables it holds are: {format_ids(visible, limit=20)}" if visible else "It holds no table you can read"
    )
    schemas = sorted({t.rpartition(".")[0] for t in visible})
    raise DatabaseError(
        f"{what}: there is no table {table!r} in {redact_url(url)!r}.{hint} {listing}"
        f"{f' (schemas: {format_ids(schemas, limit=10)})' if schemas else ''}. Check the name and its schema "
        "(write 'schema.table'); names are case-sensitive (one created without double quotes is in lower case)."
    )


def check_source(table: str | None, query: str | None, *, what: str) -> None:
    """Exactly one of ``table`` and ``query`` is given (checked before connecting)."""
    if (table is None) == (query is None):
        raise ValidationError(f"{what}: give either table= (a table or view) or query= (an SQL SELECT), not both.")
    if query is not None and (not isinstance(query, str) or not _bare(query)):
        raise ValidationError(f"{what}: query= must be an SQL SELECT, got {query!r}.")


def _bare(query: str) -> str:
    """The query without surrounding space and final semicolons, as it is placed in a subquery."""
    return query.strip().rstrip(";").rstrip()


class Source:
    """What to read, as the FROM clause of a statement: a quoted table (``relation``) or a query in parentheses."""

    def __init__(self, connection, url: str, *, table: str | None, query: str | None, what: str) -> None:
        check_source(table, query, what=what)
        self.url, self.what, self.query = url, what, None if query is None else _bare(query)
        self.relation = None if table is None else relation(connection, url, table, what=what)
        if self.relation is not None:
            self.sql = self.relation.sql
        else:
            assert self.query is not None  # check_source: a table or a query
            self.sql = f"({escape(self.query)}) AS source"

    def select(self, columns: str = "*") -> str:
        """A statement reading ``columns`` of the source."""
        return f"SELECT {columns} FROM {self.sql}"

    def errors(self, statement: str, *, what: str):
        """:func:`query_errors` for ``statement``, pointing into the user's query where the server does."""
        start = statement.replace("%%", "%").find("(" + (self.query or "")) + 1 if self.query else 0
        return query_errors(self.url, what=what, query=self.query, start=start)


def columns(connection, source: Source) -> dict[str, str]:
    """``{column: type name}`` of what ``source`` returns, asked without reading a row; SQL errors quoted."""
    statement = source.select() + " LIMIT 0"
    with source.errors(statement, what=source.what), connection.begin_nested():
        description = connection.exec_driver_sql(statement).cursor.description
    oids = sorted({int(d.type_code) for d in description})
    names = dict(connection.exec_driver_sql("SELECT oid::int, typname FROM pg_type WHERE oid = ANY(%s)", (oids,)).all())
    found = [d.name for d in description]
    repeated = sorted({c for c in found if found.count(c) > 1})
    if repeated:
        raise ValidationError(
            f"{source.what} returns the columns {format_ids(repeated)} more than once. Give each column one name "
            "(SELECT a.code, b.code AS code_b ...)."
        )
    return {d.name: names.get(int(d.type_code), str(d.type_code)) for d in description}
