"""The HTML report: every section, in every language, safe to publish, from pieces or from a pipeline run."""

from __future__ import annotations

import base64
import io
import re
from html.parser import HTMLParser

import pandas as pd
import pytest
from PIL import Image

import deprivation_map as dm
from deprivation_map.maps.i18n import LANGS, text
from deprivation_map.maps.report import report_from_result
from deprivation_map.pipeline import run


class _Page(HTMLParser):
    """Headings, table cells, images and scripts of a page, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.tags, self.images, self.cells, self._cell = [], [], [], None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs)["src"])
        if tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def toy_pieces(toy):
    areas, table = toy
    joins = [dm.check_join(areas, table)]
    gdf = dm.join_indicators(areas, table, on_unmatched="keep")
    index = dm.build_index(gdf, {"poverty": 1, "degree": -1}, missing="exclude")
    graph = dm.build_graph(gdf, islands="keep")
    moran = dm.global_moran(index.score, graph, seed=7, missing="exclude")
    hot = dm.local_moran(index.score, graph, seed=7, missing="exclude")
    return gdf, index, hot, moran, joins


@pytest.mark.parametrize("lang", LANGS)
def test_report_has_every_section_in_its_language(tmp_path, toy_pieces, lang):
    gdf, index, hot, moran, joins = toy_pieces
    path = dm.report(
        gdf, tmp_path / "r.html", index=index, hotspots=hot, moran=moran, joins=joins, name_col="name", lang=lang
    )
    html = path.read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in html
    for key in ("inputs", "method", "maps", "moran", "counts", "methodology", "missing_data", "no_boundary", "seed"):
        assert text(key, lang) in html.replace("&#39;", "'")
    assert text("top", lang, n=11) in html  # 11 areas have a score
    page = _parse(path)
    assert "script" not in page.tags and not re.search(r"(src|href)=\"https?://", html)  # no script, no network
    assert len(page.images) == 3  # index map, cluster map, Moran scatter plot
    for src in page.images:
        assert Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1]))).format == "PNG"


def test_report_content_matches_the_results(tmp_path, toy_pieces):
    gdf, index, hot, moran, joins = toy_pieces
    path = dm.report(
        gdf, tmp_path / "r.html", index=index, hotspots=hot, moran=moran, joins=joins, name_col="name", lang="es"
    )
    cells = _parse(path).cells
    html = path.read_text(encoding="utf-8")
    # join audit: 13 areas, 13 rows, 11 matched, 1 area without a row, 1 row without an area
    j = joins[0]
    assert (j.n_areas, j.n_rows, len(j.matched), len(j.missing_data), len(j.no_boundary)) == (13, 13, 12, 1, 1)
    assert cells[cells.index("1") : cells.index("1") + 6] == ["1", "13", "13", "12", "1", "1"]
    assert "'012'" in html.replace("&#39;", "'") and "'099'" in html.replace("&#39;", "'")
    # effective weights, Moran's I with a decimal comma, the seed, cluster counts
    assert cells.count("0,500") == 2
    assert "puntuaciones z (zscore)" in cells and "dejar esas áreas sin puntuación (exclude)" in cells
    assert f"{moran.I:.4f}".replace(".", ",") in html and "Semilla aleatoria" in cells and "7" in cells
    counts = hot.counts()
    row = cells.index("Aislada (sin vecinas)")
    assert cells[row + 1] == str(counts["Isolate"])
    # the most deprived areas in rank order, names escaped
    first = index.rank.astype(float).idxmin()
    rank_row = cells.index(first) - 1
    assert cells[rank_row] == "1" and cells[rank_row + 2] == gdf.loc[first, "name"]
    assert "<script>alert(1)" not in html


def test_report_from_a_pipeline_run_and_the_cli_option(tmp_path):
    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    path = report_from_result(result, tmp_path / "report.html", lang="ca")
    assert dm.report(result, tmp_path / "same.html", lang="ca").read_text(encoding="utf-8") == path.read_text(
        encoding="utf-8"
    )
    html = path.read_text(encoding="utf-8")
    assert "Pesos espacials" in html and "queen" in html and str(result.moran.seed) in html
    assert "georgia_counties.gpkg (AreaKey)" in html and "georgia_indicators.csv (AreaKey)" in html
    config = tmp_path / "c.toml"  # the demo names bundled files, so it runs from any folder
    demo = dm.datasets.get_path("demo.toml").read_text(encoding="utf-8")
    config.write_text(
        demo.replace("[output]", '[output]\nreport = "report.html"') + '\n[map]\nlang = "el"\n', encoding="utf-8"
    )
    done = run(config, out_dir=tmp_path / "out")
    assert done.outputs["report"].is_file()
    assert "Μεθοδολογία" in done.outputs["report"].read_text(encoding="utf-8")
    assert '<a href="map.html">Άνοιγμα του διαδραστικού χάρτη</a>' in done.outputs["report"].read_text(encoding="utf-8")
    assert '<html lang="el">' in done.outputs["map"].read_text(encoding="utf-8")


def test_report_needs_an_index(tmp_path, georgia):
    with pytest.raises(dm.errors.ValidationError, match="needs index"):
        dm.report(georgia, tmp_path / "r.html")


@pytest.mark.parametrize("correction", ["fdr", "bonferroni", "none"])
def test_report_says_which_multiple_testing_correction_was_applied(tmp_path, georgia, correction):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    hot = dm.local_moran(index.score, dm.build_graph(georgia), seed=0, correction=correction)
    page = dm.report(georgia, tmp_path / "r.html", index=index, hotspots=hot).read_text(encoding="utf-8")
    source = text("source_permutation", "en")
    assert text(f"multiple_{correction}", "en", source=source) in page
    others = {"fdr", "bonferroni", "none"} - {correction}
    assert not any(text(f"multiple_{c}", "en", source=source) in page for c in others)


def test_report_shows_the_allocation_and_its_equity(tmp_path, georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    hot = dm.local_moran(index.score, dm.build_graph(georgia), seed=0, correction="none")
    # Only the most deprived decile is funded, so High-High areas outside it fall below equal per capita.
    alloc = dm.allocate(
        index, 1_000_000, population=georgia["TotPop90"], method="threshold", hotspots=hot, negative="shift"
    )
    equity = alloc.equity
    assert len(equity.underfunded_hotspots)  # the case this test is about
    page = _Page()
    page.feed(
        dm.report(georgia, tmp_path / "r.html", index=index, hotspots=hot, allocation=alloc, lang="es").read_text(
            encoding="utf-8"
        )
    )

    def value(label: str) -> str:  # the cell beside a row's heading
        return page.cells[page.cells.index(text(label, "es")) + 1]

    assert value("budget") == "1.000.000,00"
    assert value("areas_funded") == str(int((alloc.amounts > 0).sum()))
    assert value("gini").startswith(f"{equity.gini:.3f}".replace(".", ",") + " (referencia: ")
    share = f"{100 * equity.share_most_deprived:.1f}".replace(".", ",")
    assert value("share_decile").startswith(share + "\xa0%")  # CLDR: a non-breaking space before %
    assert value("underfunded") == dm.errors.format_ids(equity.underfunded_hotspots)


def test_report_shows_hostile_text_as_text(tmp_path, hostile, payloads, monkeypatch):
    """Issue 13 item 0: names, IDs and indicator names in the report are escaped once, never run as templates."""
    gdf, index, hot, _services = hostile
    monkeypatch.chdir(tmp_path)
    title = "{{ 7*7 }} </script><script>alert(1)</script>"
    path = dm.report(gdf, tmp_path / "r.html", index=index, hotspots=hot, name_col="name", title=title, top=13)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # nothing made by the cycler payload
    page = _parse(path)
    assert "script" not in page.tags  # no script element, from the title or any name
    cells = "\n".join(page.cells)
    for payload in payloads:  # every area's name and ID, and the indicators', shown exactly as written
        assert payload in cells, payload
    text_ = path.read_text(encoding="utf-8")
    assert "<title>{{ 7*7 }} &lt;/script&gt;" in text_ and 'onmouseover="alert' not in text_


def _change_of(gdf, index, graph, classes="quintile"):
    """A ChangeResults made by the API calls the [change] stage makes (two periods of the index's score)."""
    from deprivation_map.pipeline import ChangeResults

    panel = dm.build_panel({2000: index.score, 2010: index.score.rank()})
    return ChangeResults(
        values=panel, panel=panel, harmonised={}, crosswalk=None, outside=pd.DataFrame(columns=["id", "period"]),
        ranks=dm.panel_ranks(panel, classes=classes), mobility=dm.mobility(panel, 2000, 2010, classes=classes),
        persistent=dm.persistently_deprived(panel, classes=classes), change=dm.panel_change(panel, 2000, 2010),
        emerging=dm.emerging_hotspots(panel, graph), classes=classes, start=2000, end=2010,
    )  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_report_has_a_change_section_with_its_figures(tmp_path, georgia, lang):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    change = _change_of(georgia, index, dm.build_graph(georgia))
    hrefs = {"change_emerging": "change_emerging.html"}
    path = dm.report(georgia, tmp_path / "r.html", index=index, change=change, change_hrefs=hrefs, lang=lang)
    page, html_text = _parse(path), path.read_text(encoding="utf-8")
    assert text("change_section", lang) in html_text and 'href="change_emerging.html"' in html_text
    n = int(change.persistent.sum())
    assert text("persistent_quintile", lang, n=n) in html_text
    counts = change.emerging.counts()
    for category, count in counts[counts > 0].items():
        assert text(category, lang) in page.cells and str(count) in page.cells
    assert str(int(change.mobility.to_numpy()[0, 0])) in page.cells


def test_report_change_section_shows_hostile_names_as_text(tmp_path, hostile):
    gdf, index, _hot, _services = hostile
    change = _change_of(gdf, index, dm.build_graph(gdf, islands="keep"), classes="decile")
    assert change.persistent.any()
    path = dm.report(gdf, tmp_path / "r.html", index=index, change=change, name_col="name",
                     change_hrefs={"change_map": 'x.html"><script>alert(1)</script>'})  # fmt: skip
    page = _parse(path)
    assert "script" not in page.tags
    persistent = change.persistent[change.persistent].index
    for area in persistent:
        assert area in page.cells and gdf.loc[area, "name"] in page.cells
