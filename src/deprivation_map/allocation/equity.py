"""Equity of an allocation: gaps against a baseline, Gini, concentration index and curve, shares to the most deprived.

Every measure is computed on the areas' amounts and, where a population is given, weighted by it (each
person counts once), following O'Donnell, van Doorslaer, Wagstaff and Lindelow (2008), *Analyzing Health
Equity Using Household Survey Data*, World Bank, chapters 6-8.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .. import _validation as v
from .._repr import html_repr, id_list
from ..errors import ValidationError, format_ids
from ..index.composite import rank_most_deprived
from ._need import by_id, population_weights

__all__ = ["BASELINES", "Equity", "assess_equity", "concentration_curve", "concentration_index", "gini"]


def _weights(values: ArrayLike, weights: ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(values, dtype="float64")
    p = np.ones_like(y) if weights is None else np.asarray(weights, dtype="float64")
    if y.shape != p.shape or not (np.isfinite(y).all() and np.isfinite(p).all()) or (p < 0).any():
        raise ValidationError("Values and weights must be finite arrays of the same length, weights >= 0.")
    return y, p


def gini(values: pd.Series | ArrayLike, weights: pd.Series | ArrayLike | None = None) -> float:
    r"""Gini coefficient of ``values``, each counted ``weights`` times (population weights).

    Parameters
    ----------
    values, weights : pandas.Series or array-like
        Series are paired by area ID (their IDs must match); arrays by position.

    Notes
    -----
    With :math:`y` sorted ascending, population shares :math:`s_k = p_k / \sum p` and the Lorenz ordinates
    :math:`L_k = \sum_{j \le k} p_j y_j / \sum_j p_j y_j`,

    .. math:: G = 1 - \sum_k s_k (L_{k-1} + L_k),

    the area between the diagonal and the Lorenz curve, doubled. It equals the mean absolute difference
    over twice the mean, :math:`\sum_{ij} p_i p_j |y_i - y_j| / (2 P^2 \mu)` (checked in the tests). NaN when
    the total is zero.

    Examples
    --------
    >>> round(gini([0, 0, 0, 1]), 4), round(gini([1, 3], weights=[3, 1]), 4)
    (0.75, 0.25)
    """
    y, p = _weights(*by_id(values=values, weights=weights))
    order = np.argsort(y, kind="stable")
    y, p = y[order], p[order]
    total = (p * y).sum()
    if total == 0 or p.sum() == 0:
        return float("nan")
    lorenz = np.concatenate([[0.0], np.cumsum(p * y) / total])
    return float(1.0 - ((p / p.sum()) * (lorenz[:-1] + lorenz[1:])).sum())


def _groups(rank_by: np.ndarray, p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Population and amount of each group of equal ``rank_by``, ascending."""
    keys, inverse = np.unique(rank_by, return_inverse=True)
    size = len(keys)
    return np.bincount(inverse, weights=p, minlength=size), np.bincount(inverse, weights=p * y, minlength=size)


def concentration_curve(
    values: pd.Series | ArrayLike, rank_by: pd.Series | ArrayLike, weights: pd.Series | ArrayLike | None = None
) -> pd.DataFrame:
    r"""The concentration curve of ``values`` against ``rank_by`` (ascending), tied areas taken together.

    Returns a frame with ``population_share`` (cumulative share of the weights, from the area with the
    least ``rank_by``) and ``allocation_share`` (cumulative share of :math:`\sum p_i y_i`), starting at
    (0, 0). Areas with equal ``rank_by`` form one segment, so the curve does not depend on their order.
    Below the diagonal: the amounts are concentrated where ``rank_by`` is high. Series are paired by area ID
    (their IDs must match), arrays by position.

    Examples
    --------
    >>> concentration_curve([1, 1, 2], rank_by=[1, 2, 3]).round(2).to_numpy().tolist()
    [[0.0, 0.0], [0.33, 0.25], [0.67, 0.5], [1.0, 1.0]]
    """
    values, rank_by, weights = by_id(values=values, rank_by=rank_by, weights=weights)
    y, p = _weights(values, weights)
    pop, amount = _groups(np.asarray(rank_by, dtype="float64"), p, y)
    shares = {}
    for name, part in (("population_share", pop), ("allocation_share", amount)):
        total = part.sum()
        shares[name] = np.concatenate([[0.0], np.cumsum(part) / total]) if total else np.full(len(part) + 1, np.nan)
    return pd.DataFrame(shares)


