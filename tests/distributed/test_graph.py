"""The graph built partition by partition equals the graph built whole (libpysal Graph equality: same IDs,
same order, same weights), whatever the partitions, for queen and rook, with areas left out, and with islands."""

from __future__ import annotations

import numpy as np
import pytest

import deprivation_map as dm
from deprivation_map.distributed import partition_graph, read_partitioned, spatial_order
from deprivation_map.errors import GraphError


@pytest.fixture(scope="module")
def areas(voronoi_areas):
    return voronoi_areas(600)


def _ordered(areas, folder, files, write_parts):
    return spatial_order(read_partitioned(write_parts(areas, folder, files), id_col="code"), folder / "ordered")


def _input_order(folder):
    """The areas in input order (the files', then each file's rows): what a local run of them reads."""
    import pandas as pd

    return pd.concat([dm.read_boundaries(p, id_col="code") for p in sorted(folder.glob("*.parquet"))])


@pytest.mark.parametrize(("method", "files"), [("queen", 7), ("rook", 7), ("queen", 1)])
def test_partitioned_graph_equals_the_graph_built_whole(areas, tmp_path, synchronous, write_parts, method, files):
    ordered = _ordered(areas, tmp_path, files, write_parts)
    whole = _input_order(tmp_path)
    graph = partition_graph(ordered, whole.index, method=method)
    expected = dm.build_graph(whole, method=method)
    assert graph == expected
    assert graph.unique_ids.equals(whole.index)
    assert np.allclose(graph.sparse.sum(axis=1), 1.0)  # row-standardised, every row complete


def test_areas_left_out_are_neither_areas_nor_neighbours(areas, tmp_path, synchronous, write_parts):
    ordered = _ordered(areas, tmp_path, 5, write_parts)
    whole = _input_order(tmp_path)
    keep = np.ones(len(whole), dtype=bool)
    keep[::7] = False  # as [join] on_unmatched = "drop" would leave them out
    graph = partition_graph(ordered, whole.index[keep], keep=keep, islands="keep", components="keep")
    assert graph == dm.build_graph(whole[keep], islands="keep", components="keep")


def test_an_island_is_refused_by_default_and_kept_when_asked(areas, tmp_path, synchronous, write_parts):
    import shapely

    moved = areas.copy()
    moved.loc[0, "geometry"] = shapely.box(500, 500, 501, 501)  # far from every other area
    ordered = _ordered(moved, tmp_path, 4, write_parts)
    whole = _input_order(tmp_path)
    with pytest.raises(GraphError, match="1 areas have no queen neighbour: '000000'"):
        partition_graph(ordered, whole.index)
    kept = partition_graph(ordered, whole.index, islands="keep", components="keep")
    assert kept == dm.build_graph(whole, islands="keep", components="keep")
    assert list(kept.isolates) == ["000000"]


def test_graphs_that_reach_across_partitions_are_refused(areas, tmp_path, synchronous, write_parts):
    ordered = _ordered(areas, tmp_path, 2, write_parts)
    with pytest.raises(GraphError, match="engine='local'"):
        partition_graph(ordered, _input_order(tmp_path).index, method="knn")


def test_separate_groups_are_counted_as_describe_graph_counts_them(areas, tmp_path, synchronous, write_parts):
    import shapely

    moved = areas.copy()
    east = moved.geometry.centroid.x > 50
    moved.loc[east, "geometry"] = shapely.transform(moved.geometry[east].values, lambda xy: xy + np.array([300.0, 0.0]))
    ordered = _ordered(moved, tmp_path, 4, write_parts)
    whole = _input_order(tmp_path)
    assert dm.describe_graph(dm.build_graph(whole, components="keep")).n_components == 2
    with pytest.raises(GraphError, match="form 2 separate groups"):
        partition_graph(ordered, whole.index, components="raise")
    with pytest.warns(dm.errors.DeprivationMapWarning, match="form 2 separate groups"):
        graph = partition_graph(ordered, whole.index)
    assert graph == dm.build_graph(whole, components="keep")
