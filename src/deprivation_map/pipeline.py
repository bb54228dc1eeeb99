"""One reproducible run from a configuration: read, join, graph, index, Moran, LISA, allocation, map, save.

:func:`run` calls the public API in order and returns every intermediate result with the time each stage
took. The command line tool is a thin shell over it.
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from . import _validation as v
from .allocation import allocate
from .allocation.shares import Allocation
from .config import Config, load_config
from .errors import DeprivationMapError
from .index.composite import DeprivationIndex, build_index
from .io import read_boundaries, write_results
from .io.detection import TableReport
from .io.join import JoinReport, join_with_reports
from .io.tables import read_indicators_with_report
from .io.writers import build_metadata
from .maps import explore, save_map
from .spatial import GlobalMoran, Hotspots, global_moran, local_moran
from .spatial.graph import build_graph
from .spatial.labels import NOT_TESTED
from .spatial.multiple_testing import CORRECTION_NAMES

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = ["STAGES", "PipelineResult", "run"]

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
        from ._repr import html_repr

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
    """Times each stage and names the configuration section of any error raised inside it."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str, section: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        except DeprivationMapError as err:
            raise type(err)(f"[{section}] {err}") from err
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


def run(config: Config | str | Path, *, out_dir: str | Path | None = None) -> PipelineResult:
    """Run the whole pipeline described by ``config`` (a :class:`Config` or a TOML file).

    Parameters
    ----------
    config : Config or path
    out_dir : path, optional
        Where to write the outputs; overrides ``[output] dir``.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> len(result.data), sorted(result.outputs)
    (159, ['config', 'csv', 'geopackage', 'map'])
    """
    config = config if isinstance(config, Config) else load_config(config)
    stage = _Stages()
    b, t, h = config.boundaries, config.indicators, config.hotspots
    with stage("read", "boundaries"):
        areas = read_boundaries(b.path, id_col=b.id_col, crs=b.crs, layer=b.layer)
    with stage("read", "indicators"):
        table, table_report = read_indicators_with_report(
            t.path,
            id_col=t.id_col,
            sep=t.sep,
            decimal=t.decimal,
            encoding=t.encoding,
            thousands=t.thousands,
            sheet=t.sheet,
        )
    with stage("join", "join"):
        data, reports = join_with_reports(areas, (table,), config.join.on_unmatched, config.join.keys)
    with stage("graph", "graph"):
        graph = build_graph(data, **dataclasses.asdict(config.graph))
    with stage("index", "index"):  # after the graph: missing = "neighbours" imputes from it
        c = config.index
        index = build_index(
            data,
            c.indicators,
            normalise=c.normalise,
            weighting=c.weighting,
            aggregate=c.aggregate,
            missing=c.missing,
            min_available=c.min_available,
            graph=graph,
        )
    seed = v.resolve_seed(h.seed)
    stats = {key: getattr(h, key) for key in ("permutations", "alternative", "missing", "inference")}
    stats["seed"] = seed
    with stage("moran", "hotspots"):
        moran = global_moran(index.score, graph, **stats)
    with stage("lisa", "hotspots"):
        hotspots = local_moran(index.score, graph, alpha=h.alpha, correction=h.correction, **stats)
    allocation = None
    if config.allocation is not None:
        with stage("allocate", "allocation"):
            allocation = _allocate(config.allocation, data, index, hotspots)
    with stage("map", "map"):
        mc = config.map
        m = explore(
            data,
            index=index,
            hotspots=hotspots,
            allocation=allocation,
            name_col=b.name_col,
            scheme=mc.scheme,
            k=mc.k,
            palette=mc.palette,
            tiles=mc.tiles,
            lang=mc.lang,
        )
    result = PipelineResult(
        config,
        len(areas),
        tuple(reports),
        data,
        index,
        graph,
        moran,
        hotspots,
        {},
        stage.timings,
        table_report,
        allocation,
    )
    with stage("save", "output"):
        outputs = _save(result, m, Path(out_dir) if out_dir is not None else config.output.dir)
    return dataclasses.replace(result, outputs=outputs, timings=dict(stage.timings))


def _allocate(a, data: gpd.GeoDataFrame, index: DeprivationIndex, hotspots: Hotspots) -> Allocation:
    """The configured allocation; its need is the index or a column, its population a column."""
    columns = [c for c in (None if a.need == "index" else a.need, a.population_col) if c is not None]
    v.require_columns(data, columns, what="The joined data")
    options = {k: val for k, val in dataclasses.asdict(a).items() if k not in ("need", "population_col")}
    return allocate(
        index if a.need == "index" else data[a.need],
        options.pop("budget"),
        population=data[a.population_col] if a.population_col else None,
        hotspots=hotspots,
        **options,
    )


def _save(result: PipelineResult, m, out: Path) -> dict[str, Path]:
    o = result.config.output
    frame = result.to_frame()
    c = result.config
    options = {k: val for k, val in dataclasses.asdict(c).items() if k != "source"}
    run = {"global_moran": result.moran.permutations, "local_moran": result.hotspots.permutations}
    options["hotspots"] = {**options["hotspots"], "permutations_run": run}  # what "auto" chose
    metadata = build_metadata(inputs=[c.boundaries.path, c.indicators.path], options=options, seed=result.moran.seed)
    outputs = {
        "map": save_map(m, out / o.map),
        "geopackage": write_results(frame, out / o.geopackage, metadata=metadata),
        "csv": write_results(frame, out / o.csv, metadata=metadata),
    }
    if o.report:
        from .maps.report import report_from_result

        outputs["report"] = report_from_result(
            result, out / o.report, lang=result.config.map.lang, map_href=outputs["map"].name
        )
    if result.config.source is not None:
        outputs["config"] = Path(shutil.copyfile(result.config.source, out / "config.toml"))
    return outputs
