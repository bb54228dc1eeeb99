"""Interactive Leaflet maps of an index, its clusters, hot spots, an allocation and services, built with folium.

folium is imported inside :func:`explore`, mapclassify only for the schemes other than quantiles and
user-defined breaks, so ``import deprivation_map`` stays light.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from .classify import SCHEMES, quantile_bins
from .i18n import check_lang, currency_symbol, number, text
from .layers import (
    Classes,
    allocation_classes,
    column_classes,
    gi_classes,
    index_classes,
    lisa_classes,
    significance_classes,
)
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


def _decided_by(result, ids: pd.Index, what: str) -> tuple[pd.Series, pd.Series, str]:
    """(labels, the p-values the labels were decided by, their correction), aligned to the areas.

    A result with ``p_adjusted`` (every local statistic of this library) was labelled by it; a duck-typed
    object with only ``p`` is taken as uncorrected, and its p named plainly "p".
    """
    adjusted = getattr(result, "p_adjusted", None)
    correction = getattr(result, "correction", "none") if adjusted is not None else "none"
    p = adjusted if adjusted is not None else result.p
    return _aligned(result.labels, ids, what), _aligned(p, ids, what), correction


class _Aligned:
    """A local result's significance map, aligned to the map's areas (the result itself is left untouched)."""

    def __init__(self, result, ids: pd.Index):
        self.correction = result.correction
        self._significance = _aligned(result.significance(), ids, "The hotspots' significance")

    def significance(self) -> pd.Series:
        return self._significance


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
        tips["lisa"] = _decided_by(hotspots, ids, "The hotspots")
        layers["cl"] = lisa_classes(tips["lisa"][0], lang=lang)
        if options["significance"]:
            layers["sg"] = significance_classes(_Aligned(hotspots, ids), lang=lang)
    if gi is not None:
        _attribute(gi, ("labels", "p"), "Gi* hot spot", "gi")
        tips["gi"] = _decided_by(gi, ids, "The Gi* result")
        layers["gi"] = gi_classes(tips["gi"][0], lang=lang)
    if allocation is not None:
        amounts, per_capita = _attribute(allocation, ("amounts", "per_capita"), "Allocation", "allocation")
        tips["allocation"] = (_aligned(amounts, ids, "The allocation"), _aligned(per_capita, ids, "The allocation"))
        layers["al"] = allocation_classes(
            tips["allocation"][1], k=options["k"], palette=options["allocation_palette"], lang=lang
        )
        if options["currency"] is not None:
            symbol = html.escape(currency_symbol(options["currency"], lang))
            layers["al"] = dataclasses.replace(layers["al"], title=f"{layers['al'].title} ({symbol})")
    return layers, tips


def _columns(gdf, column: str | None, unit: str | None, extra: Mapping | None) -> dict[str, tuple]:
    """The columns to map, by plain name: (values aligned to the areas, unit)."""
    out: dict[str, tuple] = {}
    if column is not None:
        out[str(column)] = (gdf[column], unit)
    if extra is not None and not isinstance(extra, Mapping):
        raise ValidationError(
            f"layers= must be a mapping of layer names to Series by area ID; got a {type(extra).__name__}. "
            'Pass e.g. layers={"Population change": change}.'
        )
    for name, values in (extra or {}).items():
        if isinstance(values, str):  # a column of the areas, by name (as a configuration gives it)
            v.require_columns(gdf, [values], what="The areas")
            values = gdf[values]
        if not isinstance(values, pd.Series):
            raise ValidationError(
                f"layers[{name!r}] must be a pandas Series by area ID or the name of a column of the areas; "
                f"got a {type(values).__name__}."
            )
        if str(name) in out:
            raise ValidationError(f"Two layers are named {str(name)!r}; give each layer its own name.")
        out[str(name)] = (_aligned(values, gdf.index, f"The layer {name!r}"), None)
    return out


def _column_layers(columns: dict[str, tuple], lang: str, options: dict) -> dict[str, Classes]:
    """A layer per mapped column, keyed "c0", "c1" ...; its name escaped, with its unit."""
    out = {}
    for i, (name, (values, unit)) in enumerate(columns.items()):
        title = html.escape(f"{name} ({unit})" if unit else name)
        out[f"c{i}"] = column_classes(
            values,
            title=title,
            lang=lang,
            scheme=options["scheme"],
            k=options["k"],
            palette=options["palette"],
            bins=options["bins"],
        )
    return out


_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def linked(text_: str) -> str:
    """``text_`` HTML-escaped, with its web addresses made into links (for an attribution line).

    Examples
    --------
    >>> linked('Data: INE <b>, CC BY 4.0 https://creativecommons.org/licenses/by/4.0/.')
    'Data: INE &lt;b&gt;, CC BY 4.0 <a href="https://creativecommons.org/licenses/by/4.0/">https://creativecommons.org/licenses/by/4.0/</a>.'
    """
    escaped = html.escape(str(text_))
    return _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)


def _payload(geometries: list[str], properties: list[str], digits: int) -> str:
    """The page's area data: ``{"d": digits, "f": [[properties, polygons], ...]}`` (see ``_leaflet.AreaData``)."""
    features = ",".join(f"[{p},{g}]" for p, g in zip(properties, geometries, strict=True))
    return f'{{"d":{digits},"f":[{features}]}}'


