"""The validated schema of a pipeline configuration (TOML).

A configuration names the input files and their ID columns, the indicators with their direction, and the
choices of every step. Every problem is reported as one :class:`~deprivation_map.errors.ConfigError`
naming the key (``index.normalise``) and the fix. Relative paths are relative to the configuration file;
``bundled:NAME`` names a file bundled with the library (see :mod:`deprivation_map.datasets`).

Example::

    [boundaries]
    path = "areas.gpkg"
    id_col = "code"

    [indicators]
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

import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import _validation as v
from .allocation.shares import METHODS as ALLOCATION_METHODS
from .allocation.shares import MISSING as ALLOCATION_MISSING
from .allocation.shares import NEGATIVE
from .errors import ConfigError, DeprivationMapError
from .index.aggregate import AGGREGATORS
from .index.composite import MISSING as INDEX_MISSING
from .index.normalise import NORMALISERS
from .index.weighting import WEIGHTINGS
from .io.join import KEYS, ON_UNMATCHED
from .maps.i18n import LANGS
from .maps.interactive import SCHEMES
from .maps.palettes import SEQUENTIAL
from .spatial import MISSING as STAT_MISSING
from .spatial.graph import BUILDERS, COMPONENTS, ISLANDS
from .spatial.inference import ALTERNATIVES, INFERENCES, check_permutations
from .spatial.multiple_testing import CORRECTIONS

__all__ = ["Config", "load_config"]

BUNDLED = "bundled:"


def _choices(options: Collection[str]) -> Any:
    """A field whose value must be one of ``options`` (a registry or a tuple); the first is the default."""
    return field(default=next(iter(options)), metadata={"choices": dict.fromkeys(options)})


_INPUT = {"must_exist": True}


@dataclass(frozen=True)
class BoundariesConfig:
    path: Path = field(metadata=_INPUT)
    id_col: str
    layer: str | None = None
    crs: str | None = None
    name_col: str | None = None


@dataclass(frozen=True)
class TableConfig:
    path: Path = field(metadata=_INPUT)
    id_col: str
    sep: str | None = None  # None: detected and reported (see deprivation_map.io.detection)
    decimal: str | None = None
    encoding: str | None = None
    thousands: str | None = None
    sheet: str | None = None


@dataclass(frozen=True)
class JoinConfig:
    on_unmatched: str = _choices(ON_UNMATCHED)
    keys: str = _choices(KEYS)


@dataclass(frozen=True)
class IndexConfig:
    indicators: dict
    normalise: str = _choices(NORMALISERS)
    weighting: str = _choices(WEIGHTINGS)
    aggregate: str = _choices(AGGREGATORS)
    missing: str = _choices(INDEX_MISSING)
    min_available: float = 0.0  # the least share of indicators an area needs to be imputed and scored

    def __post_init__(self) -> None:
        # Domains, weights and treatments nest inside [index.indicators]; see indicators.parse_spec.
        from .index.spec import parse_spec

        try:
            parse_spec(self.indicators)
        except DeprivationMapError as err:
            raise ConfigError(f"Key 'index.indicators': {err}") from err


@dataclass(frozen=True)
class GraphConfig:
    method: str = _choices(BUILDERS)
    islands: str = _choices(ISLANDS)
    k: int | None = None  # knn / kernel: neighbours per area
    threshold: float | None = None  # distance / kernel: band or bandwidth, in CRS units
    kernel: str = "gaussian"
    components: str = _choices(COMPONENTS)


@dataclass(frozen=True)
class HotspotsConfig:
    permutations: int | str = "auto"  # "auto": as many as the correction needs (see local_moran)
    seed: int | None = None
    alpha: float = 0.05
    alternative: str = _choices(ALTERNATIVES)
    missing: str = _choices(STAT_MISSING)
    correction: str = _choices(CORRECTIONS)
    inference: str = _choices(INFERENCES)

    def __post_init__(self) -> None:
        try:
            check_permutations(self.permutations, minimum=0)
        except DeprivationMapError as err:
            raise ConfigError(f"Key 'hotspots.permutations': {err}") from err


@dataclass(frozen=True)
class MapConfig:
    scheme: str = _choices(SCHEMES)
    k: int = 5
    palette: str = _choices(SEQUENTIAL)
    tiles: str | None = None  # a folium basemap name; none by default, so the saved map needs no network
    lang: str = _choices(LANGS)  # language of the map's and the report's labels: en, es, ca, el


@dataclass(frozen=True)
class AllocationConfig:
    budget: float
    need: str = "index"  # "index" (the composite score) or a column of the joined data
    population_col: str | None = None
    method: str = _choices(ALLOCATION_METHODS)
    floor: float = 0.0
    cap: float | None = None
    power: float | None = None  # progressive: need ** power
    threshold: float | str | None = None  # threshold: a need value, "decile" or "hotspots" (see allocate)
    negative: str = _choices(NEGATIVE)
    missing: str = _choices(ALLOCATION_MISSING)
    units: bool = False  # whole units (no cents)


@dataclass(frozen=True)
class OutputConfig:
    dir: Path = Path("out")
    map: str = "map.html"
    geopackage: str = "results.gpkg"
    csv: str = "results.csv"
    report: str | None = None  # e.g. "report.html": also write the HTML report (needs matplotlib)


@dataclass(frozen=True)
class Config:
    """A whole pipeline run; see the module docstring for the TOML form.

    Examples
    --------
    >>> from pathlib import Path
    >>> from deprivation_map.config import Config
    >>> raw = {"boundaries": {"path": "bundled:georgia_counties.gpkg", "id_col": "AreaKey"},
    ...        "indicators": {"path": "bundled:georgia_indicators.csv", "id_col": "AreaKey"},
    ...        "index": {"indicators": {"PctPov": 1, "PctBach": -1}}, "map": {"lang": "es"}}
    >>> config = Config.from_dict(raw, base_dir=Path("."))
    >>> config.boundaries.path.name, config.map.lang, config.graph.method, config.hotspots.correction  # defaults
    ('georgia_counties.gpkg', 'es', 'queen', 'fdr')
    """

    boundaries: BoundariesConfig
    indicators: TableConfig
    index: IndexConfig
    join: JoinConfig = JoinConfig()
    graph: GraphConfig = GraphConfig()
    hotspots: HotspotsConfig = HotspotsConfig()
    map: MapConfig = MapConfig()
    output: OutputConfig = OutputConfig()
    allocation: AllocationConfig | None = None  # no allocation unless an [allocation] table is given
    source: Path | None = None

    @classmethod
    def from_dict(cls, raw: dict, *, base_dir: Path, source: Path | None = None) -> Config:
        """Validate a parsed TOML document; relative paths are resolved against ``base_dir``."""
        sections = {f.name: f for f in dataclasses.fields(cls) if f.name != "source"}
        values = _section(cls, raw, "", base_dir, sections=sections)
        return cls(**values, source=source)


def _unknown(key: str, valid: list[str], where: str) -> ConfigError:
    close = difflib.get_close_matches(key, valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    place = f"in [{where}]" if where else "at the top level"
    return ConfigError(f"Unknown key {key!r} {place}.{hint} Valid keys: {', '.join(valid)}.")


def _section(cls, raw: Any, where: str, base_dir: Path, *, sections=None) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ConfigError(f"[{where}] must be a table of keys, got {type(raw).__name__}.")
    fields = sections or {f.name: f for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in fields:
            raise _unknown(key, list(fields), where)
    hints = typing.get_type_hints(cls)
    out = {}
    for name, spec in fields.items():
        key = f"{where}.{name}" if where else name
        if name not in raw:
            if spec.default is dataclasses.MISSING:
                what = f"a [{key}] table" if dataclasses.is_dataclass(hints[name]) else f"the key {key!r}"
                raise ConfigError(f"The configuration needs {what}; see the example in the documentation.")
            continue
        out[name] = _value(raw[name], hints[name], spec, key, base_dir)
    return out


def _value(value: Any, hint: Any, spec: dataclasses.Field, key: str, base_dir: Path) -> Any:
    allowed = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    allowed = tuple(a for a in allowed if a is not type(None))
    if dataclasses.is_dataclass(allowed[0]):  # a section, optional or not
        return allowed[0](**_section(allowed[0], value, key, base_dir))
    if Path in allowed:
        return _path(value, key, base_dir, must_exist=spec.metadata.get("must_exist", False))
    if float in allowed and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        names = " or ".join(a.__name__ for a in allowed)
        raise ConfigError(f"Key {key!r} must be a {names}, got {value!r}.")
    if "choices" in spec.metadata:
        v.lookup(spec.metadata["choices"], value, what=f"value for {key!r}", error=ConfigError)
    return value


def _path(value: Any, key: str, base_dir: Path, *, must_exist: bool) -> Path:
    if not isinstance(value, str):
        raise ConfigError(f"Key {key!r} must be a path (a string), got {value!r}.")
    if value.startswith(BUNDLED):
        from .datasets import get_path

        try:
            return get_path(value.removeprefix(BUNDLED))
        except DeprivationMapError as err:
            raise ConfigError(f"Key {key!r}: {err}") from err
    path = (base_dir / value).resolve()
    if must_exist and not path.is_file():
        raise ConfigError(
            f"Key {key!r}: no file at {str(path)!r}. Relative paths are read from the configuration file's folder "
            f"({str(base_dir)!r}); fix the path or use an absolute one."
        )
    return path


def load_config(path: str | Path) -> Config:
    """Read and validate a TOML configuration file.

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
