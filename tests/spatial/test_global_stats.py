"""Geary's C, General G and bivariate Moran, checked against esda (an independent implementation) to 1e-10,
and Moran's I from a GAL file checked against esda and the published Columbus value."""

from __future__ import annotations

import esda
import libpysal
import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError


def test_moran_from_libpysal_columbus_gal_equals_esda_and_the_published_value(columbus):
    gal = libpysal.examples.get_path("columbus.gal")
    ours = dm.global_moran(columbus["CRIME"], gal, permutations=0)
    ref = esda.Moran(columbus["CRIME"].to_numpy(), libpysal.io.open(gal).read(), permutations=0)
    assert pytest.approx(ref.I, abs=1e-12) == ours.I and pytest.approx(0.5001886, abs=5e-8) == ours.I
    assert ours.z_rand == pytest.approx(ref.z_rand, rel=1e-10)
    hot = dm.local_moran(columbus["CRIME"], gal, seed=0)  # a GAL works everywhere a graph is taken
    assert hot.labels.index.equals(pd.Index([str(i) for i in range(1, 50)], name="focal"))


def test_a_gal_with_other_ids_is_refused(columbus, tmp_path):
    path = tmp_path / "other.gal"
    path.write_text("0 3\nx 1\ny\ny 1\nx\nz 0\n")
    with pytest.raises(ValidationError, match="same area IDs"):
        dm.global_moran(columbus["CRIME"], path)


def test_geary_equals_esda(columbus, columbus_graph):
    ours = dm.geary(columbus["CRIME"], columbus_graph, permutations=0)
    ref = esda.Geary(columbus["CRIME"].to_numpy(), columbus_graph.to_W(), permutations=0)
    assert ours.value == pytest.approx(ref.C, rel=1e-10) and ours.expected == ref.EC
    assert ours.z_norm == pytest.approx(ref.z_norm, rel=1e-10)
    assert ours.z_rand == pytest.approx(ref.z_rand, rel=1e-10)
    assert ours.p_norm == pytest.approx(2 * min(ref.p_norm, 1 - ref.p_norm), rel=1e-10)  # esda's is one-sided


def test_general_g_equals_esda(columbus, columbus_graph):
    ours = dm.general_g(columbus["CRIME"], columbus_graph, permutations=0)
    ref = esda.G(columbus["CRIME"].to_numpy(), columbus_graph, permutations=0)
    assert ours.value == pytest.approx(ref.G, rel=1e-10) and ours.expected == pytest.approx(ref.EG, rel=1e-12)
    assert ours.z_norm == pytest.approx(ref.z_norm, rel=1e-10)
    with pytest.raises(ValidationError, match="non-negative"):
        dm.general_g(columbus["CRIME"] - 30, columbus_graph)


def test_bivariate_moran_equals_esda_and_is_moran_for_one_variable(columbus, columbus_graph):
    ours = dm.bivariate_moran(columbus["INC"], columbus["CRIME"], columbus_graph, permutations=0)
    ref = esda.Moran_BV(columbus["INC"].to_numpy(), columbus["CRIME"].to_numpy(), columbus_graph.to_W(), permutations=0)
    assert ours.value == pytest.approx(ref.I, abs=1e-12)
    same = dm.bivariate_moran(columbus["CRIME"], columbus["CRIME"], columbus_graph, permutations=0)
    assert same.value == pytest.approx(dm.global_moran(columbus["CRIME"], columbus_graph, permutations=0).I, abs=1e-12)


def test_permutation_distributions_centre_on_the_null_expectation(columbus, columbus_graph):
    """Under random permutation E[I] = -1/(n-1) and E[C] = 1 exactly, so 999 draws land close to them."""
    moran = dm.global_moran(columbus["CRIME"], columbus_graph, seed=3)
    assert moran.sim.mean() == pytest.approx(moran.EI, abs=4 * np.sqrt(moran.VI_rand / 999))
    geary = dm.geary(columbus["CRIME"], columbus_graph, seed=3)
    assert geary.sim.mean() == pytest.approx(1.0, abs=0.03)
    g = dm.general_g(columbus["CRIME"], columbus_graph, seed=3)
    assert g.sim.mean() == pytest.approx(g.expected, rel=0.02)
    for result in (moran, geary, g):
        assert 0 < result.p_sim <= 1


