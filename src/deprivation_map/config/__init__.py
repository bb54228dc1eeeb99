"""The validated schema of a pipeline configuration (TOML), read from the API it configures.

Each table of the file configures one step, and its keys are that step's keyword options, with the same
names, defaults and allowed values as the Python function (read from its signature and the registries it
looks names up in, never retyped here): ``[graph]`` is :func:`~deprivation_map.build_graph`, ``[index]``
:func:`~deprivation_map.build_index`, ``[hotspots]`` :func:`~deprivation_map.local_moran`, ``[map]``
:func:`~deprivation_map.explore`, ``[allocation]`` :func:`~deprivation_map.allocate`. A few keys name files
and columns. The whole file is checked before anything runs; every problem is reported, one line each, as
one :class:`~deprivation_map.errors.ConfigError` naming the key (``index.normalise``) and the fix. Relative
paths are relative to the configuration file; ``bundled:NAME`` names a file bundled with the library.

Example::

    [boundaries]
    path = "areas.gpkg"
    id_col = "code"

    [indicators]            # optional: without it, the indicators are columns of the boundaries file
    path = "indicators.csv"
    id_col = "code"

    [index.indicators]
    poverty = 1
    degree = -1

    # or, with domains, weights and outlier treatments:
    # [index.indicators.income]
    # weight = 2
    # indicators = { poverty = 1, degree = { direction = -1, treatment = "winsorise" } }

    [hotspots]
    seed = 0

    # optional: share a budget by need (the index, or a column), per person, between a floor and a cap
    # [allocation]
    # budget = 1000000
    # population_col = "population"
    # negative = "shift"   # index scores are z-scores: say how to make them non-negative
"""

from __future__ import annotations

import json
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import ConfigError, DeprivationMapError
from . import _schema as s

__all__ = ["Config", "Settings", "load_config", "sections"]


