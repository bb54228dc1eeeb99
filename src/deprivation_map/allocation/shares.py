"""Needs-based allocation: share a budget across areas by need, with floors, caps and exact sums.

Every allocation is computed in integer minor units (cents with ``decimals=2``, whole places with
``units=True``) in a canonical order (areas sorted by ID), then returned in the input's order: the amounts
sum exactly to the budget, ties go to the area whose ID sorts first, and the result does not depend on the
order of the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids
from ..index.composite import DeprivationIndex, rank_most_deprived
from ._apportion import minor_total, solve
from ._need import DIRECTIONS, MISSING, NEGATIVE, need_policies, need_values, population_weights
from .equity import Equity, assess_equity

__all__ = ["DIRECTIONS", "METHODS", "MISSING", "NEGATIVE", "Allocation", "allocate"]

BOUNDS = ("proportional", "floor", "cap", "floor_only", "excluded")


@dataclass(frozen=True)
class _Inputs:
    """The canonical (ID-sorted) arrays a method turns into weights."""

    need: np.ndarray  # after the negative-need policy; 0 where excluded
    raw_need: pd.Series  # oriented (higher = more need), before the negative policy, by ID (for thresholds)
    people: np.ndarray  # population, or ones when there is none
    decile: pd.Series
    hotspot: pd.Series | None
    direction: int


def _proportional(x: _Inputs, option: object) -> np.ndarray:
    return x.need * x.people


def _progressive(x: _Inputs, power: object) -> np.ndarray:
    if isinstance(power, bool) or not isinstance(power, Real) or not np.isfinite(power) or power <= 0:  # type: ignore[call-overload]  # numbers.Real is not in NumPy's stubs
        raise ValidationError(f"power must be a positive number (2 squares the need), got {power!r}.")
    return x.need ** float(power) * x.people


def _eligible(x: _Inputs, threshold: object) -> np.ndarray:
    if threshold == "decile":
        return (x.decile == 1).fillna(False).to_numpy(dtype=bool)
    if threshold == "hotspots":
        if x.hotspot is None:
            raise ValidationError("threshold='hotspots' needs hotspots=... (a Hotspots result or its labels).")
        return x.hotspot.to_numpy(dtype=bool)
    if isinstance(threshold, Real) and not isinstance(threshold, bool) and np.isfinite(threshold):  # type: ignore[call-overload]  # numbers.Real is not in NumPy's stubs
        return (x.raw_need >= x.direction * threshold).fillna(False).to_numpy(dtype=bool)
    raise ValidationError(
        f"threshold must be 'decile' (the most deprived 10 % of areas), 'hotspots' (High-High areas) or a "
        f"number (areas whose need is at least that), got {threshold!r}."
    )


def _threshold(x: _Inputs, threshold: object) -> np.ndarray:
    return np.where(_eligible(x, threshold), x.need * x.people, 0.0)


# name -> (weights function, its option's name, the option's default)
METHODS: dict[str, tuple[Callable[[_Inputs, object], np.ndarray], str | None, object]] = {
    "proportional": (_proportional, None, None),
    "progressive": (_progressive, "power", 2.0),
    "threshold": (_threshold, "threshold", "decile"),
}


def _zero_weight_reason(method: str, parameters: Mapping[str, object]) -> str:
    """Why areas can have no weight under these options (for the summary)."""
    reasons = {
        "clip": "a negative need counted as 0 under negative='clip'",
        "shift": "the lowest need, shifted to 0 under negative='shift'",
    }
    found = [reasons.get(str(parameters["negative"]), "a need of 0")]
    if method == "threshold":
        found.append(f"or below threshold={parameters['threshold']!r}")
    return " ".join(found)


@dataclass(frozen=True, eq=False)
class Allocation:
    """A budget shared across areas, indexed by area ID in the order of the need given.

    Attributes
    ----------
    amounts : pandas.Series
        What each area receives: float64 rounded to ``decimals``, or int64 with ``units=True``.
    minor_units : pandas.Series of int64
        The amounts in minor units (``amounts * 10**decimals``); they sum exactly to the budget's.
    shares : pandas.Series
        ``amounts / budget``.
    per_capita : pandas.Series
        ``amounts / population``; NaN where there is no population (or none was given).
    need, population, weights : pandas.Series
        The need as given (before ``direction``), the population (None if not given) and the weight each
        area's share is proportional to (after the direction, the method and the negative-need policy).
    bound : pandas.Series of category
        ``"proportional"``, ``"floor"`` or ``"cap"`` (where a bound held), ``"floor_only"`` (no weight under
        the method or the negative policy: the area receives the floor and nothing else; see
        :attr:`floor_only`) or ``"excluded"`` (no need, ``missing="exclude"``).
    equity : Equity
        Diagnostics against the default baseline; :meth:`against` compares with another.
    budget : decimal.Decimal
    method : str
    parameters : Mapping[str, object]
        Every option the amounts depend on.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> alloc = dm.allocate(gdf["PctPov"], 1_000_000, population=gdf["TotPop90"], floor=2_000)
    >>> int(alloc.minor_units.sum()), float(alloc.amounts.min())  # exactly the budget, in cents; the floor holds
    (100000000, 2000.0)
    >>> free = alloc.bound == "proportional"  # the others are held at the floor
    >>> ratio = alloc.amounts[free] / alloc.weights[free]  # amount / (need x population): one rate, up to the cent
    >>> bool(ratio.max() / ratio.min() - 1 < 1e-4), int((alloc.bound == "floor").sum())
    (True, 43)
    >>> alloc.to_frame().columns.tolist()
    ['need', 'population', 'weight', 'amount', 'share', 'per_capita', 'bound']
    """

    amounts: pd.Series
    minor_units: pd.Series
    shares: pd.Series
    per_capita: pd.Series
    need: pd.Series
    population: pd.Series | None
    weights: pd.Series
    bound: pd.Series
    equity: Equity
    budget: Decimal
    method: str
    parameters: Mapping[str, Any]

    @property
    def floor_only(self) -> pd.Index:
        """The areas funded by the floor alone: their need gives them no weight (bound ``"floor_only"``)."""
        return self.amounts.index[(self.bound == "floor_only").to_numpy()]

    def summary(self) -> str:
        """A few lines for people: the budget, the method and options, the bounds that held, the equity."""
        p = self.parameters
        direction = f"need {DIRECTIONS[p['direction']]} (direction={p['direction']:+d})"
        policies = f"negative={p['negative']!r}, missing={p['missing']!r}"
        lines = [f"{self.budget} over {len(self.amounts)} areas, {self.method}, {direction}, {policies}"]
        held = self.bound.value_counts(sort=False)
        lines.append("  areas: " + ", ".join(f"{n} {k}" for k, n in held.items() if n))
        if len(self.floor_only):
            lines.append(
                f"  {len(self.floor_only)} areas are funded only by the floor, their weight being 0 "
                f"({_zero_weight_reason(self.method, p)}): {format_ids(self.floor_only)}"
            )
        return "\n".join([*lines, f"  {self.equity!r}"])

    def against(self, baseline: str | pd.Series) -> Equity:
        """Equity diagnostics against ``baseline``: "equal_per_capita", "equal" or current spending by area."""
        return assess_equity(
            self.amounts.astype("float64"),
            self.need * self.parameters["direction"],
            population=self.population,
            baseline=baseline,
            most_deprived=self.equity.most_deprived,
            hotspot=self.equity.hotspot,
        )

    def to_frame(self) -> pd.DataFrame:
        """Per area: need, population, weight, amount, share, per_capita and bound."""
        return pd.DataFrame(
            {
                "need": self.need,
                "population": self.population if self.population is not None else np.nan,
                "weight": self.weights,
                "amount": self.amounts,
                "share": self.shares,
                "per_capita": self.per_capita,
                "bound": self.bound,
            }
        )

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "budget": self.budget,
                "method": self.method,
                "areas": len(self.amounts),
                **{k: val for k, val in self.parameters.items() if not isinstance(val, pd.Series)},
            },
            counts=self.bound.value_counts(sort=False),
            counts_caption="Areas per bound",
            counts_head=("bound", "areas"),
            tables={f"equity vs {self.equity.baseline_name}": self.equity.summary()},
            frame=self.to_frame(),
        )

    def __repr__(self) -> str:
        held = self.bound.value_counts()
        bounds = ", ".join(f"{held[k]} at {k}" for k in ("floor", "cap") if held.get(k, 0))
        if held.get("floor_only", 0):
            bounds += (", " if bounds else "") + f"{held['floor_only']} floor only"
        return (
            f"Allocation({self.budget} over {len(self.amounts)} areas, {self.method}"
            + (f"; {bounds}" if bounds else "")
            + f"; concentration {self.equity.concentration:+.3f})"
        )


def _hotspot_mask(hotspots: object, ids: pd.Index) -> pd.Series | None:
    """True for High-High areas, from a Hotspots result, its labels, or a boolean Series."""
    if hotspots is None:
        return None
    labels = getattr(hotspots, "labels", hotspots)
    labels = v.align(labels, ids, what="The hotspots", against="the need", fix="Compute them on the same areas.")
    mask = labels if pd.api.types.is_bool_dtype(labels) else labels.astype(object) == "High-High"
    return mask.astype(bool).rename("hotspot")


def _decimals(decimals: int | None, units: bool) -> int:
    """The minor unit's number of decimals: 2 by default, 0 (whole units) with ``units``."""
    if units and decimals not in (None, 0):
        raise ValidationError(f"units=True allocates whole units: decimals must be 0 or left out, got {decimals!r}.")
    return v.require_int((0 if units else 2) if decimals is None else decimals, what="decimals", minimum=0)


