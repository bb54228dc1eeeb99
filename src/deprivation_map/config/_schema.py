"""The machinery of the configuration schema: keys read from the API's own signatures, checked all at once.

A :class:`Section` of the configuration lists its :class:`Key` s. Most keys are the keyword-only options of
the API function the section configures (:func:`api_keys`): their type, default, allowed values and bounds
are read from that function's signature (``Literal[...]`` and ``Annotated[..., Bounds(...)]`` hints) or from
the registry the function looks its choices up in, never retyped here. :func:`check_section` checks one
parsed TOML table against its section and returns every problem it finds, one line each, so that a
configuration is validated whole before anything runs.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import difflib
import functools
import inspect
import operator
import types
import typing
import warnings
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .. import _validation as v

__all__ = [
    "REQUIRED",
    "Key",
    "Section",
    "Settings",
    "api_keys",
    "check_section",
    "defaults",
    "kinds_of",
    "replace_keys",
    "unknown",
]

REQUIRED = inspect.Parameter.empty  # a key without a default must be given
_TOML = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list", dict: "a table"}


@dataclass(frozen=True)
class Key:
    """One key of a section: what it accepts, its default and the API parameter it feeds."""

    name: str
    kinds: tuple[type, ...]  # the TOML value types accepted (str, int, float, bool, list, dict)
    default: Any = REQUIRED
    choices: Collection[str] | None = None
    bounds: v.Bounds | None = None
    param: str | None = None  # the API parameter it is passed as (None: used by the pipeline itself)
    path: bool = False  # a file path, read relative to the configuration's folder
    must_exist: bool = False
    items: type | None = None  # for lists: the type of each item
    doc: str = ""
    renamed: Mapping[str, str] = field(default_factory=dict)  # former choices, accepted with a DeprecationWarning

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True)
class Section:
    """A table of the configuration (``[graph]``), or an array of tables (``[[tables]]``) when ``many``."""

    name: str
    keys: tuple[Key, ...]
    doc: str = ""
    optional: bool = False  # absent: the step it configures does not run
    many: bool = False
    api: Callable | None = None
    open_keys: bool = False  # other keys are allowed and kept (a nested table such as [index.indicators])
    subsections: tuple[Section, ...] = field(default=())

    def key(self, name: str) -> Key:
        """The key called ``name``."""
        return next(k for k in self.keys if k.name == name)

    def subsection(self, name: str) -> Section:
        """The sub-table called ``name``."""
        return next(s for s in self.subsections if s.name == name)


def _hints(func: Callable) -> dict[str, Any]:
    """The resolved annotations of ``func``'s parameters (``Annotated`` kept); unresolvable ones are left out."""
    try:
        return typing.get_type_hints(func, include_extras=True)
    except (NameError, TypeError):
        pass
    namespace = {**vars(typing), **getattr(inspect.unwrap(func), "__globals__", {})}
    hints = {}
    for name, param in inspect.signature(func).parameters.items():
        if not isinstance(param.annotation, str):
            hints[name] = param.annotation
            continue
        parts = _union_parts(param.annotation, namespace)
        if parts:
            hints[name] = functools.reduce(operator.or_, parts)
    return hints


def _union_parts(annotation: str, namespace: dict[str, Any]) -> list[Any]:
    """The parts of a union written as text that evaluate (a type imported only for type checkers is left out).

    A part that is itself an alias written as text (``GraphLike``) is read the same way.
    """
    parts: list[Any] = []
    for part in annotation.split("|"):
        try:
            value = eval(part.strip(), namespace)
        except Exception:
            continue
        parts += _union_parts(value, namespace) if isinstance(value, str) else [value]
    return parts


def kinds_of(hint: Any) -> tuple[tuple[type, ...], tuple[str, ...] | None, v.Bounds | None, type | None]:
    """``(TOML kinds, Literal choices, bounds, list item type)`` that a type hint accepts from a TOML file."""
    bounds = None
    if typing.get_origin(hint) is typing.Annotated:
        hint, *extras = typing.get_args(hint)
        bounds = next((e for e in extras if isinstance(e, v.Bounds)), None)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [kinds_of(a) for a in typing.get_args(hint) if a is not type(None)]
        kinds = tuple(dict.fromkeys(k for p in parts for k in p[0]))
        choices = [c for p in parts for c in (p[1] or ())]
        return kinds, tuple(choices) or None, bounds or next((p[2] for p in parts if p[2]), None), None
    if origin is typing.Literal:
        return (str,), tuple(typing.get_args(hint)), bounds, None
    if origin in (list, tuple, collections.abc.Sequence, collections.abc.Collection, collections.abc.Iterable):
        args = typing.get_args(hint)
        return (list,), None, bounds, args[0] if args and args[0] in (str, int, float) else None
    if hint in (float,):
        return (float, int), None, bounds, None
    if hint in (str, int, bool):
        return (hint,), None, bounds, None
    if hint in (dict,) or origin in (dict, collections.abc.Mapping):
        return (dict,), None, bounds, None
    return (), None, bounds, None


