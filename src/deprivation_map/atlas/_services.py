"""The atlas's pages of zones, vulnerable groups and access to services, for the runs that have them.

Every count of a group's people comes from the library's suppression (:func:`~deprivation_map.io.disclosure.
suppress_table`, through :func:`~deprivation_map.allocation.groups.vulnerable_groups` or here for the zones):
a suppressed cell is written as suppressed, its rate and share too, and no total is recomputed from the cells.
The groups' counts by area are withheld from the downloads (:func:`withheld`). Every text from the data is
escaped where it is written.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ..maps.i18n import class_label, method_label, number, percent, text
from ._disclosure import pinned_cells
from ._html import esc, map_frame, share, table

__all__ = ["PAGES", "methods_section", "pages_of", "search_pages", "service_pages", "withheld", "write_tables"]

PAGES = ("zones", "groups", "access")
"""The pages this module writes (``zones.html`` ...), in the navigation's order."""

FORMULAS = {
    "floor": "Σ_{i∈z} f_i ≥ F  ∀ z  (f_i: the floor column of area i, or 1 per area)",
    "mean": "S̄_z = Σ_{i∈z} S_i / n_z  (the scored areas of zone z; unweighted)",
    "maxp": "max p (the number of zones), then min Σ_z Σ_{i<j∈z} ‖x_i − x_j‖₁  (x: the attributes' z-scores)",
    "fca": "R_j = S_j / Σ_i w_ij P_i;  A_i = Σ_j w_ij R_j;  w_ij = f(c_ij) if c_ij ≤ d₀, else 0",
    "relative": "A_i / Ā < b,  Ā = Σ_k P_k A_k / Σ_k P_k",
    "decile": "Σ_{i∈d} P_i A_i / Σ_{i∈d} P_i  (d: a decile)",
    "distance": "d_i = min_s ‖o_i − s‖₂ > D",
    "suppression": (
        "n_c < T ⇒ c hidden;  Σ_{c∈k} x_c = C_k − Σ_{shown c∈k} n_c,  x_c ≥ 0  ⇒  max x_c − min x_c ≥ 1 for every "
        "hidden c"
    ),
    "rate": "r = per · n / P;  s = n / N  (N: the group's total)",
}
_WEIGHTS = {"2sfca": "f(c) = 1", "gravity": "f(c) = {w}", "gaussian": "f(c) = {w}", "e2sfca": "f(c) = {w}"}


def _t(key: str, lang: str, **values: object) -> str:
    return text(f"sv:{key}", lang, **values)


def pages_of(result: Any) -> tuple[str, ...]:
    """The pages ``result`` has: zones with [zones], groups with [groups], access with [access] or [services]."""
    has = {"zones": result.zones is not None, "groups": result.groups is not None}
    has["access"] = result.access is not None or result.services is not None
    return tuple(p for p in PAGES if has[p])


def nav_label(key: str, lang: str) -> str:
    """The navigation's name of a page of :data:`PAGES`."""
    return _t(f"{key}_page", lang)


def withheld(result: Any) -> list[str]:
    """Columns of the per-area downloads that count a group's people: published only in suppressed tables."""
    if result.groups is None:
        return []
    columns = list(result.config.groups.columns)
    zones = result.zones
    if zones is not None and zones.floor_col in columns:
        columns.append("zones_floor_value")
    return columns


# -- shared pieces -----------------------------------------------------------------------------------------


def _iframe(src: str, title: str, lang: str) -> str:
    return (
        map_frame(src, title) + f'<p class="muted"><a href="{esc(src)}">{esc(text("maps", lang))}: {esc(title)}</a></p>'
    )


def _count(value: Any, lang: str) -> str:
    return _t("suppressed", lang) if pd.isna(value) else number(float(value), lang, 0)


def _population(result: Any) -> pd.Series | None:
    """The population column configured for groups, districts or services, in that order (None if none)."""
    for section in ("groups", "districts", "services"):
        settings = getattr(result.config, section)
        column = getattr(settings, "population_col", None) if settings is not None else None
        if column is not None and column in result.data.columns:
            return result.data[column]
    return None


