"""The sections of the configuration, each declared over the API function it configures.

Most keys come from :func:`~deprivation_map.config._schema.api_keys`: the keyword options of the function,
with their names, defaults, types and bounds from its signature and their allowed values from the registry
the function looks them up in. The keys declared here by hand are the ones the function cannot declare: the
files to read, the columns that hold a population or a need, and where a statistic takes its values from.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from . import _schema as s

__all__ = ["sections"]

HARMONISATION_METHODS = ("lookup", "areal")
MARKOV_CHAINS = ("markov", "spatial", "lisa")
_VALUES_DOC = '"index" (the composite score) or a column of the data'


def _path(doc: str, name: str = "path") -> s.Key:
    return s.Key(name, (str,), path=True, must_exist=True, doc=doc)


def _column(name: str, doc: str, *, required: bool = False, param: str | None = None) -> s.Key:
    return s.Key(name, (str,), s.REQUIRED if required else None, doc=doc, param=param)


def _union(*keys: tuple[s.Key, ...]) -> tuple[s.Key, ...]:
    """The keys of several functions fed by one section (a file reader and a database reader), each once."""
    seen: dict[str, s.Key] = {}
    for group in keys:
        seen |= {k.name: k for k in group if k.name not in seen}
    return tuple(seen.values())


def _values() -> s.Key:
    return s.Key("values", (str,), "index", doc=_VALUES_DOC)


def _data_sections() -> tuple[s.Section, ...]:
    """Reading: the areas, the tables, other sources, the join."""
    from ..io.boundaries import ON_INVALID, read_boundaries
    from ..io.database import read_boundaries_sql, read_indicators_sql
    from ..io.join import KEYS, ON_UNMATCHED, join_indicators
    from ..io.sources import count_points, interpolate_areas, zonal_stats
    from ..io.sources.rasters import STATS
    from ..io.tables import ON_UNPARSED, read_indicators

    sources = (
        s.Section(
            "raster",
            (
                _path("the raster file (GeoTIFF ...)"),
                s.Key("prefix", (str,), "", doc="a prefix for the columns"),
                *s.api_keys(zonal_stats, choices={"stats": STATS}),
            ),
            doc="A raster summarised per area (zonal statistics); one table per raster.",
            many=True,
            api=zonal_stats,
        ),
        s.Section(
            "points",
            (_path("the points file (cases, services, addresses)"), *s.api_keys(count_points)),
            doc="Point records counted per area, small counts suppressed; one table per layer of points.",
            many=True,
            api=count_points,
        ),
        s.Section(
            "areas",
            (
                _path("the other boundaries, holding the values"),
                s.Key("id_col", (str,), doc="their code column"),
                *s.api_keys(interpolate_areas),
            ),
            doc="Values of another boundary vintage, moved to these areas by areal interpolation.",
            many=True,
            api=interpolate_areas,
        ),
    )
    return (
        s.Section(
            "boundaries",
            (
                s.Key("path", (str,), None, path=True, must_exist=True, doc="the boundaries file (GeoPackage, ...)"),
                s.Key("url", (str,), None, doc="or a PostgreSQL/PostGIS URL (no password: PGPASSWORD, ~/.pgpass)"),
                s.Key("id_col", (str, list), items=str, param="id_col", doc="the column(s) holding the area code"),
                s.Key("crs", (str, int), None, param="crs", doc="the CRS when the file has none (EPSG code)"),
                *_union(
                    s.api_keys(read_boundaries, skip=("id_col", "crs"), choices={"on_invalid": ON_INVALID}),
                    s.api_keys(read_boundaries_sql, skip=("id_col", "crs"), choices={"on_invalid": ON_INVALID}),
                ),
                _column("name_col", "a column of area names, shown in tooltips and reports"),
            ),
            doc="The areas: a file (path) or a database table or query (url with table or query).",
            api=read_boundaries,
        ),
        s.Section(
            "indicators",
            (
                s.Key(
                    "path", (str,), None, path=True, must_exist=True, doc="the indicator table (CSV, Excel, Parquet)"
                ),
                s.Key("url", (str,), None, doc="or a PostgreSQL URL (no password: PGPASSWORD, ~/.pgpass)"),
                s.Key("id_col", (str,), doc="the column holding the area code", param="id_col"),
                *_union(
                    s.api_keys(read_indicators, skip=("id_col",), choices={"on_unparsed": ON_UNPARSED}),
                    s.api_keys(read_indicators_sql, skip=("id_col",)),
                ),
            ),
            doc="The indicator tables: one [indicators] table, or several as [[indicators]]; each a file (path) "
            "or a database table or query (url). Without any, the indicators are columns of the boundaries file.",
            many=True,
            api=read_indicators,
        ),
        s.Section("sources", (), doc="Indicators from other kinds of source.", subsections=sources),
        s.Section(
            "join",
            s.api_keys(join_indicators, choices={"on_unmatched": ON_UNMATCHED, "keys": KEYS}),
            doc="Joining the tables to the areas by ID.",
            api=join_indicators,
        ),
    )


def _index_section() -> s.Section:
    from ..index import recipes
    from ..index.aggregate import AGGREGATORS
    from ..index.composite import MISSING, build_index
    from ..index.impute import RENAMED
    from ..index.normalise import NORMALISERS
    from ..index.weighting import WEIGHTINGS

    def recipe(name: str, func, doc: str, *extra: s.Key) -> s.Section:
        return s.Section(name, (*extra, *s.api_keys(func)), doc=doc, optional=True, api=func)

    return s.Section(
        "index",
        (
            s.Key("indicators", (dict,), None, doc="the indicators with their direction, nested in domains"),
            *s.api_keys(
                build_index,
                skip=("graph",),
                choices={
                    "normalise": NORMALISERS,
                    "weighting": WEIGHTINGS,
                    "aggregate": AGGREGATORS,
                    "missing": MISSING,
                },
                renamed={"missing": RENAMED},
            ),
        ),
        doc="The composite index: [index.indicators], or one published recipe as a sub-table "
        "([index.imd], [index.svi], [index.townsend], [index.carstairs] or [index.pca]).",
        api=build_index,
        subsections=(
            recipe("imd", recipes.imd, "The English Indices of Deprivation's method."),
            recipe("svi", recipes.svi, "CDC/ATSDR's Social Vulnerability Index."),
            recipe("townsend", recipes.townsend, "The Townsend index: four census variables."),
            recipe("carstairs", recipes.carstairs, "The Carstairs index: four census variables."),
            recipe(
                "pca",
                recipes.pca_index,
                "A first principal component (a MEDEA-style index).",
                s.Key("indicators", (dict,), doc="the indicators with their direction"),
            ),
        ),
    )


def _statistics_sections() -> tuple[s.Section, ...]:
    """Where deprivation clusters: the graph, global and local statistics, districts, robustness."""
    from .._validation import ON_CRS_MISMATCH
    from ..spatial import MISSING, TRANSFORMS
    from ..spatial.districts import OVERLAPS, UNASSIGNED, district_summary
    from ..spatial.getis_ord import local_g
    from ..spatial.global_stats import geary, general_g
    from ..spatial.graph import BUILDERS, COMPONENTS, ISLANDS, build_graph
    from ..spatial.inference import ALTERNATIVES
    from ..spatial.lisa import local_moran
    from ..spatial.multiple_testing import CORRECTIONS
    from ..spatial.robust import STATISTICS, graph_choices, robust_hotspots

    stat: dict[str, Collection[str]] = {
        "alternative": ALTERNATIVES,
        "correction": CORRECTIONS,
        "missing": MISSING,
        "transform": TRANSFORMS,
    }

    def optional(name: str, func, doc: str, *extra: s.Key, skip: tuple[str, ...] = ()) -> s.Section:
        return s.Section(name, (*extra, *s.api_keys(func, choices=stat, skip=skip)), doc=doc, optional=True, api=func)

    passed = {"permutations", "alpha", "correction", "inference"}  # LISA options robust_hotspots passes on
    robust_options = s.replace_keys(
        tuple(k for k in s.api_keys(local_moran, choices=stat) if k.name in passed),
        **{name: {"default": None, "doc": f"passed to the statistic (default: its own {name})"} for name in passed},
    )
    return (
        s.Section(
            "graph",
            s.api_keys(build_graph, choices={"method": BUILDERS, "islands": ISLANDS, "components": COMPONENTS}),
            doc="Who neighbours whom.",
            api=build_graph,
        ),
        s.Section(
            "hotspots",
            s.api_keys(local_moran, choices=stat),
            doc="Global Moran's I and the LISA clusters of the index (global_moran takes the options it shares).",
            api=local_moran,
        ),
        optional("gi", local_g, "Getis-Ord Gi* hot and cold spots.", _values()),
        optional("geary", geary, "Geary's C of the index (or of a column).", _values()),
        optional("general_g", general_g, "Getis and Ord's General G of a column of non-negative values.", _values()),
        optional(
            "districts",
            district_summary,
            "Summaries by district: a column of the data, or a second layer of district polygons.",
            _column("column", "a column of the data holding each area's district"),
            s.Key("path", (str,), None, path=True, must_exist=True, doc="a layer of district polygons"),
            _column("name_col", "the districts' name column in that layer"),
            s.Key("unassigned", (str,), "raise", choices=UNASSIGNED, doc="areas in no district"),
            s.Key("overlaps", (str,), "warn", choices=OVERLAPS, doc="areas in several districts: the largest share"),
            s.Key("on_crs_mismatch", (str,), "raise", choices=ON_CRS_MISMATCH, doc="a layer in another CRS"),
            _column("population_col", "a column of population"),
            skip=("population", "hotspots"),
        ),
        s.Section(
            "robust",
            (
                s.Key("graphs", (list,), None, items=str, doc="the graphs to compare (default: all of graph_choices)"),
                *s.api_keys(graph_choices, skip=("islands",)),
                *s.api_keys(robust_hotspots, choices={"statistic": STATISTICS}),
                *robust_options,
            ),
            doc="How often each area is a hotspot across graphs (and index replicates, with [uncertainty]).",
            optional=True,
            api=robust_hotspots,
        ),
    )


def _harmonisation_section() -> s.Section:
    """[change.harmonisation]: periods on older areas carried to the run's areas."""
    from .. import _validation as v
    from ..io.boundaries import ON_INVALID
    from ..io.crosswalk import crosswalk_from_boundaries, crosswalk_from_lookup

    return s.Section(
        "harmonisation",
        (
            s.Key(
                "method",
                (str,),
                choices=HARMONISATION_METHODS,
                doc='"lookup" (a published table of codes) or "areal" (an overlay of the old and new boundaries)',
            ),
            s.Key("years", (list,), items=int, doc="the periods whose values are on the old areas"),
            s.Key(
                "kind",
                (str,),
                choices=("intensive", "extensive"),
                doc='"intensive" (rates, scores: harmonise('
                'intensive=...)) or "extensive" (counts: harmonise(extensive=...))',
            ),
            s.Key(
                "weights",
                (str,),
                None,
                doc='averaging an intensive value where areas merge: "area" (areal), a '
                "column of the old periods' rows (population), or none: each old area by its share",
            ),
            s.Key(
                "lookup",
                (str,),
                None,
                path=True,
                must_exist=True,
                doc='the lookup of old -> new codes (CSV), with method = "lookup"',
            ),
            *s.replace_keys(
                s.api_keys(crosswalk_from_lookup),
                old={"default": None, "doc": "the lookup's column of old codes"},
                new={"default": None, "doc": "the lookup's column of new codes"},
                change={"doc": "its column of change codes (U, S, M, X), checked against the pairs"},
                share={"doc": "its column of each old area's share going to each new one"},
            ),
            s.Key(
                "old_boundaries",
                (str,),
                None,
                path=True,
                must_exist=True,
                doc='the old boundaries, with method = "areal"',
            ),
            s.Key("old_id_col", (str, list), None, items=str, doc="their code column(s)"),
            s.Key("on_invalid", (str,), "raise", choices=ON_INVALID, doc="invalid polygons in the old boundaries"),
            *s.replace_keys(s.api_keys(crosswalk_from_boundaries), tolerance={"bounds": v.Bounds(0, 1)}),
        ),
        doc="Bringing periods on older areas to the run's areas (harmonise), with an audit of every estimate.",
        optional=True,
    )


