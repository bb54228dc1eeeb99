"""Saved maps opened in a real headless Chromium with every external request blocked.

Skipped only where no Chromium is installed (CI installs Debian's ``chromium``; see .ci/run). A screenshot is
saved outside the repository, in the system's temporary folder, for people to look at.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.maps.browser import check_in_browser, find_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (apt-get install chromium)"),
]

SHOTS = Path(tempfile.gettempdir()) / "deprivation_map_screenshots"


def _inside(gdf, area: str) -> tuple[float, float]:
    point = gdf.geometry.to_crs(4326).representative_point()[area]
    return point.y, point.x


def test_toy_map_offline_in_chromium(tmp_path, toy_joined):
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="exclude")
    hot = dm.local_moran(index.score, dm.build_graph(toy_joined, islands="keep"), seed=0, missing="exclude")
    m = dm.explore(toy_joined, index=index, hotspots=hot, name_col="name", tiles="OpenStreetMap")
    path = dm.save_map(m, tmp_path / "toy.html")
    SHOTS.mkdir(exist_ok=True)
    check = check_in_browser(path, hover=_inside(toy_joined, "013"), screenshot=SHOTS / "toy_en.png")
    # with a basemap, the only requests are for its tiles, and the only errors their blocked loads
    assert check.blocked and all("tile.openstreetmap.org" in url for url in check.blocked)
    assert len(check.console_errors) == len(check.blocked)
    assert all(e == "Failed to load resource: net::ERR_FAILED" for e in check.console_errors)
    assert check.svg_paths == check.areas_drawn == len(toy_joined)
    assert check.legends_visible == 1  # the index's; the LISA layer starts hidden, and so its legend
    assert check.tooltip.startswith("Illa <script>alert(1)</script>")  # shown as text, not run
    assert "Cluster: Isolate (no neighbours)" in check.tooltip


def test_georgia_map_in_spanish_with_no_request_at_all(tmp_path, georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    hot = dm.local_moran(index.score, dm.build_graph(georgia), seed=0)
    path = dm.save_map(dm.explore(georgia, index=index, hotspots=hot, lang="es"), tmp_path / "georgia.html")
    SHOTS.mkdir(exist_ok=True)
    area = index.score.idxmax()
    check = check_in_browser(
        path, hover=_inside(georgia, area), screenshot=SHOTS / "georgia_es.png", toggle="Clústeres LISA"
    )
    assert check.blocked == [] and check.console_errors == []
    # switching the hidden cluster layer on draws it (built on first show) and shows its legend
    assert check.toggled["svgPaths"] == check.toggled["onMap"] == 2 * len(georgia) and check.toggled["legends"] == 2
    assert check.areas_drawn == check.areas_on_map == len(georgia)
    assert check.legends_visible == 1 and check.seconds < 10
    assert "Posición: 1 de 159" in check.tooltip and "Puntuación: " in check.tooltip
    assert check.popup == check.tooltip  # a click (or a tap) keeps the same text open


def test_canvas_map_draws_every_area(tmp_path, georgia):
    index = dm.build_index(georgia, {"PctPov": 1})
    path = dm.save_map(dm.explore(georgia, index=index, renderer="canvas", lang="el"), tmp_path / "canvas.html")
    check = check_in_browser(path, hover=_inside(georgia, georgia.index[0]))
    assert check.blocked == [] and check.console_errors == []
    assert check.svg_paths == 0 and check.canvases == 1
    assert check.areas_drawn == len(georgia)
    assert check.tooltip is not None and "Βαθμολογία" in check.tooltip


def test_barcelona_sections_with_medea_in_catalan(tmp_path, shared_data):
    """Real data: 1,068 census sections, of which only 512 have a MEDEA value; the rest drawn as no data."""
    import geopandas as gpd

    sections = gpd.read_file(shared_data / "barcelona" / "sections.geojson")
    sections.index = pd.Index("08019" + sections["C_Distri"] + sections["C_SecCens"], name="code")
    medea = dm.read_indicators(shared_data / "barcelona" / "medea_deprivation_spain_cities.csv", id_col="seccion")
    gdf = dm.join_indicators(sections[["N_Barri", "geometry"]], medea[["privacion_2011"]], on_unmatched="keep")
    index = dm.build_index(gdf, {"privacion_2011": 1}, missing="exclude")
    missing = index.score.isna()
    assert int(missing.sum()) == 1068 - 512
    path = dm.save_map(dm.explore(gdf, index=index, name_col="N_Barri", lang="ca"), tmp_path / "bcn.html")
    assert "sense dades (556)" in path.read_text(encoding="utf-8").replace("\\u003c", "<")
    SHOTS.mkdir(exist_ok=True)
    check = check_in_browser(path, hover=_inside(gdf, missing.index[missing][0]), screenshot=SHOTS / "barcelona_ca.png")
    assert check.blocked == [] and check.console_errors == []
    assert check.svg_paths == check.areas_drawn == 1068 and check.legends_visible == 1
    assert "Puntuació: sense dades" in check.tooltip


def test_hostile_names_show_as_text_and_run_nothing(tmp_path, hostile):
    """Issue 13 item 0, in a real browser: names made of template, script and attribute payloads are shown as
    written in the tooltip and the popup, no dialog opens, and the console is clean."""
    gdf, index, hot, services = hostile
    m = dm.explore(gdf, index=index, hotspots=hot, services=services, name_col="name", services_name_col="label")
    path = dm.save_map(m, tmp_path / "hostile.html")
    assert [p.name for p in tmp_path.iterdir()] == ["hostile.html"]
    names = gdf["name"]
    for position in (0, 3, 4, 5, 8):  # "{{ 7*7 }}", "</script>...", '" onmouseover=...', "<img ... onerror>", non-ASCII
        area = gdf.index[position]
        check = check_in_browser(path, hover=_inside(gdf, area), toggle="LISA clusters")
        assert check.dialogs == [] and check.console_errors == [] and check.blocked == []
        assert check.tooltip is not None and check.tooltip.startswith(names.iloc[position].strip()), check.tooltip
        assert check.popup == check.tooltip
        assert check.toggled["legends"] == 3 and check.areas_drawn == len(gdf)  # index, services, LISA


def test_column_title_attribution_and_visible_no_data(tmp_path, georgia):
    """Issue 14 item 4 in a real browser: the title and the licence line shown, no-data areas hatched."""
    gdf = georgia.copy()
    gdf.loc[gdf.index[:9], "PctPov"] = np.nan
    m = dm.explore(gdf, column="PctPov", unit="%", title="Poverty {{ 7*7 }}", attribution="Data: US Census, CC BY 4.0")
    path = dm.save_map(m, tmp_path / "column.html")
    SHOTS.mkdir(exist_ok=True)
    check = check_in_browser(path, hover=_inside(gdf, gdf.index[20]), screenshot=SHOTS / "column_no_data.png")
    assert check.blocked == [] and check.console_errors == [] and check.dialogs == []
    assert check.title == "Poverty {{ 7*7 }}" and "Data: US Census, CC BY 4.0" in check.attribution
    assert check.hatched == 9 and check.areas_drawn == len(gdf)
    assert f"PctPov: {gdf['PctPov'].iloc[20]:.2f} %" in check.tooltip
