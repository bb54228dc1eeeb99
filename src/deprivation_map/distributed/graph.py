"""The contiguity graph of partitioned areas: each partition with the areas along its border from the others.

Two areas are contiguous when they share a vertex (queen) or an edge (rook), so every neighbour of an area of
partition ``i`` touches it, and lies in the convex hull of partition ``i``'s areas. Each partition's graph is
built by :func:`~deprivation_map.build_graph` over its own areas plus the areas of the other partitions that
intersect its hull (the border exchanged between partitions); only its own areas' rows are kept. Each row
then holds all of that area's neighbours, so the rows, row-standardised alone, are those of the graph built
whole, and the assembled graph equals it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import GraphError, format_ids
from ..spatial.graph import build_graph, check_components, graph_from_matrix
from ._require import require
from .frames import ID, POSITION

__all__ = ["CONTIGUITY", "partition_graph"]

CONTIGUITY = ("queen", "rook")
"""The graph methods the dask engine builds partition by partition."""


def _renumber(part: Any, rank: np.ndarray | None) -> Any:
    """The areas of ``part`` that are in the graph, numbered by their row in it (``rank[input position]``)."""
    if rank is None:
        return part
    row = rank[part[POSITION].to_numpy()]
    return part.loc[row >= 0].assign(**{POSITION: row[row >= 0]})


def _borders(part: Any, hulls: list[Any], rank: np.ndarray | None) -> list[Any]:
    """The areas of ``part`` that intersect each of ``hulls`` (other partitions' hulls): their possible neighbours."""
    import shapely

    part = _renumber(part, rank)
    which, hit = shapely.STRtree(part.geometry.values).query(hulls, predicate="intersects")
    order = np.lexsort((hit, which))
    which, hit = which[order], hit[order]
    return [part.iloc[hit[which == h]] for h in range(len(hulls))]


def _edges(part: Any, borders: list[Any], method: str, rank: np.ndarray | None) -> pd.DataFrame:
    """``(focal, neighbor, weight)`` by row of the graph, for the areas of ``part``, row-standardised."""
    import geopandas as gpd

    part = _renumber(part, rank)
    whole = gpd.GeoDataFrame(pd.concat([part, *borders], ignore_index=True), crs=part.crs).set_index(ID)
    adjacency = build_graph(whole, method=method, islands="keep", components="keep").adjacency
    # build_graph's Graph is in canonical order (graph_from_matrix): both levels are the IDs of ``whole`` in
    # its order, so the codes are rows of ``whole``, and no ID need be looked up
    focal, neighbor = (np.asarray(codes, dtype=np.int64) for codes in adjacency.index.codes)
    weight = adjacency.to_numpy()
    own = (focal < len(part)) & (weight != 0)  # the first rows are the partition's; isolates: zero self-loops
    position = whole[POSITION].to_numpy()
    return pd.DataFrame({"focal": position[focal[own]], "neighbor": position[neighbor[own]], "weight": weight[own]})


def _check_islands(matrix: sparse.csr_array, ids: pd.Index, method: str, islands: str) -> None:
    isolated = np.diff(matrix.indptr) == 0
    if not isolated.any() or islands == "keep":
        return
    raise GraphError(
        f"{int(isolated.sum())} areas have no {method} neighbour: {format_ids(ids[isolated])}. Choose a policy: "
        "islands='keep' keeps them as isolates (labelled 'Isolate', never significant); the dask engine does "
        "not link islands to their nearest area (islands='knn' runs with engine='local')."
    )


def partition_graph(
    ordered: Any,
    ids: pd.Index,
    *,
    keep: np.ndarray | None = None,
    method: str = "queen",
    islands: str = "raise",
    components: Literal["warn", "raise", "keep"] = "warn",
) -> Any:
    r"""The row-standardised contiguity graph of spatially ordered partitions, equal to :func:`~deprivation_map.build_graph`'s.

    Parameters
    ----------
    ordered : dask_geopandas.GeoDataFrame
        The areas after :func:`~deprivation_map.distributed.spatial_order` (ID and input position in columns,
        ``spatial_partitions`` set).
    ids : pandas.Index
        The IDs of the areas in the graph, in input order: the graph's ``unique_ids``.
    keep : numpy.ndarray of bool, optional
        Which areas, by input position, are in the graph (those ``[join] on_unmatched = "drop"`` kept);
        None for all. Those left out are neither areas nor neighbours, as in a local run.
    method : {"queen", "rook"}
    islands : {"raise", "keep"}
    components : {"warn", "raise", "keep"}
        As in :func:`~deprivation_map.build_graph`.

    Notes
    -----
    With :math:`H_p` the convex hull of partition :math:`p`, the areas built with partition :math:`p` are
    :math:`A_p \cup \{a \in A_q,\ q \ne p : a \cap H_p \ne \emptyset\}`; an area :math:`i \in A_p` and its
    neighbour :math:`j` share a point of :math:`i \subset H_p`, so :math:`j` is among them. Weights are
    :math:`w_{ij} = 1/k_i`. Only the partitions whose hulls intersect exchange areas.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> from deprivation_map.distributed import read_partitioned, spatial_order, partition_graph
    >>> folder = Path(tempfile.mkdtemp())
    >>> gdf = dm.datasets.load_georgia()
    >>> for k in range(3):  # three files, one partition each
    ...     gdf.iloc[k * 53 : (k + 1) * 53].reset_index().to_parquet(folder / f"part.{k}.parquet")
    >>> ordered = spatial_order(read_partitioned(folder, id_col="AreaKey"), folder / "ordered")
    >>> graph = partition_graph(ordered, gdf.index)
    >>> graph == dm.build_graph(gdf)  # the graph built whole
    True
    """
    dask = require("dask")
    if method not in CONTIGUITY:
        raise GraphError(
            f"The dask engine builds contiguity graphs ({', '.join(CONTIGUITY)}), not {method!r}: distance and "
            "nearest-neighbour graphs reach across partitions. Use engine='local' for them."
        )
    rank = None
    if keep is not None:
        rank = np.full(len(keep), -1, dtype=np.int64)
        rank[keep] = np.arange(int(keep.sum()))
        rank = dask.delayed(rank, pure=True)  # one copy in the task graph, shared by every task
    hulls = ordered.spatial_partitions.reset_index(drop=True)
    parts = ordered.to_delayed()
    meets = [[q for q in range(len(parts)) if q != p and hulls[q].intersects(hulls[p])] for p in range(len(parts))]
    # one task per partition finds its areas in every hull it meets, so each partition is read once for this
    borders: list[Any] = [
        dask.delayed(_borders, nout=len(m))(parts[q], [hulls[p] for p in m], rank) if m else None
        for q, m in enumerate(meets)
    ]
    tasks = []
    for p, part in enumerate(parts):
        pieces = [borders[q][meets[q].index(p)] for q in meets[p]]  # hulls meet both ways
        tasks.append(dask.delayed(_edges)(part, pieces, method, rank))
    edges = pd.concat(dask.compute(*tasks), ignore_index=True)
    n = len(ids)
    matrix = sparse.csr_array((edges["weight"], (edges["focal"], edges["neighbor"])), shape=(n, n))
    del edges  # the client holds one copy of the graph at a time
    _check_islands(matrix, ids, method, islands)
    check_components(matrix, ids, components)  # on the assembled matrix: no second copy from the Graph
    return graph_from_matrix(matrix, ids)