def _markov_section() -> s.Section:
    """[change.markov]: Markov chains of the panel (giddy)."""
    from .. import _validation as v
    from ..spatial.markov_chains import markov, spatial_markov

    classes_bounds = {"classes": {"bounds": v.Bounds(2, 20, integer=True)}}
    return s.Section(
        "markov",
        (
            s.Key(
                "chains",
                (list,),
                list(MARKOV_CHAINS),
                items=str,
                choices=MARKOV_CHAINS,
                doc="the chains to "
                'fit: "markov" (classic), "spatial" (given the neighbours\' class), "lisa" (Moran quadrants)',
            ),
            *s.replace_keys(_union(s.api_keys(markov), s.api_keys(spatial_markov)), **classes_bounds),
        ),
        doc="Markov chains of the panel's quantile classes (PySAL's giddy); needs a value in every period.",
        optional=True,
        api=spatial_markov,
    )


def _change_section() -> s.Section:
    """Change over time: a panel of one value by area and period, harmonised, ranked, and its space-time clusters."""
    from .. import _validation as v
    from ..index.normalise import NORMALISERS
    from ..index.panel import mobility
    from ..io.panel import build_panel
    from ..spatial.emerging import emerging_hotspots

    emerging = s.Section(
        "emerging",
        s.replace_keys(
            s.api_keys(emerging_hotspots),
            alpha={"bounds": v.Bounds(0, 1, low_open=True)},
            trend_alpha={"bounds": v.Bounds(0, 1, low_open=True)},
        ),
        doc="Emerging hot spots of the panel (Gi* per period, Mann-Kendall trend, Esri's categories).",
        api=emerging_hotspots,
    )
    return s.Section(
        "change",
        (
            s.Key(
                "path",
                (str,),
                None,
                path=True,
                must_exist=True,
                doc="a long table: one row per area and "
                "period (CSV, Excel, Parquet); without it, the values are columns of the joined data",
            ),
            *s.replace_keys(
                s.api_keys(build_panel),
                id_col={"doc": "the area code column of the table(s)"},
                period={"doc": "the long table's period column"},
            ),
            _column("value", "the column holding the value (the indicator or score) in the long table or tables"),
            s.Key(
                "columns",
                (dict,),
                None,
                doc='one column per period, {2001 = "score_2001", ...}: of the table at path, or of the joined data',
            ),
            s.Key(
                "tables",
                (dict,),
                None,
                doc='one table per period, {2015 = "imd2015.csv", ...}, each with id_col and value',
            ),
            s.Key("years", (list,), None, items=int, doc="the periods to compare, in time order (default: all)"),
            s.Key("direction", (int,), 1, doc="1: a higher value is more deprived; -1: less deprived"),
            s.Key(
                "normalise",
                (str,),
                None,
                choices=NORMALISERS,
                doc="rescale the value on one scale for all periods (normalise_panel); default: as given",
            ),
            s.Key(
                "reference",
                (str, int),
                "pooled",
                doc='the normalisation\'s parameters: "pooled" over all periods, or a reference period',
            ),
            *s.replace_keys(
                s.api_keys(mobility),
                classes={"doc": "ranks, mobility and persistence by decile or quintile (1 = most deprived)"},
            ),
            s.Key("start", (int,), None, doc="the first period of the change and mobility (default: the first)"),
            s.Key("end", (int,), None, doc="the last period of the change and mobility (default: the last)"),
        ),
        doc="Change over time: a panel of one value by area and period, carried to the run's areas, with ranks, "
        "mobility, persistently deprived areas and emerging hot spots. Without it, nothing looks at change.",
        optional=True,
        subsections=(_harmonisation_section(), emerging, _markov_section()),
    )


