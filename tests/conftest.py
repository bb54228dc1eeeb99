"""Shared fixtures: the bundled datasets, loaded once per session, and the real data folder when present."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

import deprivation_map as dm

# Speed is measured in benchmarks/, never in tests: no per-example deadline, which fails at random on a busy machine.
settings.register_profile("deprivation_map", deadline=None)
settings.load_profile("deprivation_map")

# beside the project root; DEPRIVATION_MAP_SHARED_DATA points elsewhere (a git worktree lives somewhere else)
SHARED_DATA = Path(
    os.environ.get("DEPRIVATION_MAP_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)


@pytest.fixture(scope="session")
def georgia():
    """Georgia's 159 counties joined with their indicators (do not modify: copy first)."""
    return dm.datasets.load_georgia()


@pytest.fixture(scope="session")
def toy():
    """(areas, table) of the toy dataset, not joined."""
    return dm.datasets.load_toy()


@pytest.fixture(scope="session")
def toy_joined(toy):
    """The toy areas with their indicators; 012 has no row, 005 a missing value, 013 is an island."""
    return dm.join_indicators(*toy, on_unmatched="keep")


@pytest.fixture(scope="session")
def shared_data():
    """The real public datasets beside the project; tests using them skip where the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA.resolve()


# --- libpysal's bundled Columbus data, the reference case of the spatial statistics (issue 5)


@pytest.fixture(scope="session")
def columbus():
    """libpysal's 49 Columbus neighbourhoods, indexed by POLYID as text (do not modify: copy first)."""
    import geopandas as gpd
    import libpysal

    gdf = gpd.read_file(libpysal.examples.get_path("columbus.shp"))
    gdf.index = gdf["POLYID"].astype(str)
    return gdf


@pytest.fixture(scope="session")
def columbus_graph(columbus):
    """Queen contiguity built by libpysal itself (independent of build_graph), row-standardised."""
    from libpysal.graph import Graph

    return Graph.build_contiguity(columbus, rook=False).transform("r")


@pytest.fixture
def one_numba_thread():
    """A context manager that runs its block on one numba thread, then restores the thread count.

    Permutation results must not depend on the number of threads: tests compare a run inside it with one
    outside it.
    """

    @contextmanager
    def block():
        import numba

        before = numba.get_num_threads()
        numba.set_num_threads(1)
        assert numba.get_num_threads() == 1
        try:
            yield
        finally:
            numba.set_num_threads(before)

    return block


# Partitioned boundaries for the dask engine (tests/distributed, tests/pipeline/test_engines.py)
def _voronoi_areas(n: int, seed: int = 0):
    """``n`` irregular polygons tiling a square (a Voronoi diagram of random points), with two indicators."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    points = shapely.multipoints(rng.uniform(0, 100, size=(n, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=shapely.box(0, 0, 100, 100)))
    cells = shapely.intersection(cells, shapely.box(0, 0, 100, 100))
    centre = shapely.centroid(cells)
    x, y = shapely.get_x(centre), shapely.get_y(centre)
    return gpd.GeoDataFrame(
        {
            "code": [f"{i:06d}" for i in range(len(cells))],  # leading zeros, kept as text
            "pov": rng.normal(size=len(cells)) + np.sin(x / 15),
            "edu": rng.normal(size=len(cells)) + np.cos(y / 12),
            "district": [f"D{int(a // 25)}{int(b // 25)}" for a, b in zip(x, y, strict=True)],
        },
        geometry=cells,
        crs=3857,
    )


def _write_parts(gdf, folder, files: int, seed: int = 1):
    """``gdf`` in ``files`` GeoParquet files of rows in random order (partitions not spatial at all)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, rows in enumerate(np.array_split(np.random.default_rng(seed).permutation(len(gdf)), files)):
        gdf.iloc[np.sort(rows)].to_parquet(folder / f"part.{i:02d}.parquet")
    return folder


@pytest.fixture(scope="session")
def voronoi_areas():
    """``voronoi_areas(n, seed=0)``: ``n`` irregular polygons tiling a square, with two indicators."""
    return _voronoi_areas


@pytest.fixture(scope="session")
def write_parts():
    """``write_parts(gdf, folder, files)``: ``gdf`` in GeoParquet files of rows in random order."""
    return _write_parts
