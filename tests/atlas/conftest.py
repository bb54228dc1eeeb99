"""A small run whose area and district names are hostile (script tags, template syntax, quotes)."""

from __future__ import annotations

import textwrap

import pytest

import deprivation_map as dm
from deprivation_map.pipeline import run

HOSTILE = ("{{ 7*7 }}", "</script><script>alert(1)</script>", "\"quoted\" & 'single'", "<img src=x onerror=alert(2)>")
FORMULA = '=HYPERLINK("http://example.invalid")'


# What every atlas test's run shares: Georgia's areas (ID AreaKey, names in "name"), an index of poverty (+) and
# degree-holders (-), analytic LISA; each test appends the tables it is about.
HEAD = """
[boundaries]
path = "{areas}"
id_col = "AreaKey"
name_col = "name"
[index.indicators]
PctPov = 1
PctBach = -1
[hotspots]
seed = 0
inference = "analytic"
"""


@pytest.fixture(scope="session")
def write_config():
    """A function writing ``config.toml`` beside the areas file ``areas``: :data:`HEAD`, then the TOML ``tables``."""

    def write(areas, tables: str):
        path = areas.parent / "config.toml"
        path.write_text(HEAD.format(areas=areas) + textwrap.dedent(tables), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="module")
def hostile_config(tmp_path_factory, write_config):
    """Georgia's counties with hostile names and three districts (one hostile), indicators in the boundaries."""
    folder = tmp_path_factory.mktemp("hostile")
    gdf = dm.datasets.load_georgia().reset_index()
    gdf["name"] = [HOSTILE[i % 4] if i < 8 else FORMULA if i == 8 else f"County {i}" for i in range(len(gdf))]
    gdf["district"] = ["North" if y > 33.2 else HOSTILE[3] if y > 32 else "South" for y in gdf["Latitude"]]
    gdf[["AreaKey", "name", "district", "PctPov", "PctBach", "TotPop90", "geometry"]].to_file(folder / "areas.gpkg")
    tables = """
        [gi]
        [districts]
        column = "district"
        population_col = "TotPop90"
        [map]
        lang = "es"
        """
    return write_config(folder / "areas.gpkg", tables)


@pytest.fixture(scope="module")
def hostile_result(hostile_config, tmp_path_factory):
    return run(hostile_config, out_dir=tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="session")
def hostile_names():
    """The hostile area and district names of ``hostile_config``, and the name that starts like a formula."""
    return HOSTILE, FORMULA
