"""The atlas's pages, files and escaping, on a small run with hostile names (conftest) and on the demo."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.atlas import publish_atlas
from deprivation_map.atlas._words import word
from deprivation_map.errors import ValidationError
from deprivation_map.maps.i18n import number, percent
from deprivation_map.pipeline import run


@pytest.fixture(scope="module")
def site(hostile_result, tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "site"
    home = publish_atlas(hostile_result, out, languages=["es", "en"], licence="CC BY 4.0", date="2026-12-05")
    return home.parent


def _pages(folder):
    return sorted(p for p in folder.rglob("*.html"))


def test_every_page_map_image_and_data_file_is_written(site, hostile_result):
    districts = list(hostile_result.districts.index)
    assert len(districts) == 3
    for lang, folder in (("es", site), ("en", site / "en")):
        assert (folder / "index.html").is_file() and (folder / "methods.html").is_file()
        assert len(list((folder / "districts").glob("*.html"))) == 3
        assert (site / "maps" / f"overview-{lang}.html").is_file()
        assert len(list((site / "img").glob(f"*-{lang}.png"))) == 3
        assert f'<html lang="{lang}">' in (folder / "index.html").read_text(encoding="utf-8")
    for name in ("results.csv", "results.gpkg", "results.csv.metadata.json", "districts.csv", "config.toml"):
        assert (site / "data" / name).is_file()
    frame = pd.read_csv(site / "data" / "results.csv", dtype={"AreaKey": str}).set_index("AreaKey")
    assert frame.index.tolist() == hostile_result.data.index.tolist()  # every area, in the data's order
    assert frame["score"].to_numpy() == pytest.approx(hostile_result.index.score.to_numpy())
    record = json.loads((site / "data" / "results.csv.metadata.json").read_text())
    assert record["inputs"][0]["name"] == "areas.gpkg" and record["options"]["districts"]["column"] == "district"


def test_hostile_names_appear_literally_and_never_as_markup(site, hostile_names):
    hostile, formula = hostile_names
    pages = {p: p.read_text(encoding="utf-8") for p in _pages(site)}
    for path, text in pages.items():
        assert "<script>alert(1)" not in text, path
        assert "<img src=x" not in text, path
    everything = "".join(t for p, t in pages.items() if p.parent.name != "maps")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in everything  # shown, as text
    assert "{{ 7*7 }}" in everything and "&quot;quoted&quot; &amp; &#x27;single&#x27;" in everything
    assert "&lt;img src=x onerror=alert(2)&gt;" in everything  # a district's name, on its page and in the links
    search = (site / "assets" / "areas.js").read_text(encoding="utf-8")
    assert "</script" not in search and "<img" not in search and "\\u003c/script\\u003e" in search
    assert json.loads(search.removeprefix("window.DM_AREAS = ").rstrip(";\n"))["areas"][1][1] == hostile[1]
    csv = (site / "data" / "results.csv").read_text(encoding="utf-8")
    assert "'" + formula.replace('"', '""') in csv  # a spreadsheet shows it as text, never runs it


def test_district_pages_rank_their_areas_and_state_what_was_scored(site, hostile_result):
    areas = hostile_result.index.to_frame().join(hostile_result.data["district"])
    summary = hostile_result.districts
    for page in (site / "districts").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        ids = re.findall(r'<tr id="area-([^"]+)">', text)
        name = next(n for n in summary.index if f"<h1>{dm.atlas._html.esc(n)}</h1>" in text)
        members = areas[areas["district"] == name]
        assert ids == members.sort_values("rank").index.tolist()  # most deprived first, every area once
        scored = word("scored_of", "es", scored=len(members), n=len(members), share=percent(100, "es", 1))
        assert dm.atlas._html.esc(scored) in text
        assert percent(100 * summary.loc[name, "extent"], "es", 1) in text
        assert number(summary.loc[name, "local_concentration"], "es", 1) in text
        assert re.search(r'<img src="\.\./img/[^"]+-es\.png" alt="[^"]+"', text)


def test_language_switch_links_each_page_to_itself_in_the_other_language(site):
    root = (site / "methods.html").read_text(encoding="utf-8")
    english = (site / "en" / "methods.html").read_text(encoding="utf-8")
    assert '<a href="en/methods.html" hreflang="en" lang="en">English</a>' in root
    assert '<a href="../methods.html" hreflang="es" lang="es"' in english
    district = next((site / "en" / "districts").glob("*.html")).name
    text = (site / "en" / "districts" / district).read_text(encoding="utf-8")
    assert f'href="../../districts/{district}" hreflang="es"' in text
    for path in _pages(site):
        if path.parent.name == "maps":
            continue  # a map links to Leaflet's and the data's home pages in its attribution
        for href in re.findall(r'(?:href|src)="([^"#]+)', path.read_text(encoding="utf-8")):
            assert (path.parent / href).exists(), f"{path.relative_to(site)} links to a missing {href}"


def test_no_page_asks_for_anything_outside_the_folder(site):
    for path in _pages(site):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r'src="(?:https?:)?//|<link[^>]+href="(?:https?:)?//', text), path
        assert "@import" not in text and "url(http" not in text


def test_the_overview_map_has_the_index_clusters_significance_and_gi_layers(site):
    """Issue 14 item 3: the overview's map has the index, clusters, significance and Gi* layers (robustness:
    test_uncertainty_and_robust_hotspots_reach_the_pages), with the atlas's source and licence as attribution."""
    from deprivation_map.maps.i18n import text

    for lang, licence in (("es", "Licencia"), ("en", "Licence")):
        shown = html.unescape((site / "maps" / f"overview-{lang}.html").read_text(encoding="utf-8"))
        shown = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), shown)  # as JSON writes them
        names = [text("index", lang), text("lisa", lang), text("significance", lang, which=""), text("gi", lang)]
        assert all(name.rstrip("()") in shown for name in names), lang
        assert f"{licence}: CC BY 4.0" in shown and "areas.gpkg" in shown


