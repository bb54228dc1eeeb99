"""Interactive Leaflet maps of an index, its clusters, hot spots, an allocation and services, built with folium.

folium is imported inside :func:`explore`, mapclassify only for the schemes other than quantiles and
user-defined breaks, so ``import deprivation_map`` stays light.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from .classify import SCHEMES, quantile_bins
from .i18n import check_lang, number, text
from .layers import Classes, allocation_classes, gi_classes, index_classes, lisa_classes
from .simplify import MAX_VERTICES, check_map_size, fit_geometry
from .tooltips import build_tooltips

__all__ = ["RENDERERS", "SCHEMES", "explore", "quantile_bins", "save_map"]

# Leaflet draws with SVG (one DOM path per area) up to this many areas, with one canvas above.
CANVAS_FROM = 2_000
RENDERERS = ("auto", "svg", "canvas")
_LEAFLET_BYTES = 160_000  # Leaflet's JS and CSS as inlined, counted in the size budget


def _aligned(obj: pd.Series | pd.DataFrame, ids: pd.Index, what: str):
    return v.align(obj, pd.Index(ids.astype(str)), what=what).set_axis(ids)


def _attribute(obj: object, names: tuple[str, ...], what: str, keyword: str) -> tuple:
    missing = [n for n in names if not hasattr(obj, n)]
    if missing:
        raise ValidationError(
            f"{keyword}= must have the attributes {', '.join(names)} (Series by area ID); "
            f"the {type(obj).__name__} given lacks {', '.join(missing)}. Pass the {what} object."
        )
    return tuple(getattr(obj, n) for n in names)


def _layers(gdf, lang, *, index, hotspots, gi, allocation, options) -> tuple[dict[str, Classes], dict]:
    """The layers' classes by property key, and the inputs aligned to the areas for the tooltips."""
    ids = gdf.index
    layers: dict[str, Classes] = {}
    tips: dict = {}
    if index is not None:
        tips["index"] = _aligned(index.to_frame(), ids, "The index")
        tips["contributions"] = _aligned(index.contributions, ids, "The index's contributions")
        layers["ci"] = index_classes(
            tips["index"]["score"],
            scheme=options["scheme"],
            k=options["k"],
            palette=options["palette"],
            bins=options["bins"],
            lang=lang,
        )
    if hotspots is not None:
        tips["lisa"] = (_aligned(hotspots.labels, ids, "The hotspots"), _aligned(hotspots.p, ids, "The hotspots"))
        layers["cl"] = lisa_classes(tips["lisa"][0], lang=lang)
    if gi is not None:
        labels, p = _attribute(gi, ("labels", "p"), "Gi* hot spot", "gi")
        tips["gi"] = (_aligned(labels, ids, "The Gi* labels"), _aligned(p, ids, "The Gi* p-values"))
        layers["gi"] = gi_classes(tips["gi"][0], lang=lang)
    if allocation is not None:
        amounts, per_capita = _attribute(allocation, ("amounts", "per_capita"), "Allocation", "allocation")
        tips["allocation"] = (_aligned(amounts, ids, "The allocation"), _aligned(per_capita, ids, "The allocation"))
        layers["al"] = allocation_classes(
            tips["allocation"][1], k=options["k"], palette=options["allocation_palette"], lang=lang
        )
    return layers, tips


def _payload(geometries: list[str], properties: list[str], digits: int) -> str:
    """The page's area data: ``{"d": digits, "f": [[properties, polygons], ...]}`` (see ``_leaflet.AreaData``)."""
    features = ",".join(f"[{p},{g}]" for p, g in zip(properties, geometries, strict=True))
    return f'{{"d":{digits},"f":[{features}]}}'


