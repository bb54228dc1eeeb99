"""The installed version of deprivation_map (a module of its own, so that any module can read it)."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("deprivation-map")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
