"""Bivariate LISA and LISA for rates checked against esda; multiple testing, policies and invariants."""

from __future__ import annotations

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from esda.smoothing import assuncao_rate
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.spatial.multiple_testing import adjust_p


def test_bivariate_lisa_equals_esda_values_and_quadrants(columbus, columbus_graph):
    ours = dm.local_moran_bv(columbus["INC"], columbus["CRIME"], columbus_graph, seed=0)
    x, y = columbus["INC"].to_numpy(), columbus["CRIME"].to_numpy()
    ref = esda.Moran_Local_BV(x, y, columbus_graph.to_W(), permutations=0)
    np.testing.assert_allclose(ours.Is.to_numpy(), ref.Is, rtol=0, atol=1e-12)
    assert (ours.q.to_numpy() == ref.q).all()


def test_rate_lisa_equals_esda_moran_local_rate(columbus, columbus_graph):
    events, population = columbus["HOVAL"].round(), columbus["INC"] * 100
    ours = dm.local_moran_rate(events, population, columbus_graph, seed=0)
    ref = esda.Moran_Local_Rate(events.to_numpy(), population.to_numpy(), columbus_graph.to_W(), permutations=0)
    np.testing.assert_allclose(ours.Is.to_numpy(), ref.Is, rtol=0, atol=1e-12)
    assert (ours.q.to_numpy() == ref.q).all()


def test_eb_rates_equal_esda_and_align_by_id(columbus):
    events, population = columbus["HOVAL"].round(), columbus["INC"] * 100
    ours = dm.eb_rates(events, population.iloc[::-1])
    np.testing.assert_allclose(ours.to_numpy(), assuncao_rate(events.to_numpy(), population.to_numpy()), atol=1e-12)
    with pytest.raises(ValidationError, match="positive populations"):
        dm.eb_rates(events, population * 0)


def test_labels_use_the_adjusted_p_values_and_name_the_correction(columbus, columbus_graph):
    options = {"seed": 4, "permutations": 1999}  # the same for all three ("auto" takes fewer with no correction)
    raw = dm.local_moran(columbus["CRIME"], columbus_graph, correction="none", **options)
    fdr = dm.local_moran(columbus["CRIME"], columbus_graph, **options)
    bonf = dm.local_moran(columbus["CRIME"], columbus_graph, correction="bonferroni", **options)
    pd.testing.assert_series_equal(raw.p, fdr.p)
    np.testing.assert_allclose(fdr.p_adjusted, adjust_p(raw.p.to_numpy(), "fdr"))
    np.testing.assert_allclose(bonf.p_adjusted, np.minimum(1, raw.p * 49))
    n_sig = [int((h.labels.isin(["High-High", "Low-Low", "Low-High", "High-Low"])).sum()) for h in (raw, fdr, bonf)]
    assert n_sig[0] >= n_sig[1] >= n_sig[2]
    assert "FDR (Benjamini-Hochberg)" in fdr.labels.name and "alpha=0.05" in fdr.labels.name
    assert "Bonferroni" in repr(bonf)
    assert "lisa_p_adjusted" in fdr.to_frame()


def test_bivariate_lisa_needs_both_values_and_aligns_by_id(columbus, columbus_graph):
    x = columbus["INC"].copy()
    x.iloc[0] = np.nan
    with pytest.raises(ValidationError, match="no value"):
        dm.local_moran_bv(x, columbus["CRIME"], columbus_graph, seed=0)
    hot = dm.local_moran_bv(x, columbus["CRIME"].iloc[::-1], columbus_graph, seed=0, missing="exclude")
    assert hot.labels.iloc[0] == "Undefined" and np.isnan(hot.p.iloc[0])
    with pytest.raises(ValidationError, match="same area IDs"):
        dm.local_moran_bv(columbus["INC"], columbus["CRIME"].iloc[1:], columbus_graph)


