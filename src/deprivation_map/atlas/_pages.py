"""The content of the overview and district pages, from one frame of per-area results (every text escaped)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..maps.i18n import class_label, number, text
from ._html import Raw, esc, map_frame, share, table
from ._html import facts as facts_table
from ._words import word

__all__ = ["district_body", "overview_body"]


def _label(value: object, lang: str) -> str:
    """A LISA or Gi* label in ``lang`` as plain text (the table escapes it)."""
    return "–" if pd.isna(value) else html.unescape(class_label(str(value), lang))


def _interval(r: pd.Series, lang: str) -> str:
    if pd.isna(r["rank_low"]):
        return "–"
    return f"{number(r['rank_low'], lang, 0)}–{number(r['rank_high'], lang, 0)}"


def _columns(areas: pd.DataFrame, lang: str) -> list[tuple[str, bool, Callable[[pd.Series], str]]]:
    """The area table's columns: (header, is_number, cell text of a row), those the run has."""
    columns = [
        (text("rank", lang), True, lambda r: number(r["rank"], lang, 0)),
        (text("id", lang), False, lambda r: str(r.name)),
        (text("name", lang), False, lambda r: "" if pd.isna(r["name"]) else str(r["name"])),
        (text("score", lang), True, lambda r: number(r["score"], lang, 3)),
        (text("decile", lang), True, lambda r: number(r["decile"], lang, 0)),
        (text("cluster", lang), False, lambda r: _label(r["cluster"], lang)),
        (text("hotspot", lang), False, lambda r: _label(r["gi"], lang)),
        (word("robust", lang), True, lambda r: share(r["robust"], lang)),
        (word("rank_interval", lang), True, lambda r: _interval(r, lang)),
    ]
    has = {"name": bool(areas["name"].notna().any()), "gi": "gi" in areas, "robust": "robust" in areas}
    has["rank_interval"] = "rank_low" in areas
    keys = ("rank", "id", "name", "score", "decile", "cluster", "gi", "robust", "rank_interval")
    return [c for key, c in zip(keys, columns, strict=True) if has.get(key, True)]


def area_table(areas: pd.DataFrame, lang: str, *, anchors: bool = False) -> str:
    """Areas (already in order) with rank, code, name, score, decile and the results the run has."""
    columns = _columns(areas, lang)
    rows = [[(cell(r), num) for _, num, cell in columns] for _, r in areas.iterrows()]
    ids = [f"area-{a}" for a in areas.index] if anchors else None
    return table([h for h, _, _ in columns], rows, row_ids=ids)


def _counts(areas: pd.DataFrame, lang: str) -> str:
    counts = areas["cluster"].astype(str).value_counts()
    rows = [[(_label(label, lang), False), (number(n, lang, 0), True)] for label, n in counts.items() if n]
    return f"<h2>{esc(text('counts', lang))}</h2>" + table([text("cluster", lang), text("areas", lang)], rows)


def _robust(robust: Any, lang: str) -> str:
    if robust is None:
        return ""
    tested = robust.share.dropna()
    line = word(
        "robust_text",
        lang,
        statistic=robust.statistic,
        runs=robust.n_runs,
        graphs=len(robust.graphs),
        replicates=len(robust.replicates),
        always=int((tested == 1).sum()),
        half=int((tested >= 0.5).sum()),
    )
    return f'<h2 id="robust">{esc(word("robust_title", lang))}</h2><p>{esc(line)}</p>'


def district_rows(districts: pd.DataFrame, pages: dict, scored: pd.Series, lang: str) -> list:
    """One row per district: a link to its page, areas, scored share, extent, local concentration."""
    rows = []
    for name, d in districts.iterrows():
        link = Raw(f'<a href="{esc(pages[name])}">{esc(name)}</a>')
        row = [
            (link, False),
            (number(d["areas"], lang, 0), True),
            (share(scored[name] / d["areas"], lang), True),
            (share(d["extent"], lang), True),
            (number(d["local_concentration"], lang, 1), True),
        ]
        if "share_high_high" in districts.columns:
            row.append((share(d["share_high_high"], lang), True))
        rows.append(row)
    return rows


def weighted(result: Any) -> bool:
    """Whether the districts' figures are weighted by population (``[districts] population_col``), or count areas."""
    return getattr(result.config.districts, "population_col", None) is not None


