"""The pieces every atlas page is made of: escaping, tables, and the page around its content.

Nothing here is a template engine: text from the data is escaped with :func:`html.escape` where it is
written (:func:`esc`), and data for scripts is JSON with ``<`` escaped (:func:`script_json`), so a name such as
``</script>`` or ``{{ 7*7 }}`` shows literally.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from .._version import __version__
from ..maps.i18n import percent, text
from ._words import endonym, word

__all__ = ["CSS", "Raw", "Site", "esc", "facts", "map_frame", "page", "script_json", "share", "table"]

# Text #1f1f1f and links #0a4d8c on white: contrast 16:1 and 8.6:1 (WCAG AA asks 4.5:1).
CSS = """
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f1f1f;background:#fff}
a{color:#0a4d8c} a:focus,button:focus,input:focus,iframe:focus{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-999em;top:0;background:#fff;padding:.5em}
.skip:focus{left:.5em;z-index:10}
header{border-bottom:1px solid #bdbdbd;padding:.6em 1em;display:flex;flex-wrap:wrap;gap:.6em 1.5em;align-items:center}
header .site{font-weight:700;text-decoration:none;color:#1f1f1f}
nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1em}
nav [aria-current]{font-weight:700;text-decoration:none;color:#1f1f1f}
main{max-width:72em;margin:0 auto;padding:0 1em 2em}
h1{margin:.6em 0 .2em} h2{border-bottom:1px solid #d9d9d9;padding-bottom:.2em;margin-top:1.6em}
.muted{color:#4d4d4d;font-size:.92em}
table{border-collapse:collapse;margin:.6em 0;font-size:.95em}
td,th{border:1px solid #bdbdbd;padding:.25em .6em;vertical-align:top} th{background:#f0f0f0;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{max-height:32em;overflow:auto}
iframe.map{width:100%;height:70vh;min-height:24em;border:1px solid #bdbdbd}
img{max-width:100%;height:auto}
pre{background:#f6f6f6;padding:.8em;overflow:auto;font-size:.88em}
.search{position:relative} .search input{font:inherit;padding:.3em .5em;width:22em;max-width:100%}
.search ul{list-style:none;margin:.2em 0 0;padding:0;position:absolute;background:#fff;z-index:5;width:28em;
  max-width:90vw;border:1px solid #bdbdbd} .search ul:empty{display:none}
.search li{padding:.3em .5em;border-bottom:1px solid #eee}
footer{border-top:1px solid #bdbdbd;padding:.8em 1em;font-size:.9em;color:#4d4d4d}
"""


def esc(value: object) -> str:
    """``value`` as text, HTML-escaped (quotes too), for an element or an attribute.

    Examples
    --------
    >>> esc('</script><b title="x">{{ 7*7 }}')
    '&lt;/script&gt;&lt;b title=&quot;x&quot;&gt;{{ 7*7 }}'
    """
    return html.escape(str(value), quote=True)


def script_json(value: object) -> str:
    """``value`` as JSON safe inside a ``<script>``: ``<``, ``>``, ``&`` and line separators escaped.

    Examples
    --------
    >>> script_json(["</script>"])
    '["\\\\u003c/script\\\\u003e"]'
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(raw, escaped)
    return text


class Raw(str):
    """HTML made here (a link around escaped text), which :func:`table` writes as it is."""


def _cell(value: object, number: bool) -> str:
    content = value if isinstance(value, Raw) else esc(value)
    return f'<td class="num">{content}</td>' if number else f"<td>{content}</td>"


def table(
    header: Sequence[str],
    rows: Iterable[Sequence[tuple[object, bool]]],
    *,
    caption: str = "",
    row_ids: Sequence[str] | None = None,
) -> str:
    """An HTML table: ``header`` texts and rows of ``(text, is_number)`` cells, every text escaped here.

    A cell that is :class:`Raw` is written as it is; ``row_ids`` give each row an ``id`` (escaped) to link to.
    """
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in header)
    rows = list(rows)
    ids = [f' id="{esc(i)}"' for i in row_ids] if row_ids is not None else [""] * len(rows)
    body = "".join(
        f"<tr{i}>" + "".join(_cell(c, num) for c, num in row) + "</tr>" for i, row in zip(ids, rows, strict=True)
    )
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def share(value: object, lang: str) -> str:
    """A share (0 to 1) as a percentage in ``lang`` with one decimal; "–" when it is not known."""
    return "–" if pd.isna(value) else percent(100 * float(value), lang, 1)  # type: ignore[arg-type]


def map_frame(src: str, title: str, *, lazy: bool = False) -> str:
    """A saved map shown in the page: an ``<iframe>`` of ``src`` named ``title`` (both escaped here)."""
    loading = ' loading="lazy"' if lazy else ""
    return f'<iframe class="map" src="{esc(src)}" title="{esc(title)}"{loading}></iframe>'


def facts(pairs: Iterable[tuple[str, str]]) -> str:
    """A two-column table of ``(what, value)`` rows, ``what`` as the row's header, every text escaped."""
    rows = "".join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(x)}</td></tr>' for k, x in pairs)
    return f"<table><tbody>{rows}</tbody></table>"


@dataclass(frozen=True)
class Site:
    """What every page shares: the title, languages, attribution and whether districts have pages."""

    title: str
    languages: tuple[str, ...]
    date: str
    source: str
    licence: str | None
    has_districts: bool
    has_change: bool = False  # a page of change over time (change.html)
    pages: tuple[str, ...] = ()  # the pages of zones, groups and access the run has (atlas/_services.py)

    def title_in(self, lang: str) -> str:
        """The title given, or "Deprivation atlas" in ``lang``."""
        return self.title or word("atlas", lang)

    def folder(self, lang: str) -> str:
        """The language's folder from the site's root: "" for the first language, ``"es/"`` for the others."""
        return "" if lang == self.languages[0] else f"{lang}/"


def _nav(site: Site, lang: str, root: str, here: str) -> str:
    base = root + site.folder(lang)
    links = [("index.html", word("overview", lang)), ("methods.html", word("methods", lang))]
    if site.has_change:
        links.append(("change.html", text("change_section", lang)))
    links += [(f"{key}.html", text(f"sv:{key}_page", lang)) for key in site.pages]
    items = "".join(
        f'<li><a href="{base}{href}"{" aria-current=page" if href == here else ""}>{esc(label)}</a></li>'
        for href, label in links
    )
    items += f'<li><a href="{base}index.html#data">{esc(word("data", lang))}</a></li>'
    if site.has_districts:
        items += f'<li><a href="{base}index.html#districts">{esc(word("districts", lang))}</a></li>'
    return f'<nav aria-label="{esc(word("overview", lang))}"><ul>{items}</ul></nav>'


def _switch(site: Site, lang: str, root: str, here: str) -> str:
    if len(site.languages) < 2:
        return ""
    items = "".join(
        f'<li><a href="{root}{site.folder(other)}{here}" hreflang="{other}" lang="{other}"'
        f"{' aria-current=true' if other == lang else ''}>{esc(endonym(other))}</a></li>"
        for other in site.languages
    )
    return f'<nav aria-label="{esc(word("language", lang))}"><ul>{items}</ul></nav>'


def _search(lang: str) -> str:
    label = esc(word("search", lang))
    return (
        f'<div class="search" role="search"><label for="dm-search" class="muted">{label}</label><br>'
        f'<input id="dm-search" type="search" autocomplete="off" aria-controls="dm-results" '
        f'aria-describedby="dm-status"><ul id="dm-results"></ul>'
        f'<span id="dm-status" class="muted" aria-live="polite"></span></div>'
    )


def page(site: Site, lang: str, *, title: str, body: str, here: str, root: str, depth_root: str) -> str:
    """A whole page: head, skip link, header (site, navigation, search, languages), ``body``, footer.

    ``here`` is the page's path within a language folder (``"index.html"``, ``"districts/x.html"``),
    ``root`` the relative path from the page to the site's root, ``depth_root`` to its language folder.
    """
    strings = {
        "none": word("no_match", lang),
        "more": word("more_matches", lang, n="{n}"),
        "rank": text("rank", lang),
        "score": text("score", lang),
        "nodata": text("no_data", lang),
    }
    licence = f" {esc(word('licence', lang, licence=site.licence))}." if site.licence else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} · {esc(site.title_in(lang))}</title>"
        f'<link rel="stylesheet" href="{root}assets/atlas.css"></head>'
        f'<body data-root="{root}" data-lang-root="{depth_root}" data-strings="{esc(script_json(strings))}">'
        f'<a class="skip" href="#main">{esc(word("skip", lang))}</a>'
        f'<header><a class="site" href="{depth_root}index.html">{esc(site.title_in(lang))}</a>'
        f"{_nav(site, lang, root, here)}{_search(lang)}{_switch(site, lang, root, here)}</header>"
        f'<main id="main" tabindex="-1">{body}</main>'
        f"<footer><p>{esc(word('published', lang, date=site.date))} {esc(text('source', lang, source=site.source))}.{licence} "
        f"{esc(word('made_with', lang, version=__version__))}</p></footer>"
        f'<script src="{root}assets/areas.js"></script><script src="{root}assets/atlas.js"></script>'
        "</body></html>\n"
    )
