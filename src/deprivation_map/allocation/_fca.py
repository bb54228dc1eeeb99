"""Kernels of the floating catchment methods: origin-destination pairs within a cost, weights, scores.

Pairs are kept sparse: from coordinates, a k-d tree finds only the pairs within ``max_cost`` (never a dense
areas x services matrix); from a cost table, the rows within ``max_cost``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

__all__ = ["DECAYS", "euclidean_pairs", "floating_catchment", "step_weights"]


def euclidean_pairs(origins: np.ndarray, destinations: np.ndarray, max_cost: float):
    """(origin position, destination position, distance) of every pair within ``max_cost``, zeros included."""
    from scipy.spatial import cKDTree  # imported here: `import deprivation_map` stays light

    pairs = cKDTree(origins).sparse_distance_matrix(cKDTree(destinations), max_cost, output_type="ndarray")
    order = np.lexsort((pairs["j"], pairs["i"]))
    return pairs["i"][order].astype(np.int64), pairs["j"][order].astype(np.int64), pairs["v"][order]


def step_weights(steps: tuple[tuple[float, float], ...]) -> Callable[[np.ndarray], np.ndarray]:
    """Weight of the first step whose upper bound is >= the cost, 0 beyond the last (access's ``step_fn``)."""
    bounds = np.array([b for b, _ in steps], dtype="float64")
    values = np.append(np.array([w for _, w in steps], dtype="float64"), 0.0)
    return lambda cost: values[np.searchsorted(bounds, cost, side="left")]


def _gravity(beta: float, min_cost: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda cost: np.maximum(cost, min_cost) ** -beta


def _gaussian(sigma: float, min_cost: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda cost: np.exp(-(cost**2) / (2 * sigma**2))


DECAYS: dict[str, Callable[[float, float], Callable[[np.ndarray], np.ndarray]]] = {
    "gravity": _gravity,
    "gaussian": _gaussian,
}


def floating_catchment(
    i: np.ndarray, j: np.ndarray, weight: np.ndarray, demand: np.ndarray, supply: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores by origin, supply-to-demand ratios and weighted demand by destination.

    ``D_j = sum_i w_ij P_i``; ``R_j = S_j / D_j`` (undefined where ``D_j = 0``); ``A_i = sum_j w_ij R_j``
    over the destinations with a defined ratio.
    """
    w = sparse.csr_array((weight, (i, j)), shape=(len(demand), len(supply)))
    reached = w.T @ demand
    ratio = np.divide(supply, reached, out=np.full(len(supply), np.nan), where=reached > 0)
    return w @ np.nan_to_num(ratio, nan=0.0), ratio, reached
