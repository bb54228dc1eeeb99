"""A hostile dataset for the maps: every text that data can carry holds a template, script or attribute payload."""

from __future__ import annotations

import pandas as pd
import pytest

import deprivation_map as dm

# Jinja expressions and statements, a payload that runs Python if compiled as a template, HTML that closes the
# script element or breaks out of an attribute, quotes, backslashes and non-ASCII text.
PAYLOADS = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}loop{% endfor %}",
    "{{ cycler.__init__.__globals__.os.mkdir(cycler.__name__) }}",
    "</script><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "<img src=x onerror=alert(1)>",
    'it\'s "quoted" {#',
    "back\\slash \\u003c {%",
    "Πάτρα · Niño · 東京 {{",
]


@pytest.fixture(scope="session")
def payloads() -> list[str]:
    """The hostile texts (a copy)."""
    return list(PAYLOADS)


@pytest.fixture(scope="module")
def hostile(toy_joined):
    """(areas, index, hotspots, services): area names and IDs, indicator and service names all payloads."""
    gdf = toy_joined.copy()
    gdf.index = pd.Index([f"{code}{PAYLOADS[-i % len(PAYLOADS)]}" for i, code in enumerate(gdf.index)], name="code")
    gdf["name"] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(gdf))]
    gdf = gdf.rename(columns={"poverty": PAYLOADS[0], "degree": PAYLOADS[3]})
    index = dm.build_index(gdf, {PAYLOADS[0]: 1, PAYLOADS[3]: -1}, missing="exclude")
    hot = dm.local_moran(index.score, dm.build_graph(gdf, islands="keep"), seed=0, missing="exclude")
    services = gdf[["geometry"]].copy()
    services["geometry"] = gdf.geometry.representative_point().translate(150, 150)  # off the areas' centres
    services["label"] = gdf["name"].to_list()[::-1]
    return gdf, index, hot, services
