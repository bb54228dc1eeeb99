"""Maps of change, each a self-contained HTML page.

One layer per period with a control to move between them, change on a diverging palette centred on no
change, and the emerging hot spot categories.

The page is written here without folium or any template engine: Leaflet is inlined
(:func:`~deprivation_map.maps.offline.leaflet_assets`), the data travel as JSON in a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped, and the script puts every
data-borne text (area IDs, period names, labels) on the page with ``textContent``: none of it is ever parsed
as HTML or compiled as a template. The file needs no network.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ValidationError
from ..spatial import labels as lab
from .i18n import check_lang, text
from .palettes import sequential

__all__ = ["DIVERGING", "EMERGING_COLOURS", "change_map", "emerging_map", "period_map"]

DIVERGING = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]
"""ColorBrewer RdBu, 7 classes, colour-blind safe: blue for a fall, white for no change, red for a rise."""

_HOT = ["#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d"]
_COLD = ["#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
EMERGING_COLOURS: dict[str, str] = {
    **{f"{p} Hot Spot": c for p, c in zip(lab.EMERGING_PATTERNS, _HOT[::-1], strict=True)},
    **{f"{p} Cold Spot": c for p, c in zip(lab.EMERGING_PATTERNS, _COLD[::-1], strict=True)},
    lab.NO_PATTERN: "#f0f0f0",
    lab.UNDEFINED: "#ffffff",
}
"""A colour per emerging hot spot category: reds for hot, blues for cold, darkest for New."""

_MISSING = "#ffffff"

_SCRIPT = """
const D = JSON.parse(document.getElementById("dm-data").textContent);
const map = L.map("dm-map");
const legend = document.getElementById("dm-legend");
let layer = null;
function draw(k) {
  const spec = D.layers[k];
  if (layer) map.removeLayer(layer);
  layer = L.geoJSON(D.geojson, {
    style: f => ({fillColor: spec.colours[f.properties.i], fillOpacity: 0.8, color: "#555", weight: 0.4}),
    onEachFeature: (f, l) => { const t = document.createElement("span");
      t.textContent = D.ids[f.properties.i] + ": " + spec.text[f.properties.i]; l.bindTooltip(t); }
  }).addTo(map);
  legend.replaceChildren();
  const title = document.createElement("b"); title.textContent = spec.name; legend.appendChild(title);
  for (const [colour, label] of spec.legend) {
    const row = document.createElement("div"); const box = document.createElement("i");
    box.style.background = colour; row.appendChild(box);
    row.appendChild(document.createTextNode(" " + label)); legend.appendChild(row);
  }
  document.getElementById("dm-period").textContent = spec.name;
}
const slider = document.getElementById("dm-slider");
slider.max = D.layers.length - 1;
slider.addEventListener("input", () => draw(Number(slider.value)));
if (D.layers.length < 2) slider.parentNode.style.display = "none";
map.fitBounds(L.geoJSON(D.geojson).getBounds());
draw(D.layers.length - 1); slider.value = D.layers.length - 1;
"""


def _json_for_script(data: object) -> str:
    """JSON that cannot close its ``<script>`` element or open a comment: ``<``, ``>``, ``&`` as escapes."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _geojson(gdf, ids: pd.Index, digits: int = 5) -> dict:
    import shapely

    geoms = gdf.geometry.reindex(ids).to_crs(4326)
    features = [
        {
            "type": "Feature",
            "properties": {"i": i},
            "geometry": json.loads(shapely.to_geojson(shapely.set_precision(g, 10**-digits))),
        }
        for i, g in enumerate(geoms.values)
    ]
    return {"type": "FeatureCollection", "features": features}


def _page(gdf, ids: pd.Index, layers: list[dict], title: str, lang: str = "en") -> str:
    from .offline import leaflet_assets

    js, css = leaflet_assets()
    data = {"ids": [str(i) for i in ids], "geojson": _geojson(gdf, ids), "layers": layers}
    return (
        f"<!DOCTYPE html>\n<html lang='{html.escape(lang)}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{css}\n"
        "html,body,#dm-map{height:100%;margin:0}"
        "#dm-panel{position:absolute;top:10px;right:10px;z-index:1000;background:#fff;padding:8px;font:13px sans-serif}"
        "#dm-legend i{display:inline-block;width:14px;height:14px;border:1px solid #999}</style>"
        f"<script>{js}</script></head><body><div id='dm-map'></div><div id='dm-panel'>"
        f"<div><b>{html.escape(title)}</b></div>"
        f"<div><input id='dm-slider' type='range' min='0' step='1' aria-label='{html.escape(text('period', lang))}'> "
        "<span id='dm-period'></span></div>"
        "<div id='dm-legend'></div></div>"
        f"<script type='application/json' id='dm-data'>{_json_for_script(data)}</script>"
        f"<script>{_SCRIPT}</script></body></html>"
    )


def _write(page: str, path: str | Path | None) -> str | Path:
    if path is None:
        return page
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _ids(gdf, values: pd.Series | pd.DataFrame) -> pd.Index:
    ids = pd.Index(gdf.index.astype(str))
    unknown = values.index.astype(str).difference(ids)
    if len(unknown):
        raise ValidationError(
            f"Values for {len(unknown)} areas that are not in the boundaries, e.g. {list(unknown[:5])}."
        )
    return ids


def _fmt(x: float, lang: str = "en") -> str:
    return text("no_data", lang) if not np.isfinite(x) else f"{x:.4g}"