@cache
def sections() -> tuple[s.Section, ...]:
    """Every section of the configuration, in the order the pipeline runs them.

    Examples
    --------
    >>> [section.name for section in sections()][:4]
    ['boundaries', 'indicators', 'join', 'graph']
    >>> section = next(x for x in sections() if x.name == "graph")
    >>> import inspect, deprivation_map as dm
    >>> section.key("method").default == inspect.signature(dm.build_graph).parameters["method"].default
    True
    """
    from ..allocation.equity import BASELINES
    from ..allocation.shares import METHODS, MISSING, NEGATIVE, allocate
    from ..index.aggregate import AGGREGATORS
    from ..index.composite import MISSING as INDEX_MISSING
    from ..index.composite import build_index
    from ..index.impute import RENAMED as INDEX_RENAMED
    from ..index.normalise import NORMALISERS
    from ..index.weighting import WEIGHTINGS
    from ..io.boundaries import ON_INVALID, read_boundaries
    from ..io.join import KEYS, ON_UNMATCHED, join_indicators
    from ..io.tables import ON_UNPARSED, read_indicators
    from ..maps.classify import SCHEMES
    from ..maps.i18n import LANGS
    from ..maps.interactive import RENDERERS, explore
    from ..maps.palettes import SEQUENTIAL
    from ..spatial import MISSING as STAT_MISSING
    from ..spatial import TRANSFORMS
    from ..spatial.graph import BUILDERS, COMPONENTS, ISLANDS, build_graph
    from ..spatial.inference import ALTERNATIVES
    from ..spatial.lisa import local_moran
    from ..spatial.multiple_testing import CORRECTIONS

    def path(doc: str) -> s.Key:
        return s.Key("path", (str,), path=True, must_exist=True, doc=doc)

    def column(name: str, doc: str, *, required: bool = False) -> s.Key:
        return s.Key(name, (str,), s.REQUIRED if required else None, doc=doc)

    id_col = s.Key("id_col", (str,), doc="the column holding the area code", param="id_col")
    return (
        s.Section(
            "boundaries",
            (
                path("the boundaries file (GeoPackage, GeoJSON, Shapefile, FlatGeobuf, GeoParquet)"),
                s.Key("id_col", (str, list), items=str, param="id_col", doc="the column(s) holding the area code"),
                s.Key("crs", (str, int), None, param="crs", doc="the CRS when the file has none (EPSG code)"),
                *s.api_keys(read_boundaries, skip=("id_col", "crs"), choices={"on_invalid": ON_INVALID}),
                column("name_col", "a column of area names, shown in tooltips and reports"),
            ),
            doc="The areas.",
            api=read_boundaries,
        ),
        s.Section(
            "indicators",
            (
                path("the indicator table (CSV, Excel, Parquet)"),
                id_col,
                *s.api_keys(read_indicators, skip=("id_col",), choices={"on_unparsed": ON_UNPARSED}),
            ),
            doc="The indicator table. Without it, the indicators are columns of the boundaries file.",
            optional=True,
            api=read_indicators,
        ),
        s.Section(
            "join",
            s.api_keys(join_indicators, choices={"on_unmatched": ON_UNMATCHED, "keys": KEYS}),
            doc="Joining the table to the areas by ID.",
            api=join_indicators,
        ),
        s.Section(
            "graph",
            s.api_keys(build_graph, choices={"method": BUILDERS, "islands": ISLANDS, "components": COMPONENTS}),
            doc="Who neighbours whom.",
            api=build_graph,
        ),
        s.Section(
            "index",
            (
                s.Key("indicators", (dict,), doc="the indicators with their direction, nested in domains"),
                *s.api_keys(
                    build_index,
                    skip=("graph",),
                    choices={
                        "normalise": NORMALISERS,
                        "weighting": WEIGHTINGS,
                        "aggregate": AGGREGATORS,
                        "missing": INDEX_MISSING,
                    },
                    renamed={"missing": INDEX_RENAMED},
                ),
            ),
            doc="The composite index.",
            api=build_index,
        ),
        s.Section(
            "hotspots",
            s.api_keys(
                local_moran,
                choices={
                    "alternative": ALTERNATIVES,
                    "correction": CORRECTIONS,
                    "missing": STAT_MISSING,
                    "transform": TRANSFORMS,
                },
            ),
            doc="Global Moran's I and the LISA clusters of the index (global_moran takes the options it shares).",
            api=local_moran,
        ),
        s.Section(
            "allocation",
            (
                s.Key("budget", (float, int), doc="the amount to share"),
                s.Key("need", (str,), "index", doc='"index" (the composite score) or a column of the data'),
                column("population_col", "a column of population, for amounts per person"),
                *s.api_keys(
                    allocate,
                    skip=("population", "hotspots"),
                    choices={"method": METHODS, "negative": NEGATIVE, "missing": MISSING, "baseline": BASELINES},
                ),
            ),
            doc="Sharing a budget by need. Without it, nothing is allocated.",
            optional=True,
            api=allocate,
        ),
        s.Section(
            "map",
            s.api_keys(
                explore,
                skip=("index", "hotspots", "gi", "allocation", "services", "name_col", "services_name_col", "bins"),
                choices={"scheme": SCHEMES, "palette": SEQUENTIAL, "allocation_palette": SEQUENTIAL, "lang": LANGS}
                | {"renderer": RENDERERS},
            ),
            doc="The interactive map (its language is also the report's).",
            api=explore,
        ),
        s.Section(
            "output",
            (
                s.Key("dir", (str,), "out", path=True, doc="the output folder; the CLI's --out overrides it"),
                s.Key("map", (str,), "map.html", doc="the map's file name"),
                s.Key("geopackage", (str,), "results.gpkg", doc="the results with their geometries"),
                s.Key("csv", (str,), "results.csv", doc="the results as a table"),
                s.Key("report", (str,), None, doc='e.g. "report.html": also write the report (needs matplotlib)'),
            ),
            doc="What is written, and where.",
        ),
    )


