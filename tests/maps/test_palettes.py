"""Maps: layers, legends with counts, no-data never coloured as a class, tooltips, escaping, offline saving.

The page is read back the way the browser reads it: the shared GeoJSON, each layer's colour list, and the
tooltip rows and vocabulary, which :func:`_tooltips` joins exactly as the page's JavaScript does."""

from __future__ import annotations

import json

from deprivation_map.maps.palettes import GI_COLOURS, SEQUENTIAL


def test_palettes_are_colorbrewer():
    """Checked against the ColorBrewer tables that branca (folium's dependency) ships."""
    import importlib.resources

    schemes = json.loads((importlib.resources.files("branca") / "_schemes.json").read_text())
    for name, ramps in SEQUENTIAL.items():
        for k, colours in ramps.items():
            assert colours == schemes[f"{name}_0{k}"]
    rdbu = schemes["RdBu_07"]
    assert [GI_COLOURS[lab] for lab in list(GI_COLOURS)[:7]] == rdbu
