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
    alloc = dm.allocate(index, 1_000_000, population=gdf["population"])

Every result is indexed by the area ID (a string). Heavy dependencies (folium, mapclassify, numba,
libpysal, matplotlib, rasterio, ...) are imported only inside the functions that need them.
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
from .diagnostics import Diagnostics, diagnose
from .districts import assign_districts, district_summary
from .equity import Equity, assess_equity, concentration_curve, concentration_index, gini
from .graph import build_graph, describe_graph
from .indicators import Domain, IndexSpec, Indicator
from .io import check_table, read_boundaries, read_indicators, write_results
from .join import JoinReport, check_join, join_indicators
from .maps import explore, save_map
from .report import report
from .robust import RobustHotspots, graph_choices, robust_hotspots
from .tables import TableReport
from .uncertainty import Uncertainty, uncertainty

try:
    __version__ = version("deprivation-map")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "__version__",
    "datasets",
    "errors",
    # data in
    "JoinReport",
    "TableReport",
    "check_join",
    "check_table",
    "join_indicators",
    "read_boundaries",
    "read_indicators",
    "write_results",
    # the index
    "DeprivationIndex",
    "Diagnostics",
    "Domain",
    "IndexSpec",
    "Indicator",
    "Uncertainty",
    "build_index",
    "diagnose",
    "recipes",
    "uncertainty",
    # where deprivation clusters
    "GiHotspots",
    "GlobalMoran",
    "GlobalStatistic",
    "Hotspots",
    "RobustHotspots",
    "adjust_p",
    "assign_districts",
    "bivariate_moran",
    "build_graph",
    "describe_graph",
    "district_summary",
    "eb_rates",
    "general_g",
    "geary",
    "global_moran",
    "graph_choices",
    "local_g",
    "local_moran",
    "local_moran_bv",
    "local_moran_rate",
    "robust_hotspots",
    # publishing
    "explore",
    "report",
    "save_map",
    # fair shares
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
