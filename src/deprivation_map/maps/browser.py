"""Open a saved map in a real, headless Chromium with the network cut, and report what a reader would see.

Used by the tests and the benchmark, and by anyone who wants to check a map before publishing it. Driven by
Playwright (``pip install playwright``; no browser download is needed: it drives an installed Chromium, such
as Debian's ``/usr/bin/chromium``). Every request that is not for the file itself is blocked and recorded.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ValidationError

__all__ = ["CHROMIUM_ARGS", "BrowserCheck", "TilesCheck", "check_in_browser", "check_tiles_in_browser", "find_chromium"]

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

# Count the areas Leaflet drew: SVG paths in the DOM, or, on a canvas, the area layers the renderer holds.
_STATE_JS = """() => {
  const map = Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map);
  let onMap = 0, inRenderer = 0;
  map.eachLayer(l => {
    if (l.feature && l.options && l.options.className === "dm-area") {
      onMap++;
      if (l._renderer && l._renderer._layers && l._renderer._layers[L.stamp(l)]) inRenderer++;
    }
  });
  const legends = [...document.querySelectorAll(".dm-legend")].filter(e => e.offsetParent !== null).length;
  const textOf = sel => { const e = document.querySelector(sel); return e ? e.innerText : null; };
  return {onMap, inRenderer, svgPaths: document.querySelectorAll("path.dm-area").length,
          canvases: document.querySelectorAll(".leaflet-overlay-pane canvas").length, legends,
          title: textOf(".dm-title"), attribution: textOf(".leaflet-control-attribution"),
          hatched: document.querySelectorAll('path.dm-area[fill="url(#dm-no-data)"]').length};
}"""

_POINT_JS = """([lat, lon]) => {
  const map = Object.keys(window).map(k => window[k]).find(v => v instanceof L.Map);
  const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
  return [box.left + p.x, box.top + p.y];
}"""


@dataclass(frozen=True)
class BrowserCheck:
    """What the page did: seconds until drawn and interactive, blocked requests, errors, areas, legends, tooltip.

    ``title`` and ``attribution`` are the texts the map's title box and attribution control show; ``hatched``
    counts the SVG areas drawn with the no-data hatch. ``dialogs`` holds the message of every ``alert``, ``confirm`` or ``prompt`` the page opened (dismissed at
    once): a published map opens none, so any is a script that ran from data.

    Examples
    --------
    :func:`check_in_browser` returns one (its example opens a map); a map is fine when every area was drawn,
    nothing was blocked and the console is clean:

    >>> import dataclasses
    >>> [f.name for f in dataclasses.fields(BrowserCheck)][:6]
    ['seconds', 'blocked', 'console_errors', 'areas_on_map', 'areas_drawn', 'svg_paths']
    """

    seconds: float
    blocked: list[str]
    console_errors: list[str]
    areas_on_map: int
    areas_drawn: int
    svg_paths: int
    canvases: int
    legends_visible: int
    tooltip: str | None
    screenshot: Path | None = field(default=None)
    toggled: dict | None = field(default=None)
    popup: str | None = field(default=None)
    dialogs: list[str] = field(default_factory=list)
    title: str | None = field(default=None)
    attribution: str | None = field(default=None)
    hatched: int = field(default=0)


def find_chromium(executable: str | None = None) -> str | None:
    """The Chromium to drive: ``executable`` if given, else the first of chromium, chromium-browser on PATH.

    Examples
    --------
    >>> path = find_chromium()  # Debian's chromium, if installed (apt-get install chromium)
    >>> path is None or path.endswith(("chromium", "chromium-browser"))
    True
    >>> find_chromium("/no/such/browser") is None
    True
    """
    if executable is not None:
        return executable if Path(executable).is_file() else None
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


def check_in_browser(
    path: str | Path,
    *,
    executable: str | None = None,
    hover: tuple[float, float] | None = None,
    screenshot: str | Path | None = None,
    timeout_s: float = 120,
    toggle: str | None = None,
    viewport: tuple[int, int] = (1200, 800),
) -> BrowserCheck:
    """Open ``path`` in headless Chromium with every external request blocked.

    Parameters
    ----------
    path : path
        A saved map (``save_map``).
    executable : str, optional
        The Chromium binary; default: found on PATH (Debian's ``chromium``).
    hover : (lat, lon), optional
        A point inside an area: the pointer is moved there and the tooltip's text returned; then it clicks
        there and returns the popup's text.
    screenshot : path, optional
        Where to save a PNG of the page once drawn.
    toggle : str, optional
        The name of a layer to switch on in the layer control after the checks; the page's state then
        (areas on the map, SVG paths, visible legends) is returned as ``toggled``.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
    >>> path = dm.save_map(dm.explore(toy, name_col="name"), tempfile.mkdtemp() + "/toy.html")
    >>> point = toy.to_crs(4326).representative_point()["001"]  # a point inside area 001
    >>> check = check_in_browser(path, hover=(point.y, point.x)) if find_chromium() else None
    >>> check is None or (check.areas_drawn, check.blocked, check.console_errors) == (13, [], [])
    True
    >>> check is None or check.tooltip.startswith("Sant Martí")  # the name shown when the pointer is over 001
    True
    """
    from playwright.sync_api import sync_playwright

    chromium = find_chromium(executable)
    if chromium is None:
        raise ValidationError(
            "No Chromium found (tried chromium, chromium-browser). Install it: apt-get install chromium."
        )
    url = Path(path).resolve().as_uri()
    blocked: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    profile = tempfile.mkdtemp(prefix="dm-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=chromium,
                headless=True,
                args=list(CHROMIUM_ARGS),
                viewport={"width": viewport[0], "height": viewport[1]},
            )
            try:
                context.route("**/*", lambda route: _route(route, url, blocked))
                page = context.new_page()
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                start = time.perf_counter()
                page.goto(url, wait_until="load", timeout=timeout_s * 1000)
                page.wait_for_function("() => typeof L !== 'undefined'", timeout=timeout_s * 1000)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                state = page.evaluate(_STATE_JS)
                seconds = time.perf_counter() - start
                tooltip = _hover(page, hover) if hover is not None else None
                if screenshot is not None:
                    page.screenshot(path=str(screenshot))
                popup = _click(page, hover) if hover is not None else None
                toggled = _toggle(page, toggle) if toggle is not None else None
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return BrowserCheck(
        seconds,
        blocked,
        errors,
        state["onMap"],
        state["svgPaths"] or state["inRenderer"],
        state["svgPaths"],
        state["canvases"],
        state["legends"],
        tooltip,
        Path(screenshot) if screenshot else None,
        toggled,
        popup,
        dialogs,
        state["title"],
        state["attribution"],
        state["hatched"],
    )


def _route(route, url: str, blocked: list[str]) -> None:
    request_url = route.request.url
    if request_url == url or request_url.startswith("data:"):
        route.continue_()
    else:
        blocked.append(request_url)
        route.abort()


def _hover(page, latlon: tuple[float, float]) -> str | None:
    x, y = page.evaluate(_POINT_JS, list(latlon))
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y, steps=3)
    return _text_of(page, ".leaflet-tooltip")


def _click(page, latlon: tuple[float, float]) -> str | None:
    x, y = page.evaluate(_POINT_JS, list(latlon))
    page.mouse.click(x, y)
    popup = _text_of(page, ".leaflet-popup-content")
    page.keyboard.press("Escape")  # close it again, as a reader would
    return popup


def _text_of(page, selector: str) -> str | None:
    try:
        page.wait_for_selector(selector, state="visible", timeout=5000)
    except Exception:
        return None
    return page.inner_text(selector)


def _toggle(page, name: str) -> dict:
    page.mouse.move(1, 1)  # away from the areas, so no tooltip covers the control
    page.locator(".leaflet-control-layers-overlays label", has_text=name).click()
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page.evaluate(_STATE_JS)


@dataclass(frozen=True)
class TilesCheck:
    """What a tile viewer did: seconds to first draw, tiles drawn, blocked requests, errors, legend, tooltip.

    Examples
    --------
    >>> import dataclasses
    >>> [f.name for f in dataclasses.fields(TilesCheck)][:3]
    ['seconds', 'tiles_drawn', 'blocked']
    """

    seconds: float
    tiles_drawn: int
    blocked: list[str]
    console_errors: list[str]
    legend: str
    tooltip: str | None


def check_tiles_in_browser(
    viewer: str | Path,
    *,
    executable: str | None = None,
    hover: tuple[float, float] | None = None,
    timeout_s: float = 120,
    viewport: tuple[int, int] = (1200, 800),
) -> TilesCheck:
    """Open a tile viewer (:func:`~deprivation_map.write_tiles`) from its folder in headless Chromium, offline.

    Only ``file://`` requests inside the viewer's folder are allowed; any other is blocked and recorded.
    ``seconds`` runs from navigation until every tile in view is drawn. With ``hover`` (lat, lon), the map
    is then zoomed in there to the top zoom and the tooltip's text under the pointer is returned.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> tiles = dm.write_tiles(dm.datasets.load_georgia(), tempfile.mkdtemp() + "/t")
    >>> check = check_tiles_in_browser(tiles.viewer) if find_chromium() else None
    >>> check is None or (check.tiles_drawn > 0, check.blocked, check.console_errors) == (True, [], [])
    True
    """
    from playwright.sync_api import sync_playwright

    chromium = find_chromium(executable)
    if chromium is None:
        raise ValidationError(
            "No Chromium found (tried chromium, chromium-browser). Install it: apt-get install chromium."
        )
    url = Path(viewer).resolve().as_uri()
    folder = url.rsplit("/", 1)[0] + "/"
    blocked: list[str] = []
    errors: list[str] = []
    profile = tempfile.mkdtemp(prefix="dm-chromium-")

    def route(r) -> None:
        if r.request.url.startswith(folder) or r.request.url.startswith("data:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=chromium,
                headless=True,
                args=[*CHROMIUM_ARGS, "--allow-file-access-from-files"],
                viewport={"width": viewport[0], "height": viewport[1]},
            )
            try:
                context.route("**/*", route)
                page = context.new_page()
                page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                start = time.perf_counter()
                page.goto(url, wait_until="load", timeout=timeout_s * 1000)
                page.wait_for_function("() => window.dmLoaded", timeout=timeout_s * 1000)
                page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
                seconds = time.perf_counter() - start
                drawn = page.evaluate("() => window.dmDrawn || 0")
                legend = page.inner_text(".dm-legend")
                tooltip = None
                if hover is not None:  # at the top zoom, where every area is in the tiles
                    page.evaluate(
                        "([lat, lon]) => { window.dmLoaded = null; dmMap.setView([lat, lon], DM_TILES.maxzoom); }",
                        hover,
                    )
                    page.wait_for_function("() => window.dmLoaded", timeout=timeout_s * 1000)
                    tooltip = _hover(page, hover)
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return TilesCheck(seconds, drawn, blocked, errors, legend, tooltip)