def _save(m: Any, path: Path) -> None:
    from ..maps import save_map

    save_map(m, path)


# -- zones -------------------------------------------------------------------------------------------------


def _zone_table(result: Any) -> pd.DataFrame:
    """Per zone: areas, population (when configured), mean score, share of the population in High-High."""
    zones = result.zones
    summary = zones.summary(result.index.score, population=_population(result), hotspots=result.hotspots)
    placed = zones.placed.to_numpy()
    mean = result.index.score[placed].groupby(zones.labels[placed]).mean()
    out = summary.loc[summary.index.isin(mean.index), ["areas", "population"]].copy()
    if _population(result) is None:  # the summary counts each area as one person: no population to show
        out["population"] = float("nan")
    out["mean_score"] = mean.reindex(out.index)
    out["share_high_high"] = summary["share_high_high"].reindex(out.index) if "share_high_high" in summary else None
    return out


def zone_counts(result: Any) -> Any:
    """The groups' people by zone (the areas in no zone as one row), suppressed with the groups' totals."""
    from ..io.disclosure import suppress_table

    g, zones = result.groups, result.zones
    counts = result.data[list(result.config.groups.columns)].astype("int64")
    rows = zones.labels.where(zones.placed, _NO_ZONE)
    table = counts.groupby(rows).sum()
    table = table.reindex([*sorted(set(rows) - {_NO_ZONE}), *([_NO_ZONE] if _NO_ZONE in set(rows) else [])])
    return suppress_table(table, threshold=g.threshold, margins="columns")


_NO_ZONE = "\x00no zone"  # cannot be a zone's label


def _classes(result: Any) -> pd.DataFrame:
    """Each area's class in each table of counts: decile, cluster, access (as the groups had them) and zone."""
    decile = result.index.decile
    out = {"decile": decile.map(lambda d: "No score" if pd.isna(d) else str(int(d)))}
    out["cluster"] = result.hotspots.labels.astype(str)
    access = result.access if result.access is not None else result.services
    if access is not None:
        flag = access.underserved(below=_below(result)) if result.access is not None else access.beyond
        out["access"] = flag.map({True: "Under-served", False: "Served"})
    if result.zones is not None:
        out["zone"] = result.zones.labels.where(result.zones.placed, _NO_ZONE)
    return pd.DataFrame(out, index=result.data.index)


