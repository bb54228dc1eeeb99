"""An index comparable over time: pooled or reference-year normalisation, ranks, mobility and change.

Ranks and deciles per year, decile mobility, persistently deprived areas, and change with its uncertainty.

A change in a score normalised within each year is partly a change in that year's reference (its mean, its
spread); normalised against one reference year, or over all years pooled (COINr's panel options), the scale
is the same every year, so a change in score is a change in the area. Ranks and deciles are per year (1 =
most deprived, as :func:`~deprivation_map.index.composite.rank_most_deprived`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy.special import ndtri

from ..errors import ValidationError, format_ids
from ..io.panel import check_panel
from .composite import build_index, rank_most_deprived
from .normalise import Normaliser, normalise
from .spec import IndexSpec

__all__ = [
    "normalise_panel",
    "panel_change",
    "panel_index",
    "panel_ranks",
    "mobility",
    "persistently_deprived",
]

_SEP = "\x1f"  # joins period and area ID in a pooled frame; never found in a real ID


def _stack(tables: Mapping[object, pd.DataFrame], columns) -> pd.DataFrame:
    if len(tables) < 2:
        raise ValidationError(f"A panel index needs tables for at least 2 periods, got {len(tables)}.")
    parts = []
    for k, (period, table) in enumerate(tables.items()):
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise ValidationError(f"The table of period {period!r} lacks columns {format_ids(missing)}.")
        part = table[list(columns)].copy()
        part.index = [f"{k}{_SEP}{i}" for i in table.index.astype(str)]
        parts.append(part)
    return pd.concat(parts)


def _split(stacked: pd.DataFrame | pd.Series, tables: Mapping[object, pd.DataFrame]) -> dict:
    out = {}
    for k, (period, table) in enumerate(tables.items()):
        part = stacked.loc[[f"{k}{_SEP}{i}" for i in table.index.astype(str)]]
        part.index = table.index.astype(str)
        out[period] = part
    return out


def _affine(raw: pd.DataFrame, scaled: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    """Slope and intercept of each column's ``scaled = a + b raw`` map, refusing a normaliser that is not affine."""
    b = scaled.std() / raw.std()
    b = b.where(np.sign(((raw - raw.mean()) * (scaled - scaled.mean())).sum()) >= 0, -b)
    a = scaled.mean() - b * raw.mean()
    if not np.allclose(a + raw * b, scaled, equal_nan=True):
        raise ValidationError(
            f"Normalisation {name!r} is not a linear rescaling, so it cannot be applied with one reference year's "
            "parameters to other years. Use reference='pooled', or an affine normaliser ('zscore', 'minmax')."
        )
    return a, b


def normalise_panel(
    tables: Mapping[object, pd.DataFrame],
    method: Normaliser = "zscore",
    *,
    reference: object = "pooled",
    directions: Mapping[str, int] | None = None,
) -> dict[object, pd.DataFrame]:
    r"""Normalise indicator tables of several periods on one scale.

    Parameters
    ----------
    tables : mapping
        ``{period: DataFrame}``, each indexed by area ID with the same indicator columns.
    method : str or (str, dict)
        A normaliser of :data:`~deprivation_map.index.normalise.NORMALISERS`.
    reference : "pooled" or a period
        ``"pooled"``: the normaliser's parameters from all periods together (COINr's global normalisation);
        a period: from that period alone, applied to the others (only for linear rescalings such as
        ``"zscore"`` and ``"minmax"``; a value beyond the reference year's range goes beyond its scale).
    directions : mapping, optional
        Passed to the normaliser (goalposts).

    Notes
    -----
    Pooled z-scores: :math:`y_{it} = (x_{it} - \bar x)/s` with :math:`\bar x, s` over every area and period.
    Against reference year :math:`r`: :math:`y_{it} = (x_{it} - \bar x_r)/s_r`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = {2001: pd.DataFrame({"x": [1.0, 3.0]}, index=["a", "b"]), 2011: pd.DataFrame({"x": [3.0, 5.0]}, index=["a", "b"])}
    >>> normalise_panel(t, "minmax", reference=2001)[2011]["x"].tolist()  # 2001's min 1 and max 3
    [1.0, 2.0]
    >>> normalise_panel(t, "minmax")[2011]["x"].tolist()  # pooled: min 1, max 5
    [0.5, 1.0]
    """
    columns = list(next(iter(tables.values())).columns)
    if isinstance(reference, str) and reference == "pooled":
        stacked = _stack(tables, columns)
        return _split(normalise(stacked, method, directions=directions), tables)
    if reference not in tables:
        raise ValidationError(f"reference must be 'pooled' or one of the periods {list(tables)}, got {reference!r}.")
    raw = tables[reference][columns].astype(float)
    name = method if isinstance(method, str) else method[0]
    a, b = _affine(raw, normalise(raw, method, directions=directions), name)
    return {period: a + table[columns].astype(float) * b for period, table in tables.items()}


