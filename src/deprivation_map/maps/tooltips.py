"""The tooltip of every area, written compactly: translated row labels once, and per area only its values.

Each area's tooltip is a list of values, one per row (``None`` skips the row); each value is a list of
parts, and a part that many areas share (a cluster label, an indicator's name, "p = 0,001") is written once
in a shared vocabulary and referred to by its position. The page joins them back when the pointer is over
an area (see ``_leaflet.TOOLTIP_JS``). Every part is HTML-escaped here, so the page inserts them as they are.
At 100,000 areas this keeps the tooltips to a few megabytes instead of tens.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..spatial.labels import UNDEFINED
from .i18n import amount, class_label, number, numbers, p_name, text

__all__ = ["Tooltips", "build_tooltips"]


@dataclass(frozen=True, eq=False)
class Tooltips:
    """Row labels (the first row, the area's name, has none), the shared vocabulary, and each area's values.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
    >>> tips = build_tooltips(toy.index, "es", names=toy["name"])
    >>> tips.rows, tips.values[0]  # one value per row: the name, then the ID
    (['', 'Código'], ['Sant Martí', '001'])
    >>> tips.values[12][0]  # names are HTML-escaped before they reach the page
    'Illa &lt;script&gt;alert(1)&lt;/script&gt;'
    """

    rows: list[str]
    vocab: list[str]
    values: list[list[object]]


def _esc(values: pd.Series) -> list[str]:
    return [html.escape(str(x)) for x in values]


def _index_rows(frame: pd.DataFrame, contributions: pd.DataFrame | None, lang: str, top: int) -> dict[str, list]:
    n = int(frame["score"].notna().sum())
    no_data = text("no_data", lang)
    scored = frame["score"].notna().to_numpy()
    score = [[s] if ok else [no_data] for s, ok in zip(numbers(frame["score"], lang), scored, strict=True)]
    rank_of = text("rank_of", lang, rank="\0", n=number(n, lang, 0))  # values are inserted as given
    ranks = numbers(frame["rank"].where(scored), lang, 0)
    rank = [[rank_of.replace("\0", r)] if ok else None for r, ok in zip(ranks, scored, strict=True)]
    deciles = frame["decile"].where(scored).to_numpy(dtype="float64")
    decile = [[str(int(d))] if ok else None for d, ok in zip(deciles.tolist(), scored, strict=True)]
    rows = {text("score", lang): score, text("rank", lang): rank, text("decile", lang): decile}
    if top and contributions is not None:
        rows[text("why", lang)] = _contributors(contributions, lang, top)
    return rows


def _contributors(contributions: pd.DataFrame, lang: str, top: int) -> list:
    """The ``top`` indicators adding most to each area's score (largest contributions first, positive only)."""
    names = [html.escape(str(c)) for c in contributions.columns]
    values = contributions.to_numpy(dtype="float64")
    order = np.argsort(-np.nan_to_num(values, nan=-np.inf), axis=1, kind="stable")[:, :top]
    chosen = np.take_along_axis(values, order, axis=1)
    shown = (np.isfinite(chosen) & (chosen > 0)).tolist()  # largest first: once one is not shown, none after is
    texts = [numbers(chosen[:, t], lang) for t in range(order.shape[1])]
    out: list = []
    for i, (cols, ok) in enumerate(zip(order.tolist(), shown, strict=True)):
        parts: list[str] = []
        for t, j in enumerate(cols):
            if ok[t]:
                parts += ([", "] if parts else []) + [names[j], f" {texts[t][i]}"]
        out.append(parts or None)
    return out


def _cluster_rows(label: str, labels: pd.Series, p: pd.Series, correction: str, lang: str) -> dict[str, list]:
    """The label, then the p-value it was decided by, named: "High-High, adjusted p (FDR) = 0.004"."""
    which = html.escape(f", {p_name(correction, lang)} = ")
    known = p.notna().to_numpy()
    p_text = [q if ok else None for q, ok in zip(numbers(p, lang, 3), known, strict=True)]
    names = labels.astype(object).fillna(UNDEFINED)
    shown = {lab: class_label(str(lab), lang) for lab in pd.unique(names)}
    return {label: [[shown[lab]] + ([which, q] if q else []) for lab, q in zip(names, p_text, strict=True)]}


def _column_values(values: pd.Series, unit: str | None, lang: str) -> list:
    """A column's values as tooltip parts: numbers in the locale's format with their unit, text escaped."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return [None if pd.isna(x) else [html.escape(amount(x, lang, unit=unit))] for x in values]
    return [None if pd.isna(x) else [html.escape(str(x))] for x in values]


def _encode(columns: Sequence[list], n: int) -> tuple[list[str], list[list[object]]]:
    """Share the parts that recur: a part used by at least 3 areas is written once, then referred to by number."""
    counts = Counter(part for col in columns for value in col if value for part in value)
    vocab = [part for part, c in counts.items() if c >= 3 and len(part) > 2]
    code = {part: i for i, part in enumerate(vocab)}

    def pack(value):
        if value is None:
            return None
        parts = [code.get(part, part) for part in value]
        return parts[0] if len(parts) == 1 else parts

    return vocab, [[pack(col[i]) for col in columns] for i in range(n)]


def build_tooltips(
    ids: pd.Index,
    lang: str,
    *,
    names: pd.Series | None = None,
    index: pd.DataFrame | None = None,
    contributions: pd.DataFrame | None = None,
    lisa: tuple[pd.Series, pd.Series, str] | None = None,
    gi: tuple[pd.Series, pd.Series, str] | None = None,
    allocation: tuple[pd.Series, pd.Series] | None = None,
    top: int = 3,
    currency: str | None = None,
    columns: dict[str, tuple[pd.Series, str | None]] | None = None,
) -> Tooltips:
    """Tooltips for the areas ``ids``; every input already aligned to ``ids``.

    ``index`` has columns score, rank and decile; ``contributions`` one column per indicator; ``lisa`` and
    ``gi`` are (labels, the p-values the labels were decided by, the correction applied to them). Rows: name
    (or ID), ID, score, rank of N, decile, main contributors, LISA cluster (and its p, named: "adjusted p
    (FDR)"), Gi* (likewise), amount and amount per person (in ``currency``, an ISO 4217 code, when given),
    then a row per entry of ``columns`` (plain row name: (values, unit); numbers formatted with the unit, other
    values as text). Values are formatted for ``lang`` and escaped.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
    >>> index = dm.build_index(toy, {"poverty": 1}, missing="exclude")
    >>> tips = build_tooltips(toy.index, "ca", names=toy["name"], index=index.to_frame())
    >>> tips.rows
    ['', 'Codi', 'Puntuació', 'Posició', 'Decil (1 = més privació)']
    >>> tips.values[11]  # 012 has no value: "no data" as its score, no rank or decile rows
    ['Vallcarca', '012', 'sense dades', None, None]
    >>> tips.values[0]  # 001, the least deprived of the 12 scored areas: rank 12, decile 10
    ['Sant Martí', '001', '-1,26', '12 de 12', '10']
    >>> hot = dm.local_moran(toy["poverty"], dm.build_graph(toy, islands="keep"), seed=0,
    ...                      missing="exclude")
    >>> tips = build_tooltips(toy.index, "ca", lisa=(hot.labels, hot.p_adjusted, hot.correction))
    >>> tips.vocab, tips.values[0]  # a part many areas share is written once, then referred to by number
    (['No significatiu', ', p ajustat (FDR) = ', '0,180'], ['001', [0, 1, 2]])
    >>> "".join(tips.vocab[i] for i in tips.values[0][1])  # the p the label was decided by, named
    'No significatiu, p ajustat (FDR) = 0,180'
    """
    first = [[x] for x in _esc(names if names is not None else ids.to_series())]
    rows: dict[str, list] = {"": first}
    if names is not None:
        rows[text("id", lang)] = [[x] for x in _esc(ids.to_series())]
    if index is not None:
        rows.update(_index_rows(index, contributions, lang, top))
    if lisa is not None:
        rows.update(_cluster_rows(text("cluster", lang), *lisa, lang))
    if gi is not None:
        rows.update(_cluster_rows(text("hotspot", lang), *gi, lang))
    if allocation is not None:
        amounts, per_capita = allocation
        rows[text("amount", lang)] = [None if pd.isna(a) else [amount(a, lang, currency=currency)] for a in amounts]
        rows[text("per_capita", lang)] = [
            None if pd.isna(a) else [amount(a, lang, currency=currency)] for a in per_capita
        ]
    for row, (values, unit) in (columns or {}).items():
        rows[row] = _column_values(values, unit, lang)
    vocab, values = _encode(list(rows.values()), len(ids))
    return Tooltips([html.escape(r) for r in rows], vocab, values)
