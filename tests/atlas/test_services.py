"""The atlas's pages of zones, vulnerable groups and access (atlas/_services.py) on Georgia with hostile names."""

from __future__ import annotations

import re

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
def services_config(tmp_path_factory, write_config):
    """Georgia with small group counts (so that cells are suppressed), services of 3 kinds, candidate sites."""
    folder = tmp_path_factory.mktemp("services")
    gdf = dm.datasets.load_georgia().reset_index()
    gdf["name"] = [HOSTILE[i % 3] if i < 6 else f"County {i}" for i in range(len(gdf))]
    gdf["poor"] = (gdf["PctPov"] * gdf["TotPop90"] / 100 / 4000).round().astype(int)  # small: many below 10
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
    tables = f"""
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
    return write_config(folder / "a.gpkg", tables)


@pytest.fixture(scope="module")
def services_result(services_config, tmp_path_factory):
    return run(services_config, out_dir=tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def site(services_result, tmp_path_factory):
    out = tmp_path_factory.mktemp("atlas") / "site"
    return publish_atlas(services_result, out, languages=LANGS, date="2026-12-05").parent


def _read(site, page):
    return (site / page).read_text(encoding="utf-8")


def _cells(html_text: str, table_id: str) -> list[list[str]]:
    """The body rows of the table after the heading ``table_id``, as the texts of their cells."""
    part = html_text.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", part.split("<tbody>", 1)[1])
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows]


def test_each_page_in_every_language_with_its_map_and_in_the_navigation(site):
    for lang in LANGS:
        folder = site if lang == LANGS[0] else site / lang
        for key in ("zones", "groups", "access"):
            page = _read(folder, f"{key}.html")
            assert f'<html lang="{lang}">' in page and f"<h1>{text(f'sv:{key}_page', lang)}</h1>" in page
            index = _read(folder, "index.html")
            assert re.search(f'<nav.*href="[^"]*{key}.html"', index)  # in the navigation of every page
        for key in ("zones", "access"):
            assert (site / "maps" / f"{key}-{lang}.html").is_file()
        assert "R_j = S_j / Σ_i w_ij P_i" in _read(folder, "methods.html")  # the methods page has the formulas
        assert "Σ_{i∈z} f_i ≥ F = 150000" in _read(folder, "methods.html")


def test_group_tables_show_the_library_suppression_and_nothing_below_the_threshold(site, services_result):
    g = services_result.groups
    page = _read(site, "groups.html")
    suppressed = text("sv:suppressed", "en")
    assert sum(int(t.secondary.sum().sum()) for t in g.suppression.values()) > 0  # complementary suppression too
    for kind in ("decile", "cluster", "access"):
        published = g.suppression[kind].published
        rows = _cells(page, f"by-{kind}")
        assert len(rows) == len(published) + 1  # the classes and the total
        for (_, expected), row in zip(published.iterrows(), rows, strict=False):
            counts = [row[3 + 3 * i] for i in range(len(g.groups))]
            rates = [row[4 + 3 * i] for i in range(len(g.groups))]
            for want, count, rate in zip(expected, counts, rates, strict=True):
                if pd.isna(want):
                    assert count == rate == suppressed  # its rate would reveal it
                else:
                    assert int(count.replace(",", "")) == want >= g.threshold
        totals = rows[-1]
        for i, group in enumerate(g.groups):  # the totals the suppression protects, not sums of shown cells
            assert int(totals[3 + 3 * i].replace(",", "")) == int(g.suppression[kind].column_totals[group])


def test_zone_counts_are_suppressed_so_that_none_can_be_recovered(site, services_result):
    safe = zone_counts(services_result)
    shown = safe.published.stack().dropna()
    assert (shown >= safe.threshold).all() and safe.suppressed.to_numpy().any()
    ranges = safe.ranges()  # linear programming over the published cells and totals
    assert (ranges["lower"] < ranges["upper"]).all()
    counts = services_result.data[["poor", "older"]]
    assert (safe.column_totals == counts.sum()).all()  # every area counted: zones and the areas in none
    page = _read(site, "zones.html")
    rows = _cells(page, "counts")
    assert len(rows) == len(safe.published) + 1
    for (_zone, expected), row in zip(safe.published.iterrows(), rows, strict=False):
        assert [c == text("sv:suppressed", "en") for c in row[1:]] == list(expected.isna())


def test_counts_by_area_are_withheld_from_the_downloads(site):
    frame = pd.read_csv(site / "data" / "results.csv", dtype={"AreaKey": str})
    assert not {"poor", "older"} & set(frame.columns) and "access_access_score" in frame.columns
    layers = gpd.read_file(site / "data" / "results.gpkg")
    assert not {"poor", "older"} & set(layers.columns)


def test_zones_table_summarises_each_zone_like_a_district(site, services_result):
    zones, score = services_result.zones, services_result.index.score
    rows = _cells(_read(site, "zones.html"), "zones")
    assert [r[0] for r in rows] == sorted(zones.totals().index)
    for row in rows:
        members = zones.labels[zones.labels == row[0]].index
        assert int(row[1]) == len(members)
        assert int(row[2].replace(",", "")) == int(services_result.data.loc[members, "TotPop90"].sum())
        assert float(row[3]) == pytest.approx(score[members].mean(), abs=5e-4)


def test_access_page_gives_supply_by_decile_gaps_and_sites(site, services_result):
    acc = services_result.access
    page = _read(site, "access.html")
    rows = _cells(page, "by-decile")
    table = acc.by_decile(services_result.index)
    assert [int(r[0]) for r in rows] == list(range(1, 11))
    assert [float(r[4]) for r in rows] == pytest.approx(table["relative"].round(2).tolist())
    gaps = _cells(page, "gaps")
    deprived = services_result.index.decile == 1
    expected = acc.relative[deprived & acc.underserved()].sort_values().index[:20].tolist()
    assert [r[0] for r in gaps] == expected
    sites = _cells(page, "sites")
    assert [r[0] for r in sites] == list(services_result.sites.sites)
    drawn = _read(site, "maps/access-en.html")
    for kind in ("Library", "Pharmacy", "\\u0026lt;/b\\u0026gt;Clinic"):  # escaped, in a script's JSON
        assert f"Services: {kind}" in drawn and f"{kind} (" in drawn  # a layer, and a row of the legend


def test_hostile_names_are_escaped_on_every_page_and_map(site):
    for path in [*site.rglob("*.html")]:
        page = path.read_text(encoding="utf-8")
        for name in HOSTILE[1:]:
            assert name not in page, path
    assert "{{ 7*7 }}" in _read(site, "zones.html")  # an area's name in its zone's list, shown as it is


def test_a_run_without_them_has_none_of_these_pages(hostile_result, tmp_path):
    home = publish_atlas(hostile_result, tmp_path / "site", languages=["en"], district_maps=False)
    assert not (home.parent / "zones.html").exists() and "zones.html" not in home.read_text(encoding="utf-8")


def _joint_ranges(result, group: str) -> list[tuple[str, object, float, float, int]]:
    """Every suppressed count of ``group`` on the groups and zones pages, bounded using ALL the tables at once.

    The unknowns are the counts of the atoms: the areas' cross-classes (decile x cluster x access x zone). Each
    published cell and total is an equation on them; each suppressed cell is minimised and maximised (HiGHS).
    """
    from scipy.optimize import linprog

    g, data = result.groups, result.data
    zones = result.zones.labels.where(result.zones.placed, "no zone")
    classes = {"decile": result.index.decile.astype(object).where(result.index.decile.notna(), "No score"),
               "cluster": result.hotspots.labels.astype(object),
               "access": result.access.underserved().map({True: "Under-served", False: "Served"}), "zone": zones}  # fmt: skip
    frame = pd.DataFrame(classes).astype(str)
    atoms = frame.drop_duplicates().reset_index(drop=True)
    key = frame.apply(tuple, axis=1)
    truth = data[group].groupby(key).sum()
    atom_keys = atoms.apply(tuple, axis=1)
    safe = {**g.suppression, "zone": zone_counts(result)}
    rows, rhs, hidden = [], [], []
    for kind, table in safe.items():
        column = table.published[group]
        for label, value in column.items():
            label = "no zone" if label == "\x00no zone" else str(label)
            member = (atoms[kind] == label).to_numpy(dtype=float)
            if pd.isna(value):
                hidden.append((kind, label, member, int(truth[atom_keys[member > 0]].sum())))
            else:
                rows.append(member)
                rhs.append(float(value))
    rows.append(np.ones(len(atoms)))
    rhs.append(float(safe["decile"].column_totals[group]))
    out = []
    for kind, label, member, true in hidden:
        low = linprog(member, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs").fun
        high = -linprog(-member, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs").fun
        out.append((kind, label, low, high, true))
    return out


def test_no_suppressed_count_can_be_recovered_by_differencing_the_tables(services_result):
    """The tables are protected one by one; together (same totals, other classes) they must still hide each cell."""
    found = [(group, *cell) for group in ("poor", "older") for cell in _joint_ranges(services_result, group)]
    assert len(found) >= 3  # the data make suppressed cells
    for group, kind, label, low, high, true in found:
        assert low - 1e-6 <= true <= high + 1e-6
        assert high - low >= 1 - 1e-6, (group, kind, label, low, high)


def test_a_table_that_would_reveal_a_cell_with_the_others_is_left_out(services_result, tmp_path, monkeypatch):
    """Wiring: while pinned_cells finds a pinned cell, the zones' table goes first, then access and cluster."""
    from deprivation_map.atlas import _services

    def pinned(tables, classes, counts):
        return [("decile", 1, "poor")] if {"zone", "access"} & set(tables) else []

    monkeypatch.setattr(_services, "pinned_cells", pinned)
    _services.protected.cache_clear()
    try:
        safe, left_out = _services.protected(services_result)
        assert left_out == ("zone", "access") and set(safe) == {"decile", "cluster"}
        home = publish_atlas(services_result, tmp_path / "site", languages=["en"], district_maps=False)
        groups, zones = _read(home.parent, "groups.html"), _read(home.parent, "zones.html")
    finally:
        _services.protected.cache_clear()
    assert 'id="by-access"' not in groups and 'id="by-decile"' in groups and 'id="by-cluster"' in groups
    assert text("sv:left_out", "en", table=text("sv:by_access", "en")) in groups.replace("&#x27;", "'")
    assert _cells(zones, "zones") and "<td>Z01</td>" not in zones.split('id="counts"', 1)[1].split("</h2>", 1)[0]
    assert '<table><thead><tr><th scope="col">Zone</th><th scope="col">poor' not in zones