def _words(people: bool) -> dict[str, str]:
    """The keys of the words for extent and High-High: of population, or of areas when no population was given."""
    return {"extent": "extent" if people else "extent_areas", "hh": "high_high_pop" if people else "high_high_areas"}


def _districts(result: Any, pages: dict | None, scored: pd.Series | None, lang: str) -> str:
    head = f'<h2 id="districts">{esc(word("districts", lang))}</h2>'
    if pages is None:
        return head + f"<p>{esc(word('no_districts', lang))}</p>"
    keys = _words(weighted(result))
    header = [
        word("district", lang),
        text("areas", lang),
        word("scored", lang),
        word(keys["extent"], lang),
        word("concentration", lang),
    ]
    header += [word(keys["hh"], lang)] if "share_high_high" in result.districts.columns else []
    return head + table(header, district_rows(result.districts, pages, scored, lang))


def _downloads(files: dict[str, str], lang: str) -> str:
    items = "".join(f'<li><a href="{esc(href)}">{esc(word(key, lang))}</a></li>' for key, href in files.items())
    return f'<h2 id="data">{esc(word("downloads", lang))}</h2><ul>{items}</ul>'


def overview_body(result: Any, areas: pd.DataFrame, lang: str, *, title: str, map_src: str, links: dict) -> str:
    """The overview: attribution, the map, cluster counts, robustness, districts, the top areas, the data.

    ``links`` holds ``files`` (download key -> href), ``districts`` (name -> href, or None) and ``scored``
    (scored areas per district, or None).
    """
    scored = int(areas["score"].notna().sum())
    top = areas.dropna(subset=["rank"]).sort_values("rank").head(20)
    return (
        f"<h1>{esc(title)}</h1>"
        f"<p>{esc(text('n_areas', lang, n=number(len(areas), lang, 0), scored=number(scored, lang, 0)))}</p>"
        f'<h2 id="map">{esc(text("maps", lang))}</h2>'
        + map_frame(map_src, word("map_frame", lang))
        + f'<p class="muted">{esc(word("map_help", lang))} <a href="{esc(map_src)}">{esc(word("open_map", lang))}</a></p>'
        + _counts(areas, lang)
        + _robust(result.robust, lang)
        + _districts(result, links["districts"], links["scored"], lang)
        + f'<h2 id="top">{esc(text("top", lang, n=len(top)))}</h2>'
        + area_table(top, lang)
        + _downloads(links["files"], lang)
    )


def district_body(
    name: str, summary: pd.Series, areas: pd.DataFrame, lang: str, *, image: str, overview: str, people: bool = True
) -> str:
    """A district's page: its figures, a small map (``image``, with alt text) and its areas ranked.

    Without a population (``people`` False) every area counts as one person: the page then says areas, and
    shows no population.
    """
    keys = _words(people)
    scored = int(areas["score"].notna().sum())
    scored_share = share(scored / len(areas), lang) if len(areas) else "–"
    rows = [
        (
            word("scored", lang),
            word("scored_of", lang, scored=number(scored, lang, 0), n=number(len(areas), lang, 0), share=scored_share),
        ),
        *([(word("population", lang), number(summary["population"], lang, 0))] if people else []),
        (word(keys["extent"], lang), share(summary["extent"], lang)),
        (word("concentration", lang), number(summary["local_concentration"], lang, 1)),
    ]
    if "share_high_high" in summary.index:
        rows.append((word(keys["hh"], lang), share(summary["share_high_high"], lang)))
    ranked = areas.sort_values(["rank", "score"], ascending=[True, False], na_position="last")
    return (
        f"<h1>{esc(name)}</h1>"
        f'<p><a href="{esc(overview)}">{esc(word("overview", lang))}</a></p>'
        + facts_table(rows)
        + f'<figure><img src="{esc(image)}" alt="{esc(word("district_map", lang, name=name))}"></figure>'
        + f'<h2 id="areas">{esc(word("ranked", lang))}</h2>'
        # a scrolled box is a region reached with Tab, so that a keyboard scrolls it (WCAG 2.1.1)
        + '<div class="scroll" tabindex="0" role="region" aria-labelledby="areas">'
        + area_table(ranked, lang, anchors=True)
        + "</div>"
    )