def test_p_sim_equals_its_definition_and_a_seed_repeats(columbus, columbus_graph):
    geary = dm.geary(columbus["CRIME"], columbus_graph, seed=5, alternative="less")
    assert geary.p_sim == pytest.approx(((geary.sim <= geary.value).sum() + 1) / 1000)
    again = dm.geary(columbus["CRIME"], columbus_graph, seed=5, alternative="less")
    np.testing.assert_array_equal(geary.sim, again.sim)
    assert geary.seed == 5 and geary.to_frame().index.tolist() == ["geary_c"]


def test_results_do_not_depend_on_row_order(columbus, columbus_graph):
    shuffled = columbus.sample(frac=1, random_state=1)
    for func in (dm.geary, dm.general_g):
        a = func(columbus["CRIME"], columbus_graph, seed=2)
        b = func(shuffled["CRIME"], dm.build_graph(shuffled), seed=2)
        assert a.value == pytest.approx(b.value, rel=1e-12) and a.p_sim == b.p_sim


def test_permutations_do_not_depend_on_the_thread_count(columbus, columbus_graph, one_numba_thread, monkeypatch):
    from deprivation_map.spatial import global_stats

    monkeypatch.setattr(global_stats, "SMALL_CELLS", 0)  # the numba kernel, in its local order, with 1 or 2 threads
    monkeypatch.setattr(global_stats, "LOCAL_FROM", 10)
    first = dm.global_moran(columbus["CRIME"], columbus_graph, seed=9)
    with one_numba_thread():
        single = dm.global_moran(columbus["CRIME"], columbus_graph, seed=9)
    np.testing.assert_array_equal(first.sim, single.sim)
    assert not np.array_equal(first.sim, dm.global_moran(columbus["CRIME"], columbus_graph, seed=10).sim)


def test_columbus_crime_global_moran_is_the_published_value(columbus, columbus_graph):
    moran = dm.global_moran(columbus["CRIME"], columbus_graph, seed=0)
    assert pytest.approx(0.5001886, abs=5e-8) == moran.I
    assert pytest.approx(-1 / 48) == moran.EI


def test_global_moran_inference_equals_esda(columbus, columbus_graph):
    ours = dm.global_moran(columbus["CRIME"], columbus_graph, permutations=0)
    ref = esda.Moran(columbus["CRIME"].to_numpy(), columbus_graph.to_W(), permutations=0)
    for field in ("I", "EI", "VI_norm", "VI_rand", "z_norm", "z_rand", "p_norm", "p_rand"):
        assert getattr(ours, field) == pytest.approx(getattr(ref, field), rel=1e-10), field


@pytest.mark.parametrize("statistic", [dm.global_moran, dm.geary, dm.general_g])
@pytest.mark.parametrize("value", [0.0, 3.0, 0.1])  # 0.1s differ from their mean by rounding only (1e-17)
def test_a_statistic_of_values_that_do_not_vary_is_refused_not_reported_significant(
    columbus, columbus_graph, statistic, value
):
    """Issue 13: Moran, Geary and General G of a constant returned I = nan with p_sim = 0.002 (two-sided, 999
    permutations): every comparison with NaN is false, so no permutation was 'as extreme'. Undefined is refused."""
    constant = pd.Series(value, index=columbus.index)
    with pytest.raises(ValidationError, match="all equal"):
        statistic(constant, columbus_graph, seed=0)


def test_general_g_of_one_non_zero_value_is_refused(columbus, columbus_graph):
    y = pd.Series(0.0, index=columbus.index)
    y.iloc[3] = 5.0  # the denominator sum_{i != j} y_i y_j is 0
    with pytest.raises(ValidationError, match="at least two areas"):
        dm.general_g(y, columbus_graph, seed=0)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less", "folded"])
