"""Folium elements for area maps: one shared GeoJSON, thin layers that colour it, and legends.

The geometry is written once, as a JavaScript variable, with each layer's colour and the tooltip stored in
every feature's properties. A layer's style function reads its own colour key, so the page holds no
per-area JavaScript (folium's ``style_function`` emits a ``switch`` with one case per area, evaluated for
every area). Every string that came from data is HTML-escaped before it gets here, and every JSON text is
escaped so that it cannot close the ``<script>`` element it sits in.

Data is never compiled as a template. branca's ``MacroElement.render`` wraps each rendered macro in
``Element(text)``, which compiles the *rendered* text as a Jinja template a second time, so an area named
``{{ 7*7 }}`` would show as 49 (and worse payloads run Python). Every element here renders through
:class:`SafeRender`, which places each macro's output in the page as plain text (:class:`Raw`), and the layer
control is :class:`SafeLayerControl`.
"""

from __future__ import annotations

import json

from branca.element import Element, MacroElement
from folium.map import Layer, LayerControl
from folium.template import Template

from .palettes import NO_DATA, NO_DATA_CANVAS, NO_DATA_FILL


def script_json(text_or_obj: object) -> str:
    """JSON safe to place inside a ``<script>``: ``<``, ``>`` and ``&`` become ``\\u`` escapes."""
    text = text_or_obj if isinstance(text_or_obj, str) else json.dumps(text_or_obj, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Raw(Element):
    """Text placed in the page as it is: never compiled or rendered as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs) -> str:
        """The text, unchanged."""
        return self.text


class SafeRender(MacroElement):
    """A ``MacroElement`` whose rendered macros go into the page as :class:`Raw` text, rendered once only.

    Put it after folium's class in the bases (``class X(Layer, SafeRender)``) so that folium's own ``render``
    runs first and reaches this one through ``super()``.
    """

    def render(self, **kwargs) -> None:
        """Render the header, html and script macros once, then the children."""
        figure = self.get_root()
        module = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            macro = module.get(part)
            if macro is not None:
                target.add_child(Raw(str(macro(self, kwargs))), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class SafeLayerControl(LayerControl, SafeRender):
    """folium's layer control, rendered once; layer names are HTML (Leaflet sets them as ``innerHTML``)."""


class AreaData(SafeRender):
    """The areas, shared by every layer: rebuilt as one GeoJSON FeatureCollection when the page opens.

    The data sit in a ``<script type="application/json">`` element, read with ``JSON.parse`` (browsers parse it
    several times faster than the same data written as a JavaScript literal): ``{"d": decimals, "f": [[properties,
    polygons], ...]}`` with the polygons as integer steps (:mod:`.encode`). Also defines the page's tooltip
    function over the shared vocabulary (see :mod:`.tooltips`).
    """

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <script type="application/json" id="{{ this.get_name() }}_json">{{ this.geojson }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (raw) {
            var scale = Math.pow(10, raw.d);
            function ring(steps) {
                var out = new Array(steps.length / 2), x = 0, y = 0;
                for (var i = 0; i < steps.length; i += 2) {
                    x += steps[i]; y += steps[i + 1];
                    out[i / 2] = [x / scale, y / scale];
                }
                return out;
            }
            function polygon(rings) { return rings.map(ring); }
            return {type: "FeatureCollection", features: raw.f.map(function (f) {
                return {type: "Feature", properties: f[0], geometry: {type: "MultiPolygon", coordinates: f[1].map(polygon)}};
            })};
        })(JSON.parse(document.getElementById("{{ this.get_name() }}_json").textContent));
        var {{ this.get_name() }}_tip = (function (rows, vocab) {
            function part(p) { return typeof p === "number" ? vocab[p] : p; }
            return function (layer) {
                var t = layer.feature.properties.t, out = [];
                for (var i = 0; i < rows.length; i++) {
                    var value = t[i];
                    if (value === null || value === undefined) continue;
                    var s = Array.isArray(value) ? value.map(part).join("") : part(value);
                    out.push(i === 0 ? "<b>" + s + "</b>" : rows[i] + ": " + s);
                }
                return out.join("<br>");
            };
        })({{ this.rows }}, {{ this.vocab }});
        {% endmacro %}
        """
    )

    def __init__(self, geojson: str, rows: list[str], vocab: list[str]):
        super().__init__()
        self._name = "AreaData"
        self.geojson = script_json(geojson)
        self.rows = script_json(rows)
        self.vocab = script_json(vocab)


class AreaLayer(Layer, SafeRender):
    """A toggleable layer drawing :class:`AreaData`, coloured by the class code stored under ``key``.

    A feature whose code is null is drawn in the no-data style, never in a class colour. Every area path
    carries the class ``dm-area`` (SVG) so that a browser test can count them.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function (colours, noDataSvg, noDataCanvas) {
            // The areas are made into Leaflet layers only when the layer is first shown, so hidden layers
            // cost nothing while the page opens.
            var group = L.featureGroup(), built = false;
            group.on("add", function () {
                if (built) { return; }
                built = true;
                var noData = group._map.options.preferCanvas ? noDataCanvas : noDataSvg;
                var layer = L.geoJSON({{ this.data.get_name() }}, {
                    className: "dm-area",
                    style: function (feature) {
                        var code = feature.properties[{{ this.key|tojavascript }}];
                        return (code === null || code === undefined) ? noData
                            : {fillColor: colours[code], fillOpacity: 0.8, color: "#636363", weight: 0.5};
                    }
                });
                layer.bindTooltip({{ this.data.get_name() }}_tip, {sticky: true});
                layer.bindPopup({{ this.data.get_name() }}_tip);  // the same, kept open on a click or a tap
                group.addLayer(layer);
            });
            return group;
        })({{ this.colours }}, {{ this.no_data }}, {{ this.no_data_canvas }});
        {% endmacro %}
        """
    )

    def __init__(self, data: AreaData, key: str, colours: list[str], *, name: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "AreaLayer"
        self.data = data
        self.key = key
        self.colours = script_json(colours)
        self.no_data = script_json(NO_DATA)
        self.no_data_canvas = script_json(NO_DATA_CANVAS)


class PointLayer(Layer, SafeRender):
    """Points (service locations) as small circles with an escaped name in a tooltip, from one GeoJSON."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.geojson }}, {
            pointToLayer: function (feature, latlng) {
                return L.circleMarker(latlng, {radius: 5, color: "#000000", weight: 1, fillColor: "#1a9850",
                                               fillOpacity: 0.9, className: "dm-point"});
            },
            onEachFeature: function (feature, layer) {
                if (feature.properties.name) { layer.bindTooltip(feature.properties.name); }
            }
        });
        {% endmacro %}
        """
    )

    def __init__(self, geojson: str, *, name: str, show: bool = True):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "PointLayer"
        self.geojson = script_json(geojson)


class PageMeta(SafeRender):
    """The page's title (already escaped)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <title>{{ this.title }}</title>
        {% endmacro %}
        """
    )

    def __init__(self, title: str):
        super().__init__()
        self._name = "PageMeta"
        self.title = title


class Legend(SafeRender):
    """A legend box for one layer, shown only while its layer is on the map.

    ``html`` must already be safe: built by :func:`legend_html` from escaped labels.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .dm-legend {background: rgba(255,255,255,0.92); padding: 6px 8px; font: 12px/1.4 sans-serif;
                    border-radius: 4px; box-shadow: 0 0 4px rgba(0,0,0,0.3); max-width: 16em;}
        .dm-legend h4 {margin: 0 0 4px; font-size: 13px;}
        .dm-legend i {display: inline-block; width: 14px; height: 12px; margin-right: 6px; vertical-align: middle;
                      border: 1px solid #636363;}
        .dm-legend i.dm-no-data {border: 1px dashed #252525;
            background: repeating-linear-gradient(45deg, #ffffff 0 2px, #737373 2px 3.5px);}
        .dm-legend .dm-note {font-size: 11px; color: #525252; margin-bottom: 2px;}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var layer = {{ this.layer.get_name() }};
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "dm-legend");
                div.innerHTML = {{ this.html|tojavascript }};
                return div;
            };
            legend.addTo(map);
            function sync() { legend.getContainer().style.display = map.hasLayer(layer) ? "" : "none"; }
            map.on("layeradd layerremove", sync);
            sync();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, layer: Layer, html: str):
        super().__init__()
        self._name = "Legend"
        self.layer = layer
        self.html = html


class NoDataPattern(SafeRender):
    """The hatch that SVG areas with no data are filled with (``fill: url(#dm-no-data)``), defined once."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>
        <pattern id="dm-no-data" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
        <rect width="6" height="6" fill="{{ this.fill }}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#525252"
        stroke-width="2.5"/></pattern></defs></svg>
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "NoDataPattern"
        self.fill = NO_DATA_FILL


class MapTitle(SafeRender):
    """A title box at the top left of the map; ``html`` must already be escaped."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .dm-title {background: rgba(255,255,255,0.92); padding: 4px 10px; border-radius: 4px;
                   box-shadow: 0 0 4px rgba(0,0,0,0.3); font: 600 16px/1.3 sans-serif; color: #252525;
                   max-width: 40em; margin: 0;}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var title = L.control({position: "topleft"});
            title.onAdd = function () {
                var div = L.DomUtil.create("h1", "dm-title");
                div.innerHTML = {{ this.html }};
                return div;
            };
            title.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "MapTitle"
        self.html = script_json(json.dumps(html, ensure_ascii=False))  # a JSON string, not JSON text


class Attribution(SafeRender):
    """A source or licence line in the map's attribution control; ``html`` must already be escaped."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            if (!map.attributionControl) { map.attributionControl = L.control.attribution().addTo(map); }
            map.attributionControl.addAttribution({{ this.html }});
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Attribution"
        self.html = script_json(json.dumps(html, ensure_ascii=False))  # a JSON string, not JSON text


class ControlsFirst(SafeRender):
    """The map's controls (zoom, layers, legends, attribution) before its areas in the keyboard's Tab order.

    Leaflet puts its control container after the map's panes, so with a thousand areas that each take a
    Tab stop, the layer control was out of a keyboard's reach. Moving the container first in the map's
    element changes nothing on screen (both are positioned absolutely, the controls above).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var box = map.getContainer();
            box.insertBefore(map._controlContainer, box.firstChild);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "ControlsFirst"
