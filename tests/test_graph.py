"""Graphs: IDs are the area IDs, weights are row-standardised, islands follow an explicit policy."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.errors import GraphError


@pytest.fixture
def grid():
    """Four unit squares: 'a' and 'd' touch only at a corner, as do 'b' and 'c'."""
    cells = {"a": box(0, 0, 1, 1), "b": box(1, 0, 2, 1), "c": box(0, 1, 1, 2), "d": box(1, 1, 2, 2)}
    return gpd.GeoDataFrame(geometry=list(cells.values()), index=list(cells), crs="EPSG:25831")


def test_queen_counts_corners_and_rook_does_not(grid):
    queen = dm.build_graph(grid)
    rook = dm.build_graph(grid, method="rook")
    assert set(queen.neighbors["a"]) == {"b", "c", "d"}
    assert set(rook.neighbors["a"]) == {"b", "c"}


def test_graph_ids_are_the_area_ids_and_rows_sum_to_one(georgia):
    graph = dm.build_graph(georgia)
    assert graph.unique_ids.equals(georgia.index)
    assert graph.transformation == "R"
    np.testing.assert_allclose(np.asarray(graph.sparse.sum(axis=1)).ravel(), 1.0)


def test_islands_raise_by_default_naming_them(toy):
    areas, _ = toy
    with pytest.raises(GraphError, match=r"'013'.*islands='keep'"):
        dm.build_graph(areas)
    graph = dm.build_graph(areas, islands="keep")
    assert graph.isolates.tolist() == ["013"]


def test_unknown_method_and_duplicate_ids_are_refused(grid):
    with pytest.raises(GraphError, match=r"'queen', 'rook'"):
        dm.build_graph(grid, method="bishop")
    with pytest.raises(GraphError, match="more than once"):
        dm.build_graph(grid.set_axis(["a", "a", "b", "c"]))
