"""Moran's I and LISA, checked against the published Columbus value and esda (an independent implementation)."""

from __future__ import annotations

import itertools
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, ValidationError
from deprivation_map.spatial import LABELS
from deprivation_map.spatial.inference import (
    AUTO_WORK,
    choose_permutations,
    conditional_moments,
    normal_p,
    p_values,
    permutations_needed,
)


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


# --- how many permutations (issue 13): "auto", the warnings, and the resource guard


@pytest.mark.parametrize(
    "tests, correction, alternative, needed, auto",
    [
        (159, "fdr", "two-sided", 6359, 6399),  # the demo: 2 * 159 / 0.05 = 6,360 = P + 1
        (3085, "fdr", "two-sided", 123399, 129999),  # GeoDa's natregimes: 999 cannot reach alpha
        (3085, "bonferroni", "greater", 61699, 61999),  # one-sided: the smallest p is 1 / (P + 1)
        (3085, "none", "two-sided", 39, 999),  # never fewer than 999
    ],
)
def test_auto_takes_the_permutations_the_correction_needs(tests, correction, alternative, needed, auto):
    assert permutations_needed(tests, 0.05, correction, alternative) == needed
    smallest = (2 if alternative == "two-sided" else 1) / (needed + 1)
    threshold = 0.05 if correction == "none" else 0.05 / tests
    assert smallest <= threshold < (2 if alternative == "two-sided" else 1) / needed  # the fewest that reach it
    assert (
        choose_permutations(
            "auto", tests=tests, steps=6 * tests, columns=12, alpha=0.05, correction=correction, alternative=alternative
        )
        == auto
    )


def test_auto_stops_at_the_measured_budget_and_says_so():
    """100,000 areas with 6 neighbours each: FDR needs 4 million permutations (about 16 minutes); "auto" stops
    at AUTO_WORK steps and warns with the numbers."""
    with pytest.warns(DeprivationMapWarning, match=r"stopped at 40,999: 3,999,999 would take about 960 s"):
        chosen = choose_permutations(
            "auto", tests=100_000, steps=600_000, columns=13, alpha=0.05, correction="fdr", alternative="two-sided"
        )
    assert chosen == 40_999 and chosen * 600_000 <= AUTO_WORK


def test_an_explicit_count_that_cannot_reach_alpha_warns_with_the_numbers():
    options = {"tests": 3085, "steps": 18_000, "columns": 11, "alpha": 0.05, "alternative": "two-sided"}
    with pytest.warns(DeprivationMapWarning, match=r"only when at least 124 areas reach that smallest p-value"):
        assert choose_permutations(999, correction="fdr", **options) == 999
    with pytest.warns(DeprivationMapWarning, match=r"no area can be labelled significant \(that takes 123,399"):
        choose_permutations(999, correction="bonferroni", **options)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert choose_permutations(999, correction="none", **options) == 999  # 0.002 <= 0.05: reachable


def test_counts_and_seeds_out_of_range_are_refused_before_any_work(georgia, monkeypatch):
    """A count no machine can run fails at once, naming the limit, instead of after minutes or a MemoryError."""
    import deprivation_map.spatial.lisa as lisa

    graph = dm.build_graph(georgia)

    def no_work(*args, **kwargs):
        raise AssertionError("prepared the data before checking the options")

    monkeypatch.setattr(lisa, "prepare", no_work)  # the options are checked first, and nothing runs after them
    for bad, match in [(10**12, "10,000,000"), (-5, "at least 1"), (2.5, "integer"), ("many", "'auto'")]:
        with pytest.raises(ValidationError, match=match):
            dm.local_moran(georgia["PctPov"], graph, permutations=bad)
    for seed in (-1, 2**64, 1.5):
        with pytest.raises(ValidationError, match="seed"):
            dm.local_moran(georgia["PctPov"], graph, seed=seed)
    with pytest.raises(ValidationError, match="runs no permutations"):
        dm.local_moran(georgia["PctPov"], graph, inference="analytic", permutations=999)


def test_a_table_of_draws_too_large_for_memory_is_refused():
    with pytest.raises(ValidationError, match=r"needs a table of 9.5 GiB, more than 4 GiB"):
        choose_permutations(
            9_999_999, tests=100, steps=600, columns=32, alpha=0.05, correction="none", alternative="two-sided"
        )


# --- analytic p-values and the exact conditional moments


def test_conditional_moments_equal_the_enumerated_permutation_distribution():
    """Every draw of k_i neighbours' values from the other n - 1 areas is enumerated (ordered draws, so unequal
    weights count), and its mean and variance compared with the closed form to 1e-12."""
    from scipy import sparse

    rng = np.random.default_rng(8)
    n = 7
    pool = rng.normal(size=n)
    dense = np.zeros((n, n))
    for i in range(n):
        for j in rng.choice([j for j in range(n) if j != i], size=1 + i % 3, replace=False):
            dense[i, j] = rng.uniform(0.5, 2)
    off = sparse.csr_array(dense)
    fixed, factor = rng.normal(size=n), rng.normal(size=n)
    mean, var = conditional_moments(pool, off, fixed, factor)
    for i in range(n):
        weights = dense[i][dense[i] != 0]
        others = [pool[j] for j in range(n) if j != i]
        sims = [factor[i] * (fixed[i] + weights @ np.array(d)) for d in itertools.permutations(others, len(weights))]
        assert mean[i] == pytest.approx(np.mean(sims), abs=1e-12)
        assert var[i] == pytest.approx(np.var(sims), abs=1e-12)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less", "folded"])
def test_normal_p_values_lie_in_the_unit_interval_even_far_in_the_tails(alternative):
    z = np.array([-80.0, -3.0, 0.0, 2.0, 80.0, np.nan])
    p = normal_p(z, alternative)
    assert np.isnan(p[-1]) and ((p[:-1] > 0) & (p[:-1] <= 1)).all()
    assert p[2] == (1.0 if alternative == "two-sided" else 0.5)


def test_directed_is_now_folded_with_a_deprecation_warning():
    with pytest.warns(DeprecationWarning, match="now called 'folded'"):
        old = p_values(np.array([90]), np.array([10]), 99, "directed")
    assert old[0] == p_values(np.array([90]), np.array([10]), 99, "folded")[0] == pytest.approx(0.1)
