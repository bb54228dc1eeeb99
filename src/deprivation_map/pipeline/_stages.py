"""The stages of a run, each a short function calling the public API with the options of its section.

:data:`STAGES` lists them in order with the section that configures each; a stage whose section is absent
does not run. A stage reads what earlier stages produced from the :class:`Run` and returns its results by
name; an error inside it is reported with its section (``[graph] ...``).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .. import _validation as v
from ..config import Config, recipe_of
from ..errors import DeprivationMapError
from ._change import change_stage

__all__ = ["STAGES", "Run", "Stage", "read_areas", "read_table", "source_name"]


@dataclass
class Run:
    """The state of one run: its configuration, the results so far and the seconds each stage took."""

    config: Config
    results: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.results[name]

    def values(self, which: str, *, what: str) -> pd.Series:
        """The index's score (``"index"``) or a column of the data, for a statistic or an allocation."""
        if which == "index":
            return self["index"].score
        v.require_columns(self["data"], [which], what=f"The joined data ({what})")
        return self["data"][which]

    def column(self, name: str | None, *, what: str) -> pd.Series | None:
        """A column of the data, or None when no column is configured."""
        if name is None:
            return None
        v.require_columns(self["data"], [name], what=f"The joined data ({what})")
        return self["data"][name]

    @contextmanager
    def timed(self, stage: str, section: str) -> Iterator[None]:
        """Time ``stage`` and name ``section`` in any error raised inside it."""
        start = time.perf_counter()
        try:
            yield
        except DeprivationMapError as err:
            lines = str(err).splitlines() or [""]
            raise type(err)("\n".join(f"[{section}] {line}" for line in lines)) from err
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


@dataclass(frozen=True)
class Stage:
    """A step of the pipeline: its name, the section that configures it and the function that runs it."""

    name: str
    section: str
    run: Callable[[Run], Mapping[str, Any]]
    optional: bool = False  # runs only when its section is in the configuration

    def enabled(self, config: Config) -> bool:
        """Whether this stage runs under ``config``."""
        value = getattr(config, self.section)
        return not self.optional or (value is not None and value != ())


def _own(func: Callable, options: Mapping[str, Any]) -> dict[str, Any]:
    """The options ``func`` takes (a section may feed a file reader or a database reader)."""
    params = inspect.signature(func).parameters
    return {k: x for k, x in options.items() if k in params}


def read_areas(b: Any) -> Any:
    """The boundaries of a [boundaries] section: from a file, or from a database table or query."""
    from ..io import read_boundaries, read_boundaries_sql

    if b.url is not None:
        return read_boundaries_sql(b.url, **_own(read_boundaries_sql, b.api_options()))
    return read_boundaries(b.path, **_own(read_boundaries, b.api_options()))


def read_table(t: Any) -> tuple[pd.DataFrame, Any]:
    """An [indicators] table and what was detected in it (None for a database, which needs no detection)."""
    from ..io import read_indicators, read_indicators_sql
    from ..io.tables import read_indicators_with_report

    if t.url is not None:
        return read_indicators_sql(t.url, **_own(read_indicators_sql, t.api_options())), None
    return read_indicators_with_report(t.path, **_own(read_indicators, t.api_options()))


def source_name(settings: Any) -> str:
    """How a summary names an input: the file's name, or the database table (the URL without password).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.config import load_config
    >>> source_name(load_config(dm.datasets.get_path("demo.toml")).boundaries)
    'georgia_counties.gpkg'
    """
    if settings.url is None:
        return settings.path.name
    from ..io import redact_url

    return f"{settings.table or 'query'} at {redact_url(settings.url)}"


def _read(run: Run) -> dict[str, Any]:
    areas = read_areas(run.config.boundaries)
    read = [read_table(t) for t in run.config.indicators]
    reports = [r for _, r in read if r is not None]
    return {"areas": areas, "n_read": len(areas), "tables": [t for t, _ in read], "table_reports": reports}


def _sources(run: Run) -> dict[str, Any]:
    from ..io import read_boundaries, read_points
    from ..io.sources import count_points, interpolate_areas, zonal_stats

    areas, s = run["areas"], run.config.sources
    frames = [zonal_stats(areas, r.path, **r.api_options()).add_prefix(r.prefix) for r in s.raster]
    frames += [count_points(areas, read_points(p.path), **p.api_options()) for p in s.points]
    frames += [interpolate_areas(read_boundaries(a.path, id_col=a.id_col), areas, **a.api_options()) for a in s.areas]
    return {"tables": [*run["tables"], *frames]}


