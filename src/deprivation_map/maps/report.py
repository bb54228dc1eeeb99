"""The HTML report a city council can publish: inputs and join audit, method, maps, Moran, clusters, top areas.

One self-contained file (images embedded as PNG data URIs, no script, no network), in English, Spanish,
Catalan or Greek, written from the pieces (:func:`report`) or from a :class:`~deprivation_map.pipeline.PipelineResult`
(:func:`report_from_result`). Every value from data is HTML-escaped by the template engine (Jinja2 with
autoescaping). matplotlib draws the images and is imported only when a report is written.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from .i18n import check_lang, class_label, method_label, number, percent, text

__all__ = ["report", "report_from_result"]

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body {font: 15px/1.5 system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #252525;}
h1 {margin-bottom: 0.2em;} h2 {border-bottom: 1px solid #d9d9d9; padding-bottom: 0.2em; margin-top: 1.8em;}
table {border-collapse: collapse; margin: 0.6em 0;} td, th {border: 1px solid #d9d9d9; padding: 0.25em 0.6em;}
th {background: #f0f0f0; text-align: left;} td.num {text-align: right; font-variant-numeric: tabular-nums;}
img {max-width: 100%; height: auto;} .muted {color: #636363; font-size: 0.9em;}
i.sw {display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #636363; vertical-align: -0.1em;}
</style></head><body>
<h1>{{ title }}</h1>
<p class="muted">{{ generated }}</p>
<h2 id="inputs">{{ t.inputs }}</h2>
<p>{{ n_areas_text }}</p>
{% if joins %}<table><tr><th>{{ t.table }}</th><th>{{ t.areas }}</th><th>{{ t.rows }}</th><th>{{ t.matched }}</th>
<th>{{ t.missing_data }}</th><th>{{ t.no_boundary }}</th><th>{{ t.duplicates }}</th><th>{{ t.repairs }}</th></tr>
{% for j in joins %}<tr><td>{{ j.position }}</td>{% for c in j.cells %}<td class="num">{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>
{% for j in joins %}{% for label, ids in j.examples %}<p class="muted">{{ j.position }} · {{ label }}: {{ ids }}</p>{% endfor %}{% endfor %}
{% else %}<p class="muted">{{ t.no_joins }}</p>{% endif %}
{% if method %}<h2 id="method">{{ t.method }}</h2>
<table>{% for k, val in method %}<tr><th>{{ k }}</th><td>{{ val }}</td></tr>{% endfor %}</table>
<table><tr><th>{{ t.indicator }}</th><th>{{ t.direction }}</th><th>{{ t.weight }}</th></tr>
{% for name, direction, weight in indicators %}<tr><td>{{ name }}</td><td>{{ direction }}</td><td class="num">{{ weight }}</td></tr>{% endfor %}</table>{% endif %}
<h2 id="maps">{{ t.maps }}</h2>
{% if map_href %}<p><a href="{{ map_href }}">{{ t.interactive }}</a></p>{% endif %}
{% for alt, src in images %}<figure><img alt="{{ alt }}" src="{{ src }}"></figure>{% endfor %}
{% if moran_text or scatter %}<h2 id="moran">{{ t.moran }}</h2>
{% if moran_text %}<p>{{ moran_text }}</p>{% endif %}
{% if scatter %}<figure><img alt="{{ t.scatter }}" src="{{ scatter }}"></figure>{% endif %}{% endif %}
{% if counts %}<h2 id="clusters">{{ t.counts }}</h2>
<table><tr><th>{{ t.cluster }}</th><th>{{ t.areas }}</th></tr>
{% for colour, label, n in counts %}<tr><td><i class="sw" style="background:{{ colour }}"></i> {{ label }}</td><td class="num">{{ n }}</td></tr>{% endfor %}</table>{% endif %}
{% if allocation %}<h2 id="allocation">{{ t.allocation_section }}</h2>
<table>{% for k, val in allocation %}<tr><th>{{ k }}</th><td>{{ val }}</td></tr>{% endfor %}</table>{% endif %}
{% if change %}<h2 id="change">{{ change.title }}</h2>
<p>{{ change.periods }}</p>{% if change.harmonised %}<p>{{ change.harmonised }}</p>{% endif %}
{% if change.links %}<p>{% for label, href in change.links %}<a href="{{ href }}">{{ label }}</a>{% if not loop.last %} · {% endif %}{% endfor %}</p>{% endif %}
<h3>{{ change.emerging_title }}</h3>
<table><tr><th>{{ change.category }}</th><th>{{ t.areas }}</th></tr>
{% for colour, label, n in change.emerging %}<tr><td><i class="sw" style="background:{{ colour }}"></i> {{ label }}</td><td class="num">{{ n }}</td></tr>{% endfor %}</table>
<h3>{{ change.mobility_title }}</h3>
<table><tr><th></th>{% for c in change.mobility_head %}<th>{{ c }}</th>{% endfor %}</tr>
{% for head, cells in change.mobility %}<tr><th>{{ head }}</th>{% for c in cells %}<td class="num">{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>
<h3>{{ change.persistent_title }}</h3>
{% if change.persistent %}<table><tr>{% for h in change.persistent_head %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in change.persistent %}<tr>{% for c in row %}<td>{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>{% endif %}
{% if change.more %}<p class="muted">{{ change.more }}</p>{% endif %}{% endif %}
{% if top %}<h2 id="top">{{ top_title }}</h2>
<table><tr>{% for h in top_header %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in top %}<tr>{% for c, num in row %}<td{% if num %} class="num"{% endif %}>{{ c }}</td>{% endfor %}</tr>{% endfor %}</table>{% endif %}
<h2 id="methodology">{{ t.methodology }}</h2>
<table><tr><th>{{ t.choice }}</th><th>{{ t.value }}</th></tr>
{% for k, val in choices %}<tr><td>{{ k }}</td><td>{{ val }}</td></tr>{% endfor %}</table>
{% if hotspots %}<p>{{ t.multiple }}</p>{% endif %}
</body></html>
"""