def test_options_are_checked(columbus, columbus_graph):
    with pytest.raises(ValidationError, match="'fdr', 'bonferroni', 'none'"):
        dm.local_moran(columbus["CRIME"], columbus_graph, correction="holm")
    with pytest.raises(ValidationError, match="alpha"):
        dm.local_moran(columbus["CRIME"], columbus_graph, alpha=5)


def _lattice(side: int) -> gpd.GeoDataFrame:
    cells = [box(i % side, i // side, i % side + 1, i // side + 1) for i in range(side * side)]
    ids = [f"c{i:03d}" for i in range(side * side)]
    return gpd.GeoDataFrame(geometry=cells, index=ids, crs="EPSG:3857")


LATTICE = _lattice(7)
LATTICE_GRAPH = dm.build_graph(LATTICE)


@pytest.mark.filterwarnings("ignore:With 99 permutations:deprivation_map.errors.DeprivationMapWarning")
@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=49, max_size=49).filter(lambda v: np.ptp(v) > 1e-6),
    st.integers(0, 2**32),
    st.randoms(use_true_random=False),
)
def test_lisa_invariants(values, seed, rnd):
    """p in (0, 1], p_adjusted >= p, same seed same result, identical under row shuffling."""
    y = pd.Series(values, index=LATTICE.index)
    hot = dm.local_moran(y, LATTICE_GRAPH, seed=seed, permutations=99)
    assert ((hot.p > 0) & (hot.p <= 1)).all() and (hot.p_adjusted >= hot.p - 1e-15).all()
    order = list(LATTICE.index)
    rnd.shuffle(order)
    shuffled = LATTICE.loc[order]
    again = dm.local_moran(y.loc[order], dm.build_graph(shuffled), seed=seed, permutations=99)
    pd.testing.assert_frame_equal(hot.to_frame(), again.to_frame().loc[hot.Is.index])


def test_an_isolate_is_never_significant_in_any_local_statistic(toy_joined):
    columbus_graph = dm.build_graph(toy_joined, islands="keep")
    y = toy_joined["poverty"]
    for hot in (
        dm.local_moran(y, columbus_graph, seed=0, missing="exclude", correction="none", alpha=0.99),
        dm.local_moran_bv(y, y, columbus_graph, seed=0, missing="exclude", correction="none", alpha=0.99),
    ):
        assert hot.labels["013"] == "Isolate" and np.isnan(hot.p["013"]) and np.isnan(hot.p_adjusted["013"])
    gi = dm.local_g(y, columbus_graph, missing="exclude", correction="none")
    assert gi.labels["013"] == "Isolate" and np.isnan(gi.Zs["013"]) and gi.bins["013"] == 0


@pytest.mark.filterwarnings("ignore:The alternative hypothesis:DeprecationWarning")
def test_pseudo_p_values_equal_esda_given_esda_draws(columbus, monkeypatch):
    """The same conditional randomisation as esda: fed esda's own table of draws, the folded p equals esda's
    p_sim and z_sim esda's z_sim.

    Checked against esda's ``Moran_Local`` (numba path, ``n_jobs=1``). IDs are zero-padded so that the
    canonical order (sorted by ID) is esda's positional order, which the shared table of draws indexes.
    """
    from esda.crand import vec_permutations
    from libpysal.graph import Graph

    from deprivation_map.spatial import inference

    gdf = columbus.set_axis([f"{int(i):02d}" for i in columbus.index]).sort_index()
    graph = Graph.build_contiguity(gdf, rook=False).transform("r")
    ref = esda.Moran_Local(gdf["CRIME"].to_numpy(), graph.to_W(), permutations=99, seed=7, n_jobs=1)
    monkeypatch.setattr(
        inference,
        "_draws",
        lambda n_positions, k_max, permutations, seed: vec_permutations(k_max, n_positions + 1, permutations, 7),
    )
    ours = dm.local_moran(gdf["CRIME"], graph, permutations=99, seed=7, alternative="folded", correction="none")
    np.testing.assert_array_equal(ours.p.to_numpy(), ref.p_sim)
    np.testing.assert_allclose(ours.z_sim.to_numpy(), ref.z_sim, rtol=1e-9)
    np.testing.assert_allclose(ours.Is.to_numpy(), ref.Is, rtol=1e-12)