def _uncertainty_section() -> s.Section:
    from ..index.aggregate import AGGREGATORS
    from ..index.composite import MISSING
    from ..index.normalise import NORMALISERS
    from ..index.sensitivity import uncertainty
    from ..index.weighting import WEIGHTINGS

    choices: dict[str, Collection[str]] = {
        "weighting": WEIGHTINGS,
        "aggregate": AGGREGATORS,
        "normalise": NORMALISERS,
        "missing": MISSING,
    }
    return s.Section(
        "uncertainty",
        s.api_keys(uncertainty, skip=("graph",), choices=choices),
        doc="How much each area's rank depends on the analyst's choices (Monte Carlo over [index.indicators]).",
        optional=True,
        api=uncertainty,
    )


def _service_sections() -> tuple[s.Section, ...]:
    """Services, access with capacity, where to open new ones, zones, vulnerable groups."""
    from ..allocation.access import GEOGRAPHIC, ORIGINS, distance_to_services, select_sites
    from ..allocation.catchment import FCA_METHODS, accessibility
    from ..allocation.groups import vulnerable_groups
    from ..allocation.location import UNCOVERABLE, p_median, set_cover
    from ..spatial.zones import METHODS, UNDERSIZED, regionalise

    places = {"origin": ORIGINS, "geographic": GEOGRAPHIC}
    candidates = _path("the candidate sites (points)", "candidates")

    def site(name: str, func, doc: str, *extra: s.Key) -> s.Section:
        keys = s.api_keys(func, skip=("need", "population", "services", "cost", "weight"), choices=places)
        return s.Section(name, (*extra, *keys), doc=doc, optional=True, api=func)

    return (
        s.Section(
            "services",
            (
                _path("the services file (points)"),
                _column("id_col", "the services' code column (default: their row number)"),
                _column("name_col", "a column of service names"),
                _column("category_col", "a column of service categories, drawn in their own colours"),
                _column("population_col", "a column of population of the areas"),
                *s.api_keys(distance_to_services, skip=("need", "population"), choices=places),
            ),
            doc="Service points and the distance from each area to the nearest.",
            optional=True,
            api=distance_to_services,
        ),
        s.Section(
            "access",
            (
                s.Key(
                    "cost_path",
                    (str,),
                    None,
                    path=True,
                    must_exist=True,
                    doc="a table of costs (origin, destination, cost), e.g. travel times; default: straight lines",
                ),
                *s.api_keys(accessibility, skip=("cost",), choices={"method": FCA_METHODS, **places}),
            ),
            doc="Access with the services' capacity (floating catchments); needs [services].",
            optional=True,
            api=accessibility,
        ),
        s.Section(
            "sites",
            (),
            doc="Where to open new services: one of the sub-tables below; needs [services] for existing ones.",
            optional=True,
            subsections=(
                site(
                    "covering",
                    select_sites,
                    "The k sites covering the most need within a distance.",
                    candidates,
                    s.Key("k", (int,), doc="how many sites to open"),
                ),
                site(
                    "p_median",
                    p_median,
                    "The p sites nearest to the weighted areas.",
                    candidates,
                    s.Key("p", (int,), doc="how many sites to open"),
                    s.Key("weight", (str,), "index", doc=_VALUES_DOC),
                ),
                s.Section(
                    "set_cover",
                    (
                        candidates,
                        *s.api_keys(
                            set_cover, skip=("services", "cost"), choices={"uncoverable": UNCOVERABLE, **places}
                        ),
                    ),
                    doc="The fewest sites covering every area within a distance.",
                    optional=True,
                    api=set_cover,
                ),
            ),
        ),
        s.Section(
            "zones",
            (
                s.Key("attrs", (str, list), items=str, doc='the columns (or "index") zones are homogeneous in'),
                *s.api_keys(regionalise, skip=("graph",), choices={"method": METHODS, "undersized": UNDERSIZED}),
            ),
            doc="Contiguous zones homogeneous in some columns, each above a floor (spopt).",
            optional=True,
            api=regionalise,
        ),
        s.Section(
            "groups",
            (
                s.Key("columns", (list,), items=str, doc="the columns counting each group's people"),
                _column("population_col", "a column of population", required=True),
                *s.api_keys(vulnerable_groups, skip=("index", "hotspots", "access")),
            ),
            doc="Where vulnerable groups live: by decile, cluster and access, safe to publish.",
            optional=True,
            api=vulnerable_groups,
        ),
    )


