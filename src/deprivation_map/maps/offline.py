"""Self-contained HTML: Leaflet inlined from a Python package, so a saved map works with the network cut.

folium's page loads Leaflet, jQuery, Bootstrap and Font Awesome from CDNs; an area map with legends needs
only Leaflet. :func:`inline_assets` replaces folium's Leaflet tags with the copy that ``xstatic-leaflet``
ships (the same version, 1.9.3), with the images its CSS refers to embedded as data URIs, and removes
folium's other default assets. Anything else that would still load from the network is refused by name.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from ..errors import ValidationError

__all__ = ["inline_assets", "leaflet_assets"]

_EXTERNAL = re.compile(r"""<(?:script|link)\b[^>]*?(?:src|href)=["'](https?://[^"']+)["'][^>]*>(?:\s*</script>)?""")


def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS (images inlined as data URIs) from the ``xstatic-leaflet`` package.

    Examples
    --------
    >>> js, css = leaflet_assets()
    >>> "Leaflet 1.9.3" in js, "url(data:image/png;base64," in css, "url(images/" in css  # images inlined
    (True, True, False)
    """
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match) -> str:
        image = base / match.group(1)
        return f"url(data:image/png;base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    return js, re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


def inline_assets(html: str, default_assets: list[tuple[str, str]]) -> str:
    """Inline Leaflet into a rendered folium page and drop folium's other default CDN assets.

    Parameters
    ----------
    html : str
        The page, as ``m.get_root().render()`` gives it.
    default_assets : list of (name, url)
        folium's default JavaScript and CSS (``m.default_js + m.default_css``).

    Raises
    ------
    ValidationError
        If the page would still load something from the network (an asset a plugin added).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> m = dm.explore(dm.datasets.load_georgia())
    >>> page = m.get_root().render()
    >>> page.count("https://cdn") > 0  # folium's page loads Leaflet, jQuery, Bootstrap ... from CDNs
    True
    >>> offline = inline_assets(page, [*m.default_js, *m.default_css])
    >>> offline.count("https://cdn"), "Leaflet 1.9.3" in offline
    (0, True)
    """
    js, css = leaflet_assets()
    defaults = {url: name for name, url in default_assets}
    if "</script" in js.lower():
        raise ValidationError("The bundled Leaflet contains '</script' and cannot be inlined safely.")

    def replace(match: re.Match) -> str:
        name = defaults.get(match.group(1))
        if name == "leaflet":
            return f"<script>{js}</script>"
        if name == "leaflet_css":
            return f"<style>{css}</style>"
        return "" if name is not None else match.group(0)

    out = _EXTERNAL.sub(replace, html)
    remaining = [m.group(1) for m in _EXTERNAL.finditer(out)]
    if remaining:
        raise ValidationError(
            f"The map loads {len(remaining)} files from the network that cannot be inlined: "
            f"{', '.join(remaining[:3])}. Remove the plugins that add them, or save with self_contained=False."
        )
    return out
