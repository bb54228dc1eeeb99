"""Real data: Barcelona's 1,068 census sections with MEDEA 2011 (512 scored), its 10 districts, in Catalan.

Skipped where the shared data folder is absent. The published figures are checked against the run's own
district summary and against counts made here from the files.
"""

from __future__ import annotations

import textwrap

import geopandas as gpd
import pytest

from deprivation_map.atlas import publish_atlas
from deprivation_map.atlas.browser import check_atlas
from deprivation_map.maps.browser import find_chromium
from deprivation_map.maps.i18n import number, percent
from deprivation_map.pipeline import run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def barcelona(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("barcelona")
    config = folder / "config.toml"
    config.write_text(
        textwrap.dedent(
            f"""
            [boundaries]
            path = "{shared_data / "barcelona" / "sections.geojson"}"
            id_col = ["C_Distri", "C_SecCens"]
            id_format = "08019{{C_Distri}}{{C_SecCens}}"
            name_col = "N_Barri"
            [indicators]
            path = "{shared_data / "barcelona" / "medea_deprivation_spain_cities.csv"}"
            id_col = "seccion"
            [join]
            on_unmatched = "keep"
            [index]
            missing = "exclude"
            [index.indicators]
            privacion_2011 = 1
            [hotspots]
            seed = 0
            missing = "exclude"
            [districts]
            column = "N_Distri"
            [map]
            lang = "ca"
            """
        ),
        encoding="utf-8",
    )
    result = run(config, out_dir=folder / "run")
    home = publish_atlas(result, folder / "site", languages=["ca", "es"], licence="CC BY 4.0")
    return result, home.parent, gpd.read_file(shared_data / "barcelona" / "sections.geojson")


def test_sant_andreu_page_ranks_its_sections_and_says_how_many_have_a_value(barcelona):
    result, site, sections = barcelona
    assert len(list((site / "districts").glob("*.html"))) == 10
    page = (site / "districts" / "07-sant-andreu.html").read_text(encoding="utf-8")
    in_district = sections[sections["N_Distri"] == "Sant Andreu"]
    scored = result.index.score.reindex("08019" + in_district["C_Distri"] + in_district["C_SecCens"]).notna().sum()
    assert len(in_district) == 95 and 0 < scored < 95  # MEDEA's 2011 sectioning covers only part of today's
    share = percent(100 * scored / len(in_district), "ca", 1)
    assert f"{scored} de {len(in_district)} àrees amb puntuació ({share})" in page
    assert page.count('<tr id="area-08019') == len(in_district)
    assert "el Bon Pastor" in page and "Baró de Viver" in page
    summary = result.districts.loc["Sant Andreu"]
    assert percent(100 * summary["extent"], "ca", 1) in page and number(summary["local_concentration"], "ca", 1) in page
    overview = (site / "index.html").read_text(encoding="utf-8")
    assert "1.068 àrees al mapa, 512 amb puntuació." in overview


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (apt-get install chromium)")
def test_every_page_loads_offline_in_chromium(barcelona):
    _, site, _ = barcelona
    checks = check_atlas(site, search="Bon Pastor")
    assert len(checks) == 2 * (2 + 10) and [c for c in checks if not c.ok] == []
