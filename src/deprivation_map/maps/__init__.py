"""Maps: interactive Leaflet maps (folium) of the index and its hotspots.

Nothing here imports folium or mapclassify until a map is made.
"""

from .explore import SCHEMES, explore, save_map

__all__ = ["SCHEMES", "explore", "save_map"]
