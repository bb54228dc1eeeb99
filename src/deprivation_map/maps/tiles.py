"""National maps as vector tiles: a folder that opens offline, for areas too many for one HTML file.

:func:`write_tiles` writes the areas as Mapbox Vector Tiles (MVT, through GDAL's ``MVT`` driver, by pyogrio),
with the index class, LISA cluster and tooltip values as properties, and a viewer page ``index.html``:
Leaflet (inlined, from ``xstatic-leaflet``) with a small MVT decoder shipped with the library
(``maps/viewer/tiles.js``), the same legends, layers and tooltips (name, ID, score, decile, cluster and
p-value) as :func:`~deprivation_map.explore`. No CDN, no server: a page opened from a folder (``file://``)
may not ``fetch()`` files, so each tile is written as a small script (``tiles/z/x/y.js``, the MVT bytes in
base64) that the page loads with a ``<script>`` tag. The folder can be zipped, copied or served as it is.
``pmtiles=True`` also writes the tiles as one PMTiles archive for web servers, QGIS or MapLibre.

Tiles hold every area from ``max_zoom`` on; at lower zooms GDAL simplifies them to the tile's grid and, where a
tile would exceed its size limit (500 kB), leaves some out: zoom in for every area.
"""

from __future__ import annotations

import base64
import json
import math
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError
from .i18n import check_lang, class_label, text
from .layers import Classes, index_classes, lisa_classes

__all__ = ["TileSet", "write_tiles"]

_VIEWER = Path(__file__).with_name("viewer") / "tiles.js"
_EARTH = 40_075_016.686  # metres around the equator: a 256-pixel tile at zoom 0


@dataclass(frozen=True)
class TileSet:
    """What :func:`write_tiles` wrote: the viewer page, the tile folder, zooms, tiles and bytes.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> tiles = dm.write_tiles(dm.datasets.load_georgia(), tempfile.mkdtemp() + "/t")
    >>> tiles.summary().endswith("index.html"), tiles.folder.name
    (True, 'tiles')
    """

    viewer: Path
    folder: Path
    min_zoom: int
    max_zoom: int
    n_tiles: int
    n_bytes: int
    pmtiles: Path | None = None

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{self.n_tiles} tiles, zoom {self.min_zoom}-{self.max_zoom}, {self.n_bytes / 1e6:.1f} MB; "
            f"open {self.viewer}"
        )


def _wgs84_bounds(mercator: gpd.GeoSeries) -> np.ndarray:
    """West, south, east and north in degrees, from the areas in web Mercator (EPSG:3857).

    Longitude and latitude are each a monotonic function of one Mercator coordinate, so the bounds are the
    corners' (projecting a million areas again to read four numbers takes seconds and a gigabyte).
    """
    from pyproj import Transformer

    x0, y0, x1, y1 = mercator.total_bounds
    lon, lat = Transformer.from_crs(3857, 4326, always_xy=True).transform([x0, x1], [y0, y1])
    return np.array([lon[0], lat[0], lon[1], lat[1]])


def _zooms(bounds: np.ndarray, metric_area: np.ndarray) -> tuple[int, int]:
    """Zooms where the whole extent (west, south, east, north) spans about 2 tiles, and a typical area 16 pixels."""
    west, south, east, north = bounds
    cos = max(math.cos(math.radians((south + north) / 2)), 0.05)
    typical = float(np.sqrt(np.median(metric_area))) if len(metric_area) else 1.0
    max_zoom = int(np.clip(math.ceil(math.log2(16 * _EARTH * cos / 256 / max(typical, 1.0))), 0, 14))
    span = max(east - west, (north - south) / cos, 1e-9)
    min_zoom = int(np.clip(math.floor(math.log2(2 * 360 / span)), 0, max_zoom))
    return min_zoom, max_zoom