def panel_index(
    tables: Mapping[object, pd.DataFrame],
    spec: IndexSpec | Mapping[str, object],
    **options: Any,
) -> pd.DataFrame:
    """Scores of one composite index over several periods, normalised over all periods pooled.

    Every period's rows are stacked and :func:`~deprivation_map.index.composite.build_index` runs once on
    them (so normalisation, weights and aggregation are shared by all periods); the scores are returned as a
    panel. ``options`` are those of ``build_index``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = {2001: pd.DataFrame({"x": [1.0, 3.0], "y": [2.0, 2.5]}, index=["a", "b"]),
    ...      2011: pd.DataFrame({"x": [3.0, 5.0], "y": [2.0, 3.0]}, index=["a", "b"])}
    >>> panel = panel_index(t, {"x": 1, "y": 1}, normalise="minmax")
    >>> panel.round(3).to_dict("list")  # each indicator scaled 0-1 over both years, then the mean
    {2001: [0.0, 0.5], 2011: [0.25, 1.0]}
    """
    columns = list(next(iter(tables.values())).columns)
    index = build_index(_stack(tables, columns), spec, **options)
    return check_panel(pd.DataFrame(_split(index.score, tables)))


def panel_ranks(panel: pd.DataFrame, *, classes: Literal["rank", "decile", "quintile"] = "decile") -> pd.DataFrame:
    """Rank, decile or quintile of every area in every period (1 = most deprived; higher score = more deprived).

    Examples
    --------
    >>> import pandas as pd
    >>> panel_ranks(pd.DataFrame({1: [3.0, 1.0, 2.0], 2: [1.0, 2.0, 3.0]}, index=list("abc")), classes="rank")
       1  2
    a  1  3
    b  3  2
    c  2  1
    """
    if classes not in ("rank", "decile", "quintile"):
        raise ValidationError(f"classes must be 'rank', 'decile' or 'quintile', got {classes!r}.")
    panel = check_panel(panel, min_periods=1)
    return pd.DataFrame({period: rank_most_deprived(panel[period])[classes] for period in panel.columns})


def mobility(
    panel: pd.DataFrame, start: object, end: object, *, classes: Literal["decile", "quintile"] = "decile"
) -> pd.DataFrame:
    """Mobility matrix: how many areas moved from each decile (rows, at ``start``) to each decile (columns, at ``end``).

    Areas without a class in either period are counted in no cell; the total says how many were.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({1: [5.0, 4, 3, 2, 1], 2: [4.0, 5, 3, 2, 1]}, index=list("abcde"))
    >>> mobility(panel, 1, 2, classes="quintile").to_numpy().diagonal().tolist()  # a and b swapped
    [0, 0, 1, 1, 1]
    """
    ranks = panel_ranks(panel[[start, end]], classes=classes)
    q = 10 if classes == "decile" else 5
    levels = pd.Index(range(1, q + 1))
    table = pd.crosstab(ranks[start], ranks[end]).reindex(index=levels, columns=levels, fill_value=0)
    return table.rename_axis(index=f"{classes} {start}", columns=f"{classes} {end}")


def persistently_deprived(panel: pd.DataFrame, *, classes: Literal["decile", "quintile"] = "decile") -> pd.Series:
    """Areas in the most deprived decile (or quintile) at every period (Wales's "deep-rooted" deprivation).

    Returns a boolean Series over every area; an area without a class in some period is never persistent.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({1: [5.0, 4, 3, 2, 1], 2: [4.0, 5, 3, 2, 1]}, index=list("abcde"))
    >>> persistently_deprived(panel, classes="quintile").tolist()
    [False, False, False, False, False]
    >>> persistently_deprived(pd.DataFrame({1: panel[1], 2: panel[1]}), classes="quintile").tolist()  # a stays at the top
    [True, False, False, False, False]
    """
    ranks = panel_ranks(panel, classes=classes)
    return ranks.eq(1).fillna(False).all(axis=1).rename(f"most deprived {classes} at every period")


def panel_change(
    panel: pd.DataFrame,
    start: object,
    end: object,
    *,
    standard_errors: pd.DataFrame | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    r"""Change of each area's score between two periods, with its interval where the scores have standard errors.

    Parameters
    ----------
    panel : pandas.DataFrame
        Scores (area ID x period), on a scale comparable over time (:func:`panel_index`).
    standard_errors : pandas.DataFrame, optional
        The standard error of each score (same shape), e.g. the spread of
        :func:`~deprivation_map.uncertainty`'s replicates in each period.

    Notes
    -----
    :math:`\Delta_i = y_{i,\text{end}} - y_{i,\text{start}}`; with independent errors
    :math:`\text{se}(\Delta_i) = \sqrt{\text{se}_{i,\text{start}}^2 + \text{se}_{i,\text{end}}^2}`, the interval
    :math:`\Delta_i \pm z_{(1+\text{level})/2}\,\text{se}(\Delta_i)`; ``significant`` where it excludes 0.
    Without standard errors those columns are missing, never guessed.

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame({1: [1.0, 2.0], 2: [3.0, 2.1]}, index=["a", "b"])
    >>> se = pd.DataFrame({1: [0.5, 0.5], 2: [0.5, 0.5]}, index=["a", "b"])
    >>> panel_change(panel, 1, 2, standard_errors=se)["significant"].tolist()
    [True, False]
    """
    panel = check_panel(panel, min_periods=1)
    delta = panel[end] - panel[start]
    out = pd.DataFrame({"change": delta})
    if standard_errors is None:
        out["se"] = np.nan
    else:
        se = standard_errors.reindex(index=panel.index)
        out["se"] = np.sqrt(se[start] ** 2 + se[end] ** 2)
    z = ndtri((1 + level) / 2)
    out["low"], out["high"] = delta - z * out["se"], delta + z * out["se"]
    out["significant"] = ((out["low"] > 0) | (out["high"] < 0)).where(out["se"].notna())
    return out
