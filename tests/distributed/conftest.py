"""The dask engine's tests: skipped without the [dask] extra; dask's synchronous scheduler for speed."""

from __future__ import annotations

import pytest

pytest.importorskip("dask_geopandas")
pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def synchronous():
    """dask's single-threaded scheduler: the partitions computed in this process, no cluster to start."""
    import dask

    with dask.config.set(scheduler="synchronous"):
        yield
