"""The one place that imports dask: lazily, with an error naming the extra that installs it."""

from __future__ import annotations

from types import ModuleType

from ..errors import DeprivationMapError

__all__ = ["require"]

_EXTRA = 'pip install "deprivation-map[dask]"'


def require(module: str) -> ModuleType:
    """Import ``module`` (``"dask_geopandas"``, ``"distributed"`` ...), or say how to install the dask engine."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise DeprivationMapError(
            f"The dask engine needs {module!r}, which is not installed ({err}). Install the extra with "
            f"{_EXTRA}, or run with engine='local' (the default)."
        ) from err
