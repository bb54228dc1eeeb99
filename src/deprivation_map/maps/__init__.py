"""Maps: interactive Leaflet maps (folium), static PNG maps, in English, Spanish, Catalan and Greek.

- :func:`explore` -> ``folium.Map`` with the index, LISA clusters, Gi* hot spots, allocation and services as
  layers with legends; :func:`save_map` writes it as one self-contained, light HTML file;
- :func:`write_tiles` writes maps too large for one file as vector tiles with an offline viewer page;
- :func:`save_png` draws the index or the clusters for print (needs matplotlib: the ``report`` extra);
- :func:`~deprivation_map.maps.browser.check_in_browser` opens a saved map in headless Chromium, offline.

Nothing here imports folium, mapclassify, matplotlib or playwright until it is used.
"""

from .change import change_map, emerging_map, period_map
from .classify import SCHEMES
from .i18n import LANGS
from .interactive import explore, save_map
from .simplify import MapSize
from .static import save_png
from .tiles import TileSet, write_tiles

__all__ = [
    "LANGS",
    "SCHEMES",
    "MapSize",
    "TileSet",
    "change_map",
    "emerging_map",
    "explore",
    "period_map",
    "save_map",
    "save_png",
    "write_tiles",
]