def test_local_moran_equals_esda_values_and_quadrants(columbus, columbus_graph):
    ours = dm.local_moran(columbus["CRIME"], columbus_graph, seed=0)
    ref = esda.Moran_Local(columbus["CRIME"].to_numpy(), columbus_graph.to_W(), permutations=0)
    np.testing.assert_allclose(ours.Is.to_numpy(), ref.Is, rtol=0, atol=1e-12)
    assert (ours.q.to_numpy() == ref.q).all()


def test_an_island_is_an_isolate_never_significant(toy_joined):
    graph = dm.build_graph(toy_joined, islands="keep")
    hot = dm.local_moran(toy_joined["poverty"], graph, seed=0, missing="exclude")
    assert hot.labels["013"] == "Isolate"
    assert np.isnan(hot.p["013"]) and np.isnan(hot.Is["013"]) and pd.isna(hot.q["013"])


def test_missing_values_raise_by_default_then_are_undefined(toy_joined):
    graph = dm.build_graph(toy_joined, islands="keep")
    with pytest.raises(ValidationError, match=r"'005'.*missing='exclude'"):
        dm.local_moran(toy_joined["degree"], graph, seed=0)
    hot = dm.local_moran(toy_joined["degree"], graph, seed=0, missing="exclude")
    assert hot.labels[["005", "012"]].tolist() == ["Undefined", "Undefined"]
    assert hot.p[["005", "012"]].isna().all()
    assert hot.counts()["Undefined"] == 2


def test_neighbours_of_a_missing_area_are_restandardised(toy_joined):
    """'001' neighbours 002, 005, 006; 005 has no value, so its lag is the mean z of 002 and 006."""
    graph = dm.build_graph(toy_joined, islands="keep")
    hot = dm.local_moran(toy_joined["degree"], graph, seed=0, missing="exclude")
    assert set(graph.neighbors["001"]) == {"002", "005", "006"}
    assert hot.lag["001"] == pytest.approx((hot.z["002"] + hot.z["006"]) / 2)


@pytest.mark.parametrize("kernel", ["numba", "numpy"])
def test_same_seed_same_result_whatever_the_row_order_or_thread_count(georgia, one_numba_thread, monkeypatch, kernel):
    from deprivation_map.spatial import inference

    if kernel == "numba":
        monkeypatch.setattr(inference, "SMALL_CELLS", 0)
    graph = dm.build_graph(georgia)
    first = dm.local_moran(georgia["PctPov"], graph, seed=7)
    shuffled = georgia.sample(frac=1, random_state=3)
    again = dm.local_moran(shuffled["PctPov"], dm.build_graph(shuffled), seed=7)
    pd.testing.assert_frame_equal(first.to_frame(), again.to_frame().loc[first.Is.index])
    with one_numba_thread():
        single = dm.local_moran(georgia["PctPov"], graph, seed=7)
    pd.testing.assert_series_equal(first.p, single.p)
    other = dm.local_moran(georgia["PctPov"], graph, seed=8)
    assert not first.p.equals(other.p)


def test_values_must_align_to_the_graph_by_id(georgia):
    graph = dm.build_graph(georgia)
    with pytest.raises(ValidationError, match="pandas Series indexed by area ID"):
        dm.local_moran(georgia["PctPov"].to_numpy(), graph)
    with pytest.raises(ValidationError, match=r"have no value.*'13001'"):
        dm.global_moran(georgia["PctPov"].drop(index="13001"), graph)


def test_a_legacy_w_is_accepted_and_not_mutated(columbus, columbus_graph):
    w = columbus_graph.to_W()
    w.transform = "b"
    ours = dm.global_moran(columbus["CRIME"], w, permutations=0)
    assert w.transform == "B"
    assert pytest.approx(0.5001886, abs=5e-8) == ours.I  # row-standardised by default, as esda does
