"""Exact location models on arrays, solved with HiGHS (scipy.optimize.milp): the p-median and set covering."""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["p_median_solve", "set_cover_solve"]


def _milp(objective, constraints, integrality, lower, upper, time_limit):
    from scipy.optimize import Bounds, milp

    options = {"mip_rel_gap": 0.0, **({"time_limit": time_limit} if time_limit is not None else {})}
    result = milp(
        objective, constraints=constraints, integrality=integrality, bounds=Bounds(lower, upper), options=options
    )
    if result.x is None:
        raise RuntimeError(f"HiGHS found no solution: {result.message}")
    return result


def p_median_solve(
    cost: np.ndarray, weight: np.ndarray, p: int, fixed: np.ndarray, *, time_limit: float | None = None
) -> tuple[np.ndarray, np.ndarray, bool, str]:
    r"""Open ``p`` of the free columns (``fixed`` ones are open already) to minimise weighted cost.

    ``cost`` is (areas x sites) with ``inf`` where a site cannot serve an area. Returns (open columns,
    each area's site, optimal, message).

    Notes
    -----
    ReVelle and Swain (1970): binary :math:`x_j` (open), :math:`0 \le y_{ij} \le 1` (area :math:`i` served by
    :math:`j`), over the allowed pairs,

    .. math:: \min \sum_{ij} w_i c_{ij} y_{ij} \quad \text{s.t.} \quad \sum_j y_{ij} = 1, \quad
       y_{ij} \le x_j, \quad \sum_{j \text{ free}} x_j = p, \quad x_j = 1 \text{ for fixed } j

    (the assignment :math:`y` need not be declared integer: for binary :math:`x` each area takes its
    cheapest open site).
    """
    n, m = cost.shape
    rows, cols = np.nonzero(np.isfinite(cost))
    k = len(rows)
    scale = max(float(np.max(weight[rows] * cost[rows, cols], initial=0.0)), 1.0)
    objective = np.concatenate([np.zeros(m), weight[rows] * cost[rows, cols] / scale])
    assign = sparse.csr_array((np.ones(k), (rows, m + np.arange(k))), shape=(n, m + k))
    link = sparse.csr_array(
        (
            np.concatenate([np.ones(k), -np.ones(k)]),
            (np.tile(np.arange(k), 2), np.concatenate([m + np.arange(k), cols])),
        ),
        shape=(k, m + k),
    )
    budget = sparse.csr_array(np.concatenate([~fixed, np.zeros(k)]).astype(float)[None, :])
    from scipy.optimize import LinearConstraint

    constraints = [LinearConstraint(assign, 1, 1), LinearConstraint(link, -np.inf, 0), LinearConstraint(budget, p, p)]
    lower = np.concatenate([fixed.astype(float), np.zeros(k)])
    result = _milp(objective, constraints, np.concatenate([np.ones(m), np.zeros(k)]), lower, 1.0, time_limit)
    opened = np.flatnonzero(result.x[:m] > 0.5)
    served = np.where(np.isin(np.arange(m), opened)[None, :], cost, np.inf).argmin(axis=1)
    return opened, served, result.status == 0, result.message


def set_cover_solve(cover: np.ndarray, *, time_limit: float | None = None) -> tuple[np.ndarray, bool, str]:
    r"""The fewest columns such that every row has a True in one of them (every row must have one).

    Notes
    -----
    Toregas et al. (1971), the location set covering problem:
    :math:`\min \sum_j x_j` s.t. :math:`\sum_j a_{ij} x_j \ge 1` for every area, :math:`x_j \in \{0, 1\}`.
    """
    from scipy.optimize import LinearConstraint

    m = cover.shape[1]
    if cover.shape[0] == 0:
        return np.array([], dtype=np.int64), True, "nothing to cover"
    constraint = LinearConstraint(sparse.csr_array(cover.astype(float)), 1, np.inf)
    result = _milp(np.ones(m), [constraint], np.ones(m), np.zeros(m), np.ones(m), time_limit)
    return np.flatnonzero(result.x > 0.5), result.status == 0, result.message
