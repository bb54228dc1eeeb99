"""Maps: layers, legends with counts, no-data never coloured as a class, tooltips, escaping, offline saving.

The page is read back the way the browser reads it: the shared GeoJSON, each layer's colour list, and the
tooltip rows and vocabulary, which :func:`_tooltips` joins exactly as the page's JavaScript does."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
import shapely

import deprivation_map as dm
from deprivation_map.maps.palettes import GI_COLOURS, LISA_COLOURS, SEQUENTIAL, sequential


@pytest.fixture(scope="module")
def toy_results(toy_joined):
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="exclude")
    graph = dm.build_graph(toy_joined, islands="keep")
    hot = dm.local_moran(index.score, graph, seed=0, missing="exclude")
    return index, hot


def _payload(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/json" id="area_data_\w+_json">(.*?)</script>', html, re.S).group(1)
    )


def _data(html: str) -> tuple[list[dict], list[str], list[str]]:
    features = [{"properties": p} for p, _polygons in _payload(html)["f"]]
    rows, vocab = re.search(r"\}\)\((\[.*?\]), (\[.*?\])\);\n", html[html.index("_tip = (function") :], re.S).groups()
    return features, json.loads(rows), json.loads(vocab)


def _tooltips(html: str) -> list[str]:
    """Each area's tooltip HTML, joined as the page's tooltip function joins it."""
    features, rows, vocab = _data(html)

    def part(p):
        return vocab[p] if isinstance(p, int) else p

    out = []
    for f in features:
        lines = []
        for i, value in enumerate(f["properties"]["t"]):
            if value is None:
                continue
            s = "".join(map(part, value)) if isinstance(value, list) else part(value)
            lines.append(f"<b>{s}</b>" if i == 0 else f"{rows[i]}: {s}")
        out.append("<br>".join(lines))
    return out


def _colours(html: str) -> dict[str, list[str]]:
    """Each area layer's class colours, by the property key holding the class codes."""
    found = re.findall(r'feature\.properties\["(\w+)"\];.*?\}\)\((\[[^\]]*\]), \{', html, re.S)
    return {key: json.loads(colours) for key, colours in found}


def _unescaped(html: str) -> str:
    """The page with JavaScript's \\uXXXX escapes decoded, as the browser shows the strings."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def _by_id(html: str, ids) -> dict[str, dict]:
    return dict(zip(ids, (f["properties"] for f in _data(html)[0]), strict=True))


def _decode(polygons: list, digits: int) -> list:
    """The page's decoding, written again: cumulative sums of the integer steps, over 10**digits."""
    return [
        [(np.cumsum(np.reshape(ring, (-1, 2)), axis=0) / 10**digits).tolist() for ring in rings] for rings in polygons
    ]


def test_layers_legends_and_colours(toy_joined, toy_results):
    index, hot = toy_results
    html = dm.explore(toy_joined, index=index, hotspots=hot, name_col="name").get_root().render()
    assert "Deprivation index" in html and "LISA clusters" in html
    props = _by_id(html, toy_joined.index)
    colours = _colours(html)
    assert colours["ci"] == sequential("YlOrRd", 5)
    for area in ("005", "012"):  # no score: no class, so the no-data style
        assert props[area]["ci"] is None and props[area]["cl"] is None
    assert all(props[a]["ci"] in range(5) for a in toy_joined.index if a not in ("005", "012"))
    assert colours["cl"][props["013"]["cl"]] == LISA_COLOURS["Isolate"]
    for area, label in hot.labels.items():
        if label != "Undefined":
            assert colours["cl"][props[area]["cl"]] == LISA_COLOURS[label]
    legend = _unescaped(html)
    assert "no data (2)" in legend and "Isolate (no neighbours) (1)" in legend
    # the choropleth's classes are the quantiles of the scores, and the legend counts them
    scores = index.score.dropna()
    expected = mapclassify.Quantiles(scores.to_numpy(), k=5).yb
    assert [props[a]["ci"] for a in scores.index] == expected.tolist()
    for n in np.bincount(expected, minlength=5):
        assert f"({n})" in legend


