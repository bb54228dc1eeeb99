"""A small run whose area and district names are hostile (script tags, template syntax, quotes)."""

from __future__ import annotations

import textwrap

import pytest

import deprivation_map as dm
from deprivation_map.pipeline import run

HOSTILE = ("{{ 7*7 }}", "</script><script>alert(1)</script>", "\"quoted\" & 'single'", "<img src=x onerror=alert(2)>")
FORMULA = '=HYPERLINK("http://example.invalid")'


@pytest.fixture(scope="module")
def hostile_config(tmp_path_factory):
    """Georgia's counties with hostile names and three districts (one hostile), indicators in the boundaries."""
    folder = tmp_path_factory.mktemp("hostile")
    gdf = dm.datasets.load_georgia().reset_index()
    gdf["name"] = [HOSTILE[i % 4] if i < 8 else FORMULA if i == 8 else f"County {i}" for i in range(len(gdf))]
    gdf["district"] = ["North" if y > 33.2 else HOSTILE[3] if y > 32 else "South" for y in gdf["Latitude"]]
    gdf[["AreaKey", "name", "district", "PctPov", "PctBach", "TotPop90", "geometry"]].to_file(folder / "areas.gpkg")
    path = folder / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [boundaries]
            path = "{folder / "areas.gpkg"}"
            id_col = "AreaKey"
            name_col = "name"
            [index.indicators]
            PctPov = 1
            PctBach = -1
            [hotspots]
            seed = 0
            inference = "analytic"
            [gi]
            [districts]
            column = "district"
            population_col = "TotPop90"
            [map]
            lang = "es"
            """
        ),
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def hostile_result(hostile_config, tmp_path_factory):
    return run(hostile_config, out_dir=tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="session")
def hostile_names():
    """The hostile area and district names of ``hostile_config``, and the name that starts like a formula."""
    return HOSTILE, FORMULA
