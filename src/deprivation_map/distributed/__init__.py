"""The pipeline on dask: partitioned boundaries, the contiguity graph by partition, a cluster to run on.

The dask engine (``dm.run(config, engine="dask")``, ``deprivation-map run config.toml --engine dask``) keeps the
geometry, the heaviest part of a national run, in partitions on the workers: read one file per partition,
ordered along a Hilbert curve, the graph built partition by partition with the areas along partition borders
exchanged (:func:`partition_graph`), and the results written back as partitioned GeoParquet. The attributes
and the graph (no geometry) are gathered, and every statistic is computed by the same functions as a local
run, so the results equal it exactly. dask, dask-geopandas and distributed come with the ``[dask]`` extra and
are imported only here, when the engine runs.
"""

from __future__ import annotations

from .cluster import connect
from .frames import attributes, boundary_files, read_partitioned, spatial_order, write_partitioned
from .graph import CONTIGUITY, partition_graph

__all__ = [
    "CONTIGUITY",
    "attributes",
    "boundary_files",
    "connect",
    "partition_graph",
    "read_partitioned",
    "spatial_order",
    "write_partitioned",
]