@functools.lru_cache(maxsize=1)  # the result being published (its pages ask once per language)
def protected(result: Any) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The suppressed tables of the groups to publish by class (and by zone), and those left out.

    Read together, tables of the same counts by other classes can reveal a cell each hides alone
    (:func:`~._disclosure.pinned_cells`): the zones' table is left out first, then the access and cluster
    tables, until none does. The table by decile alone is protected by the library's suppression.
    """
    safe = dict(result.groups.suppression)
    if result.zones is not None:
        safe["zone"] = zone_counts(result)
    classes = _classes(result)
    counts = result.data[list(result.config.groups.columns)]
    left_out: list[str] = []
    for kind in ("zone", "access", "cluster"):
        if not pinned_cells({k: x.published for k, x in safe.items()}, classes, counts):
            break
        if safe.pop(kind, None) is not None:
            left_out.append(kind)
    return safe, tuple(left_out)


def _zones_body(result: Any, lang: str, *, map_src: str) -> str:
    zones = result.zones
    frame = _zone_table(result)
    floor = (
        "–"
        if zones.floor is None
        else _t("floor_of", lang, floor=number(zones.floor, lang, 0), column=zones.floor_col)
        if zones.floor_col
        else _t("floor_areas", lang, floor=number(zones.floor, lang, 0))
    )
    unplaced = zones.labels[~zones.placed.to_numpy()]
    intro = _t("zones_intro", lang, n=number(zones.n_zones, lang, 0), areas=number(len(zones.labels), lang, 0),
               floor=floor)  # fmt: skip
    parts = [f"<h1>{esc(nav_label('zones', lang))}</h1><p>{esc(intro)}</p>"]
    if len(unplaced):
        parts.append(f"<p>{esc(_t('zones_unplaced', lang, n=number(len(unplaced), lang, 0)))}</p>")
    parts.append(_iframe(map_src, _t("zones_map", lang), lang))
    people = bool(frame["population"].notna().any())  # no column of population: no such column here
    header = [_t("zone", lang), text("areas", lang), *([_t("population", lang)] if people else []),
              _t("mean_score", lang), _t("high_high", lang)]  # fmt: skip
    rows = [
        [
            (z, False),
            (number(r["areas"], lang, 0), True),
            *([(number(r["population"], lang, 0), True)] if people else []),
            (number(r["mean_score"], lang, 3), True),
            (share(r["share_high_high"], lang), True),
        ]
        for z, r in frame.iterrows()
    ]
    parts.append(f'<h2 id="zones">{esc(_t("zones_table", lang))}</h2>' + table(header, rows, row_ids=_ids(frame)))
    if result.groups is not None:
        parts.append(_zone_counts_html(result, lang))
    parts.append(_members(zones, result, lang))
    parts.append(methods_section(result, lang, only="zones"))
    return "".join(parts)


def _ids(frame: pd.DataFrame) -> list[str]:
    return [f"zone-{z}" for z in frame.index]


def _zone_counts_html(result: Any, lang: str) -> str:
    tables, _ = protected(result)
    if "zone" not in tables:
        return f'<h2 id="counts">{esc(_t("zone_counts", lang))}</h2><p>{esc(_t("left_out", lang, table=_t("zone_counts", lang)))}</p>'
    safe = tables["zone"]
    groups = list(safe.published.columns)
    rows = [
        [(_t("no_zone", lang) if z == _NO_ZONE else z, False), *((_count(r[g], lang), True) for g in groups)]
        for z, r in safe.published.iterrows()
    ]
    rows.append([(_t("total", lang), False), *((_total(safe, g, lang), True) for g in groups)])
    note = _t("zone_counts_text", lang, threshold=number(safe.threshold, lang, 0))
    return f'<h2 id="counts">{esc(_t("zone_counts", lang))}</h2><p>{esc(note)}</p>' + table(
        [_t("zone", lang), *groups], rows
    )


def _total(safe: Any, group: str, lang: str) -> str:
    """A group's published total (the margin the suppression protects), itself suppressed below the threshold."""
    total = int(safe.column_totals[group])
    return _t("suppressed", lang) if total < safe.threshold else number(total, lang, 0)


def _members(zones: Any, result: Any, lang: str) -> str:
    """Each zone's areas in a closed list, each area with an anchor (``#area-<ID>``) the search links to."""
    names_col = result.config.boundaries.name_col
    names = result.data[names_col] if names_col else None
    items = []
    for zone, ids in zones.labels.groupby(zones.labels).groups.items():
        label = _t("no_zone", lang) + f" ({zone})" if zone in ("Isolate", "Below floor") else zone
        members = "".join(
            f'<li id="area-{esc(a)}">{esc(a)}'
            + (f" {esc(names[a])}" if names is not None and pd.notna(names[a]) else "")
            + "</li>"
            for a in sorted(ids)
        )
        count = number(len(ids), lang, 0)
        items.append(f"<details><summary>{esc(label)} ({count})</summary><ul>{members}</ul></details>")
    return f'<h2 id="members">{esc(_t("zone_members", lang))}</h2>' + "".join(items)


def search_pages(result: Any) -> pd.Series | None:
    """Where the search sends each area when the run has zones but no districts: the zones page (its anchor)."""
    if result.zones is None or result.districts is not None:
        return None
    return pd.Series("zones.html", index=result.data.index)


def _zones_map(result: Any, lang: str) -> Any:
    from ..maps import explore

    zones = result.zones
    shapes = zones.dissolve(result.data)
    frame = _zone_table(result)
    shapes = shapes.assign(name=shapes.index.astype(str))
    layers = {
        _t(key, lang): frame[column].reindex(shapes.index).astype("float64")
        for key, column in (("population", "population"), ("high_high", "share_high_high"))
        if frame[column].notna().any()
    }
    shapes[_t("mean_score", lang)] = frame["mean_score"].reindex(shapes.index)
    return explore(shapes, column=_t("mean_score", lang), name_col="name", layers=layers, lang=lang,
                   title=_t("zones_map", lang), k=result.config.map.k, top=0)  # fmt: skip