def _join(run: Run) -> dict[str, Any]:
    from ..io.join import join_with_reports

    if not run["tables"]:
        return {"data": run["areas"], "reports": []}
    data, reports = join_with_reports(run["areas"], tuple(run["tables"]), **run.config.join.api_options())
    return {"data": data, "reports": reports}


def _graph(run: Run) -> dict[str, Any]:
    from ..spatial.graph import build_graph

    return {"graph": build_graph(run["data"], **run.config.graph.api_options())}


def _index(run: Run) -> dict[str, Any]:
    from ..index import recipes
    from ..index.composite import build_index

    index, data = run.config.index, run["data"]
    recipe = recipe_of(index)
    if recipe is None:  # after the graph: missing = "neighbours" imputes from it
        return {"index": build_index(data, index.indicators, graph=run["graph"], **index.api_options())}
    settings = index[recipe]
    func: dict[str, Callable[..., Any]] = {
        "imd": recipes.imd,
        "svi": recipes.svi,
        "townsend": recipes.townsend,
        "carstairs": recipes.carstairs,
    }
    if recipe == "pca":
        return {"index": recipes.pca_index(data, settings.indicators, **settings.api_options())}
    return {"index": func[recipe](data, **settings.api_options())}


def _seeded(settings: Any) -> dict[str, Any]:
    """The section's API options with its seed resolved (recorded in the results and the metadata)."""
    options = settings.api_options()
    if "seed" in options:
        options["seed"] = v.resolve_seed(options["seed"])
    return options


def _hotspots(run: Run) -> dict[str, Any]:
    from ..spatial import global_moran, local_moran

    options = _seeded(run.config.hotspots)
    shared = {k: options[k] for k in inspect.signature(global_moran).parameters if k in options}
    score, graph = run["index"].score, run["graph"]
    return {"moran": global_moran(score, graph, **shared), "hotspots": local_moran(score, graph, **options)}


def _statistic(name: str) -> Callable[[Run], dict[str, Any]]:
    def stage(run: Run) -> dict[str, Any]:
        from ..spatial import geary, general_g, local_g

        funcs: dict[str, Callable[..., Any]] = {"gi": local_g, "geary": geary, "general_g": general_g}
        func = funcs[name]
        settings = getattr(run.config, name)
        return {name: func(run.values(settings.values, what=f"[{name}] values"), run["graph"], **_seeded(settings))}

    return stage


def _districts(run: Run) -> dict[str, Any]:
    from ..io import read_boundaries
    from ..spatial.districts import assign_districts, district_summary

    d = run.config.districts
    if (d.column is None) == (d.path is None):
        raise v.ValidationError("Give the districts as a column of the data (column = ...) or a layer (path = ...).")
    if d.column is not None:
        names = run.column(d.column, what="[districts] column")
    else:
        if d.name_col is None:
            raise v.ValidationError("A layer of districts (path = ...) needs name_col, its column of names.")
        layer = read_boundaries(d.path, id_col=d.name_col).reset_index()
        names = assign_districts(
            run["data"],
            layer,
            name_col=d.name_col,
            unassigned=d.unassigned,
            overlaps=d.overlaps,
            on_crs_mismatch=d.on_crs_mismatch,
        )
    population = run.column(d.population_col, what="[districts] population_col")
    summary = district_summary(run["index"].score, names, population=population, hotspots=run["hotspots"],
                               **d.api_options())  # fmt: skip
    return {"districts": summary, "district_of": names}


def _uncertainty(run: Run) -> dict[str, Any]:
    from ..index.sensitivity import uncertainty

    if run.config.index.indicators is None:
        raise v.ValidationError("[uncertainty] varies the choices of [index.indicators]; a recipe has none to vary.")
    return {"uncertainty": uncertainty(run["data"], run.config.index.indicators, graph=run["graph"],
                                       **_seeded(run.config.uncertainty))}  # fmt: skip


def _robust(run: Run) -> dict[str, Any]:
    from ..spatial.robust import graph_choices, robust_hotspots

    r = run.config.robust
    graphs = graph_choices(run["data"], k=r.k, threshold=r.threshold)
    if r.graphs is not None:
        graphs = {name: v.lookup(graphs, name, what="graph in [robust] graphs") for name in r.graphs}
    scores = run["uncertainty"].scores if run.results.get("uncertainty") is not None else run["index"].score
    passed = {k: r[k] for k in ("permutations", "alpha", "correction", "inference") if r[k] is not None}
    return {"robust": robust_hotspots(scores, graphs, statistic=r.statistic, seed=v.resolve_seed(r.seed), **passed)}


