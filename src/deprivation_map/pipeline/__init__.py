"""One reproducible run from a configuration, stage by stage, and the checks before it.

:func:`run` calls the public API in order (:data:`~deprivation_map.pipeline.STAGES`), each stage
with the options of its section of the configuration, and returns every result with the time each stage
took; :func:`check` reads and joins the data and builds the graph without computing any statistic, and
reports every problem it finds. The command line tool is a thin shell over both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import _validation as v
from .._progress import Progress, progress_bar
from ..config import Config, load_config
from ._change import ChangeResults
from ._check import CheckResult, check
from ._engines import ENGINES, Engine, run_dask
from ._outputs import draw_map, run_metadata, save_outputs
from ._result import PipelineResult
from ._stages import STAGES, Run, source_name

__all__ = [
    "ENGINES",
    "STAGES",
    "ChangeResults",
    "CheckResult",
    "PipelineResult",
    "check",
    "draw_map",
    "run",
    "run_metadata",
    "source_name",
]

for _public in (
    ChangeResults,
    CheckResult,
    PipelineResult,
    check,
    draw_map,
    run_metadata,
    source_name,
):  # documented here, where users meet them
    _public.__module__ = __name__


def run(
    config: Config | str | Path,
    *,
    out_dir: str | Path | None = None,
    progress: Progress = False,
    engine: Engine = "local",
    scheduler: Any = None,
    workers: int | None = None,
    memory_limit: str | int | None = None,
) -> PipelineResult:
    """Run the whole pipeline described by ``config`` (a :class:`~deprivation_map.config.Config` or a TOML file).

    Each stage calls the public API with the options of its section of the configuration
    (:meth:`~deprivation_map.config.Settings.api_options`); a stage whose section is absent does not run;
    an error is reported with the section it comes from.

    Parameters
    ----------
    config : Config or path
    out_dir : path, optional
        Where to write the outputs; overrides ``[output] dir``.
    progress : bool or callable
        ``True`` draws a bar of the stages on a terminal (nothing in a log or CI); a callable receives
        ``(stages done, stages)``.
    engine : {"local", "dask"}
        ``"local"`` (default) runs in this process. ``"dask"`` runs on a dask cluster
        (:mod:`deprivation_map.distributed`, the ``[dask]`` extra): ``[boundaries] path`` is a folder of
        GeoParquet files, one partition each; the graph is built partition by partition; every statistic
        equals the local run's; the results by area are written as a folder of GeoParquet files (``areas/``)
        and no HTML map is drawn. See the guide's page on dask.
    scheduler : str or distributed.Client, optional
        With ``engine="dask"``: the address of a running scheduler, or a connected Client; None starts a
        LocalCluster for the run.
    workers, memory_limit : optional
        With ``engine="dask"`` and no scheduler: the LocalCluster's worker processes and memory per worker
        (``"4GiB"``).

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> len(result.data), sorted(result.outputs)
    (159, ['config', 'csv', 'geopackage', 'map'])
    """
    config = config if isinstance(config, Config) else load_config(config)
    if v.choose(engine, ENGINES, what="engine") == "dask":
        return run_dask(config, out_dir=out_dir, progress=progress, scheduler=scheduler, workers=workers,
                        memory_limit=memory_limit)  # fmt: skip
    stages = [stage for stage in STAGES if stage.enabled(config)]
    state = Run(config)
    with progress_bar(progress, len(stages) + 2, desc="deprivation-map") as advance:
        for stage in stages:
            with state.timed(stage.name, stage.section):
                state.results.update(stage.run(state))
            advance(1)
        with state.timed("map", "map"):
            m = draw_map(state.results, config)
        advance(1)
        result = PipelineResult(config, dict(state.results), {}, state.timings)
        with state.timed("save", "output"):
            outputs = save_outputs(result, m, Path(out_dir) if out_dir is not None else config.output.dir)
        advance(1)
    return PipelineResult(config, dict(state.results), outputs, dict(state.timings))
