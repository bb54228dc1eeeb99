"""Spatial graphs: who is whose neighbour.

Graphs are :class:`libpysal.graph.Graph` objects whose ``unique_ids`` are the area IDs (never the legacy
``W``, which esda mutates in place). Every statistic aligns its values to ``graph.unique_ids`` by ID and
accepts, wherever it takes a graph, a ``Graph``, a legacy ``W`` (converted, not mutated) or the path of a
GAL or GWT file (:func:`as_graph`). libpysal is imported inside the functions: importing it imports numba.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .. import _validation as v
from ..errors import GraphError, format_ids
from ._contiguity import contiguity_matrix

if TYPE_CHECKING:
    from libpysal.graph import Graph
    from libpysal.weights import W

__all__ = [
    "BUILDERS",
    "COMPONENTS",
    "ISLANDS",
    "GraphLike",
    "GraphSummary",
    "as_graph",
    "build_graph",
    "check_components",
    "describe_graph",
    "graph_from_matrix",
]

#: What every statistic takes as its graph: a libpysal ``Graph`` or legacy ``W``, or the path of a GAL or GWT
#: file; :func:`as_graph` turns each into a ``Graph``.
GraphLike: TypeAlias = "Graph | W | str | os.PathLike[str]"

ISLANDS = ("raise", "knn", "keep")
COMPONENTS = ("warn", "raise", "keep")


@dataclass(frozen=True)
class _Options:
    k: int | None
    threshold: float | None
    kernel: str


def _points(geometry: gpd.GeoSeries, method: str) -> np.ndarray:
    if geometry.crs is not None and geometry.crs.is_geographic:
        raise GraphError(
            f"method={method!r} measures distances, but the areas are in a geographic CRS ({geometry.crs.name}), "
            "whose units are degrees. Project them first, e.g. gdf.to_crs(gdf.estimate_utm_crs())."
        )
    return shapely.get_coordinates(geometry.centroid.values)


def _queen(geometry: gpd.GeoSeries, options: _Options) -> sparse.csr_array:
    return contiguity_matrix(geometry.values, rook=False)


def _rook(geometry: gpd.GeoSeries, options: _Options) -> sparse.csr_array:
    return contiguity_matrix(geometry.values, rook=True)


_TIE = 1e-9  # distances within this relative difference are ties, broken by ID


def nearest_neighbours(points: np.ndarray, k: int, ids: pd.Index) -> sparse.csr_array:
    """The ``k`` nearest other points of each point as a matrix of distances, ties broken by ID.

    A KD-tree returns equally distant points in an order that depends on the row order (on a regular grid most
    cells have several neighbours at the k-th distance), so the k-th distance :math:`t_i` is found first,
    every point within :math:`t_i (1 + 10^{-9})` is a candidate, and the candidates at (or within
    :math:`10^{-9} t_i` of) the k-th distance are taken in the order of their IDs: the same areas get the
    same neighbours whatever the order of the rows. Coincident points are neighbours at distance 0.
    """
    from scipy.spatial import KDTree

    n = len(points)
    tree = KDTree(points)
    kth = tree.query(points, k=k + 1)[0][:, k]  # the point itself is one of the k + 1 nearest (distance 0)
    found = tree.query_ball_point(points, kth * (1 + _TIE), return_sorted=False)
    counts = np.fromiter(map(len, found), dtype=np.int64, count=n)
    rows = np.repeat(np.arange(n), counts)
    cols = np.fromiter((j for row in found for j in row), dtype=np.int64, count=int(counts.sum()))
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    dist = np.sqrt(((points[rows] - points[cols]) ** 2).sum(axis=1))
    tied = dist >= kth[rows] * (1 - _TIE)
    rank = np.empty(n, dtype=np.int64)
    rank[np.argsort(ids.to_numpy(dtype=str), kind="stable")] = np.arange(n)
    order = np.lexsort((rank[cols], tied, rows))
    rows, cols, dist = rows[order], cols[order], dist[order]
    start = np.searchsorted(rows, np.arange(n))
    take = np.arange(len(rows)) - start[rows] < k
    return sparse.csr_array((dist[take], (rows[take], cols[take])), shape=(n, n))


def _knn(geometry: gpd.GeoSeries, options: _Options) -> sparse.csr_array:
    k = v.require_int(6 if options.k is None else options.k, what="k (neighbours per area)", minimum=1)
    if k >= len(geometry):
        raise GraphError(f"k={k} neighbours needs more than {k} areas, got {len(geometry)}. Choose a smaller k.")
    matrix = nearest_neighbours(_points(geometry, "knn"), k, geometry.index)
    matrix.data = np.ones_like(matrix.data)  # coincident neighbours (distance 0) are neighbours too
    return matrix


def _distance(geometry: gpd.GeoSeries, options: _Options) -> sparse.csr_array:
    from libpysal.graph import Graph

    points = _points(geometry, "distance")
    if options.threshold is None or not options.threshold > 0:
        from scipy.spatial import KDTree

        nearest = KDTree(points).query(points, k=2)[0][:, 1]
        raise GraphError(
            f"method='distance' needs a positive threshold (in CRS units), got {options.threshold!r}. "
            f"Every area has a neighbour (centroid to centroid) from threshold={float(nearest.max()):.6g}."
        )
    return Graph.build_distance_band(points, threshold=options.threshold).sparse


def _kernel(geometry: gpd.GeoSeries, options: _Options) -> sparse.csr_array:
    from libpysal.kernels import kernel

    points = _points(geometry, "kernel")
    if options.k is None:  # every pair within the bandwidth: no choice of neighbours, so no tie to break
        from libpysal.graph import Graph

        graph = Graph.build_kernel(points, kernel=options.kernel, bandwidth=options.threshold)
        matrix = sparse.csr_array(graph.sparse)
        matrix.setdiag(0)
        return matrix
    k = v.require_int(options.k, what="k (neighbours per area)", minimum=1)
    if k >= len(geometry):
        raise GraphError(f"k={k} neighbours needs more than {k} areas, got {len(geometry)}. Choose a smaller k.")
    matrix = nearest_neighbours(points, k, geometry.index)
    bandwidth = float(matrix.data.max()) if options.threshold is None else options.threshold
    matrix.data = kernel(matrix.data, bandwidth, kernel=options.kernel)
    return matrix


BUILDERS: dict[str, Callable[[gpd.GeoSeries, _Options], sparse.csr_array]] = {
    "queen": _queen,
    "rook": _rook,
    "knn": _knn,
    "distance": _distance,
    "kernel": _kernel,
}
_USES = {"queen": (), "rook": (), "knn": ("k",), "distance": ("threshold",), "kernel": ("k", "threshold")}


def _check_options(method: str, options: _Options) -> None:
    unused = [name for name in ("k", "threshold") if getattr(options, name) is not None and name not in _USES[method]]
    if unused:
        raise GraphError(
            f"method={method!r} does not use {', '.join(unused)}; "
            f"it was given {unused[0]}={getattr(options, unused[0])!r}. "
            f"Remove it, or choose a method that uses it ({', '.join(m for m, u in _USES.items() if unused[0] in u)})."
        )


def _attach_islands(matrix: sparse.csr_array, geometry: gpd.GeoSeries) -> sparse.csr_array:
    """Link each island to its nearest area (by polygon distance; the smallest ID if equally near), both ways."""
    islands = np.flatnonzero(np.diff(matrix.indptr) == 0)
    which, candidates = geometry.sindex.nearest(geometry.values[islands], exclusive=True, return_all=True)
    by_id = np.lexsort((geometry.index.to_numpy(dtype=str)[candidates], which))  # equally near: smallest ID
    first = np.r_[True, np.diff(which[by_id]) != 0]
    nearest = candidates[by_id][first]
    n = matrix.shape[0]
    keys = np.unique(np.r_[islands * n + nearest, nearest * n + islands])
    rows, cols = np.divmod(keys, n)
    absent = np.asarray(matrix[rows, cols]).ravel() == 0
    links = sparse.csr_array((np.ones(int(absent.sum())), (rows[absent], cols[absent])), shape=(n, n))
    return sparse.csr_array(matrix + links)


def _graph_from_matrix(matrix: sparse.csr_array, ids: pd.Index, transformation: str) -> Graph:
    """A Graph in canonical order (focal and neighbour in ``ids`` order), isolates as zero-weight self-loops."""
    from libpysal.graph import Graph

    matrix = sparse.csr_array(matrix)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    islands = np.flatnonzero(np.diff(matrix.indptr) == 0)
    if len(islands):  # an isolate is a zero-weight self-loop in its row's place; inf marks it while sorting
        matrix = sparse.csr_array(
            matrix + sparse.csr_array((np.full(len(islands), np.inf), (islands, islands)), shape=matrix.shape)
        )
        matrix.sort_indices()
    rows = np.repeat(np.arange(matrix.shape[0], dtype=np.int64), np.diff(matrix.indptr))
    weights = np.where(np.isinf(matrix.data), 0.0, matrix.data)
    index = pd.MultiIndex(
        levels=[ids, ids],
        codes=[rows, matrix.indices.astype(np.int64)],
        names=["focal", "neighbor"],
        verify_integrity=False,
    )
    return Graph(pd.Series(weights, index=index, name="weight"), transformation=transformation, is_sorted=True)


def graph_from_matrix(matrix: sparse.csr_array, ids: pd.Index, *, transformation: str = "R") -> Graph:
    """The Graph of a sparse weights matrix whose rows and columns are the areas ``ids``, as :func:`build_graph` makes it.

    In canonical order (focal and neighbour in ``ids`` order), an area with no neighbour as a zero-weight
    self-loop, so a graph assembled from pieces (partitions of a dask run) equals the one built whole.

    Examples
    --------
    >>> import pandas as pd
    >>> from scipy import sparse
    >>> g = graph_from_matrix(sparse.csr_array([[0, 1.0, 0], [1.0, 0, 0], [0, 0, 0]]), pd.Index(["a", "b", "c"]))
    >>> g.adjacency.tolist(), g.isolates.tolist()
    ([1.0, 1.0, 0.0], ['c'])
    """
    return _graph_from_matrix(matrix, ids, transformation)


def row_standardise(matrix: sparse.csr_array) -> sparse.csr_array:
    """Divide each row by its sum (rows summing to 0, isolates, stay 0)."""
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums, dtype=float), where=sums != 0)
    return sparse.csr_array(sparse.diags_array(scale) @ matrix)


def build_graph(
    gdf: gpd.GeoDataFrame,
    *,
    method: str = "queen",
    k: int | None = None,
    threshold: float | None = None,
    kernel: str = "gaussian",
    islands: str = "raise",
    components: str = "warn",
) -> Graph:
    """Build a row-standardised spatial graph over the areas of ``gdf``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Indexed by area ID; the IDs become ``graph.unique_ids`` (as strings) in the same order.
    method : {"queen", "rook", "knn", "distance", "kernel"}
        ``"queen"``: areas sharing at least one vertex; ``"rook"``: sharing an edge (libpysal's vertex-set
        definitions, computed vectorised). ``"knn"``: the ``k`` nearest centroids (default 6; not
        symmetric). ``"distance"``: centroids within ``threshold`` (binary). ``"kernel"``: ``kernel``
        weights of centroid distances to the ``k`` nearest (all pairs without ``k``), with bandwidth ``threshold``
        (without it, the largest distance of an area to its ``k``-th neighbour, as libpysal's
        ``Graph.build_kernel``). Ties in distance are broken by ID, so the neighbours do not depend on the
        order of the rows.
        The last three need a projected CRS.
    k, threshold, kernel
        Options of the distance-based methods, as above.
    islands : {"raise", "knn", "keep"}
        Areas with no neighbour. ``"raise"`` (default) raises :class:`~deprivation_map.errors.GraphError`
        naming them; ``"knn"`` links each to its nearest area (by polygon distance) in both directions;
        ``"keep"`` keeps them as isolates, which local statistics label ``"Isolate"`` and never call significant.
    components : {"warn", "raise", "keep"}
        Areas with neighbours may still form separate groups (a city split by a river digitised with a gap).
        Statistics are then computed within each group without saying so, so ``"warn"`` (default) warns
        with their sizes; ``"raise"`` refuses; ``"keep"`` accepts silently. See :func:`describe_graph`.

    Returns
    -------
    libpysal.graph.Graph
        Row-standardised (each area's weights sum to 1; an isolate's to 0), ``transformation == "R"``.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> graph = dm.build_graph(dm.datasets.load_georgia())
    >>> graph.n, graph.transformation
    (159, 'R')
    """
    v.require_unique_ids(gdf.index, what="The areas", error=GraphError)
    v.choose(islands, ISLANDS, what="islands policy")
    v.choose(components, COMPONENTS, what="components policy")
    builder = v.lookup(BUILDERS, method, what="graph method", error=GraphError)
    ids = pd.Index(gdf.index.astype(str), name=gdf.index.name)
    geometry = gdf.geometry.set_axis(ids)
    options = _Options(k=k, threshold=threshold, kernel=kernel)
    _check_options(method, options)
    matrix = sparse.csr_array(builder(geometry, options), dtype=float)
    matrix.eliminate_zeros()
    isolated = np.diff(matrix.indptr) == 0
    if isolated.any() and islands == "raise":
        raise GraphError(
            f"{int(isolated.sum())} areas have no {method} neighbour: {format_ids(ids[isolated])}. Choose a policy: "
            "islands='knn' links each to its nearest area; islands='keep' keeps them as isolates "
            "(labelled 'Isolate', never significant)."
        )
    if isolated.any() and islands == "knn":
        matrix = _attach_islands(matrix, geometry)
    matrix = row_standardise(matrix)
    check_components(matrix, ids, components)
    return _graph_from_matrix(matrix, ids, "R")


def check_components(matrix: sparse.csr_array, ids: pd.Index, policy: Literal["raise", "warn", "keep"]) -> None:
    """Refuse (``"raise"``) or warn about a weights matrix whose areas with neighbours form separate groups.

    Counted on the matrix itself, as :func:`describe_graph` counts them (weakly connected components of the
    areas that have a neighbour), so that a caller holding a large matrix never builds a second copy.

    Examples
    --------
    >>> import pandas as pd
    >>> two_pairs = sparse.csr_array(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]))
    >>> check_components(two_pairs, pd.Index(list("abcd")), "raise")
    Traceback (most recent call last):
    ...
    deprivation_map.errors.GraphError: The areas with neighbours form 2 separate groups (sizes 2, 2); ...
    """
    if policy == "keep":
        return
    summary = _summarise(matrix, ids)
    if summary.n_components <= 1:
        return
    sizes = summary.component.value_counts()
    smallest = summary.component.index[summary.component == sizes.index[-1]]
    message = (
        f"The areas with neighbours form {summary.n_components} separate groups (sizes {', '.join(map(str, sizes[:5]))}"
        f"{', ...' if len(sizes) > 5 else ''}); e.g. {format_ids(smallest)} "
        "are cut off from the rest, so no statistic links them. Use method='knn' or 'distance' to join them, or "
        "components='keep' to accept this."
    )
    v.raise_or_warn(message, policy, error=GraphError, stacklevel=4)


@dataclass(frozen=True, eq=False)
class GraphSummary:
    """Connectivity of a graph: isolates, and the connected groups formed by the other areas.

    ``component`` labels each non-isolated area (0 for the largest group, 1 for the next ...), by area ID.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
    >>> summary = dm.describe_graph(dm.build_graph(toy, islands="keep"))
    >>> summary  # a 3 x 4 grid, queen: 9 + 8 row and column pairs + 12 diagonals = 29 pairs, 58 links
    GraphSummary(n=13, links=58, mean neighbours=4.46, isolates=1, components=1)
    >>> list(summary.isolates), int(summary.component.max())  # 013 is an island; the 12 others form one group
    (['013'], 0)
    """

    n: int
    n_links: int
    mean_neighbours: float
    isolates: pd.Index
    n_components: int
    component: pd.Series

    def __repr__(self) -> str:
        return (
            f"GraphSummary(n={self.n}, links={self.n_links}, mean neighbours={self.mean_neighbours:.2f}, "
            f"isolates={len(self.isolates)}, components={self.n_components})"
        )


def describe_graph(graph: GraphLike) -> GraphSummary:
    """Summarise a graph's connectivity (links, isolates, connected groups of areas).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> dm.describe_graph(dm.build_graph(dm.datasets.load_georgia()))
    GraphSummary(n=159, links=862, mean neighbours=5.42, isolates=0, components=1)
    """
    graph = as_graph(graph)
    return _summarise(
        sparse.csr_array(graph.sparse), pd.Index(graph.unique_ids.astype(str), name=graph.unique_ids.name)
    )


def _summarise(matrix: sparse.csr_array, ids: pd.Index) -> GraphSummary:
    """:func:`describe_graph` of a weights matrix over ``ids`` (``build_graph`` checks its matrix before wrapping it)."""
    matrix = sparse.csr_array(matrix)
    if matrix.diagonal().any() or not matrix.data.all():  # self-links and stored zeros (an isolate's zero
        # self-loop in a Graph) link no areas; a copy is made only then, as a large caller's matrix has neither
        matrix = sparse.csr_array(matrix, copy=True)
        matrix.setdiag(0)
        matrix.eliminate_zeros()
    linked = np.diff(matrix.indptr) > 0
    sub = matrix if linked.all() else matrix[linked][:, linked]
    n_comp, labels = connected_components(sub, directed=True, connection="weak") if linked.any() else (0, np.array([]))
    sizes = np.bincount(labels, minlength=n_comp)
    rank = np.empty(n_comp, dtype=np.int64)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(n_comp)
    return GraphSummary(
        n=len(ids),
        n_links=int(matrix.nnz),
        mean_neighbours=float(matrix.nnz / len(ids)) if len(ids) else 0.0,
        isolates=ids[~linked],
        n_components=int(n_comp),
        component=pd.Series(rank[labels], index=ids[linked], name="component"),
    )


def _read_gal(path: str) -> Graph:
    """A GAL file with its IDs as written (libpysal's ``read_gal`` casts "001" to the integer 1)."""
    from libpysal.graph import Graph

    with open(path) as file:
        header = file.readline().split()
        n = int(header[1] if len(header) > 1 else header[0])
        neighbours = {}
        for _ in range(n):
            focal = file.readline().split()[0]
            neighbours[focal] = file.readline().split()
    return Graph.from_dicts(neighbours)


def _read_gwt(path: str) -> Graph:
    """A GWT file with its IDs as written (libpysal's ``read_gwt`` lets pandas parse them as integers)."""
    from libpysal.graph import Graph

    table = pd.read_csv(path, sep=r"\s+", skiprows=1, header=None, dtype={0: str, 1: str})
    return Graph.from_arrays(table[0].to_numpy(), table[1].to_numpy(), table[2].to_numpy(dtype="float64"))


READERS: dict[str, Callable[[str], Graph]] = {".gal": _read_gal, ".gwt": _read_gwt}


def _with_string_ids(graph: Graph) -> Graph:
    adjacency = graph.adjacency
    focal = adjacency.index.get_level_values(0).astype(str)
    neighbour = adjacency.index.get_level_values(1).astype(str)
    from libpysal.graph import Graph

    return Graph.from_arrays(focal, neighbour, adjacency.to_numpy(), transformation=graph.transformation)


def as_graph(graph: GraphLike) -> Graph:
    """Return ``graph`` as a :class:`libpysal.graph.Graph`.

    Accepts a ``Graph`` (returned as is), a legacy ``W`` (converted without mutating it) or the path of a
    GAL or GWT file, whose IDs are read as strings; statistics then align values to them by ID.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.spatial.graph import as_graph
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
    >>> path = tempfile.mkdtemp() + "/toy.gal"
    >>> dm.build_graph(toy, islands="keep").to_gal(path)  # a GAL file, as GeoDa writes them
    >>> graph = as_graph(path)
    >>> list(graph.unique_ids[:3]), graph.neighbors["001"]  # the IDs keep their leading zeros
    (['001', '002', '003'], ('002', '005', '006'))
    """
    from libpysal.graph import Graph
    from libpysal.weights import W

    if isinstance(graph, Graph):
        return graph
    if isinstance(graph, W):
        return Graph.from_W(graph)
    if isinstance(graph, str | os.PathLike):
        path = os.fspath(graph)
        reader = v.lookup(READERS, os.path.splitext(path)[1].lower(), what="graph file type", error=GraphError)
        if not os.path.isfile(path):
            raise GraphError(f"Graph file {path!r} does not exist. Check the path.")
        return _with_string_ids(reader(path))
    raise GraphError(
        f"Expected a libpysal.graph.Graph (as build_graph returns), a W or a .gal/.gwt path, got "
        f"{type(graph).__name__}. Build one with dm.build_graph(gdf)."
    )