def test_tooltips_show_score_rank_decile_cluster_and_contributors(toy_joined, toy_results):
    index, hot = toy_results
    html = dm.explore(toy_joined, index=index, hotspots=hot, name_col="name").get_root().render()
    tips = dict(zip(toy_joined.index, _tooltips(html), strict=True))
    top = index.contributions.loc["008"].idxmax()  # computed here from the index itself
    tip = tips["008"]
    assert tip.startswith("<b>Nou Barris</b><br>ID: 008")
    assert f"Score: {index.score['008']:.2f}" in tip
    assert f"Rank: {index.rank['008']} of {index.score.notna().sum()}" in tip
    assert f"Decile (1 = most deprived): {index.decile['008']}" in tip
    assert f"Main contributors: {top} " in tip
    label = hot.labels["008"].replace("Isolate", "Isolate (no neighbours)")
    assert f"Cluster: {label}, adjusted p (FDR) = {hot.p_adjusted['008']:.3f}" in tip
    assert "Score: no data" in tips["012"] and "Rank" not in tips["012"]


def test_names_from_data_are_escaped(toy_joined, toy_results):
    index, hot = toy_results
    services = gpd.GeoDataFrame(
        {"name": ["<img src=x onerror=alert(2)>"]}, geometry=[shapely.Point(431000, 4580200)], crs=toy_joined.crs
    )
    html = (
        dm.explore(toy_joined, index=index, hotspots=hot, name_col="name", services=services, services_name_col="name")
        .get_root()
        .render()
    )
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    tips = _tooltips(html)
    assert any("Illa &lt;script&gt;alert(1)&lt;/script&gt;" in t for t in tips)
    assert any("Poble-sec &amp; &lt;Montjuïc&gt;" in t for t in tips)
    assert "&lt;img src=x onerror=alert(2)&gt;" in _unescaped(html)


@pytest.mark.parametrize("lang", ["es", "ca", "el"])
def test_every_label_is_translated_and_numbers_use_a_decimal_comma(toy_joined, toy_results, lang):
    from deprivation_map.maps.i18n import text

    index, hot = toy_results
    html = dm.explore(toy_joined, index=index, hotspots=hot, name_col="name", lang=lang).get_root().render()
    page = _unescaped(html)
    for key in ("index", "lisa", "no_data", "High-High", "more_deprived"):
        assert text(key, lang) in page
    for english in ("Deprivation index", "LISA clusters", "no data", "Not significant", "Score", "Rank"):
        assert english not in page
    assert f"{text('score', lang)}: {index.score['008']:.2f}".replace(".", ",") in "".join(_tooltips(html))
    assert not re.search(r"<i style=[^>]*></i>-?\d+\.\d", page)  # no decimal point in the legend


def test_gi_and_allocation_layers_from_duck_typed_objects(georgia):
    index = dm.build_index(georgia, {"PctPov": 1})
    labels = list(GI_COLOURS) * 18 + ["Undefined"] * 15  # 159 areas
    gi = SimpleNamespace(
        labels=pd.Series(pd.Categorical(labels, categories=[*GI_COLOURS, "Undefined"]), index=georgia.index),
        p=pd.Series(np.linspace(0.001, 1, 159), index=georgia.index),
    )
    per_capita = pd.Series(np.arange(159, dtype=float), index=georgia.index).where(lambda s: s > 3)
    allocation = SimpleNamespace(amounts=per_capita * 10, per_capita=per_capita)
    html = dm.explore(georgia.iloc[::-1], index=index, gi=gi, allocation=allocation, lang="es").get_root().render()
    colours = _colours(html)
    props = _by_id(html, georgia.index[::-1])
    for area, label in gi.labels.items():
        assert (
            (props[area]["gi"] is None)
            if label == "Undefined"
            else colours["gi"][props[area]["gi"]] == GI_COLOURS[label]
        )
    page = _unescaped(html)
    n = gi.labels.value_counts()
    assert f"Punto caliente (99\u00a0%) ({n['Hot spot (99%)']})" in page and f"sin datos ({n['Undefined']})" in page
    assert all(props[a]["al"] is None for a in per_capita.index[per_capita.isna()])
    assert colours["al"] == SEQUENTIAL["Greens"][5]
    with pytest.raises(dm.errors.ValidationError, match="lacks p"):
        dm.explore(georgia, gi=SimpleNamespace(labels=gi.labels))
    with pytest.raises(dm.errors.ValidationError, match="Unexpected cluster labels 'Hot'"):
        dm.explore(georgia, gi=SimpleNamespace(labels=gi.labels.astype(str).replace("Hot spot (99%)", "Hot"), p=gi.p))