def concentration_index(
    values: pd.Series | ArrayLike, rank_by: pd.Series | ArrayLike, weights: pd.Series | ArrayLike | None = None
) -> float:
    r"""Concentration index of ``values`` against ``rank_by``; positive when they go where ``rank_by`` is high.

    Series are paired by area ID (their IDs must match), arrays by position.

    Notes
    -----
    With weights :math:`p_i` (shares :math:`s_i`), weighted mean :math:`\mu` and the fractional rank
    :math:`r_i` of area :math:`i` by ascending ``rank_by`` (the mid-point of its group of tied areas,
    :math:`r_i = \sum_{j: x_j < x_i} s_j + \tfrac12 \sum_{j: x_j = x_i} s_j`), the "convenient covariance"
    formula (O'Donnell et al. 2008, eq. 8.7) is

    .. math:: C = \frac{2}{\mu} \sum_i s_i (y_i - \mu)(r_i - \tfrac12) = 1 - 2\int_0^1 L(q)\,dq,

    where :math:`L` is the :func:`concentration_curve`; the two forms agree exactly (checked in the tests).
    :math:`C \in [-1, 1]`; 0 when every area gets the same per person.

    Examples
    --------
    >>> round(concentration_index([0, 0, 1], rank_by=[1, 2, 3]), 4)
    0.6667
    """
    values, rank_by, weights = by_id(values=values, rank_by=rank_by, weights=weights)
    y, p = _weights(values, weights)
    x = np.asarray(rank_by, dtype="float64")
    if p.sum() == 0:  # no population: no distribution to measure
        return float("nan")
    s = p / p.sum()
    mu = (s * y).sum()
    if mu == 0:
        return float("nan")
    keys, inverse = np.unique(x, return_inverse=True)
    group = np.bincount(inverse, weights=s, minlength=len(keys))
    rank = (np.cumsum(group) - group / 2)[inverse]
    return float(2.0 / mu * (s * (y - mu) * (rank - 0.5)).sum())


def _shown(value: float, sign: str = "") -> str:
    """A measure to 3 decimals, without the "-0.000" of a rounding error below zero."""
    return f"{round(value, 3) + 0.0:{sign}.3f}"


def _equal_per_capita(budget: float, population: pd.Series | None, ids: pd.Index) -> pd.Series:
    if population is None:
        raise ValidationError(
            "The baseline 'equal_per_capita' needs a population; pass population=... or baseline='equal'."
        )
    total = population.sum()
    if total <= 0:
        raise ValidationError("The baseline 'equal_per_capita' needs a positive total population.")
    return budget * population / total


def _equal(budget: float, population: pd.Series | None, ids: pd.Index) -> pd.Series:
    return pd.Series(budget / len(ids), index=ids)


BASELINES: dict[str, Callable[[float, pd.Series | None, pd.Index], pd.Series]] = {
    "equal_per_capita": _equal_per_capita,
    "equal": _equal,
}


