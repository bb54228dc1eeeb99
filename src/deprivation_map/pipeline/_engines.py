"""Where a run computes: ``"local"`` (this process, the default) or ``"dask"`` (a dask cluster).

The dask engine runs the same :data:`~deprivation_map.pipeline.STAGES`, except two that need every geometry
at once: the boundaries are read as partitions (one per file of a folder) and ordered along a Hilbert curve,
and the graph is built partition by partition (:mod:`deprivation_map.distributed`). The attributes and the
graph, without geometry, are gathered, and every other stage calls the same functions as a local run, so
scores, labels and p-values are equal. The results by area are written back with their geometry as a folder
of GeoParquet files; no HTML map is drawn (a national map does not fit in one page).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np

from .._progress import Progress, progress_bar
from ..config import Config
from ..errors import ConfigError
from ._outputs import run_metadata, tables_of
from ._result import PipelineResult
from ._stages import STAGES, Run

__all__ = ["ENGINES", "Engine", "run_dask", "unsupported"]

Engine = Literal["local", "dask"]
ENGINES = ("local", "dask")

_PARTITIONED = "areas"  # the folder of GeoParquet files holding the results by area
_ORDERED = "_ordered"  # the areas' geometry in Hilbert order while the run lasts, on storage the workers share
_GEOMETRY_STAGES = ("robust", "services", "access", "sites", "zones", "change")  # they need every geometry at once


def unsupported(config: Config) -> list[str]:
    """The parts of ``config`` the dask engine cannot run (they need all the geometry in one process)."""
    c = config
    found = [f"[{name}]" for name in _GEOMETRY_STAGES if getattr(c, name) is not None and getattr(c, name) != ()]
    if c.boundaries.url is not None:
        found.append("[boundaries] url (a database; the dask engine reads a folder of GeoParquet files)")
    if any(len(getattr(c.sources, kind)) for kind in ("raster", "points", "areas")):
        found.append("[sources]")
    if c.districts is not None and c.districts.path is not None:
        found.append("[districts] path (a layer of districts; a column of the data runs)")
    if c.graph.method not in ("queen", "rook"):
        found.append(f"[graph] method = {c.graph.method!r} (the dask engine builds queen or rook contiguity)")
    if c.graph.islands == "knn":
        found.append("[graph] islands = 'knn'")
    return found


def _read(run: Run) -> Any:
    from ..distributed import attributes, read_partitioned
    from ._stages import read_table

    b = run.config.boundaries
    options = {k: x for k, x in b.api_options().items() if k in ("id_col", "id_format", "crs", "layer", "on_invalid")}
    areas = read_partitioned(b.path, **options)
    frame = attributes(areas)
    read = [read_table(t) for t in run.config.indicators]
    run.results.update(
        areas=gpd.GeoDataFrame(frame),  # the attributes: the geometry stays in the partitions
        n_read=len(frame),
        tables=[t for t, _ in read],
        table_reports=[r for _, r in read if r is not None],
    )
    return areas


def _graph(run: Run, ordered: Any) -> None:
    from ..distributed import partition_graph

    g = run.config.graph.api_options()
    areas, data = run["areas"].index, run["data"].index
    keep = None  # the joined areas are some of the areas, in their order, so as many means all
    if len(data) < len(areas):  # [join] on_unmatched = "drop" left some out; get_indexer: Index.isin of
        keep = np.zeros(len(areas), dtype=bool)  # arrow strings takes 10 times as long and 3 times the memory
        keep[areas.get_indexer(data)] = True
    options = {k: g[k] for k in ("method", "islands", "components") if k in g}
    run.results["graph"] = partition_graph(ordered, data, keep=keep, **options)


def _save(result: PipelineResult, ordered: Any, out: Path) -> dict[str, Any]:
    from ..distributed import boundary_files, write_partitioned
    from ..io import write_results

    outputs: dict[str, Any] = {"parquet": write_partitioned(ordered, result.to_frame(), out / _PARTITIONED)}
    if result.config.output.tables:
        metadata = run_metadata(result, boundary_files(result.config.boundaries.path))
        for name, table in tables_of(result).items():
            outputs[name] = write_results(table, out / f"{name}.csv", metadata=metadata)
    if result.config.source is not None:
        path = out / "config.toml"
        path.write_text(result.config.to_toml(out), encoding="utf-8")
        outputs["config"] = path
    return outputs


def _stages(state: Run, stages: list[Any], ordering: Path, out: Path, advance: Any) -> dict[str, Any]:
    """Read, order, run ``stages`` (the graph after the join) and save; the outputs written."""
    from ..distributed import spatial_order

    with state.timed("read", "boundaries"):
        areas = _read(state)
    with state.timed("order", "boundaries"):
        ordered = spatial_order(areas, ordering)
    advance(1)
    for stage in stages:
        with state.timed(stage.name, stage.section):
            state.results.update(stage.run(state))
        if stage.name == "join":
            with state.timed("graph", "graph"):
                _graph(state, ordered)
        advance(2 if stage.name == "join" else 1)
    result = PipelineResult(state.config, dict(state.results), {}, state.timings)
    with state.timed("save", "output"):
        outputs = _save(result, ordered, out)
    advance(1)
    return outputs


def run_dask(
    config: Config,
    *,
    out_dir: str | Path | None,
    progress: Progress,
    scheduler: Any = None,
    workers: int | None = None,
    memory_limit: str | int | None = None,
) -> PipelineResult:
    """The pipeline on a dask cluster (see the module's docstring); options as :func:`~deprivation_map.run`."""
    import shutil

    from ..distributed import connect

    refused = unsupported(config)
    if refused:
        raise ConfigError(
            f"The dask engine does not run {', '.join(refused)}: they need every geometry in one process. "
            "Remove them, or run with engine='local'."
        )
    stages = [s for s in STAGES if s.enabled(config) and s.name not in ("read", "graph")]
    state = Run(config)
    out = Path(out_dir) if out_dir is not None else config.output.dir
    ordering = out / _ORDERED  # removed at the end, and before, should a failed run have left it
    shutil.rmtree(ordering, ignore_errors=True)
    with (
        connect(scheduler, workers=workers, memory_limit=memory_limit),
        progress_bar(progress, len(stages) + 3, desc="deprivation-map (dask)") as advance,
    ):
        try:
            outputs = _stages(state, stages, ordering, out, advance)
        finally:
            shutil.rmtree(ordering, ignore_errors=True)
    return PipelineResult(config, dict(state.results), outputs, dict(state.timings))