def test_the_overview_and_methods_say_what_was_done(site, hostile_result):
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert "Licencia: CC BY 4.0" in overview and "Publicado el 2026-12-05." in overview and "areas.gpkg" in overview
    assert 'title="Mapa interactivo' in overview and 'src="maps/overview-es.html"' in overview
    assert '<a class="skip" href="#main">' in overview and '<main id="main"' in overview
    methods = (site / "en" / "methods.html").read_text(encoding="utf-8")
    assert "y_ij = (x_ij − mean_j) / sd_j" in methods and "FDR (Benjamini-Hochberg): p̃_(i) = min_{j ≥ i}" in methods
    assert "[districts]" in methods and "column = &quot;district&quot;" in methods  # the configuration as run
    assert "159 of 159 areas matched" not in methods  # no table was joined: the indicators are the boundaries'


def test_an_atlas_without_districts_says_so_and_a_config_path_runs_first(tmp_path):
    home = publish_atlas(dm.datasets.get_path("demo.toml"), tmp_path / "demo")
    text = home.read_text(encoding="utf-8")
    assert dm.atlas._html.esc(word("no_districts", "en")) in text
    assert not (home.parent / "districts").exists() and not (home.parent / "en").exists()
    methods = (home.parent / "methods.html").read_text(encoding="utf-8")
    assert "159 of 159 areas matched 159 table rows" in methods  # the join audit


