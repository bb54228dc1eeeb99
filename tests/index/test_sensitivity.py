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


def _spec_with(weights: pd.Series) -> dm.IndexSpec:
    """SPEC with the weights a replicate drew, written in the specification (for weighting="explicit")."""
    return dm.IndexSpec(
        tuple(
            dm.Domain(
                domain,
                tuple(dm.Indicator(c, d, weights[domain, c]) for c, d in members["indicators"].items()),
                weights["index", domain],
            )
            for domain, members in SPEC.items()
        )
    )


def test_replicates_equal_build_index_with_the_choices_and_weights_they_drew(georgia):
    minmax = ("minmax", {"low": 1, "high": 100})
    u = dm.uncertainty(
        georgia,
        SPEC,
        replicates=12,
        seed=4,
        normalise=[minmax, "rank"],
        aggregate=["mean", "geometric", "mazziotta_pareto"],
    )
    options = {"rank": "rank", "minmax(low=1, high=100)": minmax}
    assert u.weights.shape == (12, 6) and u.choices["aggregate"].nunique() == 3
    np.testing.assert_allclose(u.weights.T.groupby(level="level").sum().T, 1.0, rtol=1e-12)
    for r, choice in u.choices.iterrows():
        index = dm.build_index(
            georgia,
            _spec_with(u.weights.loc[r]),
            weighting="explicit",
            normalise=options[choice["normalise"]],
            aggregate=choice["aggregate"],
        )
        np.testing.assert_allclose(u.scores[r], index.score, rtol=1e-12, atol=1e-12)


def test_replicates_with_missing_value_policies_equal_build_index(toy_joined):
    spec = {"poverty": 1, "degree": -1}
    u = dm.uncertainty(toy_joined, spec, replicates=15, seed=2, missing=["exclude", "mean", "median"])
    assert set(u.choices["missing"]) == {"exclude", "mean", "median"}
    for r, choice in u.choices.iterrows():
        w = u.weights.loc[r]
        weighted = {c: {"direction": d, "weight": w["index", c]} for c, d in spec.items()}
        index = dm.build_index(toy_joined, weighted, weighting="explicit", missing=choice["missing"])
        pd.testing.assert_index_equal(u.scores[r].dropna().index, index.score.dropna().index)
        np.testing.assert_allclose(u.scores[r], index.score, rtol=1e-12, atol=1e-12)


def test_summaries_follow_from_the_replicate_scores(toy_joined, georgia):
    for u in (
        dm.uncertainty(georgia, SPEC, replicates=40, seed=9, normalise=["zscore", "rank"]),
        dm.uncertainty(toy_joined, {"poverty": 1, "degree": -1}, replicates=40, seed=9, missing=["exclude", "mean"]),
    ):
        ranks = u.scores.rank(ascending=False, method="min")  # pandas ranks each replicate (column) alone
        scored = ranks.notna()
        np.testing.assert_array_equal(u.median_rank, ranks.quantile(0.5, axis=1))
        np.testing.assert_array_equal(u.rank_low, ranks.quantile(0.05, axis=1))
        np.testing.assert_array_equal(u.rank_high, ranks.quantile(0.95, axis=1))
        top = (ranks <= scored.sum() / 10).astype(float).where(scored)
        np.testing.assert_allclose(u.p_top_decile, top.mean(axis=1), rtol=1e-6)


def test_the_draws_follow_the_seed_in_a_fixed_order(georgia):
    # the stream is: the choices (replicates x 3 integers), then for each replicate the weight factors of
    # every level with 2 or more members, children first; recomputed here by hand from the seed
    u = dm.uncertainty(georgia, SPEC, replicates=6, seed=21, normalise=["zscore", "rank"], weight_noise=0.3)
    rng = np.random.default_rng(21)
    draws = rng.integers(0, [1, 2, 1], size=(6, 3))
    assert u.choices["normalise"].tolist() == [["zscore", "rank"][i] for i in draws[:, 1]]
    base = u.base.level_weights
    for r in range(6):
        for level, members in (
            ("economy", ["PctPov", "PctBach"]),
            ("people", ["PctEld", "PctFB"]),
            ("index", ["economy", "people"]),
        ):
            w = base[level][members].to_numpy() * rng.uniform(0.7, 1.3, size=2)
            np.testing.assert_array_equal(u.weights.loc[r, level][members].to_numpy(), w / w.sum())


def test_scores_are_evaluated_once_when_read(georgia):
    u = dm.uncertainty(georgia, SPEC, replicates=8, seed=0)
    assert "8 replicates" in repr(u) and "scores" not in vars(u)  # the summaries did not need them
    assert u.scores is u.scores and u.scores.shape == (159, 8)


def test_the_former_policy_name_drop_warns_at_the_caller(toy_joined):
    with pytest.warns(DeprecationWarning, match="missing='exclude'") as caught:
        u = dm.uncertainty(toy_joined, {"poverty": 1, "degree": -1}, replicates=3, seed=0, missing=["drop"])
    assert caught[0].filename == __file__ and set(u.choices["missing"]) == {"exclude"}


def test_rank_kernel_on_near_ties_signed_zeros_infinities_and_empty_rows():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 40, size=(8, 500)).astype(float) / 7
    x[0, ::3] += 1e-15 * rng.integers(-2, 3, size=167)  # closer than the sort keys can tell
    x[1] = 1 + rng.integers(0, 3, size=500) * 2e-16
    x[2, :4] = [-0.0, 0.0, np.inf, -np.inf]
    x[3] = np.nan
    x[4, 1:] = np.nan
    x[5] = -x[5] * 1e-300
    x[6] = rng.normal(size=500)
    expected = pd.DataFrame(x.T).rank(ascending=False, method="min").to_numpy().T
    np.testing.assert_array_equal(rank_rows(x), expected)
