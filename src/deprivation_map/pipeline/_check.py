"""``deprivation-map check``: read, join and build the graph as a run would, compute nothing, list every problem."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import pandas as pd

from ..config import Config, load_config
from ..errors import DeprivationMapError
from ..index.spec import parse_spec
from ..io.detection import TableReport
from ..io.join import JoinReport, check_join, join_with_reports
from ..spatial.graph import GraphSummary, build_graph, describe_graph
from ._change import change_data
from ._stages import Run, read_areas, read_table, source_name

__all__ = ["CheckResult", "check"]

T = TypeVar("T")


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
    table_reports: tuple[TableReport, ...]
    graph: GraphSummary | None
    indicators: pd.DataFrame  # per indicator: missing values and whether it is numeric
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when nothing would stop :func:`run` before its statistics."""
        return not self.problems

    def summary(self) -> str:
        """The reading, the join audit, the graph and the indicators, then the problems, for the terminal."""
        lines = [f"Areas read: {self.n_read} ({source_name(self.config.boundaries)})"]
        lines += [f"Table: {r.summary()}" for r in self.table_reports]
        lines += [f"Join: {r.summary()}" for r in self.reports]
        lines += [f"Graph: {self.graph!r}"] if self.graph is not None else []
        for column, row in self.indicators.iterrows():
            state = "numeric" if row["numeric"] else "NOT numeric"
            lines.append(f"Indicator {column}: {state}, {int(row['missing'])} missing of {int(row['areas'])}")
        lines += [f"Problem: {p}" for p in self.problems] or ["No problem found: `deprivation-map run` can start."]
        return "\n".join(lines)


def _attempt(problems: list[str], section: str, func: Callable[[], T]) -> T | None:
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
    areas = _attempt(problems, "boundaries", lambda: read_areas(config.boundaries))
    if areas is None:
        return CheckResult(config, 0, (), (), None, pd.DataFrame(), tuple(problems))
    read = [_attempt(problems, "indicators", partial(read_table, t)) for t in config.indicators]
    tables = tuple(r[0] for r in read if r is not None)
    table_reports = tuple(r[1] for r in read if r is not None and r[1] is not None)
    data = areas
    reports: tuple[JoinReport, ...] = ()
    if tables:
        joined = _attempt(problems, "join", lambda: join_with_reports(areas, tables, **config.join.api_options()))
        if joined is not None:
            data, reports = joined[0], tuple(joined[1])
        else:  # report the audit even when the policy refuses the join
            reports = tuple(check_join(areas, table, keys=config.join.keys) for table in tables)
    graph = _attempt(problems, "graph", lambda: build_graph(data, **config.graph.api_options()))
    summary = describe_graph(graph) if graph is not None else None
    if config.change is not None:  # the panel's values join the data, as the run's [change] stage does
        with_values = _attempt(problems, "change", lambda: change_data(Run(config, {"data": data})))
        data = with_values if with_values is not None else data
    indicators = _indicators(data, config, problems)
    return CheckResult(config, len(areas), reports, table_reports, summary, indicators, tuple(problems))


def _indicators(data: pd.DataFrame, config: Config, problems: list[str]) -> pd.DataFrame:
    """Per indicator of the index: whether it is a numeric column, and how many areas lack a value."""
    if config.index.indicators is None:  # a recipe: its columns are checked when it runs
        return pd.DataFrame(columns=["numeric", "missing", "areas"])
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