def _properties(gdf, lang, index, hotspots, name_col) -> tuple[pd.DataFrame, list[dict]]:
    """The tiles' columns (ID, name, score, decile, class codes, cluster, p) and the viewer's layers."""
    ids = gdf.index
    props = pd.DataFrame({"id": ids.astype(str)}, index=ids)
    if name_col is not None:
        props["name"] = gdf[name_col].astype(str).to_numpy()
    layers: dict[str, Classes] = {}
    if index is not None:
        frame = v.align(index.to_frame(), ids, what="The index")
        props["score"] = frame["score"].to_numpy(dtype="float64")
        if "decile" in frame:
            props["decile"] = frame["decile"].to_numpy()
        layers["ci"] = index_classes(frame["score"], scheme="quantiles", k=5, palette="YlOrRd", lang=lang)
    if hotspots is not None:
        labels = v.align(hotspots.labels, ids, what="The hotspots")
        texts = [str(label) for label in labels]
        shown = {label: class_label(label, lang) for label in set(texts)}  # each label translated once
        props["cluster"] = [shown[label] for label in texts]
        props["p"] = v.align(hotspots.p, ids, what="The hotspots").to_numpy(dtype="float64")
        layers["cl"] = lisa_classes(labels, lang=lang)
    if not layers:
        layers["none"] = Classes(pd.Series(0.0, index=ids), ["#fdfdfd"], [], [len(ids)], text("areas", lang), lang)
    viewer = []
    for key, classes in layers.items():
        props[key] = np.nan_to_num(classes.codes.to_numpy(dtype="float64"), nan=-1).astype("int32")
        note = text("more_deprived", lang) if key == "ci" else ""
        legend = classes.legend_html(note) if classes.labels else f"<h4>{classes.title}</h4>"
        viewer.append({"key": key, "title": classes.title, "colours": classes.colours, "legend": legend})
    return props, viewer


def _script_tiles(mvt: Path, folder: Path) -> list[str]:
    """Each ``z/x/y.pbf`` GDAL wrote, as ``tiles/z/x/y.js`` calling ``dmTile(key, base64)``; returns the keys."""
    keys = []
    for pbf in sorted(mvt.glob("*/*/*.pbf")):
        z, x, y = pbf.parts[-3], pbf.parts[-2], pbf.stem
        key = f"{z}/{x}/{y}"
        target = folder / z / x / f"{y}.js"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'dmTile("{key}","{base64.b64encode(pbf.read_bytes()).decode("ascii")}");\n')
        keys.append(key)
    return keys


def _page(title: str, lang: str) -> str:
    from html import escape

    from .offline import leaflet_assets

    js, css = leaflet_assets()
    style = (
        "html,body,#map{height:100%;margin:0}.dm-legend{background:#fff;padding:6px 8px;font:12px sans-serif;"
        "border-radius:4px;box-shadow:0 0 4px #0004}.dm-legend i{display:inline-block;width:14px;height:14px;"
        "margin-right:6px;vertical-align:middle;opacity:.8}.dm-legend h4{margin:0 0 4px}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{css}</style><style>{style}</style><script>{js}</script></head>"
        f'<body><div id="map"></div><script src="tiles/meta.js"></script>'
        f"<script>{_VIEWER.read_text(encoding='utf-8')}</script></body></html>\n"
    )


