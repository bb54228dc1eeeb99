"""Interactive Leaflet maps of an index and its hotspots, built with folium.

folium and mapclassify are imported inside the functions that use them, so ``import deprivation_map``
stays light; mapclassify only for the schemes other than quantiles.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _validation as v
from ..autocorrelation import Hotspots
from ..composite import DeprivationIndex
from .palettes import LISA_COLOURS, sequential

__all__ = ["SCHEMES", "explore", "quantile_bins", "save_map"]

def quantile_bins(values: np.ndarray, k: int) -> np.ndarray:
    r"""Upper bounds of ``k`` quantile classes, exactly as ``mapclassify.Quantiles`` computes them.

    Notes
    -----
    :math:`b_j = Q(100\,j/k)` for :math:`j = 1..k` (linear interpolation), repeated bounds merged (ties can
    leave fewer than ``k`` classes). Computed here because importing mapclassify compiles a numba function
    eagerly, about a second on every run, which the default scheme does not need.
    """
    return np.unique(np.percentile(values, np.linspace(100 / k, 100, k)))


def _mapclassify(name: str) -> Callable[[np.ndarray, int], np.ndarray]:
    def bins(values: np.ndarray, k: int) -> np.ndarray:
        import mapclassify

        return np.asarray(mapclassify.classify(values, name, k=k).bins)

    return bins


# Scheme name -> function giving the classes' upper bounds; class j holds bins[j-1] < y <= bins[j].
SCHEMES: dict[str, Callable[[np.ndarray, int], np.ndarray]] = {
    "quantiles": quantile_bins,
    "equal_interval": _mapclassify("equalinterval"),
    "fisher_jenks": _mapclassify("fisherjenks"),
    "natural_breaks": _mapclassify("naturalbreaks"),
    "std_mean": _mapclassify("stdmean"),
}


def _number(value: float, digits: int = 2) -> str:
    return "–" if pd.isna(value) else f"{value:.{digits}f}"


def _classify(score: pd.Series, scheme: str, k: int, palette: str) -> tuple[pd.Series, str]:
    """Colour per area (None where there is no score) and the legend's HTML rows."""
    valid = score.dropna()
    bins = v.lookup(SCHEMES, scheme, what="classification scheme")(valid.to_numpy(), k)
    classes = np.searchsorted(bins, valid.to_numpy(), side="left")
    colours = sequential(palette, max(3, len(bins)))[-len(bins) :]
    colour = pd.Series(None, index=score.index, dtype=object)
    colour[valid.index] = [colours[c] for c in classes]
    lows = [valid.min(), *bins[:-1]]
    counts = np.bincount(classes, minlength=len(bins))
    rows = [
        f'<i style="background:{c}"></i>{_number(lo)} – {_number(hi)} ({n})'
        for c, lo, hi, n in zip(colours, lows, bins, counts, strict=True)
    ]
    return colour, "<br>".join(rows)


def _no_data_row(n: int) -> str:
    return f'<br><i class="dm-no-data"></i>no data ({n})' if n else ""


def _lisa_colours(labels: pd.Series) -> tuple[pd.Series, str]:
    colour = labels.map(LISA_COLOURS).astype(object).where(labels != "Undefined", None)
    counts = labels.value_counts()
    shown = [lab for lab in LISA_COLOURS if lab != "Isolate" or counts.get(lab, 0)]
    rows = [f'<i style="background:{LISA_COLOURS[lab]}"></i>{html.escape(lab)} ({counts.get(lab, 0)})' for lab in shown]
    return colour, "<br>".join(rows) + _no_data_row(int(counts.get("Undefined", 0)))


def _tooltips(ids: pd.Index, names: pd.Series | None, index: pd.DataFrame | None, lisa: pd.DataFrame | None) -> list[str]:
    """One tooltip per area, every value from data HTML-escaped."""
    esc = html.escape
    if names is None:
        lines = [[f"<b>{esc(str(i))}</b>" for i in ids]]
    else:
        lines = [[f"<b>{esc(str(n))}</b><br>ID: {esc(str(i))}" for i, n in zip(ids, names, strict=True)]]
    if index is not None:
        lines.append([
            "no data" if pd.isna(s) else f"Score {_number(s)} · rank {r} · decile {d}"
            for s, r, d in zip(index["score"], index["rank"], index["decile"], strict=True)
        ])  # fmt: skip
    if lisa is not None:
        lines.append([
            f"Cluster: {esc(str(lab))}" + ("" if pd.isna(p) else f" (p = {_number(p, 3)})")
            for lab, p in zip(lisa["lisa_label"], lisa["lisa_p"], strict=True)
        ])  # fmt: skip
    return ["<br>".join(row) for row in zip(*lines, strict=True)]