# -- vulnerable groups -------------------------------------------------------------------------------------


def _class_name(kind: str, value: Any, lang: str) -> str:
    if kind == "decile":
        return _t("no_score", lang) if value == "No score" else number(float(value), lang, 0)
    if kind == "access":
        return _t("underserved" if value == "Under-served" else "served", lang)
    return html.unescape(class_label(str(value), lang))


def _groups_table(g: Any, kind: str, frame: pd.DataFrame, lang: str) -> str:
    per = number(g.per, lang, 0)
    header = [_t(f"by_{kind}_head", lang), text("areas", lang), _t("population", lang)]
    for group in g.groups:
        header += [group, _t("rate", lang, group=group, per=per), _t("share", lang, group=group)]
    rows = []
    for value, r in frame.iterrows():
        row = [(_class_name(kind, value, lang), False), (number(r["areas"], lang, 0), True),
               (number(r["population"], lang, 0), True)]  # fmt: skip
        for group in g.groups:
            row += [(_count(r[group], lang), True), (_rate(r[f"{group}_rate"], r[group], lang), True),
                    (_rate_share(r[f"{group}_share"], r[group], lang), True)]  # fmt: skip
        rows.append(row)
    safe = g.suppression[kind]
    people = frame["population"].sum()
    total = [(_t("total", lang), False), (number(frame["areas"].sum(), lang, 0), True), (number(people, lang, 0), True)]
    for group in g.groups:
        shown = _total(safe, group, lang)
        hidden = int(safe.column_totals[group]) < safe.threshold
        rate = "–" if hidden else number(safe.column_totals[group] / people * g.per, lang, 2)
        total += [
            (shown, True),
            (_t("suppressed", lang) if hidden else rate, True),
            ("–" if hidden else percent(100, lang), True),
        ]
    rows.append(total)
    return f'<h2 id="by-{kind}">{esc(_t(f"by_{kind}", lang))}</h2><div class="scroll">' + table(header, rows) + "</div>"


def _rate(value: Any, count: object, lang: str) -> str:
    return _t("suppressed", lang) if pd.isna(count) else number(value, lang, 2)


def _rate_share(value: object, count: object, lang: str) -> str:
    return _t("suppressed", lang) if pd.isna(count) else share(value, lang)


def _groups_body(result: Any, lang: str) -> str:
    g = result.groups
    intro = _t("groups_intro", lang, threshold=number(g.threshold, lang, 0), groups=", ".join(g.groups))
    parts = [f"<h1>{esc(nav_label('groups', lang))}</h1><p>{esc(intro)}</p>"]
    safe, left_out = protected(result)
    for kind in ("decile", "cluster", "access"):
        frame = getattr(g, f"by_{kind}")
        if frame is not None and kind in safe:
            parts.append(_groups_table(g, kind, frame, lang))
    parts += [
        f"<p>{esc(_t('left_out', lang, table=_t(f'by_{kind}', lang)))}</p>" for kind in left_out if kind != "zone"
    ]
    cells = sum(int(s.suppressed.sum().sum()) for s in g.suppression.values())
    parts.append(f"<p>{esc(_t('suppressed_count', lang, n=number(cells, lang, 0)))}</p>")
    parts.append(f"<p>{esc(_t('withheld', lang, columns=', '.join(result.config.groups.columns)))}</p>")
    parts.append(methods_section(result, lang, only="groups"))
    return "".join(parts)


# -- access ------------------------------------------------------------------------------------------------


def _sites(result: Any) -> tuple[str, Any] | None:
    """The chosen sites' points (read again from the candidates' file) and the method, or None."""
    if result.sites is None:
        return None
    from ..io import read_points

    ((method, settings),) = [(k, x) for k, x in result.config.sites.items() if x is not None]
    candidates = read_points(settings.candidates)
    return method, candidates.loc[candidates.index.isin(result.sites.sites)]


