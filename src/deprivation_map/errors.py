"""The exceptions and warnings users catch.

Every error says what was expected, what was found and how to fix it, naming a few offending IDs.
They all derive from :class:`DeprivationMapError`, and from :class:`ValueError` where the cause is a bad
value, so ``except ValueError`` in existing code keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ConfigError",
    "DatabaseError",
    "DeprivationMapError",
    "DeprivationMapWarning",
    "GraphError",
    "JoinError",
    "MapTooLargeError",
    "ValidationError",
    "format_ids",
]


class DeprivationMapError(Exception):
    """Base class of every error raised by deprivation_map.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> try:
    ...     dm.build_index(dm.datasets.load_georgia(), {"PctPoverty": 1})  # a column that does not exist
    ... except dm.errors.DeprivationMapError as err:  # catches every error the library raises
    ...     print(type(err).__name__, isinstance(err, ValueError))
    ValidationError True
    """


class ValidationError(DeprivationMapError, ValueError):
    """An input does not have the shape, type or values a function needs.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> dm.Indicator("PctPov", direction=2)
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Indicator 'PctPov' has direction 2; expected +1 (higher = more deprived) or -1 (higher = less deprived).
    """


class MapTooLargeError(ValidationError):
    """The areas are too many, or too detailed, for one HTML map file even at the strongest simplification.

    Raised by :func:`~deprivation_map.explore` from a cheap estimate, before any simplification work; the
    answer is a tile set (:func:`~deprivation_map.write_tiles`) or fewer, larger areas.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> try:
    ...     dm.explore(dm.datasets.load_georgia(), max_mb=0.001)
    ... except dm.errors.MapTooLargeError as err:
    ...     print(isinstance(err, dm.errors.ValidationError), "write_tiles" in str(err))
    True True
    """


class JoinError(DeprivationMapError, ValueError):
    """Boundaries and an indicator table do not match by area ID as the join policy requires.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> areas, table = dm.datasets.load_toy()
    >>> try:
    ...     dm.join_indicators(areas, table)  # on_unmatched="raise" by default
    ... except dm.errors.JoinError as err:
    ...     print(str(err).split(". ")[0])
    Indicator table 1: 1 areas have no row ('012'); 1 rows have no area ('099')
    """


class GraphError(DeprivationMapError, ValueError):
    """A spatial graph cannot be built or used as asked (islands, IDs that do not match the data).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
    >>> try:
    ...     dm.build_graph(toy)  # islands="raise" by default: area 013 touches no other
    ... except dm.errors.GraphError as err:
    ...     print(str(err).split(". ")[0])
    1 areas have no queen neighbour: '013'
    """


class ConfigError(DeprivationMapError, ValueError):
    """A pipeline configuration has an unknown key, a wrong type or a path that does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from deprivation_map.config import load_config
    >>> from deprivation_map.errors import ConfigError
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "config.toml"
    >>> _ = path.write_text('[boundaries]\\npath = "bundled:georgia_counties.gpkg"\\nidcol = "AreaKey"\\n')
    >>> try:
    ...     load_config(path)
    ... except ConfigError as err:
    ...     print(str(err).split(" Valid keys")[0])
    Unknown key 'idcol' in [boundaries]. Did you mean 'id_col'?
    """


class DatabaseError(DeprivationMapError):
    """A database could not be reached or read as asked: the connection, the password, a table, the SQL.

    The message names the URL with its password replaced by ``***``, quotes what the server said and
    says how to fix it (check host and port, where the password is read from, the tables there are).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> try:  # nothing listens on port 1: the connection is refused at once
    ...     dm.read_indicators_sql("postgresql://analyst:s3cr3t@127.0.0.1:1/observatory", table="x", id_col="code")
    ... except dm.errors.DatabaseError as err:
    ...     print(str(err).split(" (")[0])
    Could not connect to the database 'postgresql://analyst:***@127.0.0.1:1/observatory'
    """


class DeprivationMapWarning(UserWarning):
    """Something was done that the user asked for but should know about (a ``"warn"`` policy).

    Examples
    --------
    >>> import warnings, deprivation_map as dm
    >>> areas, table = dm.datasets.load_toy()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always", dm.errors.DeprivationMapWarning)
    ...     gdf = dm.join_indicators(areas, table, on_unmatched="warn")  # keeps every area, and says so
    >>> len(gdf), [w.category.__name__ for w in caught]
    (13, ['DeprivationMapWarning'])
    """


def format_ids(ids: Iterable[object], *, limit: int = 5) -> str:
    """Quote the first ``limit`` IDs and say how many there are in all.

    Examples
    --------
    >>> format_ids(["001", "002", "003"], limit=2)
    "'001', '002', ... (3 in all)"
    >>> format_ids(["7"])
    "'7'"
    """
    ids = list(ids)
    shown = ", ".join(repr(str(i)) for i in ids[:limit])
    if len(ids) > limit:
        return f"{shown}, ... ({len(ids)} in all)"
    return shown
