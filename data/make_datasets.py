"""Rebuild the datasets bundled with deprivation_map (run from the repository root: python data/make_datasets.py).

- Georgia: the 159 counties of Georgia (USA), 1990 census, from the shapefile libpysal ships
  (``libpysal.examples.get_path("G_utm.shp")``). The boundaries go to ``data/boundaries/georgia_counties.gpkg``
  (key ``AreaKey``, the county FIPS code); the indicators to a separate table,
  ``src/deprivation_map/datasets/georgia_indicators.csv``, so the demo exercises the join.
  The shapefile has no ``.prj``. Its coordinates are UTM zone 16N on the NAD27 datum (EPSG:26716): with it
  the county centroids fall a median 5 m north of the file's own ``Latitude`` column, against 204 m south
  with NAD83 (EPSG:26916) and 6 degrees of longitude off with zone 17N (tests/test_datasets.py checks this).
- Toy: 13 squares near Barcelona (EPSG:25831) holding every edge case the tests need: IDs with leading
  zeros, an island (``013``), a polygon with no table row (``012``), a table row with no polygon (``099``),
  a missing value (``005``), a tie (``002`` and ``003``), and a name with HTML in it.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import libpysal
import pandas as pd
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[1]
BOUNDARIES = ROOT / "data" / "boundaries"
TABLES = ROOT / "src" / "deprivation_map" / "datasets"

GEORGIA_INDICATORS = [
    "TotPop90",
    "PctRural",
    "PctBach",
    "PctEld",
    "PctFB",
    "PctPov",
    "PctBlack",
    "Latitude",
    "Longitud",
]


def georgia() -> None:
    raw = gpd.read_file(libpysal.examples.get_path("G_utm.shp")).set_crs("EPSG:26716")
    raw["AreaKey"] = raw["AreaKey"].round().astype("int64").astype(str)
    raw[["AreaKey", "geometry"]].to_file(BOUNDARIES / "georgia_counties.gpkg", layer="counties", driver="GPKG")
    table = pd.DataFrame(raw[["AreaKey", *GEORGIA_INDICATORS]]).sort_values("AreaKey")
    table.to_csv(TABLES / "georgia_indicators.csv", index=False)


def toy() -> None:
    x0, y0, side = 430_000, 4_580_000, 500
    cells = [
        box(x0 + c * side, y0 + r * side, x0 + (c + 1) * side, y0 + (r + 1) * side) for r in range(3) for c in range(4)
    ]
    island = box(x0 + 5_000, y0 + 5_000, x0 + 5_000 + side, y0 + 5_000 + side)
    ids = [f"{i:03d}" for i in range(1, 14)]
    names = [
        "Sant Martí",
        "Gràcia",
        "Sants",
        "Les Corts",
        "Poble-sec & <Montjuïc>",
        "Horta",
        "Sarrià",
        "Nou Barris",
        "Sant Andreu",
        "Eixample",
        "Ciutat Vella",
        "Vallcarca",
        "Illa <script>alert(1)</script>",
    ]
    areas = gpd.GeoDataFrame({"code": ids, "name": names}, geometry=[*cells, island], crs="EPSG:25831")
    areas.to_file(BOUNDARIES / "toy_areas.geojson", driver="GeoJSON")
    # Poverty rises and degrees fall towards the north-east of the grid; 002 and 003 tie exactly.
    poverty = [8.1, 12.4, 12.4, 25.0, 9.3, 14.8, 22.5, 27.9, 10.2, 18.6, 26.1, 30.4, 15.0]
    degree = [48.2, 35.0, 35.0, 15.1, 41.0, 30.8, 20.3, 12.7, 40.5, 25.2, 14.9, 10.0, 30.0]
    population = [1200, 950, 1430, 2100, 880, 1675, 1990, 2450, 1010, 1320, 2275, 1800, 640]
    table = pd.DataFrame({"code": ids, "poverty": poverty, "degree": degree, "population": population})
    table.loc[4, "degree"] = float("nan")  # 005 has a missing value
    table = table[table["code"] != "012"]  # 012 has a polygon but no row
    extra = pd.DataFrame({"code": ["099"], "poverty": [30.0], "degree": [12.0], "population": [1500]})
    pd.concat([table, extra]).to_csv(TABLES / "toy_indicators.csv", index=False)


if __name__ == "__main__":
    georgia()
    toy()
