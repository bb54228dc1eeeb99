"""Maps: layers, legends with counts, no-data never coloured as a class, escaping, offline saving."""

from __future__ import annotations

import json
import re

import mapclassify
import numpy as np
import pytest

import deprivation_map as dm
from deprivation_map.maps.explore import quantile_bins
from deprivation_map.maps.palettes import LISA_COLOURS, sequential


@pytest.fixture(scope="module")
def toy_results(toy_joined):
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="drop")
    graph = dm.build_graph(toy_joined, islands="keep")
    hot = dm.local_moran(index.score, graph, seed=0, missing="exclude")
    return index, hot


def _features(html: str) -> dict[str, dict]:
    """The properties of the page's shared GeoJSON features, by area ID (read from the tooltip)."""
    text = re.search(r"var area_data_\w+ = (\{.*?\});\n", html, re.S).group(1)
    features = json.loads(text)["features"]
    return {re.search(r"ID: ([^<]+)", f["properties"]["tip"]).group(1): f["properties"] for f in features}


def test_layers_legends_and_colours(toy_joined, toy_results):
    index, hot = toy_results
    html = dm.explore(toy_joined, index=index, hotspots=hot, name_col="name").get_root().render()
    assert "Deprivation index" in html and "LISA clusters" in html
    features = _features(html)
    assert len(features) == len(toy_joined)
    classes = set(sequential("YlOrRd", 5))
    for area in ("005", "012"):  # no score: never a class colour
        assert features[area]["ci"] is None and features[area]["cl"] is None
    assert all(features[a]["ci"] in classes for a in toy_joined.index if a not in ("005", "012"))
    assert features["013"]["cl"] == LISA_COLOURS["Isolate"]
    assert "no data (2)" in html.replace("\\u003c", "<")


def test_names_from_data_are_escaped(toy_joined, toy_results):
    index, hot = toy_results
    html = dm.explore(toy_joined, index=index, hotspots=hot, name_col="name").get_root().render()
    assert "<script>alert(1)" not in html
    tips = [f["tip"] for f in _features(html).values()]
    assert any("Illa &lt;script&gt;alert(1)&lt;/script&gt;" in t for t in tips)
    assert any("Poble-sec &amp; &lt;Montjuïc&gt;" in t for t in tips)


def test_quantile_bins_equal_mapclassify():
    rng = np.random.default_rng(0)
    for k in (3, 5, 9):
        for y in (rng.normal(size=101), np.round(rng.normal(size=57), 1), np.repeat([1.0, 2.0, 3.0], 10)):
            with pytest.warns(UserWarning) if len(np.unique(y)) < k else _nothing():
                ref = mapclassify.Quantiles(y, k=k)
            np.testing.assert_allclose(quantile_bins(y, k), ref.bins)
            assert (np.searchsorted(quantile_bins(y, k), y, side="left") == ref.yb).all()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_other_schemes_and_bad_names(georgia):
    index = dm.build_index(georgia, {"PctPov": 1})
    html = dm.explore(georgia, index=index, scheme="fisher_jenks", k=4).get_root().render()
    assert html.count("\\u003ci style=") == 4
    with pytest.raises(dm.errors.ValidationError, match="'quantiles'"):
        dm.explore(georgia, index=index, scheme="jenks")


def test_saved_map_is_self_contained(tmp_path, georgia):
    index = dm.build_index(georgia, {"PctPov": 1})
    path = dm.save_map(dm.explore(georgia, index=index, tiles=None), tmp_path / "m.html")
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"""<(?:script|link)\b[^>]*(?:src|href)=["']https?://""", html)
    assert "L.geoJSON" in html and "Leaflet 1.9.3" in html
    online = dm.save_map(dm.explore(georgia, index=index, tiles=None), tmp_path / "o.html", self_contained=False)
    assert 'src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"' in online.read_text(encoding="utf-8")


def test_folium_and_bundled_leaflet_are_the_same_version():
    import folium
    import xstatic.pkg.leaflet as xleaflet

    url = dict(folium.Map.default_js)["leaflet"]
    assert f"leaflet@{xleaflet.VERSION}/" in url