def test_every_label_the_statistics_produce_has_a_map_colour(georgia):
    """The maps and the statistics are separate modules: their label vocabularies must not drift apart."""
    from deprivation_map.spatial.getis_ord import GI_LABELS
    from deprivation_map.spatial.lisa import LABELS

    assert set(LABELS) == {*LISA_COLOURS, "Undefined"}
    assert set(GI_LABELS) == {*GI_COLOURS, "Undefined"}
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    gi = dm.local_g(index.score, dm.build_graph(georgia), seed=0, correction="none")
    assert gi.labels.nunique() >= 3  # hot, cold and not significant areas are all drawn
    html = dm.explore(georgia, gi=gi).get_root().render()
    colours, props = _colours(html), _by_id(html, georgia.index)
    assert all(colours["gi"][props[a]["gi"]] == GI_COLOURS[label] for a, label in gi.labels.astype(str).items())


def test_services_are_points_in_their_own_layer(georgia):
    points = gpd.GeoDataFrame(
        {"name": ["A", "B"]}, geometry=georgia.geometry.iloc[:2].representative_point().to_numpy(), crs=georgia.crs
    )
    html = dm.explore(georgia, services=points, services_name_col="name").get_root().render()
    assert "dm-point" in html and "Services (2)" in _unescaped(html)
    with pytest.raises(dm.errors.ValidationError, match="must be points"):
        dm.explore(georgia, services=georgia.iloc[:3])


def test_bad_options_are_refused_by_name(georgia):
    index = dm.build_index(georgia, {"PctPov": 1})
    with pytest.raises(dm.errors.ValidationError, match="'quantiles'"):
        dm.explore(georgia, index=index, scheme="jenks")
    with pytest.raises(dm.errors.ValidationError, match="'ca'"):
        dm.explore(georgia, index=index, lang="fr")
    with pytest.raises(dm.errors.ValidationError, match="'Blues'"):
        dm.explore(georgia, index=index, palette="Viridis")


def test_canvas_renderer_for_large_maps(georgia):
    assert '"preferCanvas": true' not in dm.explore(georgia).get_root().render()
    assert '"preferCanvas": true' in dm.explore(georgia, renderer="canvas").get_root().render()


def test_saved_map_is_self_contained_and_in_its_language(tmp_path, georgia):
    index = dm.build_index(georgia, {"PctPov": 1})
    path = dm.save_map(dm.explore(georgia, index=index, lang="el"), tmp_path / "m.html")
    html = path.read_text(encoding="utf-8")
    assert not re.search(r"""<(?:script|link)\b[^>]*(?:src|href)=["']https?://""", html)
    assert "L.geoJSON" in html and "Leaflet 1.9.3" in html and '<html lang="el">' in html
    assert "<title>Δείκτης αποστέρησης</title>" in html
    online = dm.save_map(dm.explore(georgia, index=index), tmp_path / "o.html", self_contained=False)
    assert 'src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"' in online.read_text(encoding="utf-8")


def test_basemap_is_optional_and_keeps_its_attribution(georgia):
    html = dm.explore(georgia, tiles="OpenStreetMap").get_root().render()
    assert "openstreetmap.org/copyright" in html
    assert "tile.openstreetmap.org" not in dm.explore(georgia).get_root().render()


