"""Every page of an atlas opened from file:// in headless Chromium: no console error, no request outside it.

Skipped only where no Chromium is installed (CI installs Debian's ``chromium``). Screenshots go to the system's
temporary folder, for people to look at.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

import deprivation_map as dm
from deprivation_map.atlas import publish_atlas
from deprivation_map.atlas.browser import check_atlas
from deprivation_map.maps.browser import find_chromium
from deprivation_map.pipeline import run

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (apt-get install chromium)"),
]

SHOTS = Path(tempfile.gettempdir()) / "deprivation_map_screenshots" / "atlas"


def test_hostile_atlas_in_two_languages_is_clean_and_runs_no_injected_script(tmp_path, hostile_result):
    home = publish_atlas(hostile_result, tmp_path / "site", languages=["es", "el"])
    checks = check_atlas(home.parent, screenshots=SHOTS / "hostile", search="7*7")
    assert len(checks) == 2 * (2 + 3)  # overview, methods and three districts, in each language
    assert [c for c in checks if not c.ok] == []  # a script that ran would have opened a dialog: an error
    assert {c.page: c.maps for c in checks if c.page.endswith("index.html")} == {"index.html": 1, "el/index.html": 1}


def test_search_lists_an_area_by_its_code_and_links_to_its_district(tmp_path, hostile_result):
    from playwright.sync_api import sync_playwright

    home = publish_atlas(hostile_result, tmp_path / "site", languages=["en"], district_maps=False)
    area = hostile_result.data.index[20]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(home.as_uri())
            page.keyboard.press("Tab")  # the skip link comes first, for keyboard users
            assert page.evaluate("document.activeElement.className") == "skip"
            page.fill("#dm-search", area)
            first = page.locator("#dm-results li").first
            assert first.inner_text().startswith(f"{area} · County 20 — Rank ")
            page.press("#dm-search", "Enter")
            page.wait_for_load_state()
            assert "/districts/" in page.url and page.url.endswith(f"#area-{area}")
            assert page.locator(f"tr#area-{area}").count() == 1
        finally:
            browser.close()


def test_demo_atlas_without_districts(tmp_path):
    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    home = publish_atlas(result, tmp_path / "site")
    checks = check_atlas(home.parent, search="130")
    assert [c.page for c in checks] == ["index.html", "methods.html"] and all(c.ok for c in checks)