def _services_geojson(services: gpd.GeoDataFrame, name_col: str | None) -> str:
    v.require_crs(services, what="The services")
    if not services.geom_type.eq("Point").all():
        bad = services.index[~services.geom_type.eq("Point")]
        raise ValidationError(
            f"services must be points; {len(bad)} rows are not ({format_ids(bad)}). Use their centroids."
        )
    if name_col is not None:
        v.require_columns(services, [name_col], what="The services")
    points = services.geometry.to_crs(4326)
    from .points import points_geojson  # imports folium: not when the package is imported

    names = services[name_col] if name_col is not None else pd.Series(None, index=services.index)
    return points_geojson(points, names)


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
    significance: bool = False,
    column: str | None = None,
    title: str | None = None,
    attribution: str | None = None,
    unit: str | None = None,
    currency: str | None = None,
    layers: Mapping[str, pd.Series | str] | None = None,
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
        LISA clusters in GeoDa's colours; the tooltip gives the p-value the label was decided by, named
        ("adjusted p (FDR) = 0.004", or "p" when no correction was applied).
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
        A basemap that needs no API key, with its attribution: one of
        :data:`~deprivation_map.maps.basemaps.BASEMAPS` ("OpenStreetMap", "CartoDB positron", "CartoDB positron
        (no labels)", "CartoDB dark_matter"). None by default: a saved map then makes no request at all.
    precision, simplify, max_mb, max_vertices, oversize
        Keep the page light: see :func:`~deprivation_map.maps.simplify.fit_geometry`. What was done is on
        the map as ``m.dm_size`` (a :class:`~deprivation_map.maps.simplify.MapSize`).
    renderer : {"auto", "svg", "canvas"}
        "auto" draws with SVG up to 2,000 areas and with Leaflet's canvas renderer above.
    top : int
        Contributing indicators listed per area (0 for none).
    significance : bool
        Add GeoDa's significance map of ``hotspots`` as a layer (hidden at first): each area in the class of
        the smallest of 0.05, 0.01, 0.001 that its p reaches, the p being the one its cluster label was decided
        by (adjusted, when a correction was applied), named in the layer's title.
    column : str, optional
        A column of ``gdf`` to map (the first layer shown): numbers in ``k`` classes by ``scheme`` and
        ``palette``, text or categories one qualitative colour each; its value in the tooltips.
    title : str, optional
        Shown on the map (top left) and as the page's title; default: the first layer's name.
    attribution : str, optional
        The data's source and licence (e.g. "Data: INE, CC BY 4.0 https://..."), shown in the map's
        attribution control (bottom right), web addresses as links. Needed to honour a CC BY licence.
    unit : str, optional
        The unit of ``column`` ("%", "km²", "people"), after its values in the tooltips and in its layer's name.
    currency : str, optional
        ISO 4217 code of the allocation's amounts ("EUR", "GBP"): amounts in the tooltips formatted for
        ``lang`` by Babel (``1.234,50 €`` in Spanish), its symbol in the layer's name.
    layers : mapping of str to pandas.Series or str, optional
        Further layers to toggle, ``{"name": values by area ID}`` or ``{"name": "a column of gdf"}``,
        classified as ``column`` is (hidden at first); aligned by ID (a Series missing areas, or with areas
        that are not on the map, is refused).

    Returns
    -------
    folium.Map
        Areas with no value are drawn in the no-data style (grey hatching with a dark dashed outline; plain grey
        on a canvas) and counted as "no data" in the legend, never in a class colour. Every text from data
        (names, IDs, column and layer names, title, attribution) is HTML-escaped and never compiled as a
        template.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> m = dm.explore(gdf, index=index, lang="es")
    >>> "Índice de privación" in m.get_root().render(), m.dm_size.n_areas
    (True, 159)
    >>> m = dm.explore(gdf, column="PctPov", unit="%", title="Poverty, 1990", attribution="Data: US Census",
    ...                tiles="CartoDB positron")
    >>> page = m.get_root().render()
    >>> "PctPov (%)" in page, "Poverty, 1990" in page, "Data: US Census" in page, "cartocdn.com" in page
    (True, True, True, True)
    """
    import folium

    from ._leaflet import (
        AreaData,
        AreaLayer,
        Attribution,
        ControlsFirst,
        Legend,
        MapTitle,
        NoDataPattern,
        PageMeta,
        SafeLayerControl,
    )
    from .basemaps import basemap

    lang = check_lang(lang)
    v.require_crs(gdf, what="The areas")
    v.require_unique_ids(gdf.index, what="The areas")
    v.choose(renderer, RENDERERS, what="renderer")
    if name_col is not None:
        v.require_columns(gdf, [name_col], what="The areas")
    # a cheap estimate first: refuse a map one file cannot hold before any tooltip or simplification work
    check_map_size(gdf.geometry, precision=precision, overhead_bytes=_LEAFLET_BYTES, max_mb=max_mb, oversize=oversize)
    if significance and hotspots is None:
        raise ValidationError("significance=True maps the p-values of hotspots=...; pass hotspots as well.")
    if column is not None:
        v.require_columns(gdf, [column], what="The areas")
    if currency is not None:
        currency_symbol(currency, lang)  # refuses an unknown code before any work
    tile_layer = basemap(tiles) if tiles is not None else None
    options = {
        "currency": currency,
        "scheme": scheme,
        "k": k,
        "bins": bins,
        "palette": palette,
        "allocation_palette": allocation_palette,
        "significance": significance,
    }
    columns = _columns(gdf, column, unit, layers)
    by_key, tips = _layers(gdf, lang, index=index, hotspots=hotspots, gi=gi, allocation=allocation, options=options)
    mapped = _column_layers(columns, lang, options)
    first = dict(list(mapped.items())[:1]) if column is not None else {}  # ``column`` is shown first
    by_key = {**first, **by_key, **{key: x for key, x in mapped.items() if key not in first}}  # layers= after
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
        currency=currency,
        columns={name: (values, u) for name, (values, u) in columns.items()},
    )
    codes = {key: classes.codes_list() for key, classes in by_key.items()}
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
    m = folium.Map(tiles=tile_layer, control_scale=True, prefer_canvas=canvas)
    west, south, east, north = gdf.geometry.to_crs(4326).total_bounds
    m.fit_bounds([[south, west], [north, east]], padding=(30, 30))
    page_title = html.escape(title) if title is not None else None
    m.add_child(PageMeta(page_title or (next(iter(by_key.values())).title if by_key else text("maps", lang))))
    if page_title:
        m.add_child(MapTitle(page_title))
    if attribution:
        m.add_child(Attribution(linked(attribution)))
    m.add_child(NoDataPattern())
    data = AreaData(_payload(geometries, properties, size.precision), tooltips.rows, tooltips.vocab)
    m.add_child(data)
    if not by_key:  # the areas alone, outlined
        by_key["none"] = Classes(
            pd.Series(0.0, index=gdf.index), ["#fdfdfd"], [], [len(gdf)], text("areas", lang), lang
        )
    for position, (key, classes) in enumerate(by_key.items()):
        layer = AreaLayer(data, key, classes.colours, name=classes.title, show=position == 0)
        m.add_child(layer)
        if classes.labels:
            note = text("more_deprived", lang) if key == "ci" else ""
            m.add_child(Legend(layer, classes.legend_html(note)))
    if services is not None:
        _add_services(m, services, services_name_col, lang)
    SafeLayerControl(collapsed=False).add_to(m)
    m.add_child(ControlsFirst())  # reached with Tab before the areas
    m.dm_size, m.dm_lang = size, lang
    return m


def _add_services(m, services: gpd.GeoDataFrame, name_col: str | None, lang: str) -> None:
    from ._leaflet import Legend, PointLayer

    points = PointLayer(_services_geojson(services, name_col), name=text("services", lang))
    m.add_child(points)
    swatch = '<i style="background:#1a9850;border-radius:50%"></i>'
    title = text("services", lang)
    m.add_child(Legend(points, f"<h4>{title}</h4>{swatch}{title} ({number(len(services), lang, 0)})"))


# folium's page forbids zooming it (user-scalable=no, maximum-scale=1); people who need larger text must be able
# to zoom (WCAG 1.4.4), and the map still zooms itself with two fingers.
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*user-scalable=no[^>]*>')
_ZOOMABLE = '<meta name="viewport" content="width=device-width, initial-scale=1.0">'


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
    html_text = _VIEWPORT.sub(_ZOOMABLE, html_text, count=1)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_text, encoding="utf-8")
    return path
