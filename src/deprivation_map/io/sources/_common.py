"""What the source readers share: lazy imports of the ``sources`` extra and the CRS policy."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..._validation import ON_CRS_MISMATCH, same_crs

__all__ = ["ON_CRS_MISMATCH", "require", "same_crs"]  # the CRS policy is the library's one (_validation)


def require(module: str) -> ModuleType:
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        package = module.split(".")[0]
        raise ImportError(
            f"This needs {package}, which is not installed. Install the sources extra: "
            f'pip install "deprivation-map[sources]" (or pip install {package}).'
        ) from err
