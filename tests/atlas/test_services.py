"""The atlas's pages of zones, vulnerable groups and access (atlas/_services.py) on Georgia with hostile names."""

from __future__ import annotations

import re
import textwrap

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.atlas import publish_atlas
from deprivation_map.atlas._services import zone_counts
from deprivation_map.maps.i18n import LANGS, text
from deprivation_map.pipeline import run

HOSTILE = ("{{ 7*7 }}", "</script><script>alert(1)</script>", "<img src=x onerror=alert(2)>")


@pytest.fixture(scope="module")
def services_config(tmp_path_factory):
    """Georgia with small group counts (so that cells are suppressed), services of 3 kinds, candidate sites."""
    folder = tmp_path_factory.mktemp("services")
    gdf = dm.datasets.load_georgia().reset_index()
    gdf["name"] = [HOSTILE[i % 3] if i < 6 else f"County {i}" for i in range(len(gdf))]
    gdf["poor"] = (gdf["PctPov"] * gdf["TotPop90"] / 100 / 400).round().astype(int)  # small: many below 10
    gdf["older"] = (gdf["PctEld"] * gdf["TotPop90"] / 100 / 40).round().astype(int)
    gdf[["AreaKey", "name", "PctPov", "PctBach", "TotPop90", "poor", "older", "geometry"]].to_file(folder / "a.gpkg")
    points = gdf.representative_point()
    services = gpd.GeoDataFrame(
        {"code": [f"S{i}" for i in range(20)], "label": [HOSTILE[i % 3] for i in range(20)],
         "kind": (["Library", "</b>Clinic", "Pharmacy"] * 7)[:20], "capacity": np.arange(1, 21, dtype=float)},
        geometry=points.iloc[::8].to_numpy(), crs=gdf.crs,
    )  # fmt: skip
    services.to_file(folder / "services.gpkg")
    gpd.GeoDataFrame(geometry=points.iloc[3::5].to_numpy(), crs=gdf.crs).to_file(folder / "candidates.gpkg")
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [boundaries]
            path = "{folder / "a.gpkg"}"
            id_col = "AreaKey"
            name_col = "name"
            [index.indicators]
            PctPov = 1
            PctBach = -1
            [hotspots]
            seed = 0
            inference = "analytic"
            [services]
            path = "{folder / "services.gpkg"}"
            id_col = "code"
            name_col = "label"
            category_col = "kind"
            within = 60000
            population_col = "TotPop90"
            [access]
            demand = "TotPop90"
            supply = "capacity"
            max_cost = 80000
            method = "e2sfca"
            [sites.covering]
            candidates = "{folder / "candidates.gpkg"}"
            k = 2
            negative = "shift"
            within = 40000
            [zones]
            attrs = ["PctPov", "PctBach"]
            floor_col = "TotPop90"
            floor = 150000
            seed = 0
            options = {{ max_iterations_construction = 3, max_iterations_sa = 1 }}
            [groups]
            columns = ["poor", "older"]
            population_col = "TotPop90"
            threshold = 10
            [map]
            lang = "es"
            """
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def services_result(services_config, tmp_path_factory):
    return run(services_config, out_dir=tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def site(services_result, tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "site"
    return publish_atlas(services_result, out, languages=LANGS, date="2026-12-05").parent