def period_map(
    gdf,
    panel: pd.DataFrame,
    path: str | Path | None = None,
    *,
    title: str | None = None,
    k: int = 5,
    palette: str = "YlOrRd",
    lang: str = "en",
) -> str | Path:
    """One layer per period, on the same classes (quantiles of all periods pooled), with a slider between them.

    Returns the HTML text, or the path written when ``path`` is given. ``title`` defaults to "Value by
    period" in ``lang`` (one of :data:`~deprivation_map.maps.i18n.LANGS`), the language of the page's words.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> page = dm.period_map(gdf, pd.DataFrame({2000: gdf["PctPov"], 2010: gdf["PctPov"] * 0.9}))
    >>> import re
    >>> page.count('"name":'), re.search(r"<(script|link)[^>]+(src|href)=", page)  # two layers; nothing loaded
    (2, None)
    """
    lang = check_lang(lang)
    ids = _ids(gdf, panel)
    values = panel.copy()
    values.index = values.index.astype(str)
    values = values.reindex(ids)
    pooled = values.to_numpy(dtype=float).ravel()
    pooled = pooled[np.isfinite(pooled)]
    cuts = np.unique(np.quantile(pooled, np.linspace(0, 1, k + 1)[1:-1]))
    colours = sequential(palette, len(cuts) + 1)
    edges = [pooled.min(), *cuts, pooled.max()]
    legend = [[colours[c], f"{_fmt(edges[c])} – {_fmt(edges[c + 1])}"] for c in range(len(colours))]
    layers = []
    for period in values.columns:
        x = values[period].to_numpy(dtype=float)
        cls = np.searchsorted(cuts, x, side="right")
        layers.append(
            {
                "name": str(period),
                "colours": [colours[c] if np.isfinite(v) else _MISSING for c, v in zip(cls, x, strict=True)],
                "text": [_fmt(v, lang) for v in x],
                "legend": legend,
            }
        )
    return _write(_page(gdf, ids, layers, title or text("by_period", lang), lang), path)


def change_map(
    gdf, change: pd.Series, path: str | Path | None = None, *, title: str | None = None, lang: str = "en"
) -> str | Path:
    r"""Change on a diverging palette centred on no change: white for :math:`|\Delta| \le m/7`, blue falls, red rises.

    ``title`` defaults to "Change over time" in ``lang``, the language of the page's words.

    The 7 classes are symmetric around 0, with edges at :math:`\pm m/7, \pm 3m/7, \pm 5m/7` for
    :math:`m = \max_i |\Delta_i|`, so equal rises and falls get equally strong colours.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> page = dm.change_map(gdf, gdf["PctPov"] - gdf["PctPov"].mean())
    >>> "#f7f7f7" in page and "#b2182b" in page
    True
    """
    lang = check_lang(lang)
    ids = _ids(gdf, change)
    x = change.set_axis(change.index.astype(str)).reindex(ids).to_numpy(dtype=float)
    m = np.nanmax(np.abs(x)) if np.isfinite(x).any() else 0.0
    m = m if m > 0 else 1.0
    edges = np.array([-5, -3, -1, 1, 3, 5]) * m / 7
    cls = np.searchsorted(edges, x, side="left")
    bounds = [-m, *edges, m]
    legend = [[DIVERGING[c], f"{_fmt(bounds[c])} – {_fmt(bounds[c + 1])}"] for c in range(7)]
    layer = {
        "name": str(change.name or "change"),
        "colours": [DIVERGING[c] if np.isfinite(v) else _MISSING for c, v in zip(cls, x, strict=True)],
        "text": [_fmt(v, lang) for v in x],
        "legend": legend,
    }
    return _write(_page(gdf, ids, [layer], title or text("change_section", lang), lang), path)


def emerging_map(
    gdf, emerging, path: str | Path | None = None, *, title: str | None = None, lang: str = "en"
) -> str | Path:
    """The emerging hot spot categories (Esri's names, translated in ``lang``), reds for hot, blues for cold.

    ``emerging`` is an :class:`~deprivation_map.spatial.emerging.EmergingHotspots` or its ``categories``;
    ``title`` defaults to "Emerging hot spots" in ``lang``.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> ehsa = dm.emerging_hotspots(pd.DataFrame({y: gdf["PctPov"] for y in (2000, 2005, 2010)}), dm.build_graph(gdf))
    >>> "Persistent Hot Spot" in dm.emerging_map(gdf, ehsa), "Punto caliente persistente" in dm.emerging_map(gdf, ehsa, lang="es")
    (True, True)
    """
    lang = check_lang(lang)
    categories = getattr(emerging, "categories", emerging)
    ids = _ids(gdf, categories)
    labels = categories.astype(str).set_axis(categories.index.astype(str)).reindex(ids).fillna(lab.UNDEFINED)
    present = [name for name in lab.EMERGING_LABELS if (labels == name).any()]
    words = {name: text(name, lang) for name in lab.EMERGING_LABELS}
    layer = {
        "name": text("emerging_hotspots", lang),
        "colours": [EMERGING_COLOURS[v] for v in labels],
        "text": [words[v] for v in labels],
        "legend": [[EMERGING_COLOURS[name], f"{words[name]} ({int((labels == name).sum())})"] for name in present],
    }
    return _write(_page(gdf, ids, [layer], title or text("emerging_hotspots", lang), lang), path)