def api_keys(
    func: Callable,
    *,
    skip: Collection[str] = (),
    choices: Mapping[str, Collection[str]] | None = None,
    docs: Mapping[str, str] | None = None,
    renamed: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[Key, ...]:
    """A key for each keyword-only option of ``func`` (except ``skip``), as its signature declares it.

    ``choices`` gives, for options looked up in a registry, that registry (its keys are the valid values);
    ``renamed``, for an option, its former values and their current names.
    An option whose type cannot come from TOML (a Series, a graph) must be skipped or mapped to a column key
    by the section; :class:`TypeError` says which.
    """
    hints = _hints(func)
    keys = []
    for name, param in inspect.signature(func).parameters.items():
        if param.kind is not inspect.Parameter.KEYWORD_ONLY or name in skip:
            continue
        kinds, literal, bounds, items = kinds_of(hints.get(name, Any))
        if not kinds:
            raise TypeError(f"{func.__name__}({name}=...) cannot be set from TOML: skip it or map it to a column.")
        allowed = (choices or {}).get(name, literal)
        keys.append(
            Key(
                name,
                kinds,
                param.default,
                allowed,
                bounds,
                param=name,
                items=items,
                doc=(docs or {}).get(name, ""),
                renamed=(renamed or {}).get(name, {}),
            )
        )
    return tuple(keys)


def unknown(key: str, valid: list[str], where: str) -> str:
    """The message for a key that is not in ``valid``, with the closest valid one suggested."""
    close = difflib.get_close_matches(key, valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    place = f"in [{where}]" if where else "at the top level"
    return f"Unknown key {key!r} {place}.{hint} Valid keys: {', '.join(valid)}."


def _kind_names(kinds: tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys(_TOML.get(k, k.__name__) for k in kinds))


def _check_value(value: Any, key: Key, where: str, base_dir: Path, errors: list[str]) -> Any:
    name = f"{where}.{key.name}"
    ok = isinstance(value, key.kinds) and not (isinstance(value, bool) and bool not in key.kinds)
    if not ok:
        errors.append(f"Key {name!r} must be {_kind_names(key.kinds)}, got {value!r}.")
        return value
    if isinstance(value, list) and key.items is not None and not all(isinstance(x, key.items) for x in value):
        errors.append(f"Key {name!r} must be a list of {_TOML[key.items]}s, got {value!r}.")
    if key.path:
        return _path(value, name, base_dir, key.must_exist, errors)
    if isinstance(value, str) and value in key.renamed:
        warnings.warn(f"Key {name!r}: {value!r} is deprecated; write {key.renamed[value]!r}.", DeprecationWarning, 2)
        value = key.renamed[value]
    for choice in [value] if isinstance(value, str) else value if isinstance(value, list) else []:
        if key.choices is not None and isinstance(choice, str) and choice not in key.choices:
            try:
                v.lookup(dict.fromkeys(key.choices), choice, what=f"value for {name!r}")
            except v.ValidationError as err:
                errors.append(str(err))
    if key.bounds is not None and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            key.bounds.check(value, what=f"Key {name!r}")
        except v.ValidationError as err:
            errors.append(str(err))
    return float(value) if float in key.kinds and int not in key.kinds and isinstance(value, int) else value


def _path(value: str, name: str, base_dir: Path, must_exist: bool, errors: list[str]) -> Path | str:
    from ..datasets import BUNDLED, get_path

    if value.startswith(BUNDLED):
        try:
            return get_path(value.removeprefix(BUNDLED))
        except v.ValidationError as err:
            errors.append(f"Key {name!r}: {err}")
            return value
    path = (base_dir / value).resolve()
    if must_exist and not path.exists():
        errors.append(
            f"Key {name!r}: no file at {str(path)!r}. Relative paths are read from the configuration file's "
            f"folder ({str(base_dir)!r}); fix the path or use an absolute one."
        )
    return path


class Settings:
    """The checked values of one section, read as attributes (``config.graph.method``) or by key.

    A sub-table is a :class:`Settings` of its own (``config.index.imd``), an array of tables a tuple of them
    (``config.sources.raster``), and an optional one that was not given is None.

    Examples
    --------
    >>> from deprivation_map.config import load_config
    >>> from deprivation_map.datasets import get_path
    >>> graph = load_config(get_path("demo.toml")).graph
    >>> graph.method, graph["islands"], graph.api_options()["method"]
    ('queen', 'raise', 'queen')
    """

    def __init__(self, section: Section, values: Mapping[str, Any], where: str = "") -> None:
        self._section = section
        self._where = where or section.name
        self._values = MappingProxyType(dict(values))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_values"][name]
        except KeyError:
            raise AttributeError(f"[{self.__dict__.get('_where')}] has no key {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __repr__(self) -> str:
        return f"Settings[{self._where}]({dict(self._values)})"

    @property
    def section(self) -> Section:
        """The section these values were checked against."""
        return self._section

    @property
    def where(self) -> str:
        """Where the table is in the file (``index.imd``)."""
        return self._where

    def items(self) -> Iterator[tuple[str, Any]]:
        """``(key, value)`` pairs, sub-tables included."""
        return iter(self._values.items())

    def to_dict(self) -> dict[str, Any]:
        """The values as plain data: sub-tables as dicts, arrays of tables as lists of dicts."""

        def plain(x: Any) -> Any:
            if isinstance(x, Settings):
                return x.to_dict()
            if isinstance(x, tuple) and x and all(isinstance(y, Settings) for y in x):
                return [y.to_dict() for y in x]
            return x

        return {k: plain(x) for k, x in self._values.items()}

    def api_options(self) -> dict[str, Any]:
        """The keyword options for the API function this section configures (lists become tuples)."""
        options = {k.param: self._values[k.name] for k in self._section.keys if k.param and k.name in self._values}
        return {k: tuple(x) if isinstance(x, list) else x for k, x in options.items()}


def check_section(
    section: Section, raw: Any, where: str, base_dir: Path, errors: list[str]
) -> Settings | tuple[Settings, ...]:
    """The values of one table, or of each table of an array (``many``), appending every problem to ``errors``."""
    if section.many and isinstance(raw, list):
        return tuple(_check_table(section, item, f"{where}[{i}]", base_dir, errors) for i, item in enumerate(raw))
    table = _check_table(section, raw, where, base_dir, errors)
    return (table,) if section.many else table


def _check_table(section: Section, raw: Any, where: str, base_dir: Path, errors: list[str]) -> Settings:
    if not isinstance(raw, dict):
        errors.append(f"[{where}] must be a table of keys, got {type(raw).__name__}.")
        return Settings(section, {}, where)
    names = [k.name for k in section.keys] + [s.name for s in section.subsections]
    if not section.open_keys:
        errors.extend(unknown(k, names, where) for k in raw if k not in names)
    values: dict[str, Any] = {}
    for key in section.keys:
        if key.name in raw:
            values[key.name] = _check_value(raw[key.name], key, where, base_dir, errors)
        elif key.required:
            errors.append(f"The configuration needs the key '{where}.{key.name}' ({key.doc or 'no default'}).")
        elif key.path and isinstance(key.default, str):  # a default path is relative to the file, as given ones
            values[key.name] = _path(key.default, f"{where}.{key.name}", base_dir, False, errors)
        else:
            values[key.name] = key.default
    for sub in section.subsections:
        if sub.name in raw:
            values[sub.name] = check_section(sub, raw[sub.name], f"{where}.{sub.name}", base_dir, errors)
        elif sub.optional or sub.many:
            values[sub.name] = () if sub.many else None
        else:
            values[sub.name] = _check_table(sub, {}, f"{where}.{sub.name}", base_dir, errors)
    if section.open_keys:
        values.update({k: val for k, val in raw.items() if k not in names})
    return Settings(section, values, where)


def defaults(section: Section, base_dir: Path) -> Settings:
    """The values of a section that is absent from the file (every key has a default)."""
    errors: list[str] = []
    return _check_table(section, {}, section.name, base_dir, errors)


def replace_keys(keys: tuple[Key, ...], **changes: Mapping[str, Any]) -> tuple[Key, ...]:
    """``keys`` with some fields of some keys changed (``path={"must_exist": True}``)."""
    return tuple(dataclasses.replace(k, **changes[k.name]) if k.name in changes else k for k in keys)