@dataclass(frozen=True, eq=False)
class Equity:
    """Equity diagnostics of an allocation against a baseline, one row per area plus summary measures.

    Attributes
    ----------
    amounts, baseline, gap : pandas.Series
        The allocation, the baseline and ``amounts - baseline`` (negative: below the baseline).
    gap_per_capita : pandas.Series
        ``gap / population``; NaN where there is no population.
    most_deprived, hotspot : pandas.Series of bool
        In the most deprived decile of need; in a High-High cluster (all False when no hotspots were given).
    gini, concentration, share_most_deprived, share_hotspots : float
        Of the allocation; the same measures of the baseline end in ``_baseline``.
    curve : pandas.DataFrame
        The concentration curve of the allocation against need, with the baseline's beside it.
    underfunded_hotspots : pandas.Index
        High-High areas below the baseline, most under-funded per person first.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> alloc = dm.allocate(gdf["PctPov"], 1_000_000, population=gdf["TotPop90"])
    >>> eq = alloc.equity  # against the default baseline: the same amount per person everywhere
    >>> eq.baseline_name, round(eq.concentration_baseline, 9) + 0.0, round(eq.gini_baseline, 9)
    ('equal_per_capita', 0.0, 0.0)
    >>> pc, people = alloc.per_capita, gdf["TotPop90"]
    >>> bool(abs(eq.gini - dm.gini(pc, weights=people)) < 1e-12)  # Gini of the amount per person
    True
    >>> bool(abs(eq.concentration - dm.concentration_index(pc, rank_by=gdf["PctPov"], weights=people)) < 1e-12)
    True
    >>> eq.summary().index.tolist()
    ['gini', 'concentration', 'share_most_deprived', 'share_hotspots']
    """

    amounts: pd.Series
    baseline: pd.Series
    gap: pd.Series
    gap_per_capita: pd.Series
    most_deprived: pd.Series
    hotspot: pd.Series
    gini: float
    gini_baseline: float
    concentration: float
    concentration_baseline: float
    share_most_deprived: float
    share_most_deprived_baseline: float
    share_hotspots: float
    share_hotspots_baseline: float
    curve: pd.DataFrame
    underfunded_hotspots: pd.Index
    baseline_name: str

    def to_frame(self) -> pd.DataFrame:
        """Per area: baseline, gap, gap per person, and the most-deprived / hotspot / under-funded flags.

        The amounts themselves are in :meth:`Allocation.to_frame`, so the two frames join without clashes.
        """
        return pd.DataFrame(
            {
                "baseline": self.baseline,
                "gap": self.gap,
                "gap_per_capita": self.gap_per_capita,
                "most_deprived": self.most_deprived,
                "hotspot": self.hotspot,
                "underfunded_hotspot": self.amounts.index.isin(self.underfunded_hotspots),
            }
        )

    def summary(self) -> pd.DataFrame:
        """The summary measures, one row each, for the allocation and the baseline."""
        names = ("gini", "concentration", "share_most_deprived", "share_hotspots")
        return pd.DataFrame(
            {
                "allocation": [getattr(self, n) for n in names],
                "baseline": [getattr(self, f"{n}_baseline") for n in names],
            },
            index=pd.Index(names, name="measure"),
        )

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "baseline": self.baseline_name,
                "areas": len(self.amounts),
                "areas in the most deprived decile": int(self.most_deprived.sum()),
                "hotspot areas": int(self.hotspot.sum()),
                "under-funded hotspots": id_list(self.underfunded_hotspots),
            },
            tables={"summary()": self.summary()},
            frame=self.to_frame(),
        )

    def __repr__(self) -> str:
        return (
            f"Equity(vs {self.baseline_name}: Gini {_shown(self.gini)} ({_shown(self.gini_baseline)}), "
            f"concentration {_shown(self.concentration, '+')} ({_shown(self.concentration_baseline, '+')}), "
            "most deprived decile "
            f"{self.share_most_deprived:.1%}; {len(self.underfunded_hotspots)} under-funded hotspots)"
        )


def _baseline(baseline, budget: float, population: pd.Series | None, ids: pd.Index) -> tuple[pd.Series, str]:
    if isinstance(baseline, str):
        return v.lookup(BASELINES, baseline, what="baseline")(budget, population, ids).astype("float64"), baseline
    values = v.align(baseline, ids, what="The baseline", against="the allocation", fix="Give a value for every area.")
    v.require_numeric(values.to_frame("baseline"), ["baseline"], what="The baseline")
    if values.isna().any():
        raise ValidationError(
            f"The baseline has no value for {format_ids(values.index[values.isna()])}; "
            "give current spending for every area (0 where there is none)."
        )
    return values.astype("float64"), "current spending"


def _amounts(amounts: pd.Series) -> tuple[pd.Index, pd.Series]:
    if not isinstance(amounts, pd.Series):
        raise ValidationError(f"amounts must be a pandas Series by area ID, got {type(amounts).__name__}.")
    v.require_unique_ids(amounts.index, what="The amounts")
    v.require_numeric(amounts.to_frame("amount"), ["amount"], what="The amounts")
    bad = ~np.isfinite(amounts.to_numpy(dtype="float64", na_value=np.nan))
    if bad.any():
        raise ValidationError(f"The amounts are missing or infinite for {format_ids(amounts.index[bad])}.")
    amounts = amounts.astype("float64").set_axis(amounts.index.astype(str))
    return amounts.index, amounts


def _flag(mask: pd.Series | None, ids: pd.Index, what: str) -> pd.Series:
    if mask is None:
        return pd.Series(False, index=ids)
    return v.align(mask, ids, what=what, against="the allocation", fix="Give a flag for every area.").astype(bool)