def test_analytic_inference_is_the_normal_p_of_z_rand_and_runs_no_permutation(columbus, columbus_graph, alternative):
    from scipy.stats import norm

    ours = dm.global_moran(columbus["CRIME"], columbus_graph, inference="analytic", alternative=alternative)
    ref = esda.Moran(columbus["CRIME"].to_numpy(), columbus_graph.to_W(), permutations=0)
    z = ref.z_rand
    expected = {
        "two-sided": 2 * norm.sf(abs(z)),
        "greater": norm.sf(z),
        "less": norm.cdf(z),
        "folded": norm.sf(abs(z)),
    }[alternative]
    assert ours.p == pytest.approx(expected, rel=1e-10) and ours.permutations == 0 and ours.seed is None
    assert np.isnan(ours.p_sim) and ours.sim.size == 0 and "analytic" in repr(ours)
    assert ours.to_frame()["p"].iloc[0] == ours.p
    if alternative == "two-sided":
        assert ours.p == pytest.approx(ref.p_rand, rel=1e-10)  # esda's (2.9) p_rand is two-sided
    geary = dm.geary(columbus["CRIME"], columbus_graph, inference="analytic", alternative=alternative)
    assert geary.p == pytest.approx(float(dm.spatial.inference.normal_p(geary.z_rand, alternative)), rel=1e-12)


def test_global_options_are_checked_before_any_work(columbus, columbus_graph):
    with pytest.raises(ValidationError, match="runs no permutations"):
        dm.global_moran(columbus["CRIME"], columbus_graph, inference="analytic", permutations=99)
    with pytest.raises(ValidationError, match="no analytic variance"):
        dm.bivariate_moran(columbus["CRIME"], columbus["INC"], columbus_graph, inference="analytic")
    with pytest.raises(ValidationError, match="10,000,000"):
        dm.global_moran(columbus["CRIME"], columbus_graph, permutations=10**9)
    with pytest.raises(ValidationError, match="2\\*\\*64"):
        dm.geary(columbus["CRIME"], columbus_graph, seed=2**64)
    assert dm.global_moran(columbus["CRIME"], columbus_graph, seed=0).permutations == 999  # "auto": one test
    with pytest.warns(DeprecationWarning, match="'folded'"):
        old = dm.global_moran(columbus["CRIME"], columbus_graph, seed=0, alternative="directed")
    assert old.alternative == "folded"


def test_auto_inference_is_analytic_for_many_areas_unless_permutations_are_asked_for(georgia, monkeypatch):
    from deprivation_map.spatial import global_stats

    graph = dm.build_graph(georgia)
    small = dm.global_moran(georgia["PctPov"], graph, seed=0)
    assert small.inference == "permutation" and small.permutations == 999 and small.p == small.p_sim
    monkeypatch.setattr(global_stats, "ANALYTIC_FROM", 100)  # as if Georgia's 159 counties were many
    large = dm.global_moran(georgia["PctPov"], graph, seed=0)
    assert large.inference == "analytic" and large.permutations == 0 and large.p == large.p_rand
    assert large.I == small.I and np.isnan(large.p_sim)
    asked = dm.geary(georgia["PctPov"], graph, seed=0, permutations=99)
    assert asked.inference == "permutation" and asked.permutations == 99


def test_permuting_one_array_gives_the_sums_of_permuting_two():
    """The kernel shuffles y once when x is y; a copy of y (a different object) takes the two-array path."""
    from scipy import sparse

    from deprivation_map.spatial.global_stats import _permuted_sums

    rng = np.random.default_rng(1)
    w = sparse.random_array((60, 60), density=0.1, random_state=2, format="csr")
    z = rng.normal(size=60)
    margins = rng.uniform(size=60)
    one = _permuted_sums(z, z, w, 50, 7, margins=margins)
    two = _permuted_sums(z, z.copy(), w, 50, 7, margins=margins)
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])


def _splitmix_shuffles(n: int, seed: int, permutations: int) -> list[np.ndarray]:
    """The kernel's permutations written out in plain Python (an independent check of how seeds map to them).

    Permutation ``p``: SplitMix64 seeded by ``seed ^ ((p + 1) * 0xD1B54A32D192ED03)``, one output skipped, then a
    Fisher-Yates shuffle of positions ``0 .. n-1`` whose ``j`` is ``(low 32 bits * (i + 1)) >> 32``.
    """
    mask = 2**64 - 1

    def step(state):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        return state, z ^ (z >> 31)

    out = []
    for p in range(permutations):
        state, _ = step(seed ^ (((p + 1) * 0xD1B54A32D192ED03) & mask))
        positions = list(range(n))
        for i in range(n - 1, 0, -1):
            state, bits = step(state)
            j = ((bits & 0xFFFFFFFF) * (i + 1)) >> 32
            positions[i], positions[j] = positions[j], positions[i]
        out.append(np.array(positions))
    return out


