"""Gi*: z-scores checked against esda's G_Local(star=True) and ArcGIS's formula; bins checked by hand."""

from __future__ import annotations

import esda
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.spatial.getis_ord import GI_LABELS


def test_gi_star_z_equals_esda_with_binary_weights(columbus, columbus_graph):
    ours = dm.local_g(columbus["CRIME"], columbus_graph)
    ref = esda.G_Local(columbus["CRIME"].to_numpy(), columbus_graph, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(ours.Zs.to_numpy(), ref.Zs, rtol=1e-10)
    np.testing.assert_allclose(ours.Gs.to_numpy(), ref.Gs, rtol=1e-10)


def test_gi_star_z_equals_arcgis_formula_by_hand_for_one_area(columbus, columbus_graph):
    """Ord and Getis (1995) as ArcGIS documents it, written out for area '1' with binary weights and itself."""
    x = columbus["CRIME"]
    members = ["1", *columbus_graph.neighbors["1"]]
    n, mean = len(x), x.mean()
    s = np.sqrt((x**2).mean() - mean**2)
    w_i = len(members)
    expected = (x[members].sum() - mean * w_i) / (s * np.sqrt((n * w_i - w_i**2) / (n - 1)))
    assert dm.local_g(x, columbus_graph).Zs["1"] == pytest.approx(expected, rel=1e-12)


def test_bins_follow_arcgis_confidence_levels_without_correction(columbus, columbus_graph):
    gi = dm.local_g(columbus["CRIME"], columbus_graph, correction="none")
    z, labels = gi.Zs, gi.labels.astype(str)
    assert set(labels) <= set(GI_LABELS)
    expect = np.select(
        [z >= 2.5758293, z >= 1.9599640, z >= 1.6448536, z <= -2.5758293, z <= -1.9599640, z <= -1.6448536],
        ["Hot spot (99%)", "Hot spot (95%)", "Hot spot (90%)", "Cold spot (99%)", "Cold spot (95%)", "Cold spot (90%)"],
        default="Not significant",
    )
    assert (labels.to_numpy() == expect).all()
    bins = {
        "Hot spot (99%)": 3,
        "Hot spot (95%)": 2,
        "Hot spot (90%)": 1,
        "Not significant": 0,
        "Cold spot (90%)": -1,
        "Cold spot (95%)": -2,
        "Cold spot (99%)": -3,
    }
    assert (gi.bins.to_numpy() == labels.map(bins).to_numpy()).all()
    assert gi.counts().sum() == len(columbus) and list(gi.to_frame().columns)[-1] == "gi_label"


def test_fdr_labels_fewer_spots_and_permutations_give_valid_p(columbus, columbus_graph):
    raw = dm.local_g(columbus["CRIME"], columbus_graph, correction="none")
    fdr = dm.local_g(columbus["CRIME"], columbus_graph)
    assert (fdr.bins.abs() <= raw.bins.abs()).all() and fdr.labels.name.endswith("(FDR (Benjamini-Hochberg))")
    perm = dm.local_g(columbus["CRIME"], columbus_graph, inference="permutation", seed=1, correction="none")
    assert ((perm.p > 0) & (perm.p <= 1)).all() and perm.seed == 1
    # the permutation and normal p-values estimate the same thing for this well-behaved variable
    assert np.corrcoef(perm.p, raw.p)[0, 1] > 0.9


def test_gi_star_is_order_invariant(columbus, columbus_graph):
    shuffled = columbus.sample(frac=1, random_state=0)
    a = dm.local_g(columbus["CRIME"], columbus_graph).to_frame()
    b = dm.local_g(shuffled["CRIME"], dm.build_graph(shuffled)).to_frame().loc[a.index]
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_permutation_p_values_do_not_change_when_values_are_shifted_below_zero(columbus, columbus_graph, alternative):
    """Shifting every value by c adds c * W_i to each draw's lag and to the observed one alike, so the
    conditional permutation p-values cannot change, even when the total becomes negative (a z-score index)."""
    crime = columbus["CRIME"]
    runs = [
        dm.local_g(crime + shift, columbus_graph, inference="permutation", seed=3, alternative=alternative).p
        for shift in (0.0, -crime.mean(), -2 * crime.max())
    ]
    for shifted in runs[1:]:
        pd.testing.assert_series_equal(shifted, runs[0])


def test_g_is_published_only_for_values_where_it_is_a_share(georgia):
    """Issue 13: on a z-scored index (total about 0) G*_i = lag / total came out near 7e14. It is NaN there, while
    the z-scores (shift-invariant) and the bins stay as for the raw values."""
    graph = dm.build_graph(georgia)
    raw = georgia["PctPov"]
    index = (raw - raw.mean()) / raw.std()
    assert abs(index.sum()) < 1e-9  # the denominator G* would divide by
    gi, z_scored = dm.local_g(raw, graph), dm.local_g(index, graph)
    assert gi.Gs.notna().all() and gi.Gs.between(0, 1).all()
    assert z_scored.Gs.isna().all() and z_scored.to_frame()["gi_G"].isna().all()
    np.testing.assert_allclose(z_scored.Zs, gi.Zs, atol=1e-9)
    pd.testing.assert_series_equal(z_scored.labels, gi.labels)


def test_inference_is_an_option_and_permutations_alone_still_work(columbus, columbus_graph):
    crime = columbus["CRIME"]
    analytic = dm.local_g(crime, columbus_graph, correction="none")
    assert analytic.inference == "analytic" and analytic.permutations == 0 and analytic.seed is None
    assert analytic.z_sim.isna().all()
    np.testing.assert_allclose(analytic.p, 2 * norm.sf(analytic.Zs.abs()), rtol=1e-12)
    perm = dm.local_g(crime, columbus_graph, inference="permutation", seed=2, correction="none")
    assert perm.inference == "permutation" and perm.permutations == 999 and perm.seed == 2  # "auto", no correction
    # z_sim, the lag standardised by its permutations, tracks the analytic z (both centre on the null mean)
    assert np.corrcoef(perm.z_sim, perm.Zs)[0, 1] > 0.95
    with pytest.warns(DeprecationWarning, match="inference='permutation'"):
        old = dm.local_g(crime, columbus_graph, permutations=199, seed=2, correction="none")
    assert old.inference == "permutation" and old.permutations == 199
    with pytest.warns(DeprecationWarning, match="GiHotspots.Zs"):
        pd.testing.assert_series_equal(old.z, old.Zs)


def test_alpha_chooses_the_weakest_confidence_labelled(columbus, columbus_graph):
    every = dm.local_g(columbus["CRIME"], columbus_graph, correction="none")
    strict = dm.local_g(columbus["CRIME"], columbus_graph, correction="none", alpha=0.01)
    assert set(strict.labels.astype(str)) <= {"Hot spot (99%)", "Cold spot (99%)", "Not significant"}
    assert (strict.bins.abs() == 3).sum() == (every.bins.abs() == 3).sum()
    assert (every.bins.abs() == 1).sum() > 0
    with pytest.raises(ValidationError, match="confidence levels"):
        dm.local_g(columbus["CRIME"], columbus_graph, alpha=0.2)