def _access_map(result: Any, lang: str, sites: Any) -> Any:
    from ..maps import explore
    from ..maps.points import add_points

    data, layers = result.data, {}
    column = None
    if result.access is not None:
        column = _t("relative", lang)
        data = data.assign(**{column: result.access.relative})
        layers[_t("underserved", lang)] = result.access.underserved(below=_below(result)).map(
            {True: _t("underserved", lang), False: _t("served", lang)}
        )
    if result.services is not None:
        layers[_t("distance", lang)] = result.services.distance
        if column is None:
            column = _t("distance", lang)
            data = data.assign(**{column: layers.pop(column)})
    m = explore(data, column=column, layers=layers, lang=lang, name_col=result.config.boundaries.name_col,
                title=nav_label("access", lang), k=result.config.map.k, palette="YlGnBu", top=0)  # fmt: skip
    s = result.config.services
    add_points(m, result.service_points, title=text("services", lang), lang=lang, name_col=s.name_col,
               category_col=s.category_col)  # fmt: skip
    if sites is not None:
        add_points(m, sites[1], title=_t("sites", lang), lang=lang, sites=True)
    return m


def _below(result: Any) -> float:
    g = result.config.groups
    return float(g.underserved_below) if g is not None and g.underserved_below is not None else 0.5


def _fca_body(result: Any, lang: str) -> Iterator[str]:
    acc, below = result.access, _below(result)
    intro = _t("access_intro", lang, method=acc.method.upper(), cost=number(acc.max_cost, lang, 0), unit=acc.unit,
               n=number(len(acc.ratio), lang, 0), below=number(below, lang, 2))  # fmt: skip
    yield f"<p>{esc(intro)}</p>"
    table_ = acc.by_decile(result.index, below=below)
    header = [_t("by_decile_head", lang), text("areas", lang), _t("demand", lang), _t("supply_pp", lang),
              _t("relative", lang), _t("share_under", lang), _t("reaching_none", lang)]  # fmt: skip
    rows = [
        [(number(d, lang, 0), True), (number(r["areas"], lang, 0), True), (number(r["demand"], lang, 0), True),
         (number(r["supply_per_person"], lang, 6), True), (number(r["relative"], lang, 2), True),
         (share(r["share_underserved"], lang), True), (number(r["areas_reaching_none"], lang, 0), True)]
        for d, r in table_.iterrows()
    ]  # fmt: skip
    yield f'<h2 id="by-decile">{esc(_t("supply_by_decile", lang))}</h2>' + table(header, rows)
    deprived = (result.index.decile == 1).reindex(acc.scores.index).fillna(False).astype(bool)
    gaps = deprived & acc.underserved(below=below)
    frame = pd.DataFrame({"relative": acc.relative, "reached": acc.reached})[gaps].sort_values("relative")
    yield from _gaps(result, frame.head(20), int(gaps.sum()), int(deprived.sum()), lang, [
        (_t("relative", lang), lambda r: number(r["relative"], lang, 2)),
        (_t("reached", lang), lambda r: number(r["reached"], lang, 0)),
    ])  # fmt: skip


def _distance_body(result: Any, lang: str) -> Iterator[str]:
    s = result.services
    intro = _t("distance_intro", lang, n=number(len(result.service_points), lang, 0),
               within=number(s.within, lang, 0), unit=s.unit)  # fmt: skip
    yield f"<p>{esc(intro)}</p>"
    deprived = (result.index.decile == 1).reindex(s.distance.index).fillna(False).astype(bool)
    far = deprived & s.beyond
    frame = pd.DataFrame({"distance": s.distance})[far].sort_values("distance", ascending=False)
    yield from _gaps(result, frame.head(20), int(far.sum()), int(deprived.sum()), lang, [
        (_t("distance", lang), lambda r: number(r["distance"], lang, 0)),
    ])  # fmt: skip


