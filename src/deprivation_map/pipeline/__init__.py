"""One reproducible run from a configuration, stage by stage, and the checks before it.

:func:`run` calls the public API in order (:data:`~deprivation_map.pipeline.STAGES`), each stage
with the options of its section of the configuration, and returns every result with the time each stage
took; :func:`check` reads and joins the data and builds the graph without computing any statistic, and
reports every problem it finds. The command line tool is a thin shell over both.
"""

from __future__ import annotations

from pathlib import Path

from .._progress import Progress, progress_bar
from ..config import Config, load_config
from ._check import CheckResult, check
from ._outputs import draw_map, run_metadata, save_outputs
from ._result import PipelineResult
from ._stages import STAGES, Run, source_name

__all__ = ["STAGES", "CheckResult", "PipelineResult", "check", "draw_map", "run", "run_metadata", "source_name"]

for _public in (
    CheckResult,
    PipelineResult,
    check,
    draw_map,
    run_metadata,
    source_name,
):  # documented here, where users meet them
    _public.__module__ = __name__


def run(
    config: Config | str | Path, *, out_dir: str | Path | None = None, progress: Progress = False
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

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> len(result.data), sorted(result.outputs)
    (159, ['config', 'csv', 'geopackage', 'map'])
    """
    config = config if isinstance(config, Config) else load_config(config)
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