def test_a_folder_that_is_not_an_atlas_is_refused_and_an_atlas_is_replaced(tmp_path, hostile_result):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValidationError, match="not empty and holds no atlas"):
        publish_atlas(hostile_result, tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"
    out = tmp_path / "site"
    publish_atlas(hostile_result, out, languages=["en", "ca"], district_maps=False)
    (out / "districts" / "99-stale.html").write_text("old")
    publish_atlas(hostile_result, out, languages=["en"], district_maps=False)
    assert not (out / "districts" / "99-stale.html").exists() and not (out / "ca").exists()
    assert not (out / "img").exists()


def test_an_unknown_language_is_refused_before_anything_is_written(tmp_path, hostile_result):
    with pytest.raises(ValidationError, match="Unknown language 'fr'"):
        publish_atlas(hostile_result, tmp_path / "x", languages=["en", "fr"])
    assert not (tmp_path / "x").exists()


def test_publish_is_a_public_name():
    assert dm.publish_atlas is publish_atlas and "publish_atlas" in dm.__all__
    assert run is dm.pipeline.run


def test_uncertainty_and_robust_hotspots_reach_the_pages(tmp_path):
    config = tmp_path / "config.toml"
    demo = dm.datasets.get_path("demo.toml").read_text(encoding="utf-8").replace('dir = "demo"', 'dir = "out"')
    extra = '[uncertainty]\nreplicates = 20\nseed = 2\nnormalise = ["zscore", "minmax"]\n'
    extra += '[robust]\ngraphs = ["queen", "knn6"]\nseed = 3\ninference = "analytic"\n'
    config.write_text(demo + extra, encoding="utf-8")
    result = run(config)
    home = publish_atlas(result, tmp_path / "site")
    overview = home.read_text(encoding="utf-8")
    share = result.robust.share.dropna()
    line = word("robust_text", "en", statistic="lisa", runs=40, graphs=2, replicates=20,
                always=int((share == 1).sum()), half=int((share >= 0.5).sum()))  # fmt: skip
    assert dm.atlas._html.esc(line) in overview and "Rank (90% interval)" in overview
    overview_map = (home.parent / "maps" / "overview-en.html").read_text(encoding="utf-8")
    assert html.escape(word("robust_layer", "en")) in overview_map  # the share of runs, as a layer
    top = result.index.rank.idxmin()
    low, high = result.uncertainty.rank_low[top], result.uncertainty.rank_high[top]
    assert f'<td class="num">{low:.0f}–{high:.0f}</td>' in overview  # the most deprived area's interval
    methods = (home.parent / "methods.html").read_text(encoding="utf-8")
    assert "Uncertainty of the ranks" in methods and "recomputed 20 times" in methods


def test_district_maps_keep_the_overview_classes_in_their_legends(tmp_path, hostile_result, monkeypatch):
    """Issue 14: each district's image is in the whole map's classes, and its legend says so (the first
    class from the whole map's lowest score, not the district's own: never an inverted range)."""
    from matplotlib.figure import Figure

    from deprivation_map.maps.layers import index_classes

    legends = []
    savefig = Figure.savefig

    def spy(fig, *args, **kwargs):
        legends.append([t.get_text().rsplit(" (", 1)[0] for t in fig.axes[0].get_legend().get_texts()])
        return savefig(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    publish_atlas(hostile_result, tmp_path / "site", languages=["en"])
    options = hostile_result.config.map
    whole = index_classes(hostile_result.index.score, scheme=options.scheme, k=options.k, palette="Blues", lang="en")
    assert len(legends) == len(hostile_result.districts) == 3
    for legend in legends:
        assert legend[: len(whole.labels)] == whole.labels  # then "no data", if the district has unscored areas


def test_the_atlas_section_has_every_option_of_publish_atlas():
    """[atlas] is written by hand (the configuration is a floor below the atlas): it must not drift from the
    signature. Every keyword option is a key of the same name; None in the signature means "from [atlas]"."""
    import inspect

    from deprivation_map.config._sections import sections
    from deprivation_map.maps.i18n import LANGS

    section = next(x for x in sections() if x.name == "atlas")
    options = {
        name: p.default
        for name, p in inspect.signature(publish_atlas).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    assert {k.name: k.param for k in section.keys} == {name: name for name in options}
    assert all(default is None for default in options.values())  # so that [atlas] can give each one
    assert {k.name: k.default for k in section.keys} == {**options, "district_maps": True}
    assert section.optional and tuple(section.key("languages").choices) == LANGS


def test_without_a_population_the_district_figures_say_areas(tmp_path, hostile_config):
    """Without [districts] population_col every area counts as one person: the pages must not call the count
    of areas a population, nor a share of areas a share of people."""
    text_ = hostile_config.read_text(encoding="utf-8").replace('population_col = "TotPop90"\n', "")
    config = tmp_path / "config.toml"
    config.write_text(text_.replace('path = "', f'path = "{hostile_config.parent}/', 0), encoding="utf-8")
    home = publish_atlas(run(config, out_dir=tmp_path / "run"), tmp_path / "site", languages=["en"])
    overview = home.read_text(encoding="utf-8")
    page = next((home.parent / "districts").glob("*.html")).read_text(encoding="utf-8")
    assert word("extent_areas", "en") in overview and word("high_high_areas", "en") in overview
    assert word("extent", "en") not in overview + page and word("population", "en") not in page
    assert word("extent_areas", "en") in page


def test_a_new_po_file_adds_a_language_to_the_atlas(tmp_path, monkeypatch, hostile_result):
    """A translator adds Galician with locales/gl/LC_MESSAGES/deprivation_map.po only: the atlas's words, the
    switch's name of the language and the numbers follow, no Python changed."""
    import shutil

    from deprivation_map.maps import i18n

    shutil.copytree(i18n.LOCALES, tmp_path / "locales")
    po = tmp_path / "locales" / "gl" / "LC_MESSAGES" / "deprivation_map.po"
    po.parent.mkdir(parents=True)
    spanish = (i18n.LOCALES / "es" / "LC_MESSAGES" / "deprivation_map.po").read_text(encoding="utf-8")
    galician = spanish.replace('msgstr "Español"', 'msgstr "Galego"').replace(
        'msgstr "Vista general"', 'msgstr "Visión xeral"'
    )
    po.write_text(galician, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    monkeypatch.setattr(i18n, "LANGS", i18n._languages())
    i18n.catalogue.cache_clear()
    try:
        home = publish_atlas(hostile_result, tmp_path / "site", languages=["en", "gl"], district_maps=False)
        gl = (home.parent / "gl" / "index.html").read_text(encoding="utf-8")
        assert '<html lang="gl">' in gl and "<title>Visión xeral · " in gl
        assert 'hreflang="gl" lang="gl" aria-current=true>Galego</a>' in gl
        assert 'hreflang="gl" lang="gl">Galego</a>' in home.read_text(encoding="utf-8")
    finally:
        i18n.catalogue.cache_clear()