@pytest.mark.slow
def test_the_pages_open_in_chromium_without_errors_or_outside_requests(site):
    from deprivation_map.atlas.browser import check_atlas
    from deprivation_map.maps.browser import find_chromium

    if find_chromium() is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    checks = [c for c in check_atlas(site) if re.search(r"(zones|groups|access)\.html$", c.page)]
    assert len(checks) == 3 * len(LANGS)
    assert [c for c in checks if not c.ok] == []
    assert all(c.maps == 1 for c in checks if not c.page.endswith("groups.html"))


def test_services_without_capacity_give_an_access_page_of_distances(services_config, tmp_path):
    """[services] alone: the distance to the nearest service, the far areas of the most deprived decile."""
    source = services_config.read_text(encoding="utf-8")
    kept, skip = [], False
    for line in source.splitlines():
        if re.match(r"^\[[a-z_.]+\]$", line):
            skip = line in ("[access]", "[sites.covering]", "[zones]")
        if not skip:
            kept.append(line)
    path = tmp_path / "config.toml"
    path.write_text("\n".join(kept), encoding="utf-8")
    result = run(path, out_dir=tmp_path / "run")
    assert result.access is None and result.zones is None and result.services is not None
    home = publish_atlas(result, tmp_path / "site", languages=["en"], district_maps=False)
    assert not (home.parent / "zones.html").exists()
    page = _read(home.parent, "access.html")
    s = result.services
    far = (result.index.decile == 1) & s.beyond
    rows = _cells(page, "gaps")
    assert [r[0] for r in rows] == s.distance[far].sort_values(ascending=False).index[:20].tolist()
    assert "d_i = min_s ‖o_i − s‖₂ &gt; D, D = 60000" in page
    groups = _read(home.parent, "groups.html")
    assert len(_cells(groups, "by-access")) == len(result.groups.by_access) + 1  # access classes: beyond or not


