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

from . import datasets, errors
from ._compat import MOVED, install_old_paths, moved_module
from ._version import __version__
from .allocation import (
    Accessibility,
    Allocation,
    Equity,
    Locations,
    ServiceAccess,
    SiteSelection,
    VulnerableGroups,
    accessibility,
    allocate,
    assess_equity,
    concentration_curve,
    concentration_index,
    distance_to_services,
    gini,
    p_median,
    select_sites,
    set_cover,
    vulnerable_groups,
)
from .atlas import publish_atlas
from .index import (
    DeprivationIndex,
    Diagnostics,
    Domain,
    IndexSpec,
    Indicator,
    Uncertainty,
    build_index,
    diagnose,
    mobility,
    normalise_panel,
    panel_change,
    panel_index,
    panel_ranks,
    persistently_deprived,
    recipes,
    uncertainty,
)
from .io import (
    Crosswalk,
    Harmonised,
    JoinReport,
    SuppressedTable,
    TableReport,
    build_panel,
    check_join,
    check_table,
    crosswalk_from_boundaries,
    crosswalk_from_lookup,
    harmonise,
    join_indicators,
    read_boundaries,
    read_boundaries_sql,
    read_indicators,
    read_indicators_sql,
    suppress_table,
    write_results,
    write_results_sql,
)
from .maps import change_map, emerging_map, explore, period_map, save_map, write_tiles
from .maps.report import report
from .spatial import (
    EmergingHotspots,
    GiHotspots,
    GlobalMoran,
    GlobalStatistic,
    Hotspots,
    LisaMarkov,
    MarkovChain,
    RobustHotspots,
    SpatialMarkov,
    Trend,
    Zones,
    adjust_p,
    assign_districts,
    bivariate_moran,
    build_graph,
    describe_graph,
    district_summary,
    eb_rates,
    emerging_hotspots,
    geary,
    general_g,
    global_moran,
    graph_choices,
    lisa_markov,
    local_g,
    local_moran,
    local_moran_bv,
    local_moran_rate,
    mann_kendall,
    markov,
    regionalise,
    robust_hotspots,
    spatial_markov,
)

__all__ = [
    "__version__",
    "datasets",
    "errors",
    # data in
    "JoinReport",
    "SuppressedTable",
    "TableReport",
    "check_join",
    "check_table",
    "join_indicators",
    "read_boundaries",
    "read_boundaries_sql",
    "read_indicators",
    "read_indicators_sql",
    "suppress_table",
    "write_results",
    "write_results_sql",
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
    "Zones",
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
    "regionalise",
    "robust_hotspots",
    # change over time
    "Crosswalk",
    "EmergingHotspots",
    "Harmonised",
    "LisaMarkov",
    "MarkovChain",
    "SpatialMarkov",
    "Trend",
    "build_panel",
    "crosswalk_from_boundaries",
    "crosswalk_from_lookup",
    "emerging_hotspots",
    "harmonise",
    "lisa_markov",
    "mann_kendall",
    "markov",
    "mobility",
    "normalise_panel",
    "panel_change",
    "panel_index",
    "panel_ranks",
    "persistently_deprived",
    "spatial_markov",
    # publishing
    "change_map",
    "emerging_map",
    "period_map",
    "explore",
    "publish_atlas",
    "report",
    "save_map",
    "write_tiles",
    # fair shares
    "Accessibility",
    "Allocation",
    "Equity",
    "Locations",
    "ServiceAccess",
    "SiteSelection",
    "VulnerableGroups",
    "accessibility",
    "allocate",
    "assess_equity",
    "concentration_curve",
    "concentration_index",
    "distance_to_services",
    "gini",
    "p_median",
    "select_sites",
    "set_cover",
    "vulnerable_groups",
]

install_old_paths()


def __getattr__(name: str):
    """Old module paths read as attributes (``dm.composite``) still work, with a DeprecationWarning."""
    if name in MOVED:
        return moved_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