def _gaps(result, frame: pd.DataFrame, n: int, total: int, lang: str, columns: list[tuple[str, Callable]]):
    name_col = result.config.boundaries.name_col
    text_ = _t("gaps_text", lang, n=number(n, lang, 0), total=number(total, lang, 0), shown=number(len(frame), lang, 0))
    header = [
        text("id", lang),
        *([text("name", lang)] if name_col else []),
        text("rank", lang),
        *(h for h, _ in columns),
    ]
    rows = []
    for area, r in frame.iterrows():
        row = [(str(area), False)]
        if name_col:
            name = result.data.at[area, name_col]
            row.append(("" if pd.isna(name) else str(name), False))
        row.append((number(result.index.rank[area], lang, 0), True))
        row += [(cell(r), True) for _, cell in columns]
        rows.append(row)
    yield f'<h2 id="gaps">{esc(_t("gaps", lang))}</h2><p>{esc(text_)}</p>' + (table(header, rows) if rows else "")


def _sites_body(result: Any, sites: Any, lang: str) -> str:
    method, points = sites
    chosen = result.sites
    if method == "covering":
        line = _t("sites_covering", lang, k=number(chosen.k, lang, 0), within=number(chosen.within, lang, 0),
                  before=share(chosen.covered_need_before / chosen.total_need, lang),
                  after=share(chosen.covered_need_after / chosen.total_need, lang))  # fmt: skip
    elif method == "p_median":
        line = _t("sites_pmedian", lang, p=number(len(chosen.sites), lang, 0),
                  cost=number(chosen.cost.mean(), lang, 0))  # fmt: skip
    else:
        line = _t("sites_setcover", lang, n=number(len(chosen.sites), lang, 0))
    proof = _t("optimal" if chosen.optimal else "not_optimal", lang)
    wgs84 = points.geometry.to_crs(4326)
    rows = [[(str(i), False), (f"{p.y:.5f}, {p.x:.5f}", False)] for i, p in wgs84.items()]
    return f'<h2 id="sites">{esc(_t("sites", lang))}</h2><p>{esc(line)} {esc(proof)}</p>' + table(
        [_t("site", lang), _t("where", lang)], rows
    )


def _access_body(result: Any, lang: str, *, map_src: str, sites: Any) -> str:
    parts = [f"<h1>{esc(nav_label('access', lang))}</h1>"]
    parts += list(_fca_body(result, lang) if result.access is not None else _distance_body(result, lang))
    parts.insert(2, _iframe(map_src, nav_label("access", lang), lang))
    if sites is not None:
        parts.append(_sites_body(result, sites, lang))
    parts.append(methods_section(result, lang, only="access"))
    return "".join(parts)


# -- methods -----------------------------------------------------------------------------------------------


def _zone_rows(result: Any, lang: str) -> list[tuple[str, str]]:
    z = result.zones
    rows = [(_t("m_floor", lang), FORMULAS["floor"].replace("F", "F = " + (f"{z.floor:g}" if z.floor else "–"), 1))]
    if z.method == "maxp":
        rows.append(("max-p", FORMULAS["maxp"]))
    rows.append((_t("mean_score", lang), FORMULAS["mean"]))
    rows.append((text("seed", lang), "–" if z.seed is None else str(z.seed)))
    return rows


def _access_rows(result: Any, lang: str) -> list[tuple[str, str]]:
    rows = []
    acc = result.access
    if acc is not None:
        rows += [
            (method_label(acc.method, lang), FORMULAS["fca"]),
            ("f(c)", _WEIGHTS[acc.method].format(w=acc.weights) + f"; d₀ = {acc.max_cost:g} {acc.unit}"),
            (_t("relative", lang), FORMULAS["relative"] + f", b = {_below(result):g}"),
            (_t("supply_pp", lang), FORMULAS["decile"]),
        ]
    if result.services is not None:
        rows.append((_t("distance", lang), FORMULAS["distance"] + f", D = {result.services.within:g}"))
    return rows