def _services_geojson(services: gpd.GeoDataFrame, name_col: str | None) -> str:
    import html

    v.require_crs(services, what="The services")
    if not services.geom_type.eq("Point").all():
        bad = services.index[~services.geom_type.eq("Point")]
        raise ValidationError(
            f"services must be points; {len(bad)} rows are not ({format_ids(bad)}). Use their centroids."
        )
    if name_col is not None:
        v.require_columns(services, [name_col], what="The services")
    points = services.geometry.to_crs(4326)
    names = services[name_col] if name_col is not None else pd.Series(None, index=services.index)
    features = [
        {
            "type": "Feature",
            "properties": {"name": None if pd.isna(n) else html.escape(str(n))},
            "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]},
        }
        for p, n in zip(points, names, strict=True)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def explore(
    gdf: gpd.GeoDataFrame,
    *,
    index=None,
    hotspots=None,
    gi=None,
    allocation=None,
    services: gpd.GeoDataFrame | None = None,
    name_col: str | None = None,
    services_name_col: str | None = None,
    lang: str = "en",
    scheme: str = "quantiles",
    k: int = 5,
    bins: list[float] | None = None,
    palette: str = "YlOrRd",
    allocation_palette: str = "Greens",
    tiles: str | None = None,
    precision: int = 5,
    simplify: float | str | None = "auto",
    max_mb: float | None = None,
    max_vertices: int = MAX_VERTICES,
    oversize: str = "raise",
    renderer: str = "auto",
    top: int = 3,
):
    """An interactive map of the areas, with the index, clusters, hot spots and allocation as layers to toggle.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The areas, indexed by ID, with a CRS.
    index : DeprivationIndex, optional
        A choropleth of its score (``scheme`` into ``k`` classes, ``palette``); tooltips show score, rank,
        decile and the ``top`` indicators contributing most (``index.contributions``).
    hotspots : Hotspots, optional
        LISA clusters in GeoDa's colours, with the p-value in the tooltip.
    gi : object with ``.labels`` and ``.p``, optional
        Gi* hot and cold spots by confidence ("Hot spot (99%)" ... "Not significant", "Isolate", "Undefined").
    allocation : object with ``.amounts`` and ``.per_capita``, optional
        Drawn as quantile classes of the amount per person.
    services : geopandas.GeoDataFrame of points, optional
        Service locations, named by ``services_name_col`` in their tooltip.
    name_col : str, optional
        A column of area names shown in tooltips.
    lang : {"en", "es", "ca", "el"}
        Language of every label, and number format (decimal comma for es, ca, el).
    scheme : {"quantiles", "equal_interval", "fisher_jenks", "natural_breaks", "std_mean", "user_defined"}
    k : int
        Number of classes (3 to 9).
    bins : list of float, optional
        Upper bounds of the classes, for ``scheme="user_defined"``.
    palette, allocation_palette : str
        Colour-blind-safe ColorBrewer ramps (see :data:`~deprivation_map.maps.palettes.SEQUENTIAL`).
    tiles : str or None
        A folium basemap name (it loads tiles from the network; attribution kept). None by default.
    precision, simplify, max_mb, max_vertices, oversize
        Keep the page light: see :func:`~deprivation_map.maps.simplify.fit_geometry`. What was done is on
        the map as ``m.dm_size`` (a :class:`~deprivation_map.maps.simplify.MapSize`).
    renderer : {"auto", "svg", "canvas"}
        "auto" draws with SVG up to 2,000 areas and with Leaflet's canvas renderer above.
    top : int
        Contributing indicators listed per area (0 for none).

    Returns
    -------
    folium.Map
        Areas with no value are drawn in the no-data style (white, dashed outline) and counted as "no data"
        in the legend, never in a class colour. Every name and label is HTML-escaped.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> m = dm.explore(gdf, index=index, lang="es")
    >>> "Índice de privación" in m.get_root().render(), m.dm_size.n_areas
    (True, 159)
    """
    import folium

    from ._leaflet import AreaData, AreaLayer, Legend, PageMeta

    lang = check_lang(lang)
    v.require_crs(gdf, what="The areas")
    v.require_unique_ids(gdf.index, what="The areas")
    v.choose(renderer, RENDERERS, what="renderer")
    if name_col is not None:
        v.require_columns(gdf, [name_col], what="The areas")
    # a cheap estimate first: refuse a map one file cannot hold before any tooltip or simplification work
    check_map_size(gdf.geometry, precision=precision, overhead_bytes=_LEAFLET_BYTES, max_mb=max_mb, oversize=oversize)
    options = {"scheme": scheme, "k": k, "bins": bins, "palette": palette, "allocation_palette": allocation_palette}
    layers, tips = _layers(gdf, lang, index=index, hotspots=hotspots, gi=gi, allocation=allocation, options=options)
    tooltips = build_tooltips(
        gdf.index,
        lang,
        names=gdf[name_col] if name_col else None,
        top=top,
        index=tips.get("index"),
        contributions=tips.get("contributions"),
        lisa=tips.get("lisa"),
        gi=tips.get("gi"),
        allocation=tips.get("allocation"),
    )
    codes = {key: classes.codes_list() for key, classes in layers.items()}
    properties = [
        json.dumps({"t": t, **{key: c[i] for key, c in codes.items()}}, ensure_ascii=False, separators=(",", ":"))
        for i, t in enumerate(tooltips.values)
    ]
    wrapper = 4  # per area, beside its properties and geometry: "[", ",", "]" and a comma
    overhead = (
        _LEAFLET_BYTES
        + wrapper * len(properties)
        + sum(len(p.encode()) for p in properties)
        + len(json.dumps(tooltips.vocab, ensure_ascii=False).encode())
    )
    geometries, size = fit_geometry(
        gdf.geometry,
        overhead_bytes=overhead,
        max_mb=max_mb,
        max_vertices=max_vertices,
        precision=precision,
        simplify=simplify,
        oversize=oversize,
    )
    canvas = renderer == "canvas" or (renderer == "auto" and len(gdf) > CANVAS_FROM)
    m = folium.Map(tiles=tiles, control_scale=True, prefer_canvas=canvas)
    west, south, east, north = gdf.geometry.to_crs(4326).total_bounds
    m.fit_bounds([[south, west], [north, east]], padding=(30, 30))
    m.add_child(PageMeta(next(iter(layers.values())).title if layers else text("maps", lang)))
    data = AreaData(_payload(geometries, properties, size.precision), tooltips.rows, tooltips.vocab)
    m.add_child(data)
    if not layers:  # the areas alone, outlined
        layers["none"] = Classes(
            pd.Series(0.0, index=gdf.index), ["#fdfdfd"], [], [len(gdf)], text("areas", lang), lang
        )
    for position, (key, classes) in enumerate(layers.items()):
        layer = AreaLayer(data, key, classes.colours, name=classes.title, show=position == 0)
        m.add_child(layer)
        if classes.labels:
            note = text("more_deprived", lang) if key == "ci" else ""
            m.add_child(Legend(layer, classes.legend_html(note)))
    if services is not None:
        _add_services(m, services, services_name_col, lang)
    folium.LayerControl(collapsed=False).add_to(m)
    m.dm_size, m.dm_lang = size, lang
    return m


def _add_services(m, services: gpd.GeoDataFrame, name_col: str | None, lang: str) -> None:
    from ._leaflet import Legend, PointLayer

    points = PointLayer(_services_geojson(services, name_col), name=text("services", lang))
    m.add_child(points)
    swatch = '<i style="background:#1a9850;border-radius:50%"></i>'
    title = text("services", lang)
    m.add_child(Legend(points, f"<h4>{title}</h4>{swatch}{title} ({number(len(services), lang, 0)})"))


def save_map(m, path: str | Path, *, self_contained: bool = True) -> Path:
    """Write a folium map to one HTML file, creating the folder if needed.

    With ``self_contained=True`` (default) Leaflet is inlined and nothing is loaded from the network, so
    the file works offline and on an intranet; a basemap, if the map has one, still needs the network (and
    keeps its attribution). See :func:`deprivation_map.maps.offline.inline_assets`.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> path = dm.save_map(dm.explore(gdf), tempfile.mkdtemp() + "/map.html")
    >>> "https://cdn" in path.read_text(encoding="utf-8")
    False
    """
    from .offline import inline_assets

    html_text = m.get_root().render()
    if self_contained:
        html_text = inline_assets(html_text, [*m.default_js, *m.default_css])
    lang = getattr(m, "dm_lang", None)
    if lang is not None:
        html_text = html_text.replace("<html>", f'<html lang="{lang}">', 1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_text, encoding="utf-8")
    return path
