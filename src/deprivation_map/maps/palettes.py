"""Colours for maps: colour-blind-safe ColorBrewer ramps and GeoDa's LISA cluster colours."""

from __future__ import annotations

from .. import _validation as v

__all__ = ["LISA_COLOURS", "NO_DATA", "SEQUENTIAL", "sequential"]

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
}

# GeoDa's LISA cluster map colours.
LISA_COLOURS: dict[str, str] = {
    "High-High": "#ff0000",
    "Low-Low": "#0000ff",
    "Low-High": "#a7adf9",
    "High-Low": "#f4ada8",
    "Not significant": "#eeeeee",
    "Isolate": "#999999",
}

# Areas with no value are never drawn in a class colour: white, faint, with a dashed grey outline.
NO_DATA = {"fillColor": "#ffffff", "fillOpacity": 0.15, "color": "#737373", "weight": 1, "dashArray": "3 3"}


def sequential(name: str, k: int) -> list[str]:
    """``k`` colours of the ColorBrewer ramp ``name``, light to dark."""
    ramp = v.lookup(SEQUENTIAL, name, what="palette")
    return v.lookup(ramp, k, what=f"number of classes for {name!r} (3 to 9)")