def test_the_pages_tables_are_downloads_with_suppressed_cells_empty(site, services_result):
    g = services_result.groups
    for kind in ("decile", "cluster", "access"):
        frame = pd.read_csv(site / "data" / f"groups_by_{kind}.csv")
        assert frame["poor"].isna().sum() == int(g.suppression[kind].suppressed["poor"].sum())
        assert f"data/groups_by_{kind}.csv" in _read(site, "groups.html")
    counts = pd.read_csv(site / "data" / "zone_counts.csv").set_index("zone")
    safe = zone_counts(services_result)
    assert counts.loc["Total", "poor"] == safe.column_totals["poor"] >= safe.threshold
    assert counts.drop(index="Total")["poor"].isna().tolist() == safe.published["poor"].isna().tolist()
    shown = counts.drop(index="Total").stack().dropna()
    assert (shown >= safe.threshold).all()
    assert len(pd.read_csv(site / "data" / "zones.csv")) == services_result.zones.n_zones
    assert len(pd.read_csv(site / "data" / "access_by_decile.csv")) == 10


def test_the_search_sends_an_area_to_its_zone_when_there_are_no_districts(site, services_result):
    index = (site / "assets" / "areas.js").read_text(encoding="utf-8")
    area = services_result.data.index[5]
    assert f'["{area}",' in index and '"zones.html"' in index
    assert f'<li id="area-{area}">' in _read(site, "zones.html")


@pytest.mark.slow
def test_a_search_result_opens_the_area_in_its_zone(site, services_result):
    from deprivation_map.maps.browser import find_chromium

    if find_chromium() is None:
        pytest.skip("no Chromium installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    area = services_result.data.index[8]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto((site / "index.html").as_uri())
            page.fill("#dm-search", area)
            page.locator("#dm-results li a").first.click()
            page.wait_for_load_state()
            assert page.url.endswith(f"zones.html#area-{area}")
            assert page.locator(f'[id="area-{area}"]').is_visible()  # its zone's closed list opened
        finally:
            browser.close()
