"""The atlas's change page: the periods, change and emerging hot spot maps, mobility and persistently deprived areas.

Written only when the run has a ``[change]`` section, in every language of the atlas: the three maps
(:mod:`deprivation_map.maps.change`, Leaflet inlined, words in the page's language) go to ``maps/``, the
page to ``change.html`` beside the overview, and the per-area table of the change to ``data/change.csv``.
Every text from the data is escaped where it is written (:func:`~._html.table`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..maps.change import EMERGING_COLOURS, change_map, emerging_map, period_map
from ..maps.i18n import number, text
from ._html import Raw, esc, map_frame, table

__all__ = ["CHANGE_PAGE", "change_body", "write_change_data", "write_change_maps"]

CHANGE_PAGE = "change.html"
_MAPS = ("periods", "change", "emerging")


def write_change_data(result: Any, out: Path, metadata: dict) -> str:
    """The change of every area (values, classes, difference, persistence, category) as ``data/change.csv``."""
    from ..io import write_results

    write_results(result.change.to_frame(), out / "data" / "change.csv", metadata=metadata)
    return "data/change.csv"


def write_change_maps(result: Any, out: Path, lang: str) -> dict[str, str]:
    """The three change maps in ``lang``, in ``maps/``; their paths from the site's root, by kind."""
    change, gdf = result.change, result.data
    paths = {kind: f"maps/change-{kind}-{lang}.html" for kind in _MAPS}
    difference = change.change["change"].rename(f"{change.start}-{change.end}")
    title = text("change_between", lang, start=change.start, end=change.end)
    period_map(gdf, change.panel, out / paths["periods"], lang=lang)
    change_map(gdf, difference, out / paths["change"], title=title, lang=lang)
    emerging_map(gdf, change.emerging, out / paths["emerging"], lang=lang)
    return paths


def _figure(title: str, src: str) -> str:
    return f"<h2>{esc(title)}</h2>" + map_frame(src, title, lazy=True)


def _mobility(change: Any, lang: str) -> str:
    m = change.mobility
    rows = [[(Raw(f"<strong>{esc(number(r, lang, 0))}</strong>"), False)] + [(number(x, lang, 0), True)
            for x in m.loc[r]] for r in m.index]  # fmt: skip
    header = [f"{change.start} \\ {change.end}", *(number(c, lang, 0) for c in m.columns)]
    title = text(f"mobility_{change.classes}", lang, start=change.start, end=change.end)
    return f"<h2>{esc(title)}</h2>" + table(header, rows)


def _emerging(change: Any, lang: str) -> str:
    counts = change.emerging.counts()
    rows = [
        [
            (Raw(f'<span style="color:{EMERGING_COLOURS[k]}">■</span> ' + esc(text(k, lang))), False),
            (number(n, lang, 0), True),
        ]
        for k, n in counts.items()
        if n
    ]
    return table([text("category", lang), text("areas", lang)], rows)


def _persistent(result: Any, lang: str) -> str:
    change = result.change
    ids = change.persistent[change.persistent].index
    name_col = result.config.boundaries.name_col
    names = result.data[name_col].reindex(ids) if name_col else pd.Series(index=ids, dtype=object)
    values = change.panel.reindex(ids)
    header = [text("id", lang), *([text("name", lang)] if name_col else []), *map(str, change.periods)]
    rows = [
        [(str(i), False), *([("" if pd.isna(names[i]) else str(names[i]), False)] if name_col else []),
         *((number(values.at[i, p], lang, 2), True) for p in change.periods)]
        for i in ids
    ]  # fmt: skip
    return f'<div class="scroll">{table(header, rows)}</div>'


def change_body(result: Any, lang: str, *, maps: dict[str, str], root: str, data_href: str) -> str:
    """The change page's content in ``lang``: text, the three maps, the tables (every data text escaped)."""
    change = result.change
    values = change.values
    n = len(values)
    lines = [
        text("change_periods", lang, periods=", ".join(map(str, change.periods)),
             complete=number(int(values.notna().all(axis=1).sum()), lang, 0), n=number(n, lang, 0)),
    ]  # fmt: skip
    if change.harmonised:
        c = change.crosswalk.counts()
        lines.append(text("change_harmonised", lang, years=", ".join(map(str, change.harmonised)),
                          split=number(c["split old"], lang, 0), merged=number(c["merged old"], lang, 0),
                          estimated=number(int(change.audit["estimated"].sum()), lang, 0),
                          uncarried=number(len(change.uncarried), lang, 0)))  # fmt: skip
    persistent = int(change.persistent.sum())
    return "".join(
        [
            f"<h1>{esc(text('change_section', lang))}</h1>",
            *(f"<p>{esc(line)}</p>" for line in lines),
            f'<p><a href="{esc(root + data_href)}">{esc(data_href)}</a></p>',
            _figure(text("by_period", lang), root + maps["periods"]),
            _figure(text("change_between", lang, start=change.start, end=change.end), root + maps["change"]),
            _figure(text("emerging_hotspots", lang), root + maps["emerging"]),
            _emerging(change, lang),
            _mobility(change, lang),
            f"<h2>{esc(text(f'persistent_{change.classes}', lang, n=number(persistent, lang, 0)))}</h2>",
            _persistent(result, lang) if persistent else "",
        ]
    )
