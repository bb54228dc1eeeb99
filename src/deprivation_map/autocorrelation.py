"""Spatial autocorrelation, in one place: global statistics, local statistics (hotspots) and their policies.

The statistics live in one module per concept and are re-exported here (and from ``deprivation_map``):

- :mod:`deprivation_map.global_stats`: :func:`global_moran`, :func:`geary`, :func:`general_g`,
  :func:`bivariate_moran`;
- :mod:`deprivation_map.local_moran`: :func:`local_moran`, :func:`local_moran_bv`, :func:`local_moran_rate`
  -> :class:`Hotspots`;
- :mod:`deprivation_map.getis_ord`: :func:`local_g` (Gi*) -> :class:`GiHotspots`;
- :mod:`deprivation_map.multiple_testing`: :func:`adjust_p` (FDR, Bonferroni);
- :mod:`deprivation_map._prepare`: alignment by ID and the policies for missing values and islands.
"""

from __future__ import annotations

from ._prepare import MISSING
from .getis_ord import GI_LABELS, GiHotspots, local_g
from .global_stats import GlobalMoran, GlobalStatistic, bivariate_moran, general_g, geary, global_moran
from .local_moran import LABELS, Hotspots, eb_rates, local_moran, local_moran_bv, local_moran_rate
from .multiple_testing import CORRECTIONS, adjust_p

__all__ = [
    "CORRECTIONS",
    "GI_LABELS",
    "LABELS",
    "MISSING",
    "GiHotspots",
    "GlobalMoran",
    "GlobalStatistic",
    "Hotspots",
    "adjust_p",
    "bivariate_moran",
    "eb_rates",
    "general_g",
    "geary",
    "global_moran",
    "local_g",
    "local_moran",
    "local_moran_bv",
    "local_moran_rate",
]
