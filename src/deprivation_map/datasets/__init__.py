"""Small datasets bundled with deprivation_map for the demo, the doctests and the tests.

- ``georgia_counties.gpkg`` + ``georgia_indicators.csv``: the 159 counties of Georgia (USA), 1990 census,
  keyed by ``AreaKey`` (county FIPS code), EPSG:26716. From libpysal's example data.
- ``toy_areas.geojson`` + ``toy_indicators.csv``: 13 synthetic areas holding every edge case (leading-zero
  IDs, an island, unmatched rows on both sides, a missing value, a tie), keyed by ``code``.

``data/make_datasets.py`` in the repository rebuilds them and documents their sources.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import ValidationError
from ..io import read_boundaries, read_indicators
from ..io.join import join_indicators

__all__ = ["BUNDLED", "get_path", "load_georgia", "load_toy"]

BUNDLED = "bundled:"  # in a configuration, a path "bundled:NAME" names a bundled file

_PLACES = (files(__name__), files(f"{__name__}.boundaries"))


def get_path(name: str) -> Path:
    """The path of a bundled file, by name.

    Examples
    --------
    >>> get_path("georgia_indicators.csv").name
    'georgia_indicators.csv'
    """
    for place in _PLACES:
        candidate = place / name
        if candidate.is_file():
            return Path(str(candidate))
    available = sorted(
        p.name for place in _PLACES for p in place.iterdir() if p.name.endswith((".csv", ".gpkg", ".geojson"))
    )
    raise ValidationError(f"No bundled dataset file {name!r}; available: {', '.join(available)}.")


def load_georgia() -> gpd.GeoDataFrame:
    """Georgia's 159 counties joined with their 1990 census indicators, indexed by ``AreaKey``.

    Examples
    --------
    >>> gdf = load_georgia()
    >>> gdf.shape, gdf.crs.to_epsg()
    ((159, 10), 26716)
    """
    counties = read_boundaries(get_path("georgia_counties.gpkg"), id_col="AreaKey")
    table = read_indicators(get_path("georgia_indicators.csv"), id_col="AreaKey")
    return join_indicators(counties, table)


def load_toy() -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The toy areas and their indicator table, not joined (they do not match exactly, on purpose).

    Examples
    --------
    >>> areas, table = load_toy()
    >>> areas.index[:3].tolist(), len(areas), len(table)
    (['001', '002', '003'], 13, 13)
    """
    areas = read_boundaries(get_path("toy_areas.geojson"), id_col="code")
    table = read_indicators(get_path("toy_indicators.csv"), id_col="code")
    return areas, table