def _option(method: str, name: str | None, default: object, given: dict[str, object]) -> object:
    """The value of the method's one option; refuses an option the method does not take."""
    stray = [k for k, val in given.items() if val is not None and k != name]
    if stray:
        takes = f"takes {name}=..." if name else "takes no option"
        raise ValidationError(f"method={method!r} {takes}; {', '.join(stray)} does not apply to it.")
    return default if name is None or given.get(name) is None else given[name]


def allocate(
    need: pd.Series | DeprivationIndex,
    budget: float | int | Decimal,
    *,
    population: pd.Series | None = None,
    method: str = "proportional",
    floor: float | pd.Series = 0,
    cap: float | pd.Series | None = None,
    units: bool = False,
    decimals: int | None = None,
    power: float | None = None,
    threshold: float | str | None = None,
    hotspots: object = None,
    direction: int = 1,
    negative: str = "raise",
    missing: str = "raise",
    baseline: str | pd.Series | None = None,
) -> Allocation:
    r"""Share ``budget`` across areas in proportion to need, between floors and caps, summing exactly.

    Parameters
    ----------
    need : pandas.Series or DeprivationIndex
        Need by area ID: a score, a rate or a count (higher = more need, unless ``direction=-1``). A
        DeprivationIndex gives its score and its deciles.
    budget : number
        The total to share, ``>= 0``. A float is read as its shortest decimal (``0.1`` is ``Decimal("0.1")``).
    population : pandas.Series, optional
        By area ID, aligned by ID. Multiplies the need (need per person x people) and gives ``per_capita``.
    method : {"proportional", "progressive", "threshold"}
        The weight :math:`w_i` each area's share is proportional to (see Notes).
    floor, cap : number or pandas.Series, optional
        The least and most an area may receive (a Series by area ID for per-area bounds, where a missing
        value means no bound there). What caps remove goes to the other areas in proportion to their
        weights. Floors are rounded up and caps down to whole minor units.
    units : bool
        Indivisible units (places, staff): whole amounts (int64); the budget must be a whole number.
    decimals : int, optional
        The currency's minor unit: amounts are multiples of :math:`10^{-d}` (default 2, or 0 with ``units``).
    power : float, optional
        ``method="progressive"``: the exponent (default 2).
    threshold : {"decile", "hotspots"} or float, optional
        ``method="threshold"``: only the most deprived decile of need (default), the High-High areas of
        ``hotspots``, or the areas whose need is at least the number receive a share.
    hotspots : Hotspots or pandas.Series, optional
        A :func:`local_moran` result or its labels (or a boolean Series): the High-High areas, for
        ``threshold="hotspots"`` and the equity diagnostics.
    direction : {1, -1}
        Which way the need runs, as an indicator's direction in an index: ``1`` (default) when higher values
        mean more need, ``-1`` when lower values do (a population change, an income): the need used is then
        :math:`-n_i`, and a numeric ``threshold`` selects the areas at or below it.
    negative : {"raise", "shift", "clip"}
        Negative needs (after ``direction``) are refused by default, asking first which way the need runs;
        ``"shift"`` subtracts the lowest need, ``"clip"`` counts them as zero (those areas get only the floor:
        bound ``"floor_only"``, listed in :attr:`Allocation.floor_only` and :meth:`Allocation.summary`).
    missing : {"raise", "exclude"}
        Areas with no need are refused by default; ``"exclude"`` gives them nothing (no floor either).
    baseline : {"equal_per_capita", "equal"} or pandas.Series, optional
        What :attr:`Allocation.equity` compares with; see :func:`assess_equity`.

    Returns
    -------
    Allocation
        Indexed like ``need``, in the same order.

    Notes
    -----
    With need :math:`n_i \ge 0` (after the negative policy), population :math:`p_i` (1 without one) and
    eligibility :math:`e_i \in \{0, 1\}`, the weights are :math:`w_i = n_i p_i` (``"proportional"``),
    :math:`w_i = n_i^{\gamma} p_i` (``"progressive"``, :math:`\gamma` = ``power``) and :math:`w_i = e_i n_i p_i`
    (``"threshold"``). The exact shares solve

    .. math:: x_i = \min\bigl(u_i, \max(l_i, \lambda w_i)\bigr), \qquad \sum_i x_i = B,

    the fixed point of "cap, redistribute the excess to the uncapped areas in proportion, repeat" (see
    :func:`deprivation_map.allocation._apportion.water_fill`); without bounds :math:`x_i = B w_i / \sum_j w_j`.
    Areas with no weight receive their floor. Infeasible bounds (:math:`\sum l > B`, :math:`\sum u < B`,
    :math:`l_i > u_i`) are refused.

    Exact sums: :math:`B` and the bounds are converted to integer minor units (:math:`10^{-d}`; floors
    rounded up, caps down) and :math:`x` is rounded by the largest-remainder method, in integers: every
    area gets :math:`\lfloor x_i \rfloor` and the units left over go one each to the largest remainders,
    ties to the area whose ID sorts first. So ``minor_units.sum() == B * 10**d`` exactly, and each float
    amount is the double nearest to its decimal value (it prints as that decimal).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> alloc = dm.allocate(gdf["PctPov"], 1_000_000, population=gdf["TotPop90"], cap=60_000)
    >>> int(alloc.minor_units.sum()), float(alloc.amounts.max()), alloc.amounts.index.equals(gdf.index)
    (100000000, 60000.0, True)
    """
    score, decile = need_values(need, direction)
    func, name, default = v.lookup(METHODS, method, what="allocation method")
    option = _option(method, name, default, {"power": power, "threshold": threshold})
    decimals = _decimals(decimals, units)
    exact, total = minor_total(budget, decimals)
    ids = score.index
    canon = ids[np.argsort(ids.to_numpy(dtype=str), kind="stable")]
    people, hot = population_weights(population, ids, against="the need"), _hotspot_mask(hotspots, ids)
    decile = decile if decile is not None else rank_most_deprived(score)["decile"]
    used, absent = need_policies(score.reindex(canon), negative, missing, direction=direction)
    inputs = _Inputs(
        need=used,
        raw_need=score.reindex(canon),
        people=np.ones(len(ids)) if people is None else people.reindex(canon).to_numpy(),
        decile=decile.reindex(canon),
        hotspot=None if hot is None else hot.reindex(canon),
        direction=direction,
    )
    weights = np.where(absent, 0.0, func(inputs, option))
    minor, label = solve(weights, absent, floor, cap, canon, 10**decimals, total)
    back = lambda values, name: pd.Series(values, index=canon, name=name).reindex(ids)  # noqa: E731
    minor = back(minor, "minor_units")
    amounts = minor.rename("amount") if units else (minor / 10**decimals).rename("amount")
    per = amounts / people.where(people > 0) if people is not None else pd.Series(np.nan, index=ids)
    equity = assess_equity(
        amounts.astype("float64"),
        score,
        population=people,
        baseline=baseline,
        most_deprived=(decile == 1).fillna(False).astype(bool),
        hotspot=hot,
    )
    by_area = lambda value: value if value is None or np.isscalar(value) else "by area"  # noqa: E731
    parameters = {
        "method": method,
        **({name: option} if name else {}),
        "floor": by_area(floor),
        "cap": by_area(cap),
        "units": units,
        "decimals": decimals,
        "direction": direction,
        "negative": negative,
        "missing": missing,
        "hotspots": hot is not None,
    }
    return Allocation(
        amounts=amounts,
        minor_units=minor,
        shares=(minor / total if total else minor * 0.0).rename("share"),
        per_capita=per.rename("per_capita"),
        need=(score * direction).rename("need"),
        population=people,
        weights=back(weights, "weight"),
        bound=back(label, "bound").astype(pd.CategoricalDtype(list(BOUNDS))),
        equity=equity,
        budget=exact,
        method=method,
        parameters=parameters,
    )
