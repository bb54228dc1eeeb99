"""Kernels of :mod:`deprivation_map.spatial.zones`: PySAL spopt's regionalisation methods on arrays.

Each solver takes the attributes ``x`` (areas x attributes, canonical order), a binary symmetric adjacency
(CSR, no diagonal) of one connected group of areas, the floor values and the options, and returns one integer
label per area. spopt needs a legacy ``W`` whose IDs are the positions 0..n-1, with each area's neighbours in
ascending position order (:func:`to_w`). spopt's max-p and region k-means draw from NumPy's global random
state and AZP seeds Python's ``random`` module: :func:`seeded` seeds both for the call and restores them after,
so a seed gives the same zones and the caller's random streams are left as they were.
"""

from __future__ import annotations

import random
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from ..errors import DeprivationMapError

__all__ = ["SOLVERS", "Solver", "contiguous", "import_spopt", "merge_small", "seeded", "to_w", "zone_names"]


def import_spopt():
    """The region module of spopt, or an error naming the extra that installs it."""
    try:
        from spopt import region
    except ImportError as err:  # pragma: no cover - the test extra installs it
        raise DeprivationMapError(
            'Zones need PySAL\'s spopt, which is not installed: pip install "deprivation-map[zones]".'
        ) from err
    return region


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed NumPy's global state and ``random`` for a block, then restore both as they were."""
    np_state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002 (spopt reads the global state)
    np.random.seed(seed % 2**32)  # noqa: NPY002
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)  # noqa: NPY002
        random.setstate(py_state)


def to_w(adjacency: sparse.csr_array):
    """A libpysal ``W`` over positions 0..n-1, each area's neighbours in ascending order."""
    from libpysal.weights import W

    adjacency = sparse.csr_array(adjacency)
    adjacency.sort_indices()
    neighbours = {
        i: adjacency.indices[adjacency.indptr[i] : adjacency.indptr[i + 1]].tolist() for i in range(adjacency.shape[0])
    }
    return W(neighbours, silence_warnings=True)


def _frame(x: np.ndarray, floor_values: np.ndarray) -> tuple[pd.DataFrame, list[str]]:
    names = [f"x{k}" for k in range(x.shape[1])]
    frame = pd.DataFrame(x, columns=names)
    frame["floor"] = floor_values
    return frame, names


@dataclass(frozen=True)
class Solver:
    """A regionalisation method: its solver, whether it needs ``n_zones``, which floor it keeps itself."""

    solve: Callable[..., np.ndarray]
    needs_n: bool
    native_floor: str  # "sum": any floor column; "count": a number of areas; "none": checked afterwards
    random: bool
    title: str


def _maxp(x, adjacency, floor_values, *, floor, n_zones, seed, options):
    region = import_spopt()
    frame, names = _frame(x, floor_values)
    model = region.MaxPHeuristic(frame, to_w(adjacency), names, "floor", floor, **options)
    with seeded(seed), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The inplace keyword", module="spopt")  # spopt's own pandas call
        model.solve()
    return np.asarray(model.labels_)


def _skater(x, adjacency, floor_values, *, floor, n_zones, seed, options):
    region = import_spopt()
    frame, names = _frame(x, floor_values)
    model = region.Skater(frame, to_w(adjacency), names, n_clusters=n_zones, floor=floor, **options)
    model.solve()
    return np.asarray(model.labels_)


def _azp(x, adjacency, floor_values, *, floor, n_zones, seed, options):
    region = import_spopt()
    frame, names = _frame(x, floor_values)
    with seeded(seed):  # AZP calls random.seed itself; seeded() restores the caller's stream afterwards
        model = region.AZP(frame, to_w(adjacency), names, n_clusters=n_zones, random_state=seed, **options)
        model.solve()
    return np.asarray(model.labels_)


def _ward(x, adjacency, floor_values, *, floor, n_zones, seed, options):
    region = import_spopt()
    frame, names = _frame(x, floor_values)
    model = region.WardSpatial(frame, to_w(adjacency), names, n_clusters=n_zones, **options)
    model.solve()
    return np.asarray(model.labels_)


def _kmeans(x, adjacency, floor_values, *, floor, n_zones, seed, options):
    region = import_spopt()
    model = region.RegionKMeansHeuristic(x, n_zones, to_w(adjacency), seed=seed % 2**32, **options)
    with seeded(seed):
        model.solve()
    return np.asarray(model.labels_)


SOLVERS: dict[str, Solver] = {
    "maxp": Solver(_maxp, needs_n=False, native_floor="sum", random=True, title="max-p regions"),
    "skater": Solver(_skater, needs_n=True, native_floor="count", random=False, title="SKATER"),
    "azp": Solver(_azp, needs_n=True, native_floor="none", random=True, title="AZP"),
    "ward": Solver(_ward, needs_n=True, native_floor="none", random=False, title="Ward with connectivity"),
    "kmeans": Solver(_kmeans, needs_n=True, native_floor="none", random=True, title="region k-means"),
}


def contiguous(adjacency: sparse.csr_array, labels: np.ndarray) -> np.ndarray:
    """Per distinct label (sorted), whether its areas form one connected group of ``adjacency``."""
    out = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        n, _ = connected_components(adjacency[members][:, members], directed=False)
        out.append(n == 1)
    return np.array(out, dtype=bool)


def merge_small(
    adjacency: sparse.csr_array, labels: np.ndarray, floor_values: np.ndarray, x: np.ndarray, floor: float
) -> np.ndarray:
    """Merge zones below ``floor`` into a neighbouring zone until none is below it; returns new labels.

    The zone with the smallest total (then the smallest label) goes into the adjacent zone whose attribute
    mean is nearest (Euclidean; then the smallest label). Adjacent contiguous zones merge into a contiguous
    zone, and in one connected group whose total reaches the floor this ends with every zone above it.
    """
    labels = labels.copy()
    coo = sparse.coo_array(adjacency)
    while True:
        names, inverse = np.unique(labels, return_inverse=True)
        totals = np.bincount(inverse, weights=floor_values)
        small = np.flatnonzero(totals < floor)
        if not len(small) or len(names) == 1:
            return labels
        worst = small[np.argmin(totals[small])]
        touching = np.unique(inverse[coo.col[inverse[coo.row] == worst]])
        touching = touching[touching != worst]
        means = np.array([x[inverse == k].mean(axis=0) for k in touching])
        distance = np.linalg.norm(means - x[inverse == worst].mean(axis=0), axis=1)
        labels[inverse == worst] = names[touching[np.argmin(distance)]]


def zone_names(labels: np.ndarray, unplaced: tuple[str, str]) -> np.ndarray:
    """Labels >= 0 renamed Z01, Z02 ... in order of first appearance (canonical order); -1, -2 kept apart."""
    placed = labels >= 0
    _, first = np.unique(labels[placed], return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    width = max(2, len(str(len(first))))
    names = np.array([f"Z{k + 1:0{width}d}" for k in range(len(first))], dtype=object)
    out = np.full(len(labels), unplaced[0], dtype=object)
    out[labels == -2] = unplaced[1]
    out[placed] = names[rank[np.unique(labels[placed], return_inverse=True)[1]]]
    return out
