"""deprivation_map: find deprived areas, where deprivation clusters, and share resources fairly across space.

The public API, in the order data flows through it::

    import deprivation_map as dm
    areas = dm.read_boundaries("areas.gpkg", id_col="code")
    table = dm.read_indicators("indicators.csv", id_col="code")
    gdf = dm.join_indicators(areas, table)
    index = dm.build_index(gdf, {"poverty": +1, "degree": -1})
    graph = dm.build_graph(gdf)
    moran = dm.global_moran(index.score, graph, seed=0)
    hot = dm.local_moran(index.score, graph, seed=0)
    m = dm.explore(gdf, index=index, hotspots=hot)

Every result is indexed by the area ID (a string). folium, mapclassify and numba are imported only when
a map is drawn or a local statistic computed.
"""

from importlib.metadata import PackageNotFoundError, version

from . import datasets, errors, recipes
from .access import ServiceAccess, SiteSelection, distance_to_services, select_sites
from .allocation import Allocation, allocate
from .autocorrelation import (
    GiHotspots,
    GlobalMoran,
    GlobalStatistic,
    Hotspots,
    adjust_p,
    bivariate_moran,
    eb_rates,
    general_g,
    geary,
    global_moran,
    local_g,
    local_moran,
    local_moran_bv,
    local_moran_rate,
)
from .composite import DeprivationIndex, build_index
from .districts import assign_districts, district_summary
from .equity import Equity, assess_equity, concentration_curve, concentration_index, gini
from .graph import build_graph, describe_graph
from .indicators import Domain, IndexSpec, Indicator
from .io import check_table, read_boundaries, read_indicators, write_results
from .join import JoinReport, check_join, join_indicators
from .maps import explore, save_map
from .diagnostics import Diagnostics, diagnose
from .uncertainty import Uncertainty, uncertainty
from .report import report
from .robust import RobustHotspots, graph_choices, robust_hotspots
from .tables import TableReport

try:
    __version__ = version("deprivation-map")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "DeprivationIndex",
    "Domain",
    "GlobalMoran",
    "Hotspots",
    "IndexSpec",
    "Indicator",
    "JoinReport",
    "TableReport",
    "__version__",
    "build_graph",
    "build_index",
    "check_join",
    "check_table",
    "datasets",
    "errors",
    "explore",
    "global_moran",
    "join_indicators",
    "local_moran",
    "read_boundaries",
    "read_indicators",
    "report",
    "save_map",
    "Uncertainty",
    "uncertainty",
    "recipes",
    "Diagnostics",
    "diagnose",
    "write_results",
    # spatial statistics (issue 5)
    "GiHotspots",
    "GlobalStatistic",
    "RobustHotspots",
    "adjust_p",
    "assign_districts",
    "bivariate_moran",
    "describe_graph",
    "district_summary",
    "eb_rates",
    "general_g",
    "geary",
    "graph_choices",
    "local_g",
    "local_moran_bv",
    "local_moran_rate",
    "robust_hotspots",
    # allocation, equity and access to services (issue 7)
    "Allocation",
    "Equity",
    "ServiceAccess",
    "SiteSelection",
    "allocate",
    "assess_equity",
    "concentration_curve",
    "concentration_index",
    "distance_to_services",
    "gini",
    "select_sites",
]