def _services(run: Run) -> dict[str, Any]:
    from ..allocation.access import distance_to_services
    from ..io import read_points

    s = run.config.services
    services = read_points(s.path, id_col=s.id_col)
    population = run.column(s.population_col, what="[services] population_col")
    access = distance_to_services(run["data"], services, need=run["index"], population=population, **s.api_options())
    return {"services": access, "service_points": services}


def _access(run: Run) -> dict[str, Any]:
    from ..allocation.catchment import accessibility

    a = run.config.access
    if run.results.get("service_points") is None:
        raise v.ValidationError("[access] needs the services: add a [services] table with their path.")
    cost = pd.read_csv(a.cost_path, dtype={"origin": str, "destination": str}) if a.cost_path is not None else None
    return {"access": accessibility(run["data"], run["service_points"], cost=cost, **a.api_options())}


def _sites(run: Run) -> dict[str, Any]:
    from ..allocation.access import select_sites
    from ..allocation.location import p_median, set_cover
    from ..io import read_points

    given = {k: x for k, x in run.config.sites.items() if x is not None}
    if len(given) != 1:
        raise v.ValidationError("Give one of [sites.covering], [sites.p_median] or [sites.set_cover].")
    ((method, s),) = given.items()
    candidates = read_points(s.candidates)
    services = run.results.get("service_points")
    if method == "covering":
        return {
            "sites": select_sites(run["data"], candidates, s.k, need=run["index"], services=services, **s.api_options())
        }
    if method == "p_median":
        weight = run.values(s.weight, what="[sites.p_median] weight")
        return {"sites": p_median(run["data"], candidates, s.p, weight=weight, services=services, **s.api_options())}
    return {"sites": set_cover(run["data"], candidates, services=services, **s.api_options())}


def _zones(run: Run) -> dict[str, Any]:
    from ..spatial.zones import regionalise

    z = run.config.zones
    attrs = [z.attrs] if isinstance(z.attrs, str) else list(z.attrs)
    data = run["data"].assign(index=run["index"].score) if "index" in attrs else run["data"]
    return {"zones": regionalise(data, attrs, graph=run["graph"], **_seeded(z))}


def _groups(run: Run) -> dict[str, Any]:
    from ..allocation.groups import vulnerable_groups

    g = run.config.groups
    v.require_columns(run["data"], g.columns, what="The joined data ([groups] columns)")
    counts = run["data"][list(g.columns)]
    population = run.column(g.population_col, what="[groups] population_col")
    access = run.results.get("access") or run.results.get("services")
    groups = vulnerable_groups(counts, population, index=run["index"], hotspots=run["hotspots"], access=access,
                               **g.api_options())  # fmt: skip
    return {"groups": groups}


def _allocate(run: Run) -> dict[str, Any]:
    from ..allocation import allocate

    a = run.config.allocation
    need = run["index"] if a.need == "index" else run.values(a.need, what="[allocation] need")
    population = run.column(a.population_col, what="[allocation] population_col")
    return {"allocation": allocate(need, a.budget, population=population, hotspots=run["hotspots"], **a.api_options())}


STAGES: tuple[Stage, ...] = (
    Stage("read", "boundaries", _read),
    Stage("sources", "sources", _sources, optional=False),
    Stage("join", "join", _join),
    Stage("graph", "graph", _graph),
    Stage("change", "change", change_stage, optional=True),  # before the index: it may score the last period
    Stage("index", "index", _index),
    Stage("uncertainty", "uncertainty", _uncertainty, optional=True),
    Stage("hotspots", "hotspots", _hotspots),
    Stage("gi", "gi", _statistic("gi"), optional=True),
    Stage("geary", "geary", _statistic("geary"), optional=True),
    Stage("general_g", "general_g", _statistic("general_g"), optional=True),
    Stage("districts", "districts", _districts, optional=True),
    Stage("robust", "robust", _robust, optional=True),
    Stage("services", "services", _services, optional=True),
    Stage("access", "access", _access, optional=True),
    Stage("sites", "sites", _sites, optional=True),
    Stage("zones", "zones", _zones, optional=True),
    Stage("groups", "groups", _groups, optional=True),
    Stage("allocate", "allocation", _allocate, optional=True),
)
"""The stages of a run, in order (the map and the outputs follow, in :mod:`.outputs`)."""
