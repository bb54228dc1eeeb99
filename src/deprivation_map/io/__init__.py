"""Data in and out: boundaries, indicator tables, the audited join, writers with metadata, other sources.

- :mod:`~deprivation_map.io.boundaries`: :func:`read_boundaries`;
- :mod:`~deprivation_map.io.tables`: :func:`read_indicators` and :func:`check_table`, with what
  :mod:`~deprivation_map.io.detection` found in the file (:class:`TableReport`);
- :mod:`~deprivation_map.io.join`: :func:`check_join` and :func:`join_indicators` (:class:`JoinReport`);
- :mod:`~deprivation_map.io.writers`: :func:`write_results` with a metadata record;
- :mod:`~deprivation_map.io.database`: :func:`read_boundaries_sql` and :func:`read_indicators_sql` from
  PostgreSQL/PostGIS, and :mod:`~deprivation_map.io.database_results`: :func:`write_results_sql` with its
  metadata record (the ``postgis`` extra);
- :mod:`~deprivation_map.io.disclosure`: :func:`suppress_table`, complementary cell suppression;
- change over time: :mod:`~deprivation_map.io.panel` (:func:`build_panel`), :mod:`~deprivation_map.io.crosswalk`
  and :mod:`~deprivation_map.io.harmonisation` (:func:`harmonise`, with its audit);
- :mod:`deprivation_map.io.sources`: rasters, point counts and areal interpolation (the ``sources`` extra).

Every reader returns a frame indexed by the area ID as a string, named after the ID column, so leading
zeros survive and every later step can align by ID.
"""

from __future__ import annotations

from .boundaries import ON_INVALID, read_boundaries, read_points
from .crosswalk import CHANGE_TYPES, Crosswalk, crosswalk_from_boundaries, crosswalk_from_lookup
from .database import read_boundaries_sql, read_indicators_sql, redact_url
from .database_results import IF_EXISTS, read_metadata_sql, write_results_sql
from .detection import TableReport
from .disclosure import SuppressedTable, suppress_table
from .harmonisation import Harmonised, harmonise
from .join import JoinReport, check_join, join_indicators
from .panel import build_panel, check_panel
from .tables import ON_UNPARSED, check_table, read_indicators
from .writers import read_metadata, write_results

__all__ = [
    "CHANGE_TYPES",
    "Crosswalk",
    "Harmonised",
    "build_panel",
    "check_panel",
    "crosswalk_from_boundaries",
    "crosswalk_from_lookup",
    "harmonise",
    "IF_EXISTS",
    "ON_INVALID",
    "ON_UNPARSED",
    "JoinReport",
    "SuppressedTable",
    "TableReport",
    "check_join",
    "check_table",
    "join_indicators",
    "read_boundaries",
    "read_boundaries_sql",
    "read_indicators",
    "read_indicators_sql",
    "read_metadata",
    "read_points",
    "read_metadata_sql",
    "redact_url",
    "suppress_table",
    "write_results",
    "write_results_sql",
]
