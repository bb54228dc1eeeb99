"""Open every page of an atlas in headless Chromium with the network cut, and report errors and requests.

Like :mod:`deprivation_map.maps.browser` (Playwright driving an installed Chromium, such as Debian's), but for
a whole folder: every request for a file inside the atlas is allowed, any other is blocked and recorded.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ValidationError
from ..maps.browser import CHROMIUM_ARGS, find_chromium

__all__ = ["PageCheck", "check_atlas"]


@dataclass(frozen=True)
class PageCheck:
    """One page as a browser saw it: requests blocked (outside the atlas), console errors, frames, maps drawn.

    Examples
    --------
    >>> PageCheck("index.html", [], [], 1, 1).ok
    True
    """

    page: str
    blocked: list[str]
    console_errors: list[str]
    frames: int
    maps: int
    violations: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No request left the atlas, the console stayed clean, and no accessibility rule failed (when checked)."""
        return not self.blocked and not self.console_errors and not self.violations


# axe-core's rules of WCAG 2.1 levels A and AA (its "best-practice" rules, such as one <main> per document, are
# left out: the map's own page is a frame of the overview).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def _axe_script() -> str:
    try:
        import axe_playwright_python
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "check_atlas(accessibility=True) runs axe-core: pip install 'deprivation-map[browser]'."
        ) from err
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _violations(frame, axe: str) -> list[str]:
    """axe-core's WCAG A/AA failures in one frame: "rule (impact): n elements, e.g. <selector>"."""
    frame.evaluate(axe)
    options = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"], "iframes": False}
    options["preload"] = False  # axe would fetch the style sheets again, which file:// refuses (a console error)
    found = frame.evaluate("options => axe.run(document, options)", options)["violations"]
    where = "" if frame.parent_frame is None else f"in {frame.url.rsplit('/', 1)[-1]}: "
    return [
        f"{where}{v['id']} ({v['impact']}): {len(v['nodes'])} elements, e.g. {v['nodes'][0]['target']}" for v in found
    ]


# In each frame (a map's page opened from file:// is another origin, so it is asked through its own frame).
_DRAWN_JS = "() => typeof L !== 'undefined' && document.querySelectorAll('.dm-area').length > 0"


def check_atlas(
    folder: str | Path,
    *,
    executable: str | None = None,
    screenshots: str | Path | None = None,
    search: str | None = None,
    accessibility: bool = False,
    timeout_s: float = 120,
) -> list[PageCheck]:
    """Open every HTML page of the atlas in ``folder`` (not the maps alone: they open inside the pages).

    Parameters
    ----------
    folder : path
        A folder written by :func:`~deprivation_map.atlas.publish_atlas`.
    screenshots : path, optional
        A folder for a PNG of each page.
    search : str, optional
        Text typed into each page's search box; the page's check then fails unless a result appears.
    accessibility : bool
        Also run axe-core's rules of WCAG 2.1 levels A and AA (text alternatives, contrast, labels, names of
        controls, zoom ...) in each page and each of its frames, before the search box is used; a page
        with a failure is not :attr:`~PageCheck.ok`. Needs ``pip install 'deprivation-map[browser]'``.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> home = dm.publish_atlas(result, tempfile.mkdtemp() + "/atlas")
    >>> checks = check_atlas(home.parent) if find_chromium() else []
    >>> all(c.ok for c in checks)
    True
    """
    from playwright.sync_api import sync_playwright

    chromium = find_chromium(executable)
    if chromium is None:
        raise ValidationError(
            "No Chromium found (tried chromium, chromium-browser). Install it: apt-get install chromium."
        )
    root = Path(folder).resolve()
    pages = sorted(p for p in root.rglob("*.html") if p.parent.name != "maps")
    profile = tempfile.mkdtemp(prefix="dm-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=chromium, headless=True, args=list(CHROMIUM_ARGS)
            )
            axe = _axe_script() if accessibility else None
            try:
                return [_check(context, p, root, screenshots, search, timeout_s, axe) for p in pages]
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _check(context, path: Path, root: Path, screenshots, search, timeout_s: float, axe: str | None) -> PageCheck:
    blocked: list[str] = []
    errors: list[str] = []
    inside = root.as_uri() + "/"

    def route(r):
        url = r.request.url
        if url.startswith((inside, "data:")) or url == "about:blank":
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page = context.new_page()
    try:
        page.route("**/*", route)
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        def refuse(dialog: Any) -> None:
            errors.append(f"a script opened a dialog: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", refuse)
        page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
        frames = page.frames[1:]
        maps = sum(bool(f.evaluate(_DRAWN_JS)) for f in frames)
        violations = [v for frame in page.frames for v in _violations(frame, axe)] if axe is not None else []
        if search is not None:
            page.fill("#dm-search", search)
            if page.locator("#dm-results li").count() == 0:
                errors.append(f"searching {search!r} found nothing")
        if screenshots is not None:
            Path(screenshots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(screenshots) / (str(path.relative_to(root)).replace("/", "_") + ".png")))
    finally:
        page.close()
    return PageCheck(str(path.relative_to(root)), blocked, errors, len(frames), maps, tuple(violations))
