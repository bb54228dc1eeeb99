"""Array kernels of an allocation: proportional shares between floors and caps, and exact rounding.

They work on plain arrays in a canonical order (the caller sorts areas by ID), in integer minor units
(cents, or whole places), so that the result sums exactly to the budget and ties go to the earlier area.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from numbers import Real

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids

__all__ = ["bound_array", "check_feasible", "largest_remainder", "minor_total", "solve", "to_minor", "water_fill"]

MAX_UNITS = 2**53  # integers a float64 holds exactly: the quotas stay exact to the unit


def water_fill(weights: np.ndarray, lower: np.ndarray, upper: np.ndarray, total: float) -> np.ndarray:
    r"""Amounts proportional to ``weights`` between per-area bounds, summing to ``total``.

    Notes
    -----
    Returns :math:`x_i = \min(u_i, \max(l_i, \lambda w_i))` with the :math:`\lambda \ge 0` that solves
    :math:`f(\lambda) = \sum_i x_i(\lambda) = T`. This is the fixed point of the familiar iterative rule
    (give everyone their proportional share, hold capped areas at their cap and floored ones at their floor,
    share what is left among the others in proportion to their weights, repeat), computed directly:
    :math:`f` is continuous, non-decreasing and linear between the breakpoints :math:`l_i/w_i` and
    :math:`u_i/w_i`, so sorting the breakpoints and accumulating the three sums
    :math:`\sum_{\lambda < l_i/w_i} l_i + \lambda \sum_{\text{free}} w_i + \sum_{\lambda \ge u_i/w_i} u_i`
    finds the segment that holds :math:`T`, by bisection over the sorted breakpoints, each step evaluating
    :math:`f` as a sum of non-negative terms (:math:`O(n \log n)` in all); on that segment the free areas
    give :math:`\lambda = (T - \sum_{\text{floor}} l_i - \sum_{\text{cap}} u_i) / \sum_{\text{free}} w_i`.
    No sum subtracts one large weight from another, so weights spanning hundreds of orders of magnitude
    (a need of 1e-300 beside one of 1e4) still get their exact share. Areas with :math:`w_i = 0` stay at
    their floor. The caller guarantees :math:`l \le u`, :math:`w \ge 0` and
    :math:`\sum l \le T \le \sum_{w>0} u + \sum_{w=0} l`.
    """
    weights = np.asarray(weights, dtype="float64")
    lower = np.asarray(lower, dtype="float64")
    upper = np.asarray(upper, dtype="float64")
    active = weights > 0
    if not active.any():
        return lower.copy()
    w, lo, hi = weights[active], lower[active], upper[active]
    with np.errstate(over="ignore", divide="ignore"):  # a tiny weight puts a breakpoint at infinity: never reached
        lam_lo, lam_hi = lo / w, hi / w
    fixed = lower[~active].sum()
    points = np.unique(np.concatenate([[0.0], lam_lo[np.isfinite(lam_lo)], lam_hi[np.isfinite(lam_hi)]]))

    def f(lam: float) -> float:  # a sum of non-negative terms: no cancellation, whatever the weights' range
        with np.errstate(over="ignore", invalid="ignore"):
            return fixed + float(np.clip(lam * w, lo, hi).sum())

    # The last breakpoint where f <= T, by bisection over the sorted breakpoints (f is non-decreasing).
    left, right = 0, len(points) - 1
    while left < right:
        mid = (left + right + 1) // 2
        left, right = (mid, right) if f(points[mid]) <= total else (left, mid - 1)
    at = points[left]
    # On the segment after ``at`` the areas past their floor and below their cap are free: x = lambda w.
    free = (lam_lo <= at) & (lam_hi > at)
    held = lo[lam_lo > at].sum() + hi[lam_hi <= at].sum()
    slope = w[free].sum()
    lam = max((total - fixed - held) / slope if slope > 0 else at, at)  # f(at) <= T: the root is at or after it
    if left + 1 < len(points):  # the root lies in this segment
        lam = min(lam, points[left + 1])
    out = lower.copy()
    with np.errstate(over="ignore", invalid="ignore"):
        out[active] = np.clip(lam * w, lo, hi)
    return out


def largest_remainder(quota: np.ndarray, lower: np.ndarray, upper: np.ndarray, total: int) -> np.ndarray:
    r"""Integers near ``quota``, within ``[lower, upper]``, summing exactly to ``total``.

    Notes
    -----
    Hamilton's largest-remainder method with bounds: start from :math:`a_i = \min(u_i, \max(l_i, \lfloor
    q_i \rfloor))`, then hand the :math:`R = T - \sum_i a_i` missing units one each to the areas owed the
    most, :math:`q_i - a_i` largest first, among those below their cap (or, if :math:`R < 0`, take them from
    the areas paid the most above their quota, among those above their floor). Equal claims go to the area
    that comes first in the arrays' order (the caller sorts by area ID). Rounds repeat until :math:`R = 0`,
    which the caller guarantees possible (:math:`\sum l \le T \le \sum u`, all integers).
    """
    quota = np.asarray(quota, dtype="float64")
    lower = np.asarray(lower, dtype="int64")
    upper = np.asarray(upper, dtype="int64")
    amounts = np.clip(np.floor(quota).astype("int64"), lower, upper)
    missing = int(total) - int(amounts.sum())
    while missing:
        step = 1 if missing > 0 else -1
        room = amounts < upper if step > 0 else amounts > lower
        claim = (quota - amounts) * step
        candidates = np.flatnonzero(room)
        if not len(candidates):  # pragma: no cover - the caller checks feasibility
            raise AssertionError("no room left to apportion the remaining units")
        chosen = candidates[np.argsort(-claim[candidates], kind="stable")[: abs(missing)]]
        amounts[chosen] += step
        missing -= step * len(chosen)
    return amounts


def minor_total(budget: object, decimals: int) -> tuple[Decimal, int]:
    """The budget as a Decimal and as a whole number of minor units, or a clear error."""
    if isinstance(budget, bool) or not isinstance(budget, Real | Decimal):
        raise ValidationError(f"budget must be a number, got {budget!r}.")
    try:
        exact = Decimal(str(budget)) if isinstance(budget, float) else Decimal(budget)  # type: ignore[arg-type]  # numbers.Real
    except InvalidOperation as exc:  # pragma: no cover - every Real converts
        raise ValidationError(f"budget must be a number, got {budget!r}.") from exc
    if not exact.is_finite() or exact < 0:
        raise ValidationError(f"budget must be a finite number >= 0, got {budget!r}.")
    minor = exact.scaleb(decimals)
    if minor != minor.to_integral_value():
        raise ValidationError(
            f"budget {budget!r} is not a whole number of minor units at decimals={decimals}: round it, or pass "
            "a larger decimals (units=True needs a whole number)."
        )
    if minor >= MAX_UNITS:
        raise ValidationError(f"budget {budget!r} is too large at decimals={decimals}: use fewer decimals.")
    return exact, int(minor)


def to_minor(amounts: np.ndarray, scale: int, total: int, *, up: bool) -> np.ndarray:
    """Bounds in minor units, at most the budget: floors rounded up, caps down (within 1e-6 of a unit is on it)."""
    scaled = np.round(amounts * scale, 6)
    return np.minimum(np.ceil(scaled) if up else np.floor(scaled), float(total)).astype("int64")


def check_feasible(low: np.ndarray, high: np.ndarray, total: int, ids: pd.Index, scale: int) -> None:
    low_sum, high_sum = int(np.sum(low, dtype=object)), int(np.sum(high, dtype=object))  # no int64 overflow
    crossed = low > high
    if crossed.any():
        raise ValidationError(
            f"The floor is above the cap for {format_ids(ids[crossed])}; lower the floor or raise the cap there."
        )
    if low_sum > total:
        raise ValidationError(
            f"The floors add up to {low_sum / scale:g}, more than the budget {total / scale:g}: "
            "lower the floors or raise the budget."
        )
    if high_sum < total:
        raise ValidationError(
            f"The areas can take at most {high_sum / scale:g} of the budget {total / scale:g} (caps, and floors "
            "of areas with no weight under this method): raise the caps, choose a wider threshold or lower the budget."
        )


def bound_array(value: object, ids: pd.Index, *, what: str, default: float) -> np.ndarray:
    """A floor or cap as a float array in canonical order (a scalar, or a Series aligned by ID)."""
    if value is None:
        return np.full(len(ids), default)
    if isinstance(value, pd.Series):
        series = v.align(value, ids, what=f"The {what}", against="the need", fix=f"Give a {what} for every area.")
        v.require_numeric(series.to_frame(what), [what], what=f"The {what}")
        array = series.to_numpy(dtype="float64", na_value=default)
    elif isinstance(value, Real) and not isinstance(value, bool):
        array = np.full(len(ids), float(value))
    else:
        raise ValidationError(f"{what} must be a number or a Series by area ID, got {type(value).__name__}.")
    bad = np.isnan(array) | (array < 0)
    if bad.any():
        raise ValidationError(f"The {what} must be >= 0, but is not for {format_ids(ids[bad])}.")
    return array


def solve(weights, absent, floor, cap, canon: pd.Index, scale: int, total: int) -> tuple[np.ndarray, np.ndarray]:
    """Minor units per area (canonical order) within the floors and caps, and which bound holds where."""
    caps = bound_array(cap, canon, what="cap", default=np.inf)
    low = np.where(absent, 0, to_minor(bound_array(floor, canon, what="floor", default=0.0), scale, total, up=True))
    high = np.where(absent | (weights <= 0), low, to_minor(caps, scale, total, up=False))
    check_feasible(low, high, total, canon, scale)
    quota = water_fill(weights, low, high, total)
    tol = 1e-9 * max(total, 1)
    label = np.full(len(weights), "proportional", dtype=object)
    label[(weights > 0) & (low > 0) & (quota <= low + tol)] = "floor"
    label[(weights > 0) & np.isfinite(caps) & (quota >= high - tol)] = "cap"
    label[weights <= 0] = "floor_only"
    label[absent] = "excluded"
    return largest_remainder(quota, low, high, total), label
