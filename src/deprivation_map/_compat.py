"""The module paths of releases before the stage packages, kept working with a ``DeprecationWarning``.

``deprivation_map.composite`` became ``deprivation_map.index.composite``, ``deprivation_map.graph``
``deprivation_map.spatial.graph`` and so on (:data:`MOVED`). Importing an old path, or reading it as an
attribute of the package (``dm.composite``), returns the module at its new path and warns, naming it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from types import ModuleType

__all__ = ["MOVED", "install_old_paths", "moved_module"]

_PACKAGE = __name__.rpartition(".")[0]

MOVED = {  # old module -> its new home (submodules of a moved package follow it)
    "tables": "io.detection",
    "join": "io.join",
    "writers": "io.writers",
    "sources": "io.sources",
    "indicators": "index.spec",
    "normalise": "index.normalise",
    "treat": "index.treat",
    "impute": "index.impute",
    "weighting": "index.weighting",
    "aggregate": "index.aggregate",
    "composite": "index.composite",
    "recipes": "index.recipes",
    "svi": "index.svi",
    "diagnostics": "index.diagnostics",
    "uncertainty": "index.sensitivity",
    "graph": "spatial.graph",
    "multiple_testing": "spatial.multiple_testing",
    "global_stats": "spatial.global_stats",
    "local_moran": "spatial.lisa",
    "getis_ord": "spatial.getis_ord",
    "robust": "spatial.robust",
    "districts": "spatial.districts",
    "autocorrelation": "spatial",
    "equity": "allocation.equity",
    "access": "allocation.access",
    "report": "maps.report",
    "maps.explore": "maps.interactive",
}


def _new_path(fullname: str) -> str | None:
    """The new dotted path of an old one, or None when ``fullname`` did not move."""
    prefix = _PACKAGE + "."
    if not fullname.startswith(prefix):
        return None
    parts = fullname[len(prefix) :].split(".")
    for cut in range(len(parts), 0, -1):  # the longest moved prefix
        old = ".".join(parts[:cut])
        if old in MOVED:
            return prefix + ".".join([MOVED[old], *parts[cut:]])
    return None


def moved_module(old: str, *, stacklevel: int = 2) -> ModuleType:
    """Import the module that ``old`` (a full dotted path) moved to, warning with its new path."""
    new = _new_path(old)
    assert new is not None, f"{old} is not a moved module"  # callers ask only for names in MOVED
    warnings.warn(
        f"{old} moved to {new}; import it from there (the old path will be removed in a future release).",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )
    return importlib.import_module(new)


class _Alias(importlib.abc.Loader):
    def __init__(self, new: str) -> None:
        self.new = new

    def create_module(self, spec):  # the default module object: exec_module swaps it for the real one
        return None

    def exec_module(self, module: ModuleType) -> None:
        # The import system takes the module back from sys.modules after this call, so the old name ends
        # up bound to the module at its new path (whose own __spec__ stays untouched).
        sys.modules[module.__name__] = moved_module(module.__name__, stacklevel=4)


class _OldPaths(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        new = _new_path(fullname)
        return None if new is None else importlib.util.spec_from_loader(fullname, _Alias(new))


def install_old_paths() -> None:
    """Make the old module paths importable (once per process)."""
    if not any(isinstance(finder, _OldPaths) for finder in sys.meta_path):
        sys.meta_path.insert(0, _OldPaths())  # before the path finder, which would load a file twice
