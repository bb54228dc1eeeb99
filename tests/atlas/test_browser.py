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
    checks = check_atlas(home.parent, screenshots=SHOTS / "hostile", search="7*7", accessibility=True)
    assert len(checks) == 2 * (2 + 3)  # overview, methods and three districts, in each language
    assert [c for c in checks if not c.ok] == []  # a script that ran would have opened a dialog: an error
    # ... and axe-core found no failure of WCAG 2.1 A/AA (alt texts, contrast, labels, keyboard-reachable regions)
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
            with page.expect_navigation():
                page.press("#dm-search", "Enter")
            assert "/districts/" in page.url and page.url.endswith(f"#area-{area}")
            assert page.locator(f"tr#area-{area}").count() == 1
        finally:
            browser.close()


def test_demo_atlas_without_districts(tmp_path):
    result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    home = publish_atlas(result, tmp_path / "site")
    checks = check_atlas(home.parent, search="130")
    assert [c.page for c in checks] == ["index.html", "methods.html"] and all(c.ok for c in checks)


def test_the_accessibility_check_can_fail(tmp_path, hostile_result):
    """A page with an image without text alternative and pale text is reported, in the page and in a frame."""
    home = publish_atlas(hostile_result, tmp_path / "site", languages=["en"], district_maps=False)
    bad = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main><h1>x</h1>'
    bad += '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><p style="color:#ccc">pale</p></main></body></html>'
    (home.parent / "bad.html").write_text(
        bad.replace("</main>", '<iframe src="maps/bad.html" title="t"></iframe></main>')
    )
    (home.parent / "maps" / "bad.html").write_text(bad)
    (check,) = [c for c in check_atlas(home.parent, accessibility=True) if c.page == "bad.html"]
    rules = {v.split(" (")[0] for v in check.violations}
    assert not check.ok and rules == {
        "image-alt",
        "color-contrast",
        "in bad.html: image-alt",
        "in bad.html: color-contrast",
    }


def _tab_to(page, test_js: str, limit: int = 80):
    """Press Tab until ``test_js`` holds for the focused element of the page or one of its frames; that frame."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        for frame in page.frames:
            if frame.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({test_js}); }})()"):
                return frame
    raise AssertionError(f"Tab never reached {test_js}")


def test_layers_and_languages_are_operated_with_the_keyboard(tmp_path, hostile_result):
    """Tab reaches the map's layer control (in its frame), Space turns on GeoDa's significance layer; Tab
    reaches the language switch and Enter opens the same page in that language."""
    from playwright.sync_api import sync_playwright

    from deprivation_map.maps.browser import CHROMIUM_ARGS
    from deprivation_map.maps.i18n import text

    home = publish_atlas(hostile_result, tmp_path / "site", languages=["en", "ca"], district_maps=False)
    which = text("significance", "en", which="")[:-2]  # "Significance (": the p named after it
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page()
            page.goto(home.as_uri(), wait_until="load")
            control = f"e.matches('.leaflet-control-layers input') && e.parentElement.textContent.includes({which!r})"
            frame = _tab_to(page, control)
            drawn = frame.evaluate("document.querySelectorAll('.dm-area').length")
            page.keyboard.press("Space")
            assert frame.evaluate("document.activeElement.checked")
            assert frame.evaluate("document.querySelectorAll('.dm-area').length") == drawn + len(hostile_result.data)
            page.goto(home.as_uri(), wait_until="load")
            _tab_to(page, "e.getAttribute('hreflang') === 'ca'")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url.endswith("/ca/index.html") and page.evaluate("document.documentElement.lang") == "ca"
        finally:
            browser.close()
