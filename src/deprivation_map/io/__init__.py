"""Data in and out: boundaries, indicator tables, the audited join, writers with metadata, other sources.

- :mod:`~deprivation_map.io.boundaries`: :func:`read_boundaries`;
- :mod:`~deprivation_map.io.tables`: :func:`read_indicators` and :func:`check_table`, with what
  :mod:`~deprivation_map.io.detection` found in the file (:class:`TableReport`);
- :mod:`~deprivation_map.io.join`: :func:`check_join` and :func:`join_indicators` (:class:`JoinReport`);
- :mod:`~deprivation_map.io.writers`: :func:`write_results` with a metadata record;
- :mod:`~deprivation_map.io.disclosure`: :func:`suppress_table`, complementary cell suppression;
- :mod:`deprivation_map.io.sources`: rasters, point counts and areal interpolation (the ``sources`` extra).

Every reader returns a frame indexed by the area ID as a string, named after the ID column, so leading
zeros survive and every later step can align by ID.
"""

from __future__ import annotations

from .boundaries import ON_INVALID, read_boundaries, read_points
from .detection import TableReport
from .disclosure import SuppressedTable, suppress_table
from .join import JoinReport, check_join, join_indicators
from .tables import ON_UNPARSED, check_table, read_indicators
from .writers import read_metadata, write_results

__all__ = [
    "ON_INVALID",
    "ON_UNPARSED",
    "JoinReport",
    "SuppressedTable",
    "TableReport",
    "check_join",
    "check_table",
    "join_indicators",
    "read_boundaries",
    "read_indicators",
    "read_metadata",
    "read_points",
    "suppress_table",
    "write_results",
]