def test_folium_and_bundled_leaflet_are_the_same_version():
    import folium
    import xstatic.pkg.leaflet as xleaflet

    url = dict(folium.Map.default_js)["leaflet"]
    assert f"leaflet@{xleaflet.VERSION}/" in url


def test_explore_leaves_the_callers_data_untouched(georgia):
    gdf = georgia.copy()
    index = dm.build_index(gdf, {"PctPov": 1})
    before = (gdf.columns.tolist(), gdf.geometry.to_wkb().tolist(), gdf.crs, index.score.copy())
    dm.explore(gdf, index=index, simplify=3000.0)
    assert (gdf.columns.tolist(), gdf.geometry.to_wkb().tolist(), gdf.crs) == before[:3]
    assert index.score.equals(before[3])


def test_compact_geometry_decodes_to_the_rounded_coordinates(toy_joined, georgia):
    for gdf in (toy_joined, georgia):
        payload = _payload(dm.explore(gdf).get_root().render())
        digits = payload["d"]
        assert digits == 5 and len(payload["f"]) == len(gdf)
        for (_props, polygons), geom in zip(payload["f"], gdf.geometry.to_crs(4326), strict=True):
            decoded = _decode(polygons, digits)
            expected = [
                [np.round(np.asarray(ring.coords)[:-1], digits).tolist() for ring in (p.exterior, *p.interiors)]
                for p in getattr(geom, "geoms", [geom])
            ]
            assert len(decoded) == len(expected)
            for got, want in zip(decoded, expected, strict=True):
                for ring_got, ring_want in zip(got, want, strict=True):
                    np.testing.assert_allclose(ring_got, ring_want, atol=1e-9)


