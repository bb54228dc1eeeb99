"""Points on an interactive map by category: services in one colour per kind, chosen sites marked apart.

:func:`add_points` adds to a map made by :func:`~deprivation_map.maps.interactive.explore` one layer per
category of points (at most 12, in ColorBrewer's qualitative colours), each in the layer control with a legend
that counts them. Names and categories come from data: they are HTML-escaped, and the GeoJSON is escaped so it
cannot close its ``<script>``.
"""

from __future__ import annotations

import html
import json

import geopandas as gpd
import pandas as pd
from folium.map import LayerControl
from folium.template import Template

from .. import _validation as v
from ..errors import ValidationError, format_ids
from ._leaflet import Legend, PointLayer
from .i18n import number
from .palettes import QUALITATIVE

__all__ = ["SITE_COLOUR", "add_points", "points_geojson"]

SITE_COLOUR = "#000000"
"""Chosen sites: black circles with a white ring, apart from every qualitative colour."""


class _ColouredPoints(PointLayer):
    """Circles of one fill colour (and size), with an escaped name in a tooltip."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.geojson }}, {
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, {radius: {{ this.radius }}, color: {{ this.ring|tojson }},
                    weight: {{ this.weight }}, fillColor: {{ this.colour|tojson }}, fillOpacity: 0.9,
                    className: "dm-point"});
            },
            onEachFeature: function (feature, layer) {
                if (feature.properties.name) { layer.bindTooltip(feature.properties.name); }
            }
        });
        {% endmacro %}
        """
    )

    def __init__(self, geojson: str, *, name: str, colour: str, site: bool = False):
        super().__init__(geojson, name=name)
        self.colour, self.radius = colour, 8 if site else 5
        self.ring, self.weight = ("#ffffff", 3) if site else ("#000000", 1)


def points_geojson(points: gpd.GeoSeries, names: pd.Series) -> str:
    """Points already in WGS 84 as a GeoJSON FeatureCollection, each named by ``names`` (HTML-escaped).

    A missing name is null; coordinates are rounded to 6 decimals (about 0.1 m).

    Examples
    --------
    >>> import shapely
    >>> points_geojson(gpd.GeoSeries([shapely.Point(2.1734567, 41.3851)]), pd.Series(["<b>Sants</b>"]))
    '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "&lt;b&gt;Sants&lt;/b&gt;"}, "geometry": {"type": "Point", "coordinates": [2.173457, 41.3851]}}]}'
    """
    features = [
        {
            "type": "Feature",
            "properties": {"name": None if pd.isna(n) else html.escape(str(n))},
            "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]},
        }
        for p, n in zip(points, names, strict=True)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)


def _categories(points: gpd.GeoDataFrame, category_col: str | None) -> pd.Series:
    if category_col is None:
        return pd.Series("", index=points.index)
    v.require_columns(points, [category_col], what="The points")
    kinds = points[category_col].astype(object).where(points[category_col].notna(), "–").astype(str)
    if kinds.nunique() > max(QUALITATIVE):
        raise ValidationError(
            f"The points have {kinds.nunique()} categories in {category_col!r}; a map tells at most "
            f"{max(QUALITATIVE)} apart. Merge categories, or leave category_col out."
        )
    return kinds


def add_points(
    m,
    points: gpd.GeoDataFrame,
    *,
    title: str,
    lang: str,
    name_col: str | None = None,
    category_col: str | None = None,
    sites: bool = False,
) -> list[str]:
    """Add ``points`` to the folium map ``m``: one layer per category, each with its colour and a legend.

    Parameters
    ----------
    m : folium.Map
        A map from :func:`~deprivation_map.maps.interactive.explore` (its layer control lists the new layers).
    points : geopandas.GeoDataFrame
        Points with a CRS (drawn in WGS 84), indexed by ID.
    title : str
        The layers' name (plain text; the category follows it: "Libraries: Community run").
    lang : str
        The language of the counts' number format.
    name_col, category_col : str, optional
        A column of names (in the tooltips) and of categories (a layer and a colour each, at most 12;
        missing ones as "–"). Without ``category_col``, one layer in the first colour.
    sites : bool
        Draw them as chosen sites: larger black circles with a white ring.

    Returns
    -------
    list of str
        The categories drawn, in order (``[""]`` without ``category_col``).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> points = gdf.representative_point().to_frame("geometry").assign(kind=["<b>a</b>", "b", "c"] * 53)
    >>> m = dm.explore(gdf)
    >>> add_points(m, points, title="Clinics", lang="en", category_col="kind")
    ['&lt;b&gt;a&lt;/b&gt;', 'b', 'c']
    >>> "<b>a</b>" in m.get_root().render()
    False
    """
    v.require_crs(points, what="The points")
    if not points.geom_type.eq("Point").all():
        bad = points.index[~points.geom_type.eq("Point")]
        raise ValidationError(f"The points must be points; {len(bad)} rows are not ({format_ids(bad)}).")
    if name_col is not None:
        v.require_columns(points, [name_col], what="The points")
    names = points[name_col] if name_col is not None else pd.Series(points.index.astype(str), index=points.index)
    kinds = _categories(points, category_col)
    order = sorted(kinds.unique())
    palette = QUALITATIVE[8] if len(order) <= 8 else QUALITATIVE[12]
    wgs84 = points.geometry.to_crs(4326)
    drawn, rows, first = [], [], None
    for position, kind in enumerate(order):
        inside = (kinds == kind).to_numpy()
        colour = SITE_COLOUR if sites else palette[position]
        label = html.escape(f"{title}: {kind}" if kind else title)
        layer = _ColouredPoints(points_geojson(wgs84[inside], names[inside]), name=label, colour=colour, site=sites)
        m.add_child(layer)
        first = first or layer
        ring = "border:3px solid #ffffff;outline:1px solid #000000;" if sites else ""
        count = number(int(inside.sum()), lang, 0)
        rows.append(
            f'<i style="background:{colour};border-radius:50%;{ring}"></i>{html.escape(kind or title)} ({count})'
        )
        drawn.append(html.escape(kind))
    if first is not None:  # one legend for the set, shown while its first layer is
        m.add_child(Legend(first, f"<h4>{html.escape(title)}</h4>" + "<br>".join(rows)))
    for key, child in list(m._children.items()):  # the layer control lists the layers defined before it
        if isinstance(child, LayerControl):
            m._children.move_to_end(key)
    return drawn