def test_moran_permutations_are_the_documented_shuffles_of_areas_in_id_order(georgia):
    """Computed by hand: each simulated I is Moran's I of the values shuffled by the written-out stream."""
    from deprivation_map.spatial._prepare import prepare

    graph = dm.build_graph(georgia)
    moran = dm.global_moran(georgia["PctPov"], graph, seed=12345, permutations=5)
    prep = prepare(georgia["PctPov"], graph, missing="raise", transform="r")  # canonical: sorted by ID
    z = prep.y[:, 0] - prep.y[:, 0].mean()
    for p, positions in enumerate(_splitmix_shuffles(len(z), 12345, 5)):
        zp = z[positions]
        assert moran.sim[p] == pytest.approx(len(z) / prep.w.sum() * (zp @ (prep.w @ zp)) / (z @ z), rel=1e-13)


@pytest.mark.parametrize("case", ["moran", "two arrays", "x fixed"])
def test_the_local_summing_order_changes_speed_not_the_permutations(voronoi_areas, case):
    """Sums in canonical, reverse Cuthill-McKee and random orders agree to rounding, and so do their p-values."""
    from deprivation_map.spatial._prepare import prepare
    from deprivation_map.spatial.global_stats import _permuted_sums

    gdf = voronoi_areas(1500, seed=4).set_index("code")
    prep = prepare(gdf["pov"], dm.build_graph(gdf, components="keep"), missing="raise", transform="r")
    z = prep.y[:, 0] - prep.y[:, 0].mean()
    x = {"moran": z, "two arrays": z.copy(), "x fixed": np.sin(z)}[case]
    margins = np.random.default_rng(0).uniform(size=len(z))
    orders = {
        "canonical": np.arange(len(z)),
        "rcm": _rcm(prep.w),
        "random": np.random.default_rng(1).permutation(len(z)),
    }
    runs = {
        name: _permuted_sums(x, z, prep.w, 99, 3, margins=margins, permute_x=case != "x fixed", order=order)
        for name, order in orders.items()
    }
    observed = x @ (prep.w @ z)
    for name in ("rcm", "random"):
        for got, want in zip(runs[name], runs["canonical"], strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * np.abs(want).max())
        assert ((runs[name][0] >= observed) == (runs["canonical"][0] >= observed)).all()
    assert not np.array_equal(orders["rcm"], orders["canonical"])


def _rcm(w):
    from scipy import sparse
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    return reverse_cuthill_mckee(sparse.csr_matrix(w + w.T), symmetric_mode=True).astype(np.int64)


def test_local_order_is_used_from_many_areas_and_matches_esda_permutation_distribution(voronoi_areas, monkeypatch):
    """With the local order in force, the permutation distribution of I has esda's mean and variance (999 draws
    each, within sampling error) and the analytic moments under randomisation; results repeat exactly for a seed
    and do not depend on the row order."""
    from deprivation_map.spatial import global_stats

    monkeypatch.setattr(global_stats, "LOCAL_FROM", 100)
    gdf = voronoi_areas(1500, seed=5).set_index("code")
    graph = dm.build_graph(gdf, components="keep")
    assert not np.array_equal(global_stats.local_order(graph.sparse), np.arange(len(gdf)))
    ours = dm.global_moran(gdf["pov"], graph, seed=8, inference="permutation")
    ref = esda.Moran(gdf["pov"].to_numpy(), graph, permutations=999)
    se = np.sqrt(ours.VI_rand / 999)
    assert ours.sim.mean() == pytest.approx(ref.sim.mean(), abs=5 * np.sqrt(2) * se)
    assert ours.sim.mean() == pytest.approx(ours.EI, abs=4 * se)
    assert ours.sim.var() == pytest.approx(ref.sim.var(), rel=0.25)
    assert ours.sim.var() == pytest.approx(ours.VI_rand, rel=0.15)
    shuffled = gdf.sample(frac=1, random_state=2)
    again = dm.global_moran(shuffled["pov"], dm.build_graph(shuffled, components="keep"), seed=8)
    np.testing.assert_array_equal(again.sim, ours.sim)
    assert again.p_sim == ours.p_sim
    monkeypatch.setattr(global_stats, "LOCAL_FROM", 10**9)  # canonical order: the same permutations
    canonical = dm.global_moran(gdf["pov"], graph, seed=8, inference="permutation")
    np.testing.assert_allclose(canonical.sim, ours.sim, rtol=1e-12)
    assert canonical.p_sim == ours.p_sim
