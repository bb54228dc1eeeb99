"""Where the dask engine runs: a cluster at an address, or a LocalCluster started for one run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .._validation import require_int
from ._require import require

__all__ = ["connect"]


@contextmanager
def connect(
    scheduler: str | Any | None = None, *, workers: int | None = None, memory_limit: str | int | None = None
) -> Iterator[Any]:
    """A :class:`distributed.Client` for one run, closed (with any cluster it started) when the run ends.

    Parameters
    ----------
    scheduler : str, Client or None
        The address of a running scheduler (``"tcp://10.0.0.5:8786"``), a ``Client`` already connected (left
        open at the end), or None to start a :class:`distributed.LocalCluster` on this machine.
    workers : int, optional
        Worker processes of the LocalCluster (dask's default: one per core); ignored with a scheduler.
    memory_limit : str or int, optional
        Memory per worker of the LocalCluster (``"4GiB"``); dask spills to disk above 60 % of it and
        pauses a worker at 80 %. Ignored with a scheduler (its workers have their own limits).

    Examples
    --------
    >>> from deprivation_map.distributed import connect
    >>> with connect(workers=1, memory_limit="1GiB") as client:  # doctest: +SKIP
    ...     client.submit(sum, [1, 2]).result()
    3
    """
    distributed = require("distributed")
    if scheduler is not None and not isinstance(scheduler, str):
        yield scheduler
        return
    if scheduler is not None:
        with distributed.Client(scheduler) as client:
            yield client
        return
    options: dict[str, Any] = {"threads_per_worker": 1, "dashboard_address": None}
    if workers is not None:
        options["n_workers"] = require_int(workers, what="workers", minimum=1)
    if memory_limit is not None:
        options["memory_limit"] = memory_limit
    with distributed.LocalCluster(**options) as cluster, distributed.Client(cluster) as client:
        yield client
