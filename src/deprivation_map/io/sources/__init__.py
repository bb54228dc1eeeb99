"""Indicators from other kinds of source, each as a frame indexed by the target areas' IDs.

- :func:`zonal_stats`: a raster summarised per area (mean, sum, share of cells above a threshold ...);
- :func:`count_points`: point records (geocoded service users, cases) counted per area, with rates per
  population and small counts suppressed;
- :func:`interpolate_areas`: indicators moved from another boundary vintage by areal interpolation.

rasterio and tobler are heavy: they install with the ``sources`` extra
(``pip install "deprivation-map[sources]"``) and are imported only when a function needs them.
"""

from __future__ import annotations

from ._common import ON_CRS_MISMATCH
from .interpolation import interpolate_areas
from .points import count_points
from .rasters import zonal_stats

__all__ = ["ON_CRS_MISMATCH", "count_points", "interpolate_areas", "zonal_stats"]
