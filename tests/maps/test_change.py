"""Maps of change: offline pages, every data-borne text escaped, classes centred on no change."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.maps.change import DIVERGING, EMERGING_COLOURS

EVIL = "</script><script>alert(1)</script>"


@pytest.fixture(scope="module")
def evil_gdf():
    gdf = dm.datasets.load_georgia()
    return gdf.rename(index={gdf.index[0]: EVIL}).rename_axis(gdf.index.name)


def _data(page: str) -> dict:
    raw = re.search(r"<script type='application/json' id='dm-data'>(.*?)</script>", page, re.S).group(1)
    return json.loads(raw)


def test_period_map_is_offline_escaped_and_has_one_layer_per_period(evil_gdf):
    panel = pd.DataFrame({"<b>2000</b>": evil_gdf["PctPov"], "2010": evil_gdf["PctPov"] * 0.8})
    page = dm.period_map(evil_gdf, panel, title="<i>t</i>")
    assert "alert(1)</script>" not in page and "<b>2000</b>" not in page and "<i>t</i>" not in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=.https?://", page)  # nothing from the network
    data = _data(page)
    assert [layer["name"] for layer in data["layers"]] == ["<b>2000</b>", "2010"]  # decoded back intact
    assert data["ids"][0] == EVIL and len(data["geojson"]["features"]) == len(evil_gdf)
    # the same classes in every period: legends equal
    assert data["layers"][0]["legend"] == data["layers"][1]["legend"]


def test_change_map_is_centred_on_zero(evil_gdf):
    change = pd.Series(np.linspace(-7, 7, len(evil_gdf)), index=evil_gdf.index)
    change.iloc[5] = 0.0
    layer = _data(dm.change_map(evil_gdf, change))["layers"][0]
    colours = pd.Series(layer["colours"], index=evil_gdf.index)
    assert colours.iloc[5] == DIVERGING[3]  # no change: the neutral middle
    assert (
        colours[change == change.max()].iloc[0] == DIVERGING[-1]
        and colours[change == change.min()].iloc[0] == DIVERGING[0]
    )
    assert (colours[change.abs() < 1] == DIVERGING[3]).all()


def test_emerging_map_shows_every_category_present_with_esris_names(evil_gdf, tmp_path):
    ehsa = dm.emerging_hotspots(pd.DataFrame(dict.fromkeys((1, 2, 3), evil_gdf["PctPov"])), dm.build_graph(evil_gdf))
    path = dm.emerging_map(evil_gdf, ehsa, tmp_path / "ehsa.html")
    data = _data(path.read_text(encoding="utf-8"))
    names = {row[1].rsplit(" (", 1)[0] for row in data["layers"][0]["legend"]}
    assert names == set(ehsa.categories.astype(str))
    assert set(EMERGING_COLOURS) == set(dm.spatial.labels.EMERGING_LABELS)
