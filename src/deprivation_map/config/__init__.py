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

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..errors import ConfigError, DeprivationMapError
from . import _schema as s
from ._change import check_change
from ._schema import Settings
from ._sections import sections
from ._toml import to_toml

__all__ = ["Config", "Settings", "load_config", "recipe_of", "sections"]

Settings.__module__ = __name__  # documented here, where users meet it

_RECIPES = ("imd", "svi", "townsend", "carstairs", "pca")


@dataclass(frozen=True, eq=False)
class Config:
    """A whole pipeline run: the checked values of every section.

    A section is a :class:`Settings` (an optional one not given is None; one that may repeat, such as
    ``[[indicators]]``, a tuple of them), read as an attribute: ``config.graph.method``.

    Examples
    --------
    >>> from pathlib import Path
    >>> raw = {"boundaries": {"path": "bundled:georgia_counties.gpkg", "id_col": "AreaKey"},
    ...        "indicators": {"path": "bundled:georgia_indicators.csv", "id_col": "AreaKey"},
    ...        "index": {"indicators": {"PctPov": 1, "PctBach": -1}}, "map": {"lang": "es"}}
    >>> config = Config.from_dict(raw, base_dir=Path("."))
    >>> config.boundaries.path.name, config.map.lang, config.graph.method, config.hotspots.correction  # defaults
    ('georgia_counties.gpkg', 'es', 'queen', 'fdr')
    >>> config.allocation is None, len(config.indicators)  # a step not configured; one table
    (True, 1)
    """

    settings: Mapping[str, Any]
    source: Path | None = None

    def __getattr__(self, name: str) -> Any:  # Settings, a tuple of them, or None for an optional section
        settings = self.__dict__.get("settings", {})
        if name in settings:
            return settings[name]
        raise AttributeError(f"The configuration has no section {name!r}")

    def to_dict(self) -> dict[str, Any]:
        """Every section's values, as plain data (paths as text): what the run's metadata records."""

        def plain(x: Any) -> Any:
            if isinstance(x, Settings):
                return {k: plain(y) for k, y in x.to_dict().items()}
            if isinstance(x, tuple | list):
                return [plain(y) for y in x]
            if isinstance(x, dict):
                return {k: plain(y) for k, y in x.items()}
            return str(x) if isinstance(x, Path) else x

        return {name: plain(value) for name, value in self.settings.items() if value is not None}

    def to_toml(self, folder: Path) -> str:
        """The configuration as run, every key with its value, for a copy saved in ``folder``.

        Input paths become relative to ``folder`` (bundled files stay ``bundled:NAME``) and ``[output] dir``
        becomes ``"."``, so that running the copy reads the same files and writes beside it. Keys whose
        value is None (the API's "not set") are left out: TOML has no null.
        """
        return to_toml(self.settings, folder)

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
        settings: dict[str, Any] = {}
        for section in by_name.values():
            if section.name in raw:
                settings[section.name] = s.check_section(section, raw[section.name], section.name, base_dir, errors)
            elif section.many:
                settings[section.name] = ()
            elif section.optional:
                settings[section.name] = None
            elif any(k.required for k in section.keys):
                errors.append(f"The configuration needs a [{section.name}] table: {section.doc}")
            else:
                settings[section.name] = s.defaults(section, base_dir)
        if not errors:
            errors.extend(_check_index(settings["index"]))
            errors.extend(_check_sources(settings))
            if settings.get("change") is not None:
                settings["change"] = check_change(settings["change"], base_dir, errors)
        if errors:
            raise ConfigError("\n".join(errors))
        return cls(MappingProxyType(settings), source)


def recipe_of(index: Settings) -> str | None:
    """The recipe sub-table given in [index] (``"imd"`` ...), or None for [index.indicators].

    Examples
    --------
    >>> from deprivation_map.datasets import get_path
    >>> recipe_of(load_config(get_path("demo.toml")).index) is None
    True
    """
    given = [name for name in _RECIPES if index[name] is not None]
    return given[0] if given else None


def _check_index(index: Settings) -> list[str]:
    """[index] takes indicators or one recipe; the nested indicators are checked by build_index's own parser."""
    from ..index.spec import parse_spec

    recipes = [name for name in _RECIPES if index[name] is not None]
    if len(recipes) > 1 or (recipes and index.indicators is not None):
        given = [f"[index.{r}]" for r in recipes] + (["[index.indicators]"] if index.indicators is not None else [])
        return [f"[index] takes [index.indicators] or one recipe, got {' and '.join(given)}; keep one."]
    if recipes:
        return []
    if index.indicators is None:
        recipes_given = ", ".join(f"[index.{r}]" for r in _RECIPES)
        return [
            f"The configuration needs [index.indicators] (indicators and directions) or a recipe ({recipes_given})."
        ]
    try:
        parse_spec(index.indicators)
    except DeprivationMapError as err:
        return [f"Key 'index.indicators': {err}"]
    return []


def _check_sources(settings: Mapping[str, Any]) -> list[str]:
    """Each input is a file (path) or a database (url with table or query), and no URL holds a password."""
    from ..io.database import redact_url

    inputs = [settings["boundaries"], *settings["indicators"]]
    errors = [
        f"[{i.where}] needs a file (path = ...) or a database (url = ... with table or query), not "
        f"{'both' if i.path is not None else 'neither'}."
        for i in inputs
        if (i.path is None) == (i.url is None)
    ]
    urls = [(i.where, i.url) for i in inputs] + [("output", settings["output"].database)]
    errors += [
        f"[{where}] url holds a password ({redact_url(url)}): never write it in a configuration. Set PGPASSWORD, "
        "or use ~/.pgpass or a service (postgresql:///?service=NAME with ~/.pg_service.conf)."
        for where, url in urls
        if url is not None and redact_url(url) != url
    ]
    return errors


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