def test_allocation_layer_from_allocate(georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    allocation = dm.allocate(index, 1_000_000, population=georgia["TotPop90"], negative="shift")
    html = dm.explore(georgia, index=index, allocation=allocation, lang="es").get_root().render()
    props = _by_id(html, georgia.index)
    expected = mapclassify.Quantiles(allocation.per_capita.to_numpy(), k=5).yb
    assert [props[a]["al"] for a in georgia.index] == expected.tolist()
    tip = dict(zip(georgia.index, _tooltips(html), strict=True))[georgia.index[0]]
    assert f"Por persona: {allocation.per_capita.iloc[0]:.2f}".replace(".", ",") in tip


def _hostile_map(tmp_path, hostile, **options):
    gdf, index, hot, services = hostile
    m = dm.explore(
        gdf, index=index, hotspots=hot, services=services, name_col="name", services_name_col="label", **options
    )
    return dm.save_map(m, tmp_path / "hostile.html").read_text(encoding="utf-8")


def test_text_from_data_is_never_run_as_a_template(tmp_path, hostile, payloads, monkeypatch):
    """Issue 13 item 0: names, IDs, indicator and service names reach the page as text, compiled by nothing."""
    monkeypatch.chdir(tmp_path)
    html = _hostile_map(tmp_path, hostile)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hostile.html"]  # no "Cycler" directory made
    tips = _tooltips(html)
    shown = "\n".join(tips)
    import html as html_module

    for payload in payloads:  # each, escaped once, is in the tooltips as written: not evaluated, not dropped
        assert html_module.escape(payload) in shown, payload
    assert "<b>49</b>" not in shown and "looplooploop" not in shown
    assert "<script>alert(1)" not in html and "<img src=x" not in html and 'onmouseover="alert' not in html
    # the indicators' names in the "why" row, and the services' names in their own layer, escaped too
    assert any("{{ 7*7 }}" in t for t in tips) and "&lt;/script&gt;&lt;script&gt;alert(1)" in _unescaped(html)


def test_tooltip_gives_the_p_value_the_label_was_decided_by(georgia):
    """Issue 13 item 9: "Not significant (p = 0.050)" was shown where the adjusted p, which decided, was 0.221."""
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    graph = dm.build_graph(georgia)
    for correction, name in (("fdr", "adjusted p (FDR)"), ("bonferroni", "adjusted p (Bonferroni)"), ("none", "p")):
        hot = dm.local_moran(index.score, graph, seed=0, correction=correction)
        html = dm.explore(georgia, hotspots=hot).get_root().render()
        tips = dict(zip(georgia.index, _tooltips(html), strict=True))
        # an area significant before the correction but not after (for the corrections): its adjusted p shown
        changed = hot.p.le(0.05) & hot.p_adjusted.gt(0.05)
        assert changed.any() == (correction != "none")
        for area in georgia.index:
            label = hot.labels[area].replace("Isolate", "Isolate (no neighbours)")
            assert tips[area].endswith(f"Cluster: {label}, {name} = {hot.p_adjusted[area]:.3f}"), tips[area]
            assert (hot.p_adjusted[area] <= hot.alpha) == (label in {"High-High", "Low-Low", "Low-High", "High-Low"})
    gi = dm.local_g(index.score, graph, seed=0)
    html = dm.explore(georgia, gi=gi, lang="es").get_root().render()
    tips = dict(zip(georgia.index, _tooltips(html), strict=True))
    area = georgia.index[0]
    assert f", p ajustado (FDR) = {gi.p_adjusted[area]:.3f}".replace(".", ",") in tips[area]


def test_significance_layer_like_geoda(georgia):
    """Issue 13 item 1: GeoDa's significance map (0.05, 0.01, 0.001) of the p the labels used, as a layer."""
    from deprivation_map.maps.palettes import SIGNIFICANCE_COLOURS

    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    hot = dm.local_moran(index.score, dm.build_graph(georgia), seed=0, permutations=9999)
    shuffled = georgia.sample(frac=1, random_state=1)  # matched by ID, not by row
    html = dm.explore(shuffled, index=index, hotspots=hot, significance=True).get_root().render()
    colours, props = _colours(html), _by_id(html, shuffled.index)
    expected = dict.fromkeys(georgia.index, "Not significant")
    for level in (0.05, 0.01, 0.001):  # by hand: the smallest level each adjusted p reaches
        expected.update(dict.fromkeys(hot.p_adjusted.index[hot.p_adjusted <= level], f"p <= {level:g}"))
    assert len({*expected.values()}) >= 3
    for area, label in expected.items():
        assert colours["sg"][props[area]["sg"]] == SIGNIFICANCE_COLOURS[label]
    page = _unescaped(html)
    assert "Significance (adjusted p (FDR))" in page
    n = pd.Series(expected).value_counts()
    assert f"p ≤ 0.001 ({n.get('p <= 0.001', 0)})" in page and f"Not significant ({n['Not significant']})" in page
    with pytest.raises(dm.errors.ValidationError, match="pass hotspots"):
        dm.explore(georgia, index=index, significance=True)


def test_any_column_with_unit_title_and_attribution(georgia):
    """Issue 14 item 4: a map of any column, its unit in the legend and tooltips, a title and a licence line."""
    gdf = georgia.copy()
    gdf.loc[gdf.index[:7], "PctPov"] = np.nan  # seven areas with no value
    m = dm.explore(
        gdf,
        column="PctPov",
        unit="%",
        title="Poverty <1990>",
        attribution="US Census Bureau, CC BY 4.0 https://creativecommons.org/licenses/by/4.0/",
        lang="es",
    )
    html = m.get_root().render()
    page = _unescaped(html)
    props, colours = _by_id(html, gdf.index), _colours(html)
    bins = mapclassify.Quantiles(gdf["PctPov"].dropna(), k=5).bins  # an independent classification
    for area, value in gdf["PctPov"].items():
        code = props[area]["c0"]
        assert (
            (code is None)
            if np.isnan(value)
            else colours["c0"][code] == SEQUENTIAL["YlOrRd"][5][int(np.searchsorted(bins, value))]
        )
    assert "PctPov (%)" in page and "sin datos (7)" in page  # the layer's name with its unit; no data counted
    tips = dict(zip(gdf.index, _tooltips(html), strict=True))
    area = gdf.index[10]
    assert f"PctPov: {gdf.loc[area, 'PctPov']:.2f} %".replace(".", ",") in tips[area]
    assert "PctPov" not in tips[gdf.index[0]]  # no row for an area with no value
    assert "<title>Poverty &lt;1990&gt;</title>" in html and '"Poverty \\u0026lt;1990\\u0026gt;"' in html
    assert "dm-title" in html
    assert r"CC BY 4.0 <a href=\"https://creativecommons.org/licenses/by/4.0/\">" in page  # in a JSON string
    assert "addAttribution" in html


def test_categorical_column_and_extra_layers_by_id(georgia):
    gdf = georgia.copy()
    gdf["kind"] = np.where(gdf["TotPop90"] > 50_000, "urban", "rural")
    change = gdf["TotPop90"].pct_change().fillna(0).iloc[::-1]  # reversed: matched by ID, not by position
    m = dm.explore(gdf, column="kind", layers={"Change": change, "Kind again": "kind"})  # a Series or a column
    html = m.get_root().render()
    props, colours = _by_id(html, gdf.index), _colours(html)
    assert colours["c0"] == ["#66c2a5", "#fc8d62"]  # rural, urban: Set2, in sorted order
    assert all(
        colours["c0"][props[a]["c0"]] == ("#66c2a5" if k == "rural" else "#fc8d62") for a, k in gdf["kind"].items()
    )
    classes = dm.maps.layers.column_classes(change, title="Change", lang="en")
    assert [props[a]["c1"] for a in gdf.index] == classes.codes.reindex(gdf.index).astype(int).tolist()
    assert "Change" in html and "Kind again" in html
    with pytest.raises(dm.errors.ValidationError, match="layers\\['x'\\] must be a pandas Series"):
        dm.explore(gdf, layers={"x": [1, 2]})
    with pytest.raises(dm.errors.ValidationError, match="Change"):
        dm.explore(gdf, layers={"Change": change.iloc[:50]})  # areas missing: refused, not dropped
    with pytest.raises(dm.errors.ValidationError, match="no column 'PctPovv'"):
        dm.explore(gdf, column="PctPovv")
    many = pd.Series([f"k{i}" for i in range(len(gdf))], index=gdf.index)
    with pytest.raises(dm.errors.ValidationError, match="at most 12"):
        dm.explore(gdf, layers={"many": many})


def test_allocation_amounts_in_a_currency(georgia):
    alloc = dm.allocate(georgia["PctPov"], 1_000_000, population=georgia["TotPop90"])
    html = dm.explore(georgia, allocation=alloc, currency="EUR", lang="es").get_root().render()
    tips = dict(zip(georgia.index, _tooltips(html), strict=True))
    area = alloc.amounts.idxmax()
    from babel.numbers import format_currency

    assert f"Importe: {format_currency(alloc.amounts[area], 'EUR', locale='es')}" in tips[area]
    assert "Asignación por persona (€)" in _unescaped(html)
    with pytest.raises(dm.errors.ValidationError, match="ISO 4217"):
        dm.explore(georgia, allocation=alloc, currency="EURO")


def test_keyless_basemaps_without_warning(georgia, recwarn):
    """Issue 14 item 4: the documented tiles="CartoDB positron" works without a key, and without a warning."""
    from deprivation_map.maps.basemaps import BASEMAPS

    for name, tiles in BASEMAPS.items():
        html = dm.explore(georgia, tiles=name).get_root().render()
        link = re.search(r'href="([^"]+)"', tiles.attribution).group(1)
        assert tiles.url in html and link in html
    assert not [w for w in recwarn if "API key" in str(w.message)]
    with pytest.raises(dm.errors.ValidationError, match="Unknown basemap"):
        dm.explore(georgia, tiles="Stadia.AlidadeSmooth")


def test_no_data_is_plainly_visible(toy_joined, toy_results):
    """Issue 14 item 4: no-data areas were white at 15% opacity (invisible); now hatched grey, outlined."""
    from deprivation_map.maps.palettes import NO_DATA, NO_DATA_CANVAS

    index, _hot = toy_results
    html = dm.explore(toy_joined, index=index).get_root().render()
    assert NO_DATA["fillOpacity"] == 1 and NO_DATA_CANVAS["fillOpacity"] >= 0.8
    assert NO_DATA["fillColor"] == "url(#dm-no-data)" and '<pattern id="dm-no-data"' in html
    assert "i.dm-no-data" in html and f"no data ({index.score.isna().sum()})" in _unescaped(html)


def test_title_attribution_and_layer_names_from_data_are_text(tmp_path, toy_joined, payloads, monkeypatch):
    """Issue 13 item 0 for the texts a caller passes: title, attribution, column and layer names."""
    import html as html_module

    monkeypatch.chdir(tmp_path)
    gdf = toy_joined.rename(columns={"poverty": payloads[2]})
    layers = dict.fromkeys(payloads[3:6], gdf["degree"])
    m = dm.explore(gdf, column=payloads[2], unit=payloads[0], title=payloads[1], attribution=payloads[4], layers=layers)
    text_ = dm.save_map(m, tmp_path / "m.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html"]
    shown = _unescaped(text_)
    for payload in payloads[:6]:
        assert html_module.escape(payload) in shown, payload
    assert "<script>alert(1)" not in text_ and "looplooploop" not in shown and "(49)" not in shown


def test_legends_follow_the_shared_label_definitions():
    """Every legend lists its classes in the order spatial.labels defines, from the same constants."""
    from deprivation_map.maps.palettes import SIGNIFICANCE_COLOURS
    from deprivation_map.spatial import labels as lab

    def tested(labels):
        return [label for label in labels if label != lab.UNDEFINED]

    assert list(LISA_COLOURS) == tested(lab.LISA_LABELS)
    assert set(GI_COLOURS) == set(tested(lab.GI_LABELS))  # as a diverging legend: hot, not significant, cold
    assert list(GI_COLOURS)[:4] == [*tested(lab.GI_LABELS)[:3], lab.NOT_SIGNIFICANT]
    assert list(SIGNIFICANCE_COLOURS) == tested(lab.significance_labels())
    shown = dm.maps.layers.lisa_classes(pd.Series(list(lab.LISA_LABELS)), lang="en")
    assert shown.labels == [
        "High-High",
        "Low-Low",
        "Low-High",
        "High-Low",
        "Not significant",
        "Isolate (no neighbours)",
    ]


def test_further_layers_come_after_the_index_and_are_hidden_at_first(georgia):
    """layers= are hidden at first (as documented): the index, or ``column``, is the layer shown."""
    from deprivation_map.maps._leaflet import AreaLayer

    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})

    def shown(m):
        return [(x.layer_name, x.show) for x in m._children.values() if isinstance(x, AreaLayer)]

    m = dm.explore(georgia, index=index, layers={"Population": georgia["TotPop90"]})
    assert shown(m) == [("Deprivation index", True), ("Population", False)]
    m = dm.explore(georgia, index=index, column="PctPov", layers={"Population": "TotPop90"})
    assert shown(m) == [("PctPov", True), ("Deprivation index", False), ("Population", False)]


def test_a_saved_map_can_be_zoomed_and_its_controls_come_first(georgia, tmp_path):
    """WCAG 1.4.4: folium's page forbade zooming (user-scalable=no); the controls are moved before the areas
    so that Tab reaches the layer control (tests/atlas/test_browser.py presses the keys in Chromium)."""
    text_ = dm.save_map(dm.explore(georgia), tmp_path / "m.html").read_text(encoding="utf-8")
    assert "user-scalable=no" not in text_ and "maximum-scale" not in text_
    assert '<meta name="viewport" content="width=device-width, initial-scale=1.0">' in text_
    assert "box.insertBefore(map._controlContainer, box.firstChild)" in text_