def write_tiles(
    gdf: gpd.GeoDataFrame,
    out_dir: str | Path,
    *,
    index=None,
    hotspots=None,
    name_col: str | None = None,
    lang: str = "en",
    min_zoom: int | None = None,
    max_zoom: int | None = None,
    pmtiles: bool = False,
    overwrite: bool = False,
) -> TileSet:
    """Write the areas as vector tiles with an offline viewer page, for maps too large for one HTML file.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The areas, indexed by ID, with a CRS.
    out_dir : path
        The folder to write: ``index.html`` (the viewer) and ``tiles/`` (``meta.js`` and ``z/x/y.js``).
    index : DeprivationIndex, optional
        Drawn in quintiles (YlOrRd, darker = more deprived); score and decile in the tooltip.
    hotspots : Hotspots, optional
        LISA clusters in GeoDa's colours; label and p-value in the tooltip.
    name_col : str, optional
        A column of area names shown in tooltips.
    lang : {"en", "es", "ca", "el"}
        Language of the legends and tooltips.
    min_zoom, max_zoom : int, optional
        Zooms tiled. By default :math:`z_{max} = \\lceil \\log_2(16\\,C\\cos\\varphi / (256\\,\\sqrt{\\tilde a}))\\rceil`
        (:math:`C` the equator's length, :math:`\\varphi` the mean latitude, :math:`\\tilde a` the median area in
        m², so that a typical area spans 16 pixels; at most 14), and :math:`z_{min}` where the extent spans
        about two tiles.
    pmtiles : bool
        Also write ``areas.pmtiles`` (one file, for web servers and GIS; GDAL's ``PMTiles`` driver).
    overwrite : bool
        Replace ``out_dir`` if it exists (refused by default).

    Returns
    -------
    TileSet

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> tiles = dm.write_tiles(gdf, tempfile.mkdtemp() + "/tiles", index=dm.build_index(gdf, {"PctPov": 1}))
    >>> tiles.viewer.name, tiles.n_tiles > 0
    ('index.html', True)
    """
    import pyogrio

    lang = check_lang(lang)
    v.require_crs(gdf, what="The areas")
    v.require_unique_ids(gdf.index, what="The areas")
    if name_col is not None:
        v.require_columns(gdf, [name_col], what="The areas")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ValidationError(f"{out} exists and is not empty; pass overwrite=True or choose another folder.")
        shutil.rmtree(out)
    props, layers = _properties(gdf, lang, index, hotspots, name_col)
    mercator = gdf.geometry.to_crs(3857)
    bounds = _wgs84_bounds(mercator)
    metric = gdf.geometry.to_crs(gdf.geometry.estimate_utm_crs()) if gdf.crs.is_geographic else gdf.geometry
    low, high = _zooms(bounds, metric.area.to_numpy())
    low, high = (min_zoom if min_zoom is not None else low), (max_zoom if max_zoom is not None else high)
    if not 0 <= low <= high <= 22:
        raise ValidationError(f"Zooms must satisfy 0 <= min_zoom <= max_zoom <= 22; got {low} and {high}.")
    frame = gpd.GeoDataFrame(props.reset_index(drop=True), geometry=mercator.to_numpy(), crs=3857)
    options = {"MINZOOM": low, "MAXZOOM": high, "FORMAT": "DIRECTORY", "COMPRESS": "NO", "NAME": "areas"}
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        mvt = Path(tmp) / "mvt"
        with warnings.catch_warnings():  # expected at low zooms, and said in this module's documentation
            warnings.filterwarnings("ignore", "At least one tile exceeded", RuntimeWarning)
            pyogrio.write_dataframe(frame, mvt, driver="MVT", layer="areas", dataset_options=options)
        keys = _script_tiles(mvt, out / "tiles")
    path = None
    if pmtiles:
        path = out / "areas.pmtiles"
        pmtiles_options = {"MINZOOM": low, "MAXZOOM": high, "NAME": "areas"}
        pyogrio.write_dataframe(frame, path, driver="PMTiles", layer="areas", dataset_options=pmtiles_options)
    meta = {
        "bounds": [round(float(b), 6) for b in bounds],
        "minzoom": low,
        "maxzoom": high,
        "layers": layers,
        "text": {k: text(k, lang) for k in ("score", "decile", "cluster")},
        "tiles": keys,
    }
    meta_js = "window.DM_TILES = " + json.dumps(meta, ensure_ascii=False).replace("</", "<\\/") + ";\n"
    (out / "tiles" / "meta.js").parent.mkdir(parents=True, exist_ok=True)
    (out / "tiles" / "meta.js").write_text(meta_js, encoding="utf-8")
    viewer = out / "index.html"
    viewer.write_text(_page(layers[0]["title"], lang), encoding="utf-8")
    n_bytes = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return TileSet(viewer, out / "tiles", low, high, len(keys), n_bytes, path)