def _web_geometry(gdf: gpd.GeoDataFrame, precision: int) -> gpd.GeoSeries:
    """Geometry in WGS 84 with coordinates rounded to ``precision`` decimals (5 is about 1 m)."""
    geometry = gdf.geometry.to_crs(4326)
    rounded = shapely.transform(geometry.to_numpy(), lambda xy: np.round(xy, precision))
    return gpd.GeoSeries(rounded, index=gdf.index, crs=4326)


def _aligned(frame: pd.DataFrame, ids: pd.Index, what: str) -> pd.DataFrame:
    return v.align(frame, pd.Index(ids.astype(str)), what=what).set_axis(ids)


def explore(
    gdf: gpd.GeoDataFrame,
    *,
    index: DeprivationIndex | None = None,
    hotspots: Hotspots | None = None,
    name_col: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "YlOrRd",
    tiles: str | None = "OpenStreetMap",
    precision: int = 5,
):
    """An interactive map of the areas with the index and its LISA clusters as layers the user can toggle.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The areas, indexed by ID, with a CRS.
    index : DeprivationIndex, optional
        Drawn as a choropleth of its score, classified by ``scheme`` into ``k`` classes.
    hotspots : Hotspots, optional
        Drawn in GeoDa's cluster colours.
    name_col : str, optional
        A column of area names shown in tooltips.
    scheme : {"quantiles", "equal_interval", "fisher_jenks", "natural_breaks", "std_mean"}
    k : int
        Number of classes (3 to 9).
    palette : {"YlOrRd", "Purples"}
        A colour-blind-safe ColorBrewer ramp; darker = more deprived.
    tiles : str or None
        A folium basemap name, or None for no basemap.
    precision : int
        Decimals kept in the WGS 84 coordinates written to the page.

    Returns
    -------
    folium.Map
        Areas with no score or no value are drawn in the no-data style and listed as "no data" in the legend,
        never in a class colour. Every name and label is HTML-escaped.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> m = dm.explore(gdf, index=index)
    >>> "Deprivation index" in m.get_root().render()
    True
    """
    import folium

    from ._leaflet import AreaData, AreaLayer, Legend

    v.require_crs(gdf, what="The areas")
    if name_col is not None:
        v.require_columns(gdf, [name_col], what="The areas")
    names = gdf[name_col] if name_col is not None else None
    index_frame = _aligned(index.to_frame(), gdf.index, "The index") if index is not None else None
    lisa = _aligned(hotspots.to_frame(), gdf.index, "The hotspots") if hotspots is not None else None
    props = pd.DataFrame(index=gdf.index)
    legends = {}
    if index_frame is not None:
        props["ci"], rows = _classify(index_frame["score"], scheme, k, palette)
        no_data = _no_data_row(int(index_frame["score"].isna().sum()))
        legends["ci"] = ("Deprivation index", f"<h4>Deprivation index</h4>{rows}{no_data}")
    if lisa is not None:
        props["cl"], rows = _lisa_colours(lisa["lisa_label"].astype(str))
        legends["cl"] = ("LISA clusters", f"<h4>LISA clusters</h4>{rows}")
    props["tip"] = _tooltips(gdf.index, names, index_frame, lisa)
    geometry = _web_geometry(gdf, precision)
    data = AreaData(gpd.GeoDataFrame(props.reset_index(drop=True), geometry=geometry.to_numpy(), crs=4326).to_json(drop_id=True))
    west, south, east, north = geometry.total_bounds
    m = folium.Map(tiles=tiles, control_scale=True)
    m.fit_bounds([[south, west], [north, east]])
    m.add_child(data)
    for position, (key, (title, legend)) in enumerate(legends.items()):
        layer = AreaLayer(data, key, name=title, show=position == 0)
        m.add_child(layer)
        m.add_child(Legend(layer, legend))
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def save_map(m, path: str | Path, *, self_contained: bool = True) -> Path:
    """Write a folium map to one HTML file, creating the folder if needed.

    With ``self_contained=True`` (default) Leaflet is inlined and nothing is loaded from the network, so
    the file works offline and on an intranet; a basemap, if the map has one, still needs the network.
    See :func:`deprivation_map.maps.offline.inline_assets`.
    """
    from .offline import inline_assets

    html_text = m.get_root().render()
    if self_contained:
        html_text = inline_assets(html_text, [*m.default_js, *m.default_css])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html_text, encoding="utf-8")
    return path
