"""Colours for maps: colour-blind-safe ColorBrewer ramps and GeoDa's LISA cluster colours."""

from __future__ import annotations

from .. import _validation as v
from ..spatial import labels as lab

__all__ = [
    "GI_COLOURS",
    "LISA_COLOURS",
    "NO_DATA",
    "NO_DATA_CANVAS",
    "NO_DATA_FILL",
    "QUALITATIVE",
    "SEQUENTIAL",
    "SIGNIFICANCE_COLOURS",
    "sequential",
]

# ColorBrewer 2.0 (Cynthia Brewer, Penn State), sequential, colour-blind safe; 3 to 9 classes.
SEQUENTIAL: dict[str, dict[int, list[str]]] = {
    "YlOrRd": {
        3: ["#ffeda0", "#feb24c", "#f03b20"],
        4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
        5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
        6: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"],
        7: ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
        8: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#b10026"],
        9: ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"],
    },
    "Purples": {
        3: ["#efedf5", "#bcbddc", "#756bb1"],
        4: ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#6a51a3"],
        5: ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"],
        6: ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"],
        7: ["#f2f0f7", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"],
        8: ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#4a1486"],
        9: ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3", "#54278f", "#3f007d"],
    },
    "OrRd": {
        3: ["#fee8c8", "#fdbb84", "#e34a33"],
        4: ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f"],
        5: ["#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000"],
        6: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"],
        7: ["#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
        8: ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000"],
        9: ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#b30000", "#7f0000"],
    },
    "Blues": {
        3: ["#deebf7", "#9ecae1", "#3182bd"],
        4: ["#eff3ff", "#bdd7e7", "#6baed6", "#2171b5"],
        5: ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"],
        6: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
        7: ["#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
        8: ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594"],
        9: ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"],
    },
    "Greens": {
        3: ["#e5f5e0", "#a1d99b", "#31a354"],
        4: ["#edf8e9", "#bae4b3", "#74c476", "#238b45"],
        5: ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"],
        6: ["#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c"],
        7: ["#edf8e9", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32"],
        8: ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#005a32"],
        9: ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45", "#006d2c", "#00441b"],
    },
    "YlGnBu": {
        3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
        4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
        5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
        6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
        7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
        8: ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
        9: ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58"],
    },
}

# ColorBrewer qualitative palettes for categories: Set2 (8, colour-blind safe) or Paired (12) beyond 8.
QUALITATIVE: dict[int, list[str]] = {
    8: ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494", "#b3b3b3"],
    12: [
        "#a6cee3",
        "#1f78b4",
        "#b2df8a",
        "#33a02c",
        "#fb9a99",
        "#e31a1c",
        "#fdbf6f",
        "#ff7f00",
        "#cab2d6",
        "#6a3d9a",
        "#ffff99",
        "#b15928",
    ],
}

# GeoDa's LISA cluster map colours.
LISA_COLOURS: dict[str, str] = {
    lab.HIGH_HIGH: "#ff0000",
    lab.LOW_LOW: "#0000ff",
    lab.LOW_HIGH: "#a7adf9",
    lab.HIGH_LOW: "#f4ada8",
    lab.NOT_SIGNIFICANT: "#eeeeee",
    lab.ISOLATE: "#999999",
}

# GeoDa's significance map: greens, darker for smaller p (ColorBrewer Greens, colour-blind safe), the areas not
# significant and the isolates as in the LISA map. "Undefined" areas are drawn in the no-data style.
SIGNIFICANCE_COLOURS: dict[str, str] = dict(
    zip(
        [label for label in lab.significance_labels() if label != lab.UNDEFINED],  # the shared order, strongest first
        ("#006d2c", "#41ab5d", "#a1d99b", "#eeeeee", "#999999"),
        strict=True,
    )
)

# Gi* hot and cold spots by confidence: ColorBrewer RdBu (7 classes, colour-blind safe), as ArcGIS's hot
# spot maps order them; isolates in GeoDa's grey. "Undefined" areas are drawn in the no-data style.
_CONFIDENCES = [confidence for _, _, confidence in lab.GI_LEVELS]  # strongest first
GI_COLOURS: dict[str, str] = dict(
    zip(
        [
            *map(lab.hot_spot, _CONFIDENCES),
            lab.NOT_SIGNIFICANT,
            *map(lab.cold_spot, reversed(_CONFIDENCES)),
            lab.ISOLATE,
        ],
        ["#b2182b", "#ef8a62", "#fddbc7", "#f7f7f7", "#d1e5f0", "#67a9cf", "#2166ac", "#999999"],
        strict=True,
    )
)

# Areas with no value: hatched grey with a dark dashed outline (SVG); plain mid grey on a canvas, which cannot
# fill with a pattern. Both plainly visible on white and on a basemap, and unlike every class colour.
NO_DATA_FILL = "#bdbdbd"
NO_DATA = {"fillColor": "url(#dm-no-data)", "fillOpacity": 1, "color": "#252525", "weight": 1, "dashArray": "4 3"}
NO_DATA_CANVAS = {**NO_DATA, "fillColor": NO_DATA_FILL, "fillOpacity": 0.9}


def sequential(name: str, k: int) -> list[str]:
    """``k`` colours of the ColorBrewer ramp ``name``, light to dark.

    Examples
    --------
    >>> sequential("YlOrRd", 3)
    ['#ffeda0', '#feb24c', '#f03b20']
    >>> len(sequential("Blues", 9)), sequential("Blues", 5)[-1]
    (9, '#08519c')
    """
    ramp = v.lookup(SEQUENTIAL, name, what="palette")
    return v.lookup(ramp, k, what=f"number of classes for {name!r} (3 to 9)")
