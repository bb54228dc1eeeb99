"""The maximal covering location problem, solved exactly as a mixed-integer programme with HiGHS.

Kernels on arrays: a sparse coverage matrix from coordinates, and the exact solver.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

__all__ = ["coverage_matrix", "max_cover"]


def coverage_matrix(origins: np.ndarray, sites: np.ndarray, within: float) -> sparse.csr_array:
    """Boolean (areas x sites) matrix: site j covers area i when their distance is at most ``within``."""
    lists = cKDTree(sites).query_ball_point(origins, r=within, return_sorted=True)
    lengths = np.fromiter((len(row) for row in lists), dtype=np.int64, count=len(lists))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.fromiter((j for row in lists for j in row), dtype=np.int64, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=bool)
    return sparse.csr_array((data, indices, indptr), shape=(len(origins), len(sites)))


def _merge_rows(cover: sparse.csr_array, weights: np.ndarray) -> tuple[sparse.csr_array, np.ndarray]:
    """Areas with the same set of covering sites, merged into one row with their summed weight.

    An exact reduction: such areas are covered together or not at all. Rows with no site or no weight,
    which no choice can change, are dropped.
    """
    keep = (np.diff(cover.indptr) > 0) & (weights > 0)
    cover, weights = cover[np.flatnonzero(keep)], weights[keep]
    keys = [cover.indices[cover.indptr[i] : cover.indptr[i + 1]].tobytes() for i in range(cover.shape[0])]
    _, first, inverse = np.unique(np.array(keys, dtype=object), return_index=True, return_inverse=True)
    return cover[first], np.bincount(inverse.ravel(), weights=weights, minlength=len(first))


def max_cover(
    cover: sparse.csr_array, weights: np.ndarray, k: int, *, time_limit: float | None = None
) -> tuple[np.ndarray, bool, str]:
    r"""The ``k`` sites (columns) that cover the most weight; returns (chosen columns, optimal, message).

    Notes
    -----
    With :math:`a_{ij} = 1` when site :math:`j` covers area :math:`i`, weights :math:`w_i \ge 0`, binary
    :math:`x_j` (site opened) and :math:`0 \le z_i \le 1` (area covered):

    .. math:: \max \sum_i w_i z_i \quad \text{s.t.} \quad z_i \le \sum_j a_{ij} x_j, \quad \sum_j x_j = k,
       \quad x_j \in \{0, 1\}

    (Church and ReVelle 1974). :math:`z` need not be declared integer: for binary :math:`x` the optimum
    sets :math:`z_i = \min(1, \sum_j a_{ij} x_j)`. HiGHS's branch and cut runs to a relative gap of zero,
    so the solution is a proven optimum unless ``time_limit`` stops it first. When no choice can cover
    anything, the first ``k`` columns are returned.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    n_sites = cover.shape[1]
    rows, w = _merge_rows(sparse.csr_array(cover), np.asarray(weights, dtype="float64"))
    m = rows.shape[0]
    if m == 0:  # nothing left to gain: any k sites will do
        return np.arange(k), True, "no coverable weight"
    scale = w.max()
    objective = np.concatenate([np.zeros(n_sites), -w / scale])
    link = sparse.hstack([-rows.astype("float64"), sparse.eye_array(m)], format="csr")
    budget = sparse.csr_array(np.concatenate([np.ones(n_sites), np.zeros(m)])[None, :])
    constraints = [LinearConstraint(link, -np.inf, 0.0), LinearConstraint(budget, k, k)]
    integrality = np.concatenate([np.ones(n_sites), np.zeros(m)])
    options = {"mip_rel_gap": 0.0, **({"time_limit": time_limit} if time_limit is not None else {})}
    result = milp(objective, constraints=constraints, integrality=integrality, bounds=Bounds(0, 1), options=options)
    if result.x is None:
        raise RuntimeError(f"HiGHS found no solution: {result.message}")
    chosen = np.flatnonzero(result.x[:n_sites] > 0.5)
    return chosen, result.status == 0, result.message