def methods_section(result: Any, lang: str, *, only: str | None = None) -> str:
    """How the zones, access and groups were computed: a paragraph and the formulas of each the run has.

    ``only`` keeps one of :data:`PAGES` (on its own page); without it, all of them (on the methods page).
    """
    parts = []
    pages = [p for p in pages_of(result) if only in (None, p)]
    for key in pages:
        if key == "zones":
            z = result.zones
            line = _t("m_zones", lang, attrs=", ".join(z.attrs), method=z.method)
            rows = _zone_rows(result, lang)
        elif key == "access":
            line = _t("m_access", lang) if result.access is not None else _t("m_distance", lang)
            rows = _access_rows(result, lang)
        else:
            g = result.groups
            line = _t("m_suppression", lang, threshold=number(g.threshold, lang, 0))
            rows = [(_t("m_primary", lang), FORMULAS["suppression"]), (_t("m_rate", lang), FORMULAS["rate"])]
        head = _t("method_of", lang, page=nav_label(key, lang))
        parts.append(
            f'<h2 id="method-{key}">{esc(head)}</h2><p>{esc(line)}</p>'
            + table([text("choice", lang), _t("formula", lang)], [[(k, False), (f, False)] for k, f in rows])
        )
    return "".join(parts)


# -- downloads ---------------------------------------------------------------------------------------------


def _published_counts(safe: Any) -> pd.DataFrame:
    """A suppressed table as published (suppressed cells empty), with its groups' totals below the threshold empty."""
    out = safe.published.rename(index={_NO_ZONE: "In no zone"})
    totals = safe.column_totals.astype("Int64").mask(safe.column_totals < safe.threshold)
    return pd.concat([out, totals.to_frame("Total").T.astype("Int64")])


def write_tables(result: Any, folder: Path) -> dict[str, list[str]]:
    """The tables of the zones, groups and access pages as CSV in ``folder``; returns the files' names by page.

    Only what the pages show: the groups' tables kept by :func:`protected`, suppressed cells empty.
    """
    from ..io import write_results
    from ..pipeline import run_metadata

    safe = protected(result)[0] if result.groups is not None else {}
    tables: list[tuple[str, str, pd.DataFrame]] = []
    if result.zones is not None:
        frame = _zone_table(result).drop(columns=[] if _population(result) is not None else ["population"])
        tables.append(("zones", "zones.csv", frame))
        if "zone" in safe:
            tables.append(("zones", "zone_counts.csv", _published_counts(safe["zone"]).rename_axis("zone")))
    for kind in ("decile", "cluster", "access"):
        table = getattr(result.groups, f"by_{kind}") if result.groups is not None else None
        if table is not None and kind in safe:
            tables.append(("groups", f"groups_by_{kind}.csv", table))
    if result.access is not None:
        tables.append(("access", "access_by_decile.csv", result.access.by_decile(result.index, below=_below(result))))
    metadata = run_metadata(result) if tables else None  # inputs with checksums, options: as the other data files
    files: dict[str, list[str]] = {}
    for page, name, frame in tables:
        write_results(frame, folder / name, metadata=metadata)
        files.setdefault(page, []).append(name)
    return files


def _downloads(names: list[str], root: str, lang: str) -> str:
    items = "".join(f'<li><a href="{esc(root)}data/{esc(n)}">{esc(n)}</a></li>' for n in names)
    return f'<h2 id="data">{esc(_t("downloads", lang))}</h2><ul>{items}</ul>'


# -- the pages ---------------------------------------------------------------------------------------------


def service_pages(result: Any, out: Path, lang: str, *, root: str) -> list[tuple[str, str, str]]:
    """Write the maps of ``result``'s pages in ``lang`` into ``out/maps``; return each page's (file, title, body).

    ``root`` is the relative path from a page in ``lang``'s folder to the site's root.
    """
    pages = []
    files = write_tables(result, out / "data")  # the same in every language
    for key in pages_of(result):
        src = f"maps/{key}-{lang}.html"
        if key == "zones":
            _save(_zones_map(result, lang), out / src)
            body = _zones_body(result, lang, map_src=root + src)
        elif key == "groups":
            body = _groups_body(result, lang)
        else:
            sites = _sites(result)
            _save(_access_map(result, lang, sites), out / src)
            body = _access_body(result, lang, map_src=root + src, sites=sites)
        if files.get(key):
            body += _downloads(files[key], root, lang)
        pages.append((f"{key}.html", nav_label(key, lang), body))
    return pages