def _publishing_sections() -> tuple[s.Section, ...]:
    from ..allocation.equity import BASELINES
    from ..allocation.shares import METHODS, MISSING, NEGATIVE, allocate
    from ..io.database_results import IF_EXISTS
    from ..maps.basemaps import BASEMAPS
    from ..maps.classify import SCHEMES
    from ..maps.i18n import LANGS
    from ..maps.interactive import RENDERERS, explore
    from ..maps.palettes import SEQUENTIAL
    from ..maps.simplify import OVERSIZE

    maps: dict[str, Collection[str]] = {
        "scheme": SCHEMES,
        "palette": SEQUENTIAL,
        "allocation_palette": SEQUENTIAL,
        "lang": LANGS,
        "tiles": BASEMAPS,
        "oversize": OVERSIZE,
    }
    return (
        s.Section(
            "allocation",
            (
                s.Key("budget", (float, int), doc="the amount to share"),
                s.Key("need", (str,), "index", doc=_VALUES_DOC),
                _column("population_col", "a column of population, for amounts per person"),
                *s.api_keys(
                    allocate,
                    skip=("population", "hotspots"),
                    choices={"method": METHODS, "negative": NEGATIVE, "missing": MISSING, "baseline": BASELINES},
                ),
            ),
            doc="Sharing a budget by need. Without it, nothing is allocated.",
            optional=True,
            api=allocate,
        ),
        s.Section(
            "map",
            s.api_keys(
                explore,
                skip=("index", "hotspots", "gi", "allocation", "services", "name_col", "services_name_col", "bins"),
                choices={**maps, "renderer": RENDERERS},
            ),
            doc="The interactive map (its language is also the report's).",
            api=explore,
        ),
        s.Section(
            "output",
            (
                s.Key("dir", (str,), "out", path=True, doc="the output folder; the CLI's --out overrides it"),
                s.Key("map", (str,), "map.html", doc="the map's file name"),
                s.Key("geopackage", (str,), "results.gpkg", doc="the results with their geometries"),
                s.Key("csv", (str,), "results.csv", doc="the results as a table"),
                s.Key("excel", (str,), None, doc='e.g. "results.xlsx": also the results as a workbook'),
                s.Key("parquet", (str,), None, doc='e.g. "results.parquet": also as GeoParquet'),
                s.Key("geojson", (str,), None, doc='e.g. "results.geojson": also as GeoJSON'),
                s.Key("report", (str,), None, doc='e.g. "report.html": also write the report (needs matplotlib)'),
                s.Key("tables", (bool,), True, doc="also write each extra result (districts, zones ...) as a CSV"),
                s.Key("database", (str,), None, doc="a PostgreSQL/PostGIS URL to write the results to"),
                s.Key("database_table", (str,), "deprivation_map_results", doc="the table written there"),
                s.Key("if_exists", (str,), "raise", choices=IF_EXISTS, doc="when that table exists already"),
            ),
            doc="What is written, and where.",
        ),
    )


@cache
def sections() -> tuple[s.Section, ...]:
    """Every section of the configuration, in the order the pipeline runs them.

    Examples
    --------
    >>> [section.name for section in sections()][:5]
    ['boundaries', 'indicators', 'sources', 'join', 'graph']
    >>> section = next(x for x in sections() if x.name == "graph")
    >>> import inspect, deprivation_map as dm
    >>> section.key("method").default == inspect.signature(dm.build_graph).parameters["method"].default
    True
    """
    stats = _statistics_sections()
    return (
        *_data_sections(),
        stats[0],  # the graph: before the index, which may impute from neighbours
        _change_section(),  # before the index, which may score the panel's last period
        _index_section(),
        _uncertainty_section(),
        *stats[1:],
        *_service_sections(),
        *_publishing_sections(),
    )
