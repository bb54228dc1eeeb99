"""Basemap tiles that work without an API key, each with the attribution its licence asks for.

A map has no basemap by default (a saved map then makes no request at all). ``explore(tiles=NAME)`` adds one
of :data:`BASEMAPS`: OpenStreetMap's standard tiles (ODbL data, tile usage policy) and CARTO's light and dark
basemaps through their public, keyless ``basemaps.cartocdn.com`` URLs (folium's ``"CartoDB positron"`` now warns
that it needs a key; the keyless URL does not). The tiles are loaded from the network by the reader's browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import _validation as v

__all__ = ["BASEMAPS", "Basemap", "basemap"]

_OSM = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
_CARTO = f'{_OSM} &copy; <a href="https://carto.com/attributions">CARTO</a>'


@dataclass(frozen=True)
class Basemap:
    """A tile layer: its URL template, attribution (HTML, fixed here: never from data), subdomains, zoom range.

    Examples
    --------
    >>> BASEMAPS["CartoDB positron"].url.startswith("https://{s}.basemaps.cartocdn.com/")  # no key in it
    True
    """

    url: str
    attribution: str
    subdomains: str = "abc"
    max_zoom: int = 19


BASEMAPS: dict[str, Basemap] = {
    "OpenStreetMap": Basemap("https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM),
    "CartoDB positron": Basemap(
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png", _CARTO, subdomains="abcd", max_zoom=20
    ),
    "CartoDB positron (no labels)": Basemap(
        "https://{s}.basemaps.cartocdn.com/light_nolabels/{z}/{x}/{y}{r}.png", _CARTO, subdomains="abcd", max_zoom=20
    ),
    "CartoDB dark_matter": Basemap(
        "https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png", _CARTO, subdomains="abcd", max_zoom=20
    ),
}


def _loose(name: str) -> str:
    """A name without case, spaces, dots, dashes or underscores: folium's ``"cartodbpositron"`` is ours too."""
    return re.sub(r"[\s._-]", "", name.lower())


def basemap(name: str):
    """A folium ``TileLayer`` for the basemap ``name``, one of :data:`BASEMAPS`.

    Case, spaces, dots, dashes and underscores are ignored, so folium's spellings (``"cartodbpositron"``) work.

    Examples
    --------
    >>> layer = basemap("cartodbpositron")
    >>> layer.tiles, "CARTO" in layer.options["attribution"]
    ('https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png', True)
    >>> basemap("Stadia.AlidadeSmooth")
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Unknown basemap 'Stadia.AlidadeSmooth': expected one of 'OpenStreetMap', 'CartoDB positron', 'CartoDB positron (no labels)', 'CartoDB dark_matter'.
    """
    import folium

    by_loose = {_loose(key): key for key in BASEMAPS}
    key = by_loose.get(_loose(str(name))) or v.choose(name, tuple(BASEMAPS), what="basemap")
    tiles = BASEMAPS[key]
    return folium.TileLayer(
        tiles=tiles.url,
        attr=tiles.attribution,
        name=key,
        subdomains=tiles.subdomains,
        max_zoom=tiles.max_zoom,
        control=False,
    )
