"""Writing a checked configuration back as TOML: the record of a run, which runs again as it is."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import DeprivationMapError
from ._schema import Settings

__all__ = ["to_toml"]


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


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _value(value: Any) -> str:
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
        return "{ " + ", ".join(f"{_key(str(k))} = {_value(x)}" for k, x in value.items()) + " }"
    return "[" + ", ".join(_value(x) for x in value) + "]"


def _table(header: str, settings: Settings, folder: Path) -> list[str]:
    """``header`` and the keys of one table (None left out: TOML has no null), then its sub-tables."""
    lines, nested = [header], []
    for key, value in settings.items():
        if isinstance(value, Settings):
            nested.append((f"[{value.where}]", value))
        elif isinstance(value, tuple) and value and all(isinstance(x, Settings) for x in value):
            nested += [(f"[[{_array_name(x.where)}]]", x) for x in value]
        elif value is None or value == ():
            continue
        else:
            if isinstance(value, Path):
                value = "." if settings.where == "output" and key == "dir" else _portable(value, folder)
            elif isinstance(value, Mapping):  # a table of paths ([change] tables)
                value = {k: _portable(x, folder) if isinstance(x, Path) else x for k, x in value.items()}
            lines.append(f"{_key(key)} = {_value(value)}")
    lines = [*lines, ""] if len(lines) > 1 else []  # a table with no key of its own is not written
    for sub_header, sub in nested:
        lines += _table(sub_header, sub, folder)
    return lines


def _array_name(where: str) -> str:
    """``sources.raster`` for the table written at ``sources.raster[1]``."""
    return ".".join(part.split("[")[0] for part in where.split("."))


def to_toml(settings: Mapping[str, Settings | tuple[Settings, ...] | None], folder: Path) -> str:
    """Every section as TOML, input paths relative to ``folder`` and ``[output] dir = "."``."""
    lines: list[str] = []
    for name, value in settings.items():
        for table in value if isinstance(value, tuple) else [value]:
            if table is not None:
                header = f"[[{name}]]" if isinstance(value, tuple) else f"[{name}]"
                lines += _table(header, table, folder)
    return "\n".join(lines)
