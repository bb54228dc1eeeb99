"""The atlas's change page: in every language, with its maps and tables, hostile names shown as text."""

from __future__ import annotations

import numpy as np
import pytest

import deprivation_map as dm
from deprivation_map.atlas import publish_atlas
from deprivation_map.maps.i18n import LANGS, number, text
from deprivation_map.pipeline import run

HOSTILE = ("{{ 7*7 }}", "</script><script>alert(1)</script>", "<img src=x onerror=alert(2)>")


@pytest.fixture(scope="module")
def change_result(tmp_path_factory, write_config):
    """Georgia with two periods of a value whose 3 most deprived counties, named with hostile text, stay so."""
    folder = tmp_path_factory.mktemp("change-atlas")
    gdf = dm.datasets.load_georgia().reset_index()
    top = np.zeros(len(gdf))
    top[:3] = 100.0
    gdf["name"] = [HOSTILE[i] if i < 3 else f"County {i}" for i in range(len(gdf))]
    gdf["v2000"], gdf["v2010"] = gdf["PctPov"] + top, gdf["PctPov"] * 1.2 + top
    gdf[["AreaKey", "name", "PctPov", "PctBach", "v2000", "v2010", "geometry"]].to_file(folder / "areas.gpkg")
    path = write_config(folder / "areas.gpkg", '[change]\ncolumns = { 2000 = "v2000", 2010 = "v2010" }\n')
    return run(path, out_dir=tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def site(change_result, tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "site"
    return publish_atlas(change_result, out, languages=list(LANGS), district_maps=False).parent


def test_the_change_page_is_written_in_every_language_with_its_maps(site, change_result):
    change = change_result.change
    for lang in LANGS:
        folder = site if lang == LANGS[0] else site / lang
        page = (folder / "change.html").read_text(encoding="utf-8")
        assert f"<h1>{text('change_section', lang)}</h1>" in page
        assert 'change.html" aria-current=page' in page  # in the navigation
        assert "change.html" in (folder / "index.html").read_text(encoding="utf-8")
        for kind in ("periods", "change", "emerging"):
            assert (site / "maps" / f"change-{kind}-{lang}.html").is_file()
            assert f"maps/change-{kind}-{lang}.html" in page
        counts = change.emerging.counts()
        for category in counts[counts > 0].index:
            assert dm.atlas._html.esc(text(category, lang)) in page  # Esri's names, translated
        persistent = int(change.persistent.sum())
        assert dm.atlas._html.esc(text("persistent_decile", lang, n=number(persistent, lang, 0))) in page
        emerging = (site / "maps" / f"change-emerging-{lang}.html").read_text(encoding="utf-8")
        assert text("emerging_hotspots", lang) in emerging
    assert (site / "data" / "change.csv").is_file()


def test_the_mobility_table_and_persistent_list_match_the_results(site, change_result):
    change = change_result.change
    page = (site / "change.html").read_text(encoding="utf-8")
    diagonal = change.mobility.to_numpy().diagonal()
    assert f'<td class="num">{diagonal[0]}</td>' in page
    persistent = change.persistent[change.persistent].index
    assert set(change_result.data.index[:3]) <= set(persistent)  # the three hostile names stay most deprived
    for area in persistent:
        assert f"<td>{area}</td>" in page


def test_hostile_names_on_the_change_page_are_text(site):
    for lang in LANGS:
        page = (site / ("" if lang == LANGS[0] else lang) / "change.html").read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page and "{{ 7*7 }}" in page
        assert "&lt;img src=x onerror=alert(2)&gt;" in page