def _png_uri(draw) -> str:
    buffer = io.BytesIO()
    draw(buffer)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _join_rows(joins: Sequence, lang: str) -> list[dict]:
    rows = []
    for position, j in enumerate(joins, start=1):
        counts = (
            j.n_areas,
            j.n_rows,
            len(j.matched),
            len(j.missing_data),
            len(j.no_boundary),
            len(j.duplicates),
            len(j.repairs),
        )
        examples = [
            (text(key, lang), format_ids(ids))
            for key, ids in (
                ("missing_data", j.missing_data),
                ("no_boundary", j.no_boundary),
                ("duplicates", j.duplicates),
                ("repairs", [f"{a} → {b}" for a, b in dict(j.repairs).items()]),
            )
            if len(ids)
        ]
        rows.append({"position": position, "cells": [number(n, lang, 0) for n in counts], "examples": examples})
    return rows


def _method(index, lang: str) -> tuple[list, list]:
    keys = [k for k in ("normalise", "weighting", "aggregate", "missing") if k in index.method]
    method = [(text(k, lang), method_label(index.method[k], lang)) for k in keys]
    directions = index.spec.directions
    indicators = [
        (name, text("up" if directions.get(name, 1) > 0 else "down", lang), number(float(w), lang, 3))
        for name, w in index.weights.items()
    ]
    return method, indicators


def _scatter(hotspots, moran, lang: str):
    from .palettes import LISA_COLOURS
    from .static import require_matplotlib

    Figure = require_matplotlib()[0]
    z, lag, labels = hotspots.z, hotspots.lag, hotspots.labels.astype(str)
    keep = z.notna() & lag.notna()
    slope = moran.I if moran is not None else float(np.polyfit(z[keep], lag[keep], 1)[0])

    def draw(buffer):
        fig = Figure(figsize=(6, 5.5), dpi=110)
        ax = fig.add_subplot()
        colours = [LISA_COLOURS.get(lab, "#999999") for lab in labels[keep]]
        ax.scatter(z[keep], lag[keep], s=12, c=colours, edgecolors="#525252", linewidths=0.3)
        xs = np.array([z[keep].min(), z[keep].max()])
        ax.plot(xs, slope * xs, color="black", linewidth=1, label=f"{text('slope', lang)} = {number(slope, lang, 3)}")
        ax.axhline(0, color="#969696", linewidth=0.6)
        ax.axvline(0, color="#969696", linewidth=0.6)
        ax.set_xlabel(text("z", lang))
        ax.set_ylabel(text("lag", lang))
        ax.set_title(text("scatter", lang))
        ax.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        fig.savefig(buffer, format="png")

    return _png_uri(draw)


