"""What the source readers share: lazy imports of the ``sources`` extra and the CRS policy."""

from __future__ import annotations

import importlib
from types import ModuleType

import geopandas as gpd

from ... import _validation as v
from ...errors import ValidationError

ON_CRS_MISMATCH = ("raise", "reproject")


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


def same_crs(frame: gpd.GeoDataFrame, crs, policy: str, *, what: str, other: str) -> gpd.GeoDataFrame:
    """``frame`` in ``crs``: reprojected under ``policy="reproject"``, refused under ``"raise"`` when they differ."""
    v.choose(policy, ON_CRS_MISMATCH, what="on_crs_mismatch policy")
    v.require_crs(frame, what=what)
    if crs is None:
        raise ValidationError(f"{other} has no coordinate reference system; set one before using it.")
    if frame.crs == crs:
        return frame
    if policy == "raise":
        raise ValidationError(
            f"{what} are in {frame.crs.name!r} but {other} is in {getattr(crs, 'name', crs)!r}. Reproject one of "
            "them, or pass on_crs_mismatch='reproject' to reproject the first to the second's CRS."
        )
    return frame.to_crs(crs)
