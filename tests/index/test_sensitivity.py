"""Monte Carlo uncertainty: reproducibility, degenerate cases computed by hand, the interface issue 5 relies on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.index._montecarlo import rank_rows

SPEC = {"economy": {"indicators": {"PctPov": 1, "PctBach": -1}}, "people": {"indicators": {"PctEld": 1, "PctFB": 1}}}


def test_same_seed_same_replicates(georgia):
    a = dm.uncertainty(georgia, SPEC, replicates=40, seed=5, normalise=["zscore", "rank"])
    b = dm.uncertainty(georgia, SPEC, replicates=40, seed=5, normalise=["zscore", "rank"])
    c = dm.uncertainty(georgia, SPEC, replicates=40, seed=6, normalise=["zscore", "rank"])
    pd.testing.assert_frame_equal(a.scores, b.scores)
    assert not a.scores.equals(c.scores) and a.seed == 5


def test_replicate_scores_are_indexed_by_area_one_column_per_replicate(georgia):
    u = dm.uncertainty(georgia.iloc[::-1], SPEC, replicates=30, seed=1)
    assert u.scores.index.equals(georgia.index[::-1]) and u.scores.shape == (159, 30)
    # higher = more deprived: replicate 0 ranks like its scores
    assert u.scores[0].idxmax() == u.scores[0].rank(ascending=False).idxmin()
    assert ((u.p_top_decile >= 0) & (u.p_top_decile <= 1)).all()
    assert (u.rank_low <= u.median_rank).all() and (u.median_rank <= u.rank_high).all()


def test_without_alternatives_or_noise_every_replicate_is_the_base_index(georgia):
    u = dm.uncertainty(georgia, SPEC, replicates=10, seed=0, weight_noise=0.0)
    for r in u.scores:
        np.testing.assert_allclose(u.scores[r], u.base.score, atol=1e-12)
    assert (u.median_rank == u.base.rank.astype(float)).all()
    assert (u.p_top_decile == (u.base.decile == 1).astype(float)).all()
    assert u.sensitivity.empty


def test_replicates_match_build_index_for_the_choice_they_drew(georgia):
    minmax = ("minmax", {"low": 1, "high": 100})
    u = dm.uncertainty(
        georgia,
        SPEC,
        replicates=20,
        seed=3,
        weight_noise=0.0,
        normalise=["rank", minmax],
        aggregate=["mean", "geometric"],
    )
    options = {"rank": "rank", "minmax(low=1, high=100)": minmax}
    assert u.choices["aggregate"].nunique() == 2 and u.choices["normalise"].nunique() == 2
    for r, choice in u.choices.iterrows():
        index = dm.build_index(georgia, SPEC, normalise=options[choice["normalise"]], aggregate=choice["aggregate"])
        np.testing.assert_allclose(u.scores[r], index.score, atol=1e-9)


def test_undefined_combinations_are_refused(georgia):
    with pytest.raises(ValidationError, match=r"normalise='zscore'.*aggregate='geometric'"):
        dm.uncertainty(georgia, SPEC, replicates=5, seed=0, aggregate=["mean", "geometric"])
    with pytest.raises(ValidationError, match="lists of alternatives"):
        dm.uncertainty(georgia, SPEC, replicates=5, seed=0, normalise="zscore")


def test_sensitivity_names_the_choice_that_moves_ranks_most(georgia):
    u = dm.uncertainty(georgia, SPEC, replicates=50, seed=2, normalise=["zscore", "rank"], weight_noise=0.05)
    assert set(u.sensitivity.index) == {"normalise", "weights"}
    assert u.sensitivity["mean_rank_shift"].is_monotonic_decreasing
    # shift of normalise, by hand: mean |rank(zscore) - rank(rank)|
    a = dm.build_index(georgia, SPEC).rank.astype(float)
    b = dm.build_index(georgia, SPEC, normalise="rank").rank.astype(float)
    assert u.sensitivity.at["normalise", "mean_rank_shift"] == pytest.approx((a - b).abs().mean())


def test_rank_kernel_matches_pandas():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(4, 30)).astype(float)
    x[1, 3] = np.nan
    expected = pd.DataFrame(x.T).rank(ascending=False, method="min").to_numpy().T
    np.testing.assert_array_equal(rank_rows(x), expected)
