"""One reproducible run from a configuration: read, join, graph, index, Moran, LISA, allocation, map, save.

:func:`run` calls the public API in order and returns every intermediate result with the time each stage
took; :func:`check` reads and joins the data and builds the graph without computing any statistic, and
reports every problem it finds. The command line tool is a thin shell over both.
"""

from __future__ import annotations

import dataclasses
import inspect
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from .. import _validation as v
from .._progress import Progress, progress_bar
from ..allocation import allocate
from ..allocation.shares import Allocation
from ..config import Config, load_config
from ..errors import DeprivationMapError
from ..index.composite import DeprivationIndex, build_index
from ..index.spec import parse_spec
from ..io import read_boundaries, write_results
from ..io.detection import TableReport
from ..io.join import JoinReport, check_join, join_with_reports
from ..io.tables import read_indicators_with_report
from ..io.writers import build_metadata
from ..maps import explore, save_map
from ..spatial import GlobalMoran, Hotspots, global_moran, local_moran
from ..spatial.graph import GraphSummary, build_graph, describe_graph
from ..spatial.labels import NOT_TESTED
from ..spatial.multiple_testing import CORRECTION_NAMES

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = ["STAGES", "CheckResult", "PipelineResult", "check", "run"]

STAGES = ("read", "join", "graph", "index", "moran", "lisa", "allocate", "map", "save")  # allocate: if configured


@dataclass(frozen=True, eq=False)
class PipelineResult:
    """Everything one run produced, with the seconds each stage took (``timings``).

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> frame = result.to_frame()
    >>> len(frame), {"score", "rank", "lisa_label"} <= set(frame.columns), frame.index.equals(result.data.index)
    (159, True, True)
    >>> print(result.summary().splitlines()[0])
    Areas read: 159 (georgia_counties.gpkg)
    >>> sorted(result.timings)[:3]
    ['graph', 'index', 'join']
    """

    config: Config
    n_read: int
    reports: tuple[JoinReport, ...]
    data: gpd.GeoDataFrame
    index: DeprivationIndex
    graph: Graph
    moran: GlobalMoran
    hotspots: Hotspots
    outputs: Mapping[str, Path]
    timings: Mapping[str, float]
    table_report: TableReport | None = None
    allocation: Allocation | None = None

    def to_frame(self) -> gpd.GeoDataFrame:
        """The joined data with the index and LISA columns (and the allocation's, prefixed), one row per area."""
        frame = self.data.join(self.index.to_frame()).join(self.hotspots.to_frame())
        if self.allocation is not None:
            frame = frame.join(self.allocation.to_frame().add_prefix("allocation_"))
        return frame

    def __repr__(self) -> str:
        return (
            f"PipelineResult({len(self.data)} areas, Moran's I {self.moran.I:.4f}, "
            f"{sum(self.timings.values()):.1f} s; wrote {', '.join(self.outputs) or 'nothing'})"
        )

    def _repr_html_(self) -> str:
        from .._repr import html_repr

        m = self.moran
        summary = {
            "areas read": self.n_read,
            "areas joined": len(self.data),
            "Moran's I": m.I,
            "pseudo p": m.p_sim,
            "seed": m.seed,
            **{f"wrote {k}": p.name for k, p in self.outputs.items()},
            **{f"{k} (s)": t for k, t in self.timings.items()},
        }
        if self.allocation is not None:
            summary["allocation Gini"] = self.allocation.equity.gini
        return html_repr(
            self, summary, counts=self.hotspots.counts(), frame=self.to_frame().drop(columns=self.data.geometry.name)
        )

    def summary(self) -> str:
        """A few lines for the terminal: what was read, joined, computed and written."""
        spec = ", ".join(f"{c} {d:+d}" for c, d in self.index.spec.directions.items())
        method = " / ".join(self.index.method[k] for k in ("normalise", "weighting", "aggregate"))
        counts = self.hotspots.counts()
        m, h = self.moran, self.hotspots
        return "\n".join(
            [
                f"Areas read: {self.n_read} ({self.config.boundaries.path.name})",
                *([f"Table: {self.table_report.summary()}"] if self.table_report is not None else []),
                *(f"Join: {r.summary()}" for r in self.reports),
                f"Areas joined: {len(self.data)}",
                f"Index: {method} of {spec}; {int(self.index.score.notna().sum())} areas scored",
                f"Global Moran's I = {m.I:.4f} ({_p_line(m)})",
                (
                    f"LISA clusters (alpha = {h.alpha}, {h.alternative}, {CORRECTION_NAMES[h.correction]}, "
                    f"{_inference_words(h)}): "
                    + ", ".join(f"{label} {n}" for label, n in counts.items() if n or label not in NOT_TESTED)
                ),
                *([_allocation_line(self.allocation)] if self.allocation is not None else []),
                "Wrote " + ", ".join(str(p) for p in self.outputs.values()),
            ]
        )


