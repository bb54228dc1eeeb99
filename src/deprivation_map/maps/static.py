"""Static PNG maps for print: the index or the clusters, with legend (counts), title, source line and scale bar.

The classes and colours are those of the interactive map (:mod:`.layers`), so both agree. matplotlib is
imported here only, through its object API (no pyplot, no global state), and only when an image is drawn.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import geopandas as gpd

from .. import _validation as v
from ..errors import ValidationError
from .i18n import check_lang, number, text
from .layers import Classes, gi_classes, index_classes, lisa_classes

__all__ = ["LAYERS", "TITLES", "metres_per_unit", "save_png", "scale_bar_length"]

LAYERS = ("index", "clusters", "gi")
TITLES = {"index": "index_map", "clusters": "cluster_map", "gi": "gi"}  # text keys of the images' titles


def require_matplotlib():
    try:
        from matplotlib.figure import Figure
        from matplotlib.patches import Patch, Rectangle
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("Static maps and reports need matplotlib: pip install 'deprivation-map[report]'.") from err
    return Figure, Patch, Rectangle


def scale_bar_length(width_m: float) -> float:
    """A round length (1, 2 or 5 times a power of ten metres) close to a fifth of ``width_m``.

    Examples
    --------
    >>> scale_bar_length(52_000), scale_bar_length(3_100), scale_bar_length(700_000)
    (10000.0, 500.0, 100000.0)
    """
    target = width_m / 5
    power = 10 ** math.floor(math.log10(target))
    return float(max(m * power for m in (1, 2, 5) if m * power <= target))


def metres_per_unit(crs) -> float:
    """Metres in one unit of a projected CRS's x axis, from the CRS itself (a US survey foot is 0.3048006 m).

    Examples
    --------
    >>> metres_per_unit("EPSG:3435"), metres_per_unit("EPSG:25831")  # Illinois East (US feet), UTM 31N
    (0.30480060960121924, 1.0)
    """
    import pyproj

    crs = pyproj.CRS.from_user_input(crs)
    if crs.is_geographic or not crs.axis_info:
        raise ValidationError(f"A scale bar needs a projected CRS; {crs.name} is not. Project the areas first.")
    return float(crs.axis_info[0].unit_conversion_factor)


def _classes(gdf, layer, *, index, hotspots, gi, lang, options) -> Classes:
    ids = gdf.index.astype(str)
    if layer == "index":
        if index is None:
            raise ValidationError("layer='index' needs index=... (a DeprivationIndex).")
        score = v.align(index.score, ids, what="The index").set_axis(gdf.index)
        return index_classes(score, lang=lang, **options)
    source, name = (hotspots, "hotspots") if layer == "clusters" else (gi, "gi")
    if source is None:
        raise ValidationError(f"layer={layer!r} needs {name}=... (an object with .labels by area ID).")
    labels = v.align(source.labels, ids, what=f"The {name}").set_axis(gdf.index)
    return lisa_classes(labels, lang=lang) if layer == "clusters" else gi_classes(labels, lang=lang)


def save_png(
    gdf: gpd.GeoDataFrame,
    path: str | Path,
    *,
    layer: str = "index",
    index=None,
    hotspots=None,
    gi=None,
    lang: str = "en",
    title: str | None = None,
    source: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: list[float] | None = None,
    lowest: float | None = None,
    palette: str = "YlOrRd",
    size: tuple[float, float] = (10.0, 7.5),
    dpi: int = 150,
) -> Path:
    """Draw one layer of the map as a PNG for print.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        The areas, indexed by ID, with a CRS (geographic coordinates are projected to UTM for a true scale).
    path : path or binary file object
        Where to write the PNG.
    layer : {"index", "clusters", "gi"}
        The index choropleth (needs ``index``), the LISA clusters (``hotspots``) or Gi* hot spots (``gi``).
    lang : {"en", "es", "ca", "el"}
    title, source : str, optional
        Default: the layer's name; "deprivation_map". Shown as given (plain text).
    scheme, k, bins, palette
        As in :func:`~deprivation_map.explore`.
    lowest : float, optional
        The lower bound of the index's first class in the legend, when ``gdf`` is part of the areas drawn
        with the classes of all of them (``scheme="user_defined"``, ``bins`` from the whole map): the smallest
        score of the whole map, so that the legends of both read alike. Default: the smallest score drawn.
        A first class holding none of the areas drawn reads "≤ b1", never an inverted range.

    Returns
    -------
    pathlib.Path or the file object
        The PNG, with its title and source also in the file's metadata.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> save_png(gdf, tempfile.mkdtemp() + "/index.png", index=index).suffix
    '.png'
    """
    lang = check_lang(lang)
    v.choose(layer, LAYERS, what="layer")
    v.require_crs(gdf, what="The areas")
    options = {"scheme": scheme, "k": k, "bins": bins, "palette": palette}
    options |= {"lowest": lowest} if layer == "index" else {}
    classes = _classes(gdf, layer, index=index, hotspots=hotspots, gi=gi, lang=lang, options=options)
    Figure, Patch, Rectangle = require_matplotlib()
    geometry = gdf.geometry.to_crs(gdf.geometry.estimate_utm_crs()) if gdf.crs.is_geographic else gdf.geometry
    title = title if title is not None else text(TITLES[layer], lang)
    source = text("source", lang, source=source if source is not None else text("default_source", lang))
    fig = Figure(figsize=size, dpi=dpi)
    ax = fig.add_axes((0.02, 0.08, 0.68, 0.84))
    codes = classes.codes
    has = codes.notna()
    if has.any():
        colours = [classes.colours[int(c)] for c in codes[has]]
        geometry[has.to_numpy()].plot(ax=ax, color=colours, edgecolor="#636363", linewidth=0.3)
    if (~has).any():
        geometry[(~has).to_numpy()].plot(ax=ax, facecolor="white", edgecolor="#737373", hatch="////", linewidth=0.3)
    handles = [
        Patch(facecolor="white", edgecolor="#737373", hatch="////", label=html.unescape(label))
        if colour is None
        else Patch(facecolor=colour, edgecolor="#636363", label=html.unescape(label))
        for colour, label in classes.legend_rows()
    ]
    ax.legend(
        handles=handles,
        title=html.unescape(classes.title),
        loc="center left",
        bbox_to_anchor=(1.02, 0.5),
        fontsize=8,
        title_fontsize=9,
        framealpha=0.92,
    )
    ax.set_axis_off()
    ax.set_aspect("equal")
    _scale_bar(ax, Rectangle, lang, metres_per_unit(geometry.crs))
    fig.suptitle(title, fontsize=14, x=0.02, ha="left", y=0.97)
    fig.text(0.02, 0.02, source, fontsize=8, color="#525252")
    if isinstance(path, str | Path):
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=dpi, metadata={"Title": title, "Source": source, "Software": "deprivation_map"})
    return path


def _scale_bar(ax, Rectangle, lang: str, unit_m: float) -> None:
    """A black and white bar of a round length in the lower left corner, labelled in km or m.

    The axes are in the CRS's units, ``unit_m`` metres each: the bar's round length is chosen in metres and
    drawn as ``metres / unit_m`` units (in a feet CRS, 1 km is 3,280.8 units long).
    """
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    metres = scale_bar_length((x1 - x0) * unit_m)
    length = metres / unit_m
    left, bottom, height = x0 + 0.04 * (x1 - x0), y0 + 0.04 * (y1 - y0), 0.012 * (y1 - y0)
    for i in range(2):
        ax.add_patch(
            Rectangle(
                (left + i * length / 2, bottom),
                length / 2,
                height,
                facecolor="black" if i == 0 else "white",
                edgecolor="black",
                linewidth=0.6,
            )
        )
    label = f"{number(metres / 1000, lang, 0)} km" if metres >= 1000 else f"{number(metres, lang, 0)} m"
    ax.text(left + length / 2, bottom + 1.8 * height, label, ha="center", va="bottom", fontsize=8)
    ax.text(left, bottom - 0.6 * height, "0", ha="center", va="top", fontsize=7)
