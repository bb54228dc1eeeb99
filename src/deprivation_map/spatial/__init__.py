"""Where deprivation clusters: graphs, global and local statistics, their inference, robustness and districts.

One module per concept, re-exported here (and from ``deprivation_map``):

- :mod:`~deprivation_map.spatial.graph`: :func:`build_graph`, :func:`describe_graph` (contiguity in
  ``_contiguity``);
- :mod:`~deprivation_map.spatial.global_stats`: :func:`global_moran`, :func:`geary`, :func:`general_g`,
  :func:`bivariate_moran` -> :mod:`~deprivation_map.spatial.global_results`: :class:`GlobalMoran`,
  :class:`GlobalStatistic`;
- :mod:`~deprivation_map.spatial.lisa`: :func:`local_moran`, :func:`local_moran_bv`,
  :func:`local_moran_rate` -> :class:`Hotspots`;
- :mod:`~deprivation_map.spatial.getis_ord`: :func:`local_g` (Gi*) -> :class:`GiHotspots`;
- :mod:`~deprivation_map.spatial.base`: :class:`LocalResult`, what every local result shares;
- :mod:`~deprivation_map.spatial.labels`: every label of a local statistic, written once;
- :mod:`~deprivation_map.spatial.multiple_testing`: :func:`adjust_p` (FDR, Bonferroni);
- :mod:`~deprivation_map.spatial.robust`: :func:`robust_hotspots` across graphs and index choices;
- :mod:`~deprivation_map.spatial.districts`: :func:`assign_districts`, :func:`district_summary`;
- :mod:`~deprivation_map.spatial.zones`: :func:`regionalise`, contiguous zones above a floor (spopt);
- change over time: :mod:`~deprivation_map.spatial.trend`: :func:`mann_kendall`;
  :mod:`~deprivation_map.spatial.emerging`: :func:`emerging_hotspots` (Esri's categories);
  :mod:`~deprivation_map.spatial.markov_chains`: :func:`markov`, :func:`spatial_markov`, :func:`lisa_markov` (giddy);
- :mod:`~deprivation_map.spatial.inference`: permutation and analytic p-values, how many permutations;
  ``_prepare`` (alignment by ID, missing values and islands) and the numba kernels.
"""

from __future__ import annotations

from ._prepare import MISSING, TRANSFORMS
from .base import LocalResult
from .districts import assign_districts, district_summary
from .emerging import EmergingHotspots, emerging_hotspots
from .getis_ord import GI_LABELS, GiHotspots, local_g
from .global_results import GlobalMoran, GlobalStatistic
from .global_stats import bivariate_moran, geary, general_g, global_moran
from .graph import GraphLike, build_graph, describe_graph
from .inference import ALTERNATIVES, INFERENCES
from .lisa import LABELS, Hotspots, eb_rates, local_moran, local_moran_bv, local_moran_rate
from .markov_chains import LisaMarkov, MarkovChain, SpatialMarkov, lisa_markov, markov, spatial_markov
from .multiple_testing import CORRECTIONS, adjust_p
from .robust import RobustHotspots, graph_choices, robust_hotspots
from .trend import Trend, mann_kendall
from .zones import Zones, regionalise

__all__ = [
    "ALTERNATIVES",
    "CORRECTIONS",
    "GI_LABELS",
    "INFERENCES",
    "LABELS",
    "MISSING",
    "TRANSFORMS",
    "EmergingHotspots",
    "GiHotspots",
    "GraphLike",
    "LisaMarkov",
    "MarkovChain",
    "SpatialMarkov",
    "Trend",
    "GlobalMoran",
    "GlobalStatistic",
    "Hotspots",
    "LocalResult",
    "RobustHotspots",
    "Zones",
    "adjust_p",
    "assign_districts",
    "bivariate_moran",
    "build_graph",
    "describe_graph",
    "district_summary",
    "eb_rates",
    "emerging_hotspots",
    "lisa_markov",
    "mann_kendall",
    "markov",
    "spatial_markov",
    "general_g",
    "geary",
    "global_moran",
    "graph_choices",
    "local_g",
    "local_moran",
    "local_moran_bv",
    "local_moran_rate",
    "regionalise",
    "robust_hotspots",
]