def _top_rows(gdf, index, hotspots, name_col, lang: str, n: int) -> tuple[list[str], list[list[tuple[str, bool]]]]:
    """The ``n`` most deprived areas: (text, is_number) cells, rank order, plain text (the template escapes)."""
    frame = index.to_frame().dropna(subset=["score"]).sort_values(["rank", "score"], ascending=[True, False]).head(n)
    header = [
        text("rank", lang),
        text("id", lang),
        *([text("name", lang)] if name_col else []),
        text("score", lang),
        text("decile", lang),
        *([text("cluster", lang)] if hotspots is not None else []),
    ]
    rows = []
    for area, r in frame.iterrows():
        row = [(number(r["rank"], lang, 0), True), (str(area), False)]
        row += [(str(gdf.loc[area, name_col]), False)] if name_col else []
        row += [(number(r["score"], lang), True), (number(r["decile"], lang, 0), True)]
        row += [(html.unescape(class_label(str(hotspots.labels[area]), lang)), False)] if hotspots is not None else []
        rows.append(row)
    return header, rows


def report(
    gdf,
    path: str | Path,
    *,
    index=None,
    hotspots=None,
    moran=None,
    joins: Sequence = (),
    gi=None,
    name_col: str | None = None,
    lang: str = "en",
    title: str | None = None,
    source: str | None = None,
    choices: Mapping[str, object] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "YlOrRd",
    top: int = 20,
    map_href: str | None = None,
    allocation=None,
    change=None,
    change_hrefs: Mapping[str, str] | None = None,
) -> Path:
    """Write the HTML report of a deprivation analysis in ``lang``.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame or PipelineResult
        The areas (as joined), indexed by ID; or a :func:`~deprivation_map.pipeline.run` result, whose pieces
        and configuration are then used (see :func:`report_from_result`).
    path : path
        The HTML file to write (its folder is created).
    index : DeprivationIndex
        Its method, effective weights, map and the ``top`` most deprived areas.
    hotspots : Hotspots, optional
        Cluster map, counts and the Moran scatter plot (``.z`` against ``.lag``).
    moran : GlobalMoran, optional
        Global Moran's I; its seed and permutations go into the methodology.
    joins : sequence of JoinReport
        The join audit, one per indicator table.
    gi : object with ``.labels``, optional
        A Gi* hot spot map.
    name_col, title, source, scheme, k, palette
        As in :func:`~deprivation_map.explore`; ``source`` is shown under each map.
    choices : mapping, optional
        Further choices to list in the methodology (e.g. the graph's construction), shown as given.
    map_href : str, optional
        A link to the interactive map (a relative path such as ``"map.html"``), shown with the maps.
    allocation : Allocation, optional
        A :func:`~deprivation_map.allocate` result: its budget, method and equity against its baseline (Gini,
        concentration index, shares reaching the most deprived decile and the High-High clusters, and the
        under-funded hotspots).
    change : ChangeResults, optional
        A run's ``result.change``: the periods compared, the harmonisation, the emerging hot spot categories,
        the mobility matrix and the persistently deprived areas, in a section of their own.
    change_hrefs : mapping, optional
        Links to the change maps, by kind (``"change_periods"``, ``"change_map"``, ``"change_emerging"``).

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> path = dm.report(gdf, tempfile.mkdtemp() + "/report.html", index=index, lang="ca")
    >>> "Metodologia" in path.read_text(encoding="utf-8")
    True
    """
    from jinja2 import Environment

    from .._version import __version__
    from .layers import lisa_classes
    from .static import TITLES, save_png

    lang = check_lang(lang)
    if all(hasattr(gdf, a) for a in ("config", "data", "index", "hotspots", "moran")):  # a PipelineResult
        return report_from_result(gdf, path, lang=lang, title=title, source=source, top=top, map_href=map_href)
    if index is None:
        raise ValidationError("report() needs index=... (a DeprivationIndex) to describe; pass at least that.")
    v.require_unique_ids(gdf.index, what="The areas")
    if name_col is not None:
        v.require_columns(gdf, [name_col], what="The areas")
    v.align(index.score, pd.Index(gdf.index.astype(str)), what="The index")
    png = {
        "source": source,
        "lang": lang,
        "dpi": 110,
        "index": index,
        "hotspots": hotspots,
        "gi": gi,
        "scheme": scheme,
        "k": k,
        "palette": palette,
    }
    drawn = {"index": index, "clusters": hotspots, "gi": gi}
    images = [
        (text(TITLES[layer], lang), _png_uri(lambda b, layer=layer: save_png(gdf, b, layer=layer, **png)))
        for layer, result in drawn.items()
        if result is not None
    ]
    method, indicators = _method(index, lang)
    top_header, top_rows = _top_rows(gdf, index, hotspots, name_col, lang, top)
    counts = []
    if hotspots is not None:
        classes = lisa_classes(hotspots.labels, lang=lang)
        rows = zip(classes.colours, classes.labels, classes.counts, strict=True)
        counts = [(c, html.unescape(label), number(n, lang, 0)) for c, label, n in rows]
        if classes.n_missing:
            counts.append(("#ffffff", text("no_data", lang), number(classes.n_missing, lang, 0)))
    keys = (
        "inputs",
        "table",
        "areas",
        "rows",
        "matched",
        "missing_data",
        "no_boundary",
        "duplicates",
        "repairs",
        "no_joins",
        "method",
        "indicator",
        "direction",
        "weight",
        "maps",
        "interactive",
        "moran",
        "scatter",
        "counts",
        "cluster",
        "methodology",
        "choice",
        "value",
        "allocation_section",
    )
    t = {key: text(key, lang) for key in keys}
    if hotspots is not None:  # say how the p-values behind the clusters were corrected
        source = text(f"source_{hotspots.inference}", lang)
        t["multiple"] = text(f"multiple_{hotspots.correction}", lang, source=source)
    page = (
        Environment(autoescape=True)
        .from_string(_TEMPLATE)
        .render(
            lang=lang,
            t=t,
            title=title or text("report_title", lang),
            generated=text("generated", lang, date=_dt.date.today().isoformat(), version=__version__),
            n_areas_text=text(
                "n_areas", lang, n=number(len(gdf), lang, 0), scored=number(int(index.score.notna().sum()), lang, 0)
            ),
            joins=_join_rows(joins, lang),
            map_href=map_href,
            method=method,
            indicators=indicators,
            images=images,
            moran_text=_moran_text(moran, lang),
            scatter=_scatter(hotspots, moran, lang) if hotspots is not None else None,
            counts=counts,
            hotspots=hotspots is not None,
            top=top_rows,
            top_header=top_header,
            allocation=_allocation_rows(allocation, lang),
            change=_change_section(change, gdf, name_col, lang, change_hrefs or {}),
            top_title=text("top", lang, n=len(top_rows)),
            choices=_choices(index, hotspots, moran, choices, scheme=scheme, k=k, palette=palette, lang=lang),
        )
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _allocation_rows(allocation, lang: str) -> list[tuple[str, str]]:
    """An allocation's budget, method and equity against its baseline, as (label, value) rows."""
    if allocation is None:
        return []
    e = allocation.equity

    def ratio(x: float) -> str:
        return number(x, lang, 3)

    def share(x: float) -> str:
        return percent(100 * x, lang, 1)

    def pair(value: float, baseline: float, fmt) -> str:
        return text("with_baseline", lang, value=fmt(value), baseline=fmt(baseline))

    underfunded = e.underfunded_hotspots
    return [
        (text("budget", lang), number(float(allocation.budget), lang, 2)),
        (text("allocation_method", lang), method_label(allocation.method, lang)),
        (text("areas_funded", lang), number(int((allocation.amounts > 0).sum()), lang, 0)),
        (text("baseline", lang), method_label(e.baseline_name, lang, kind="baseline")),
        (text("gini", lang), pair(e.gini, e.gini_baseline, ratio)),
        (text("concentration", lang), pair(e.concentration, e.concentration_baseline, ratio)),
        (text("share_decile", lang), pair(e.share_most_deprived, e.share_most_deprived_baseline, share)),
        (text("share_hotspots", lang), pair(e.share_hotspots, e.share_hotspots_baseline, share)),
        (text("underfunded", lang), format_ids(underfunded) if len(underfunded) else text("none", lang)),
    ]


_PERSISTENT_ROWS = 50  # the persistently deprived areas listed; the count says how many there are in all


def _change_section(change, gdf, name_col: str | None, lang: str, hrefs: Mapping[str, str]) -> dict | None:
    """The change over time as plain text and rows (escaped by the template): periods, harmonisation, tables."""
    if change is None:
        return None
    from .change import EMERGING_COLOURS

    n = lambda x: number(x, lang, 0)  # noqa: E731
    values = change.values
    periods = text("change_periods", lang, periods=", ".join(map(str, change.periods)),
                   complete=n(int(values.notna().all(axis=1).sum())), n=n(len(values)))  # fmt: skip
    harmonised = None
    if change.harmonised:
        c = change.crosswalk.counts()
        harmonised = text("change_harmonised", lang, years=", ".join(map(str, change.harmonised)),
                          split=n(c["split old"]), merged=n(c["merged old"]),
                          estimated=n(int(change.audit["estimated"].sum())), uncarried=n(len(change.uncarried)))  # fmt: skip
    titles = {"change_periods": text("by_period", lang), "change_emerging": text("emerging_hotspots", lang),
              "change_map": text("change_between", lang, start=change.start, end=change.end)}  # fmt: skip
    counts = change.emerging.counts()
    persistent = change.persistent[change.persistent].index
    names = gdf[name_col].reindex(persistent).astype(str) if name_col else None
    rows = [[str(i), *([names[i]] if names is not None else [])] for i in persistent[:_PERSISTENT_ROWS]]
    matrix = change.mobility
    return {
        "title": text("change_section", lang),
        "periods": periods,
        "harmonised": harmonised,
        "links": [(titles[k], href) for k, href in hrefs.items() if k in titles],
        "emerging_title": text("emerging_hotspots", lang),
        "category": text("category", lang),
        "emerging": [(EMERGING_COLOURS[k], text(k, lang), n(x)) for k, x in counts.items() if x],
        "mobility_title": text(f"mobility_{change.classes}", lang, start=change.start, end=change.end),
        "mobility_head": [n(c) for c in matrix.columns],
        "mobility": [(n(r), [n(x) for x in matrix.loc[r]]) for r in matrix.index],
        "persistent_title": text(f"persistent_{change.classes}", lang, n=n(len(persistent))),
        "persistent_head": [text("id", lang), *([text("name", lang)] if names is not None else [])],
        "persistent": rows,
        "more": f"… (+{n(len(persistent) - _PERSISTENT_ROWS)})" if len(persistent) > _PERSISTENT_ROWS else None,
    }


def _moran_text(moran, lang: str) -> str | None:
    if moran is None:
        return None
    return text(
        "moran_text" if moran.inference == "permutation" else "moran_text_analytic",
        lang,
        I=number(moran.I, lang, 4),
        EI=number(moran.EI, lang, 4),
        p=number(moran.p, lang, 4),
        perm=number(moran.permutations, lang, 0),
    )


def _choices(index, hotspots, moran, extra, *, scheme, k, palette, lang) -> list[tuple[str, str]]:
    method, _ = _method(index, lang)
    rows = list(method)
    rows.append(
        (text("weight", lang), "; ".join(f"{name} {number(float(w), lang, 3)}" for name, w in index.weights.items()))
    )
    for stat in (moran, hotspots):
        if stat is not None:
            rows.append((text("inference", lang), method_label(stat.inference, lang)))
            if stat.inference == "permutation":
                rows += [
                    (text("permutations", lang), number(stat.permutations, lang, 0)),
                    (text("seed", lang), str(stat.seed)),
                ]
    if hotspots is not None:
        rows.append((text("alpha", lang), number(hotspots.alpha, lang, 3)))
        rows.append((text("alternative", lang), method_label(hotspots.alternative, lang)))
    rows.append((text("classification", lang), f"{method_label(scheme, lang)}, k = {k}, {palette}"))
    rows += [(str(key), str(value)) for key, value in (extra or {}).items()]
    seen: set[tuple[str, str]] = set()
    return [r for r in rows if not (r in seen or seen.add(r))]


def report_from_result(result, path: str | Path, *, lang: str = "en", **options) -> Path:
    """Write the report of a :func:`~deprivation_map.pipeline.run` result, with its configuration's choices.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> out = tempfile.mkdtemp()
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=out)
    >>> report_from_result(result, out + "/report.html", lang="el").is_file()
    True
    """
    config = result.config
    b = config.boundaries
    choices = {
        text("boundaries", lang): f"{b.path.name if b.path else b.table} ({b.id_col})",
        **(
            {
                text("table", lang): "; ".join(
                    f"{t.path.name if t.path else t.table} ({t.id_col})" for t in config.indicators
                )
            }
            if config.indicators
            else {}
        ),
        text("graph", lang): f"{method_label(config.graph.method, lang)}, islands = {config.graph.islands}",
    }
    mc = config.map
    defaults = {"name_col": config.boundaries.name_col, "scheme": mc.scheme, "k": mc.k, "palette": mc.palette}
    return report(
        result.data,
        path,
        index=result.index,
        hotspots=result.hotspots,
        moran=result.moran,
        allocation=result.allocation,
        change=result.results.get("change"),
        joins=result.reports,
        lang=lang,
        choices=choices,
        **{**defaults, **options},
    )
