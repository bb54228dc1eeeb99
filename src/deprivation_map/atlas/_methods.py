"""The methods page: every choice made (the configuration as run), the formulas, the audits, the uncertainty.

Formulas are written as plain text (no script, no font from the network), the same as in the docstrings of
the functions that compute them; a method without a formula here is named and left to the documentation.
"""

from __future__ import annotations

from typing import Any

from ..maps.i18n import method_label, number, text
from ..spatial.multiple_testing import CORRECTION_NAMES
from ._html import esc, table
from ._words import word

__all__ = ["FORMULAS", "methods_body"]

FORMULAS = {
    "normalise": {
        "zscore": "y_ij = (x_ij − mean_j) / sd_j",
        "minmax": "y_ij = (x_ij − min_i x_ij) / (max_i x_ij − min_i x_ij)",
        "rank": "y_ij = (r_ij − 1) / (n_j − 1), r_ij the ascending rank among the n_j areas with a value",
        "exponential": "X = −c · ln(1 − R · (1 − e^(−100/c))), R = r/N the rank share, c = 23 (the IMD's)",
        "goalposts": "y_ij = min(1, max(0, (x_ij − L_j) / (U_j − L_j)))",
    },
    "weighting": {
        "equal": "w_j = 1 / m for m indicators",
        "explicit": "w_j = a_j / Σ_k a_k (the weights given, rescaled to sum to 1)",
        "pca": "w_j = v_j², v the first eigenvector of the correlation matrix",
    },
    "aggregate": {
        "mean": "S_i = Σ_j w_j · y_ij (each y_ij oriented so that higher = more deprived)",
        "geometric": "S_i = Π_j y_ij^(w_j)",
        "power_mean": "S_i = (Σ_j w_j · y_ij^p)^(1/p)",
    },
}
_LISA = "z_i = (y_i − ȳ) / s;  I_i = (n − 1) · z_i · Σ_j w_ij z_j / Σ_k z_k²  (esda's Moran_Local; spdep's is n/(n−1) times it)"
_PERMUTATION = (
    "pseudo p_i = (1 + #{permuted I_i at least as extreme}) / (1 + P), P permutations (conditional randomisation)"
)
_CORRECTIONS = {
    "fdr": "p̃_(i) = min_{j ≥ i} min{1, m · p_(j) / j} over the m sorted p-values",
    "bonferroni": "p̃_i = min{1, m · p_i}",
    "none": "p̃_i = p_i",
}


def _formula_rows(index: Any, lang: str) -> list[tuple[str, str]]:
    rows = []
    for step in ("normalise", "weighting", "aggregate"):
        name = index.method.get(step)
        if name is not None:
            rows.append((f"{text(step, lang)}: {method_label(str(name), lang)}", FORMULAS[step].get(str(name), "")))
    return rows


def _statistics_rows(result: Any, lang: str) -> list[tuple[str, str]]:
    h = result.hotspots
    rows = [
        (text("lisa", lang), _LISA),
        (text("inference", lang), method_label(h.inference, lang)),
        (text("alternative", lang), method_label(h.alternative, lang)),
        (text("alpha", lang), number(h.alpha, lang, 3)),
        ("p̃", f"{CORRECTION_NAMES[h.correction]}: {_CORRECTIONS[h.correction]}"),
    ]
    if h.inference == "permutation":
        rows += [(text("permutations", lang), _PERMUTATION + f"; P = {h.permutations}"), (text("seed", lang), h.seed)]
    m = result.moran
    rows.append(("Moran's I", f"I = {number(m.I, lang, 4)}, p = {number(m.p, lang, 4)}"))
    if result.gi is not None:
        g = result.gi
        rows.append((text("gi", lang), f"α = {number(g.alpha, lang, 3)}, {CORRECTION_NAMES[g.correction]}"))
    return [(k, str(x)) for k, x in rows]


def _join_rows(result: Any, lang: str) -> list[list[tuple[str, bool]]]:
    rows = []
    for position, j in enumerate(result.reports, start=1):
        counts = (j.n_areas, j.n_rows, len(j.matched), len(j.missing_data), len(j.no_boundary), len(j.duplicates))
        rows.append([(str(position), True), *((number(n, lang, 0), True) for n in counts)])
    return rows


def _uncertainty(result: Any, lang: str) -> str:
    u = result.uncertainty
    if u is None:
        return ""
    sens = u.sensitivity
    rows = [
        [(str(name), False), *((number(x, lang, 0 if float(x).is_integer() else 3), True) for x in row)]
        for name, row in sens.iterrows()
    ]
    intro = word("uncertainty_text", lang, replicates=len(u.choices), seed=u.seed)
    return f'<h2 id="uncertainty">{esc(word("uncertainty", lang))}</h2><p>{esc(intro)}</p>' + table(
        ["", *map(str, sens.columns)], rows
    )


def methods_body(result: Any, lang: str, *, config_toml: str) -> str:
    """The content of methods.html for ``result`` in ``lang`` (every text escaped)."""
    index = result.index
    weights = [
        [
            (name, False),
            (text("up" if index.spec.directions.get(name, 1) > 0 else "down", lang), False),
            (number(float(w), lang, 3), True),
        ]
        for name, w in index.weights.items()
    ]
    join_header = [
        text("table", lang),
        text("areas", lang),
        text("rows", lang),
        text("matched", lang),
        text("missing_data", lang),
        text("no_boundary", lang),
        text("duplicates", lang),
    ]
    audits = "".join(f"<pre>{esc(r.summary())}</pre>" for r in result.table_reports)
    joins = table(join_header, _join_rows(result, lang)) + "".join(
        f"<pre>{esc(r.summary())}</pre>" for r in result.reports
    )
    return (
        f"<h1>{esc(word('methods', lang))}</h1>"
        f'<h2 id="index">{esc(text("method", lang))}</h2>'
        + table(
            [text("choice", lang), word("formulas", lang)],
            [[(k, False), (f, False)] for k, f in _formula_rows(index, lang)],
        )
        + table([text("indicator", lang), text("direction", lang), text("weight", lang)], weights)
        + f'<h2 id="statistics">{esc(word("statistics", lang))}</h2>'
        + table(
            [text("choice", lang), text("value", lang)],
            [[(k, False), (x, False)] for k, x in _statistics_rows(result, lang)],
        )
        + f'<h2 id="inputs">{esc(text("inputs", lang))}</h2>{joins}'
        + (f'<h2 id="tables">{esc(word("table_audit", lang))}</h2>{audits}' if audits else "")
        + _uncertainty(result, lang)
        + f'<h2 id="config">{esc(word("config", lang))}</h2><pre>{esc(config_toml)}</pre>'
    )