def _measures(y: pd.Series, need: pd.Series, population: pd.Series | None, flags: dict[str, pd.Series]) -> dict:
    """The summary measures of one allocation ``y``, and its concentration curve."""
    p = np.ones(len(y)) if population is None else population.to_numpy(dtype="float64")
    per = np.divide(y.to_numpy(dtype="float64"), p, out=np.zeros(len(y)), where=p > 0)
    ranked = need.notna().to_numpy()
    total = y.sum()
    return {
        "gini": gini(per, p),
        "concentration": concentration_index(per[ranked], need.to_numpy()[ranked], p[ranked]),
        **{f"share_{k}": float(y[m].sum() / total) if total else float("nan") for k, m in flags.items()},
        "curve": concentration_curve(per[ranked], need.to_numpy()[ranked], p[ranked]),
    }


def assess_equity(
    amounts: pd.Series,
    need: pd.Series,
    *,
    population: pd.Series | None = None,
    baseline: str | pd.Series | None = None,
    most_deprived: pd.Series | None = None,
    hotspot: pd.Series | None = None,
) -> Equity:
    r"""Equity diagnostics of ``amounts`` (by area ID) against ``need`` and a baseline.

    Parameters
    ----------
    amounts, need : pandas.Series
        By area ID. Areas with no need are left out of the concentration index and curve.
    population : pandas.Series, optional
        Weights every measure by people; without it every area counts once and "per capita" is per area.
    baseline : {"equal_per_capita", "equal"} or pandas.Series, optional
        What the allocation is compared with: the same budget shared equally per person (the default when
        there is a population, not all zero) or per area (the default otherwise), or the current spending per
        area.
    most_deprived, hotspot : pandas.Series of bool, optional
        The most deprived decile (by default, decile 1 of ``need``) and the High-High areas.

    Notes
    -----
    Per area, :math:`\text{gap}_i = a_i - b_i`. The Gini coefficient (:func:`gini`) is that of the
    amounts per person, weighted by population; the concentration index (:func:`concentration_index`) ranks
    areas by need, so it is positive when the budget goes where need is higher. An under-funded hotspot is a
    High-High area with :math:`a_i < b_i`. Areas with no population carry no weight in the Gini and
    concentration measures (there is nobody to count), but their amounts count in the shares.

    Examples
    --------
    >>> import pandas as pd
    >>> eq = assess_equity(pd.Series([10.0, 30.0], index=["a", "b"]), pd.Series([1.0, 3.0], index=["a", "b"]))
    >>> eq.gap.tolist(), round(eq.concentration, 3)
    ([-10.0, 10.0], 0.25)
    """
    ids, amounts = _amounts(amounts)
    need = v.align(need, ids, what="The need", against="the allocation", fix="Give a need for every area.")
    v.require_numeric(need.to_frame("need"), ["need"], what="The need")
    population = population_weights(population, ids, against="the allocation")
    if baseline is None:
        baseline = "equal_per_capita" if population is not None and population.sum() > 0 else "equal"
    base, name = _baseline(baseline, float(amounts.sum()), population, ids)
    if most_deprived is None:
        most_deprived = (rank_most_deprived(need)["decile"] == 1).fillna(False)
    flags = {"most_deprived": _flag(most_deprived, ids, "most_deprived"), "hotspots": _flag(hotspot, ids, "hotspot")}
    gap = amounts - base
    gap_pc = gap / population.where(population > 0) if population is not None else pd.Series(np.nan, index=ids)
    under = flags["hotspots"] & (gap < 0)
    key = (gap_pc if population is not None else gap)[under]
    underfunded = pd.Index(key.sort_index(kind="stable").sort_values(kind="stable").index, name=ids.name)
    ours, theirs = _measures(amounts, need, population, flags), _measures(base, need, population, flags)
    curve = ours.pop("curve").assign(baseline_share=theirs.pop("curve")["allocation_share"])
    return Equity(
        amounts=amounts,
        baseline=base.rename("baseline"),
        gap=gap.rename("gap"),
        gap_per_capita=gap_pc.rename("gap_per_capita"),
        most_deprived=flags["most_deprived"],
        hotspot=flags["hotspots"],
        curve=curve,
        underfunded_hotspots=underfunded,
        baseline_name=name,
        **ours,
        **{f"{k}_baseline": val for k, val in theirs.items()},
    )