class Settings:
    """The checked values of one section, read as attributes (``config.graph.method``) or by key.

    Examples
    --------
    >>> from deprivation_map.datasets import get_path
    >>> graph = load_config(get_path("demo.toml")).graph
    >>> graph.method, graph["islands"], graph.api_options()["method"]
    ('queen', 'raise', 'queen')
    """

    def __init__(self, section: s.Section, values: Mapping[str, Any]) -> None:
        self._section = section
        self._values = MappingProxyType(dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"[{self._section.name}] has no key {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __repr__(self) -> str:
        return f"Settings[{self._section.name}]({dict(self._values)})"

    def to_dict(self) -> dict[str, Any]:
        """The values as a plain dict."""
        return dict(self._values)

    def api_options(self) -> dict[str, Any]:
        """The keyword options for the API function this section configures (lists become tuples)."""
        options = s.api_options(self._section, self._values)
        return {k: tuple(x) if isinstance(x, list) else x for k, x in options.items()}


@dataclass(frozen=True, eq=False)
class Config:
    """A whole pipeline run: one :class:`Settings` per section (None for an optional section not given).

    Examples
    --------
    >>> from pathlib import Path
    >>> raw = {"boundaries": {"path": "bundled:georgia_counties.gpkg", "id_col": "AreaKey"},
    ...        "indicators": {"path": "bundled:georgia_indicators.csv", "id_col": "AreaKey"},
    ...        "index": {"indicators": {"PctPov": 1, "PctBach": -1}}, "map": {"lang": "es"}}
    >>> config = Config.from_dict(raw, base_dir=Path("."))
    >>> config.boundaries.path.name, config.map.lang, config.graph.method, config.hotspots.correction  # defaults
    ('georgia_counties.gpkg', 'es', 'queen', 'fdr')
    >>> config.allocation is None  # an optional step that was not configured
    True
    """

    settings: Mapping[str, Settings | None]
    source: Path | None = None

    def __getattr__(self, name: str) -> Any:  # Settings, or None for an optional section not given
        settings = self.__dict__.get("settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(f"The configuration has no section {name!r}")

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every section's values, as plain data (paths as text): what the run's metadata records."""
        return {
            name: {k: str(x) if isinstance(x, Path) else x for k, x in values.items()}
            for name, section in self.settings.items()
            if section is not None
            for values in [section.to_dict()]
        }

    def to_toml(self, folder: Path) -> str:
        """The configuration as run, every key with its value, for a copy saved in ``folder``.

        Input paths become relative to ``folder`` (bundled files stay ``bundled:NAME``) and ``[output] dir``
        becomes ``"."``, so that running the copy reads the same files and writes beside it. Keys whose
        value is None (the API's "not set") are left out: TOML has no null.
        """
        lines = []
        for name, values in self.to_dict().items():
            lines.append(f"[{name}]")
            for key, value in values.items():
                if name == "output" and key == "dir":
                    value = "."
                elif isinstance(value, str) and isinstance(self.settings[name][key], Path):
                    value = _portable(Path(value), folder)
                if value is not None:
                    lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
            lines.append("")
        return "\n".join(lines)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], *, base_dir: Path, source: Path | None = None) -> Config:
        """Check a parsed TOML document whole; relative paths are resolved against ``base_dir``.

        Raises
        ------
        ConfigError
            Listing every problem found, one per line.
        """
        errors: list[str] = []
        by_name = {section.name: section for section in sections()}
        errors.extend(s.unknown(name, list(by_name), "") for name in raw if name not in by_name)
        settings: dict[str, Settings | None] = {}
        for section in by_name.values():
            if section.name in raw:
                values = s.check_section(section, raw[section.name], section.name, base_dir, errors)
            elif section.optional:
                settings[section.name] = None
                continue
            elif any(k.required for k in section.keys):
                errors.append(f"The configuration needs a [{section.name}] table: {section.doc}")
                continue
            else:
                values = s.defaults(section)
            settings[section.name] = Settings(section, values)
        if not errors and "index" in settings:
            errors.extend(_check_spec(settings["index"]))
        if errors:
            raise ConfigError("\n".join(errors))
        return cls(MappingProxyType(settings), source)


def _portable(path: Path, folder: Path) -> str:
    """``bundled:NAME`` for a bundled file, else the path relative to ``folder`` (absolute on another drive)."""
    from ..datasets import BUNDLED, get_path

    try:
        if get_path(path.name) == path:
            return BUNDLED + path.name
    except DeprivationMapError:
        pass
    try:
        return os.path.relpath(path, folder.resolve())
    except ValueError:  # another drive (Windows)
        return str(path)


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _toml_value(value: Any) -> str:
    """A TOML value: strings, numbers, booleans, lists and (inline) tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in value.items()) + " }"
    return "[" + ", ".join(_toml_value(x) for x in value) + "]"


def _check_spec(index: Settings | None) -> list[str]:
    """The nested [index.indicators] table, checked by the same parser :func:`build_index` uses."""
    from ..index.spec import parse_spec

    try:
        parse_spec(index.indicators)
    except DeprivationMapError as err:
        return [f"Key 'index.indicators': {err}"]
    return []


def load_config(path: str | Path) -> Config:
    """Read and check a TOML configuration file (every problem is reported at once).

    Examples
    --------
    >>> from deprivation_map.datasets import get_path
    >>> config = load_config(get_path("demo.toml"))
    >>> config.index.indicators
    {'PctPov': 1, 'PctBach': -1}
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"No configuration file at {str(path)!r}. Check the path.")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path.name} is not valid TOML: {err}.") from err
    return Config.from_dict(raw, base_dir=path.resolve().parent, source=path.resolve())
