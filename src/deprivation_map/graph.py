"""Spatial graphs: who is whose neighbour.

Graphs are :class:`libpysal.graph.Graph` objects whose ``unique_ids`` are the area IDs (never the legacy
``W``, which esda mutates in place). Every statistic aligns its values to ``graph.unique_ids`` by ID.
libpysal is imported inside the functions: importing it imports numba, which is heavy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from . import _validation as v
from .errors import GraphError, format_ids

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = ["BUILDERS", "ISLANDS", "as_graph", "build_graph"]

ISLANDS = ("raise", "keep")


def _queen(geometry: gpd.GeoSeries) -> Graph:
    from libpysal.graph import Graph

    return Graph.build_contiguity(geometry, rook=False)


def _rook(geometry: gpd.GeoSeries) -> Graph:
    from libpysal.graph import Graph

    return Graph.build_contiguity(geometry, rook=True)


BUILDERS: dict[str, Callable[[gpd.GeoSeries], Graph]] = {"queen": _queen, "rook": _rook}


def build_graph(gdf: gpd.GeoDataFrame, *, method: str = "queen", islands: str = "raise") -> Graph:
    """Build a row-standardised spatial graph over the areas of ``gdf``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Indexed by area ID; the IDs become ``graph.unique_ids`` in the same order.
    method : {"queen", "rook"}
        Queen contiguity (areas sharing at least one vertex) or rook (sharing an edge).
    islands : {"raise", "keep"}
        What to do with areas that have no neighbour. ``"raise"`` (default) raises
        :class:`~deprivation_map.errors.GraphError` naming them; ``"keep"`` keeps them as isolates, which
        local statistics label ``"Isolate"`` and never call significant.

    Returns
    -------
    libpysal.graph.Graph
        Row-standardised (each area's weights sum to 1; an isolate's to 0).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> graph = dm.build_graph(dm.datasets.load_georgia())
    >>> graph.n, graph.transformation
    (159, 'R')
    """
    v.require_unique_ids(gdf.index, what="The areas", error=GraphError)
    v.choose(islands, ISLANDS, what="islands policy")
    builder = v.lookup(BUILDERS, method, what="graph method", error=GraphError)
    geometry = gdf.geometry.set_axis(pd.Index(gdf.index.astype(str), name=gdf.index.name))
    graph = builder(geometry)
    if len(graph.isolates) and islands == "raise":
        raise GraphError(
            f"{len(graph.isolates)} areas have no {method} neighbour: {format_ids(graph.isolates)}. "
            "Choose a policy: islands='keep' keeps them as isolates (labelled 'Isolate', never significant)."
        )
    return graph.transform("r")


def as_graph(graph: Graph) -> Graph:
    """Return ``graph`` as a :class:`libpysal.graph.Graph`, converting a legacy ``W`` without mutating it."""
    from libpysal.graph import Graph
    from libpysal.weights import W

    if isinstance(graph, Graph):
        return graph
    if isinstance(graph, W):
        return Graph.from_W(graph)
    raise GraphError(
        f"Expected a libpysal.graph.Graph (as build_graph returns), got {type(graph).__name__}. "
        "Build one with dm.build_graph(gdf)."
    )