def _inference_words(stat) -> str:
    if stat.inference == "analytic":
        return "analytic p-values"
    return f"{stat.permutations:,} permutations, seed {stat.seed}"


def _p_line(m: GlobalMoran) -> str:
    kind = "pseudo p" if m.inference == "permutation" else "p"
    return f"{kind} = {m.p:.4f}, {m.alternative}, {_inference_words(m)}"


def _allocation_line(a: Allocation) -> str:
    e = a.equity
    return (
        f"Allocation: {a.budget} shared {a.method} over {len(a.amounts)} areas; Gini {e.gini:.3f}, "
        f"concentration {e.concentration:+.3f}, {e.share_most_deprived:.1%} to the most deprived decile, "
        f"{e.share_hotspots:.1%} to High-High areas"
    )


class _Stages:
    """Times each stage, advances the progress bar, and names the configuration section of any error inside it."""

    def __init__(self, advance: Callable[[int], None] = lambda n=1: None) -> None:
        self.timings: dict[str, float] = {}
        self.advance = advance

    @contextmanager
    def __call__(self, stage: str, section: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        except DeprivationMapError as err:
            raise type(err)(f"[{section}] {err}") from err
        finally:
            if stage not in self.timings:
                self.advance(1)
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


def run(
    config: Config | str | Path, *, out_dir: str | Path | None = None, progress: Progress = False
) -> PipelineResult:
    """Run the whole pipeline described by ``config`` (a :class:`~deprivation_map.config.Config` or a TOML file).

    Each stage calls the public API with the options of its section of the configuration
    (:meth:`~deprivation_map.config.Settings.api_options`); an error is reported with the section it comes from.

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
    n_stages = len(STAGES) - (config.allocation is None)
    with progress_bar(progress, n_stages, desc="deprivation-map") as advance:
        return _run(config, _Stages(advance), out_dir)


def _run(config: Config, stage: _Stages, out_dir: str | Path | None) -> PipelineResult:
    b, t, h = config.boundaries, config.indicators, config.hotspots
    with stage("read", "boundaries"):
        areas = read_boundaries(b.path, **b.api_options())
    table, table_report = None, None
    if t is not None:
        with stage("read", "indicators"):
            table, table_report = read_indicators_with_report(t.path, **t.api_options())
    with stage("join", "join"):
        data, reports = join_with_reports(areas, (table,), **config.join.api_options()) if t else (areas, [])
    with stage("graph", "graph"):
        graph = build_graph(data, **config.graph.api_options())
    with stage("index", "index"):  # after the graph: missing = "neighbours" imputes from it
        index = build_index(data, config.index.indicators, graph=graph, **config.index.api_options())
    options = h.api_options()
    options["seed"] = v.resolve_seed(options["seed"])
    global_options = {k: options[k] for k in inspect.signature(global_moran).parameters if k in options}
    with stage("moran", "hotspots"):
        moran = global_moran(index.score, graph, **global_options)
    with stage("lisa", "hotspots"):
        hotspots = local_moran(index.score, graph, **options)
    allocation = None
    if config.allocation is not None:
        with stage("allocate", "allocation"):
            allocation = _allocate(config.allocation, data, index, hotspots)
    with stage("map", "map"):
        m = explore(data, index=index, hotspots=hotspots, allocation=allocation, name_col=b.name_col,
                    **config.map.api_options())  # fmt: skip
    result = PipelineResult(
        config, len(areas), tuple(reports), data, index, graph, moran, hotspots, {}, stage.timings,
        table_report, allocation,
    )  # fmt: skip
    with stage("save", "output"):
        outputs = _save(result, m, Path(out_dir) if out_dir is not None else config.output.dir)
    return dataclasses.replace(result, outputs=outputs, timings=dict(stage.timings))


def _allocate(a, data: gpd.GeoDataFrame, index: DeprivationIndex, hotspots: Hotspots) -> Allocation:
    """The configured allocation; its need is the index or a column, its population a column."""
    columns = [c for c in (None if a.need == "index" else a.need, a.population_col) if c is not None]
    v.require_columns(data, columns, what="The joined data")
    return allocate(
        index if a.need == "index" else data[a.need],
        a.budget,
        population=data[a.population_col] if a.population_col else None,
        hotspots=hotspots,
        **a.api_options(),
    )


def _save(result: PipelineResult, m, out: Path) -> dict[str, Path]:
    o = result.config.output
    frame = result.to_frame()
    c = result.config
    inputs = [c.boundaries.path, *([c.indicators.path] if c.indicators is not None else [])]
    options = c.to_dict()
    run = {"global_moran": result.moran.permutations, "local_moran": result.hotspots.permutations}
    options["hotspots"] = {**options["hotspots"], "permutations_run": run}  # what "auto" chose
    metadata = build_metadata(inputs=inputs, options=options, seed=result.moran.seed)
    outputs = {
        "map": save_map(m, out / o.map),
        "geopackage": write_results(frame, out / o.geopackage, metadata=metadata),
        "csv": write_results(frame, out / o.csv, metadata=metadata),
    }
    if o.report:
        from ..maps.report import report_from_result

        outputs["report"] = report_from_result(
            result, out / o.report, lang=result.config.map.lang, map_href=outputs["map"].name
        )
    if result.config.source is not None:
        config_path = out / "config.toml"
        config_path.write_text(result.config.to_toml(out), encoding="utf-8")
        outputs["config"] = config_path
    return outputs


@dataclass(frozen=True, eq=False)
class CheckResult:
    """What :func:`check` found: the reading, the join audit, the graph, and every problem, one line each.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.pipeline import check
    >>> found = check(dm.datasets.get_path("demo.toml"))
    >>> found.ok, found.n_read, found.graph
    (True, 159, GraphSummary(n=159, links=862, mean neighbours=5.42, isolates=0, components=1))
    """

    config: Config
    n_read: int
    reports: tuple[JoinReport, ...]
    table_report: TableReport | None
    graph: GraphSummary | None
    indicators: pd.DataFrame  # per indicator: missing values and whether it is numeric
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing would stop :func:`run` before its statistics."""
        return not self.problems

    def summary(self) -> str:
        """The reading, the join audit, the graph and the indicators, then the problems, for the terminal."""
        lines = [f"Areas read: {self.n_read} ({self.config.boundaries.path.name})"]
        lines += [f"Table: {self.table_report.summary()}"] if self.table_report is not None else []
        lines += [f"Join: {r.summary()}" for r in self.reports]
        lines += [f"Graph: {self.graph!r}"] if self.graph is not None else []
        for column, row in self.indicators.iterrows():
            state = "numeric" if row["numeric"] else "NOT numeric"
            lines.append(f"Indicator {column}: {state}, {int(row['missing'])} missing of {int(row['areas'])}")
        lines += [f"Problem: {p}" for p in self.problems] or ["No problem found: `deprivation-map run` can start."]
        return "\n".join(lines)


def _attempt(problems: list[str], section: str, func: Callable[[], object]) -> object:
    """``func()``, or None with its error recorded as a problem of ``section``."""
    try:
        return func()
    except DeprivationMapError as err:
        problems.extend(f"[{section}] {line}" for line in str(err).splitlines())
        return None


def check(config: Config | str | Path) -> CheckResult:
    """Read and join the data and build the graph as :func:`run` would, computing no statistic.

    Every problem is collected (a missing column, unmatched IDs, islands the graph policy refuses, an
    indicator that is not numeric or has missing values the index policy refuses), so that one look at the
    result says what to fix.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.pipeline import check
    >>> print(check(dm.datasets.get_path("demo.toml")).summary().splitlines()[-1])
    No problem found: `deprivation-map run` can start.
    """
    config = config if isinstance(config, Config) else load_config(config)
    problems: list[str] = []
    b, t = config.boundaries, config.indicators
    areas = _attempt(problems, "boundaries", lambda: read_boundaries(b.path, **b.api_options()))
    if areas is None:
        return CheckResult(config, 0, (), None, None, pd.DataFrame(), tuple(problems))
    read = (
        _attempt(problems, "indicators", lambda: read_indicators_with_report(t.path, **t.api_options())) if t else None
    )
    table, table_report = read if read is not None else (None, None)
    data, reports = areas, ()
    if table is not None:
        joined = _attempt(problems, "join", lambda: join_with_reports(areas, (table,), **config.join.api_options()))
        if joined is not None:
            data, reports = joined[0], tuple(joined[1])
        else:  # report the audit even when the policy refuses the join
            reports = (check_join(areas, table, keys=config.join.keys),)
    graph = _attempt(problems, "graph", lambda: build_graph(data, **config.graph.api_options()))
    summary = describe_graph(graph) if graph is not None else None
    return CheckResult(
        config, len(areas), reports, table_report, summary, _indicators(data, config, problems), tuple(problems)
    )


def _indicators(data: pd.DataFrame, config: Config, problems: list[str]) -> pd.DataFrame:
    """Per indicator of the index: whether it is a numeric column, and how many areas lack a value."""
    columns = parse_spec(config.index.indicators).columns
    rows = {}
    for column in columns:
        if column not in data.columns:
            problems.append(f"[index] The data has no column {column!r} (key 'index.indicators').")
            continue
        numeric = pd.api.types.is_numeric_dtype(data[column])
        missing = int(data[column].isna().sum())
        rows[column] = {"numeric": numeric, "missing": missing, "areas": len(data)}
        if not numeric:
            problems.append(f"[index] Indicator {column!r} is not numeric; fix the column or how it is read.")
        elif missing and config.index.missing == "raise":
            problems.append(
                f"[index] Indicator {column!r} has {missing} missing values and index.missing is 'raise'; "
                "choose a missing-value policy (see the configuration reference)."
            )
    return pd.DataFrame.from_dict(rows, orient="index", columns=["numeric", "missing", "areas"])
