"""Graphs: IDs are the area IDs, weights are row-standardised, islands follow an explicit policy."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, box

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, GraphError
from deprivation_map.spatial._contiguity import contiguity_matrix
from deprivation_map.spatial.graph import as_graph


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
    with pytest.raises(GraphError, match=r"'013'.*islands='knn'.*islands='keep'"):
        dm.build_graph(areas)
    graph = dm.build_graph(areas, islands="keep")
    assert graph.isolates.tolist() == ["013"]


def test_unknown_method_and_duplicate_ids_are_refused(grid):
    with pytest.raises(GraphError, match=r"'queen', 'rook', 'knn', 'distance', 'kernel'"):
        dm.build_graph(grid, method="bishop")
    with pytest.raises(GraphError, match="more than once"):
        dm.build_graph(grid.set_axis(["a", "a", "b", "c"]))


# --- vectorised contiguity: checked against libpysal's own vertex-set builder (an independent implementation)


def _libpysal_matrix(geometry, rook):
    from libpysal.graph import Graph

    ref = Graph.build_contiguity(geometry, rook=rook).sparse.tocsr()
    ref.eliminate_zeros()
    return ref


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_equals_libpysal_on_real_tracts_and_sections(shared_data, rook):
    chicago = gpd.read_file(shared_data / "chicago_sdoh" / "Chi-SDOH.shp")
    barcelona = gpd.read_file(shared_data / "barcelona" / "sections.geojson")
    for areas in (chicago, barcelona):
        areas = areas.reset_index(drop=True)
        ours = contiguity_matrix(areas.geometry.values, rook=rook)
        ref = _libpysal_matrix(areas.geometry, rook)
        assert ours.nnz == ref.nnz > 0
        assert (ours != (ref != 0)).nnz == 0


def test_build_graph_equals_libpysal_queen_with_the_same_ids(shared_data):
    from libpysal.graph import Graph

    areas = dm.read_boundaries(shared_data / "chicago_sdoh" / "Chi-SDOH.shp", id_col="geoid10")
    ours = dm.build_graph(areas, components="keep")
    ref = Graph.build_contiguity(areas, rook=False).transform("r")
    assert ours.unique_ids.equals(areas.index) and ref.unique_ids.equals(areas.index)
    assert abs(ours.sparse - ref.sparse).max() < 1e-15


@settings(max_examples=25, deadline=None)
@given(st.lists(st.booleans(), min_size=30, max_size=30), st.sampled_from([False, True]))
def test_contiguity_equals_libpysal_on_random_grids_with_holes(keep, rook):
    """Random subsets of a 6 x 5 grid of squares, some merged into multipolygons: corners, gaps and islands."""
    cells = [box(i % 6, i // 6, i % 6 + 1, i // 6 + 1) for i in range(30) if keep[i]]
    if len(cells) < 2:
        return
    geoms = [*cells[:-2], MultiPolygon([cells[-2], cells[-1]])] if len(cells) > 3 else cells
    series = gpd.GeoSeries(geoms)
    ours = contiguity_matrix(series.values, rook=rook)
    assert (ours != (_libpysal_matrix(series, rook) != 0)).nnz == 0


# --- methods, islands, components, graph files


@pytest.fixture(scope="module")
def projected(georgia):
    return georgia  # Georgia's counties are in UTM metres


def test_knn_gives_k_neighbours_each_as_libpysal(projected):
    from libpysal.graph import Graph

    graph = dm.build_graph(projected, method="knn", k=4)
    assert (graph.cardinalities == 4).all()
    np.testing.assert_allclose(np.asarray(graph.sparse.sum(axis=1)).ravel(), 1.0)
    ref = Graph.build_knn(np.column_stack([projected.centroid.x, projected.centroid.y]), k=4)
    assert ((graph.sparse != 0) != (ref.sparse != 0)).nnz == 0


def test_distance_band_needs_a_threshold_and_suggests_one(projected):
    with pytest.raises(GraphError, match=r"positive threshold.*from threshold="):
        dm.build_graph(projected, method="distance")
    graph = dm.build_graph(projected, method="distance", threshold=60_000)
    d = projected.centroid.distance(projected.centroid.loc["13001"])
    assert set(graph.neighbors["13001"]) == set(d[(d <= 60_000) & (d > 0)].index)


def test_kernel_weights_are_row_standardised_without_self(projected):
    graph = dm.build_graph(projected, method="kernel", k=6)
    assert graph.sparse.diagonal().max() == 0
    np.testing.assert_allclose(np.asarray(graph.sparse.sum(axis=1)).ravel(), 1.0)


def test_distance_methods_refuse_degrees(grid):
    with pytest.raises(GraphError, match=r"geographic CRS.*to_crs"):
        dm.build_graph(grid.set_crs("EPSG:4326", allow_override=True), method="knn", k=1)


def test_islands_knn_links_an_island_to_its_nearest_area_both_ways(toy):
    areas, _ = toy
    graph = dm.build_graph(areas, islands="knn")
    assert len(graph.isolates) == 0
    nearest = areas.drop(index="013").distance(areas.geometry["013"]).idxmin()
    assert graph.neighbors["013"] == (nearest,) and "013" in graph.neighbors[nearest]


def test_separate_groups_of_areas_warn_raise_or_pass(grid):
    far = grid.copy()
    far.geometry = far.geometry.translate(xoff=10)
    two = gpd.GeoDataFrame(pd.concat([grid, far.set_axis(["e", "f", "g", "h"])]), crs=grid.crs)
    with pytest.warns(DeprivationMapWarning, match="2 separate groups"):
        dm.build_graph(two)
    with pytest.raises(GraphError, match="2 separate groups"):
        dm.build_graph(two, components="raise")
    summary = dm.describe_graph(dm.build_graph(two, components="keep"))
    assert summary.n_components == 2 and summary.component.nunique() == 2
    assert summary.component[["a", "b", "c", "d"]].nunique() == 1


def test_a_gal_file_is_read_with_string_ids(tmp_path):
    path = tmp_path / "g.gal"
    path.write_text("0 3\n1 1\n2\n2 1\n1\n3 0\n")
    graph = as_graph(path)
    assert list(graph.unique_ids) == ["1", "2", "3"] and graph.neighbors["1"] == ("2",)
    assert graph.isolates.tolist() == ["3"]
    with pytest.raises(GraphError, match=r"'.gal', '.gwt'"):
        as_graph(tmp_path / "g.txt")
    with pytest.raises(GraphError, match="does not exist"):
        as_graph(tmp_path / "missing.gal")
    with pytest.raises(GraphError, match=r"Expected a libpysal.graph.Graph"):
        as_graph(42)


def test_graph_files_keep_the_leading_zeros_of_their_ids(tmp_path):
    # libpysal's readers turn "001" into 1; a GAL or GWT written from zero-padded codes must read back as written
    gal, gwt = tmp_path / "g.gal", tmp_path / "g.gwt"
    gal.write_text("0 3\n001 1\n002\n002 1\n001\n003 0\n\n")
    gwt.write_text("0 3 areas id\n001 002 1.5\n002 001 1.5\n002 003 0.5\n003 002 0.5\n")
    from_gal, from_gwt = as_graph(gal), as_graph(gwt)
    assert list(from_gal.unique_ids) == ["001", "002", "003"] and from_gal.isolates.tolist() == ["003"]
    assert from_gwt.adjacency.to_dict() == {
        ("001", "002"): 1.5,
        ("002", "001"): 1.5,
        ("002", "003"): 0.5,
        ("003", "002"): 0.5,
    }


def test_build_graph_does_not_modify_the_areas(grid):
    before = grid.copy()
    dm.build_graph(grid, method="rook")
    pd.testing.assert_frame_equal(grid, before)


def test_options_a_method_does_not_use_are_refused(grid):
    with pytest.raises(GraphError, match=r"method='queen' does not use k.*\(knn, kernel\)"):
        dm.build_graph(grid, k=4)


def test_the_configuration_carries_the_graph_options(georgia):
    from pathlib import Path

    from deprivation_map.config import Config

    raw = {
        "boundaries": {"path": "bundled:georgia_counties.gpkg", "id_col": "AreaKey"},
        "index": {"indicators": {"PctPov": 1}},
        "graph": {"method": "knn", "k": 3, "islands": "raise"},
    }
    config = Config.from_dict(raw, base_dir=Path("."))
    graph = dm.build_graph(georgia, **config.graph.api_options())
    assert (graph.cardinalities == 3).all()
    assert config.hotspots.correction == "fdr"


def test_a_gwt_file_keeps_its_weights_and_works_in_a_statistic(tmp_path):
    path = tmp_path / "g.gwt"
    path.write_text("0 4 areas id\n1 2 0.5\n2 1 0.5\n2 3 2.0\n3 2 2.0\n3 4 1.0\n4 3 1.0\n")
    graph = as_graph(path)
    assert graph.adjacency.to_dict() == {
        ("1", "2"): 0.5,
        ("2", "1"): 0.5,
        ("2", "3"): 2.0,
        ("3", "2"): 2.0,
        ("3", "4"): 1.0,
        ("4", "3"): 1.0,
    }
    y = pd.Series([1.0, 2.0, 4.0, 3.0], index=["3", "1", "2", "4"])  # aligned by ID, not position
    moran = dm.global_moran(y, path, permutations=0, transform="o")
    z = np.array([2.0, 4.0, 1.0, 3.0]) - 2.5  # areas 1, 2, 3, 4
    w = np.array([[0, 0.5, 0, 0], [0.5, 0, 2.0, 0], [0, 2.0, 0, 1.0], [0, 0, 1.0, 0]])
    assert pytest.approx(4 / w.sum() * (z @ w @ z) / (z @ z), rel=1e-12) == moran.I


# --- ties in distance are broken by ID: shuffled rows give the same graph and the same statistics


@pytest.fixture(scope="module")
def regular_grid():
    """A 12 x 12 grid of 100 m cells: every cell has 4 neighbours at 100 m and 4 at 141 m (ties for k=6)."""
    cells = [box(x * 100, y * 100, x * 100 + 100, y * 100 + 100) for y in range(12) for x in range(12)]
    ids = [f"c{i:03d}" for i in range(len(cells))]
    rng = np.random.default_rng(3)
    values = rng.normal(size=len(cells)) + np.repeat(np.arange(12), 12) / 4  # a north-south gradient
    return gpd.GeoDataFrame({"v": values}, geometry=cells, index=ids, crs="EPSG:25831")


def _links(graph):
    return {(f, n) for f, n in graph.adjacency.index if f != n}


@pytest.mark.parametrize("method", ["knn", "kernel"])
def test_distance_ties_are_broken_by_id_not_row_order(regular_grid, method):
    shuffled = regular_grid.sample(frac=1, random_state=7)
    graph = dm.build_graph(regular_grid, method=method, k=6)
    again = dm.build_graph(shuffled, method=method, k=6)
    assert _links(graph) == _links(again)
    assert (graph.cardinalities == 6).all()
    # of the 4 diagonal cells at 141 m, c013's are c000, c002, c024, c026: k=6 takes the two smallest IDs
    assert set(graph.neighbors["c013"]) == {"c001", "c012", "c014", "c025", "c000", "c002"}
    weights = graph.adjacency.drop(graph.isolates, errors="ignore")
    np.testing.assert_allclose(weights.sort_index().to_numpy(), again.adjacency.sort_index().to_numpy())


def test_shuffled_rows_give_the_same_lisa_and_moran(regular_grid):
    shuffled = regular_grid.sample(frac=1, random_state=11)
    results = []
    for frame in (regular_grid, shuffled):
        graph = dm.build_graph(frame, method="knn", k=6)
        hot = dm.local_moran(frame["v"], graph, seed=5)
        moran = dm.global_moran(frame["v"], graph, seed=5, permutations=999)
        results.append((hot.labels.sort_index(), moran.I, moran.p_sim))
    (labels, i, p), (labels2, i2, p2) = results
    pd.testing.assert_series_equal(labels, labels2)
    assert i == pytest.approx(i2, rel=1e-12) and p == p2


def test_every_public_graph_parameter_is_a_graph_like():
    # one alias for "a graph or a path to one" across the spatial statistics (issue 12); the index's
    # neighbour imputation (a lower floor) takes a built Graph only
    import inspect

    found = {}
    for name in dm.__all__:
        func = getattr(dm, name)
        spatial = getattr(func, "__module__", "").startswith("deprivation_map.spatial")
        if inspect.isfunction(func) and spatial and "graph" in inspect.signature(func).parameters:
            found[name] = inspect.signature(func).parameters["graph"].annotation
    assert len(found) >= 12, sorted(found)
    assert {n: a for n, a in found.items() if a not in ("GraphLike", "GraphLike | None")} == {}
