"""Named recipes against published tables, their documentation's rules and hand computations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError


def _imd_exp(rank_from_least, n):
    return -23 * np.log(1 - rank_from_least / n * (1 - np.exp(-100 / 23)))


def test_imd_by_hand_with_the_published_weights():
    rng = np.random.default_rng(7)
    names = list(dm.recipes.IMD_2019_WEIGHTS)
    data = pd.DataFrame(rng.normal(size=(50, 7)), columns=names, index=[f"E{i:08d}" for i in range(50)])
    index = dm.recipes.imd(data, domains=dm.recipes.IMD_2019_WEIGHTS)
    expected = sum(w * _imd_exp(data[d].rank(), 50) for d, w in dm.recipes.IMD_2019_WEIGHTS.items())
    np.testing.assert_allclose(index.score, expected, rtol=1e-12)
    np.testing.assert_allclose(index.contributions.sum(axis=1), index.score, rtol=1e-12)
    assert sum(dm.recipes.IMD_2019_WEIGHTS.values()) == pytest.approx(0.999)  # published, not rescaled


def test_imd_from_published_ranks_equals_imd_from_scores():
    rng = np.random.default_rng(8)
    scores = pd.DataFrame(rng.normal(size=(30, 2)), columns=["income", "crime"], index=[f"L{i}" for i in range(30)])
    ranks = scores.rank(ascending=False).astype(int)  # MHCLG's convention: 1 = most deprived
    a = dm.recipes.imd(scores, domains={"income": 0.7, "crime": 0.3})
    b = dm.recipes.imd(ranks, domains={"income": 0.7, "crime": 0.3}, given="ranks")
    np.testing.assert_allclose(a.score, b.score, rtol=1e-12)
    assert b.details["income_rank"].tolist() == ranks["income"].tolist()
    # national ranks restricted to a universe are ranked again within it
    part = list(scores.index[:10])
    c = dm.recipes.imd(scores, domains={"income": 0.7, "crime": 0.3}, universe=part)
    d = dm.recipes.imd(ranks, domains={"income": 0.7, "crime": 0.3}, given="ranks", universe=part)
    np.testing.assert_allclose(c.score.dropna(), d.score.dropna(), rtol=1e-12)
    assert c.components["income"].max() == pytest.approx(100.0) and c.score.notna().sum() == 10
    most = scores.index[(scores.rank(ascending=False) == 1).all(axis=1)]
    assert all(a.score[m] == pytest.approx(100.0) for m in most)


def test_imd_nested_sub_domains_are_ranked_and_transformed_again():
    rng = np.random.default_rng(9)
    d = pd.DataFrame(rng.normal(size=(40, 3)), columns=["income", "indoors", "outdoors"])
    d.index = d.index.astype(str)
    spec = {"income": 0.5, "living": {"weight": 0.5, "domains": {"indoors": 2 / 3, "outdoors": 1 / 3}}}
    index = dm.recipes.imd(d, domains=spec)
    living = 2 / 3 * _imd_exp(d["indoors"].rank(), 40) + 1 / 3 * _imd_exp(d["outdoors"].rank(), 40)
    expected = 0.5 * _imd_exp(d["income"].rank(), 40) + 0.5 * _imd_exp(living.rank(), 40)
    np.testing.assert_allclose(index.score, expected, rtol=1e-12)


def test_imd_universe_is_explicit():
    d = pd.DataFrame({"income": [1.0, 2.0, 3.0, 4.0]}, index=list("abcd"))
    local = dm.recipes.imd(d, domains={"income": 1.0}, universe=["c", "d"])
    assert local.score.isna().tolist() == [True, True, False, False]
    assert local.score["d"] == pytest.approx(100.0) and local.rank["d"] == 1
    with pytest.raises(ValidationError, match="'zz'"):
        dm.recipes.imd(d, domains={"income": 1.0}, universe=["zz"])


def test_townsend_by_hand(georgia):
    z = lambda x: (x - x.mean()) / x.std(ddof=1)  # noqa: E731
    g = georgia
    index = dm.recipes.townsend(
        g, unemployment="PctPov", overcrowding="PctFB", not_owner_occupied="PctRural", no_car="PctBlack"
    )
    expected = z(np.log(g["PctPov"] + 1)) + z(np.log(g["PctFB"] + 1)) + z(g["PctRural"]) + z(g["PctBlack"])
    np.testing.assert_allclose(index.score, expected, atol=1e-12)


def test_townsend_does_not_depend_on_the_log_base(georgia):
    """Worked examples differ in the log they use: the Avon NHS method (1991 Census) takes LN(V + 1), a common
    teaching example log10(V + 1) (overcrowding 6 % -> 0.84, unemployment 9 % -> 1). A z-score removes the
    constant factor between the two, so both give the same Townsend score."""
    g = georgia
    index = dm.recipes.townsend(
        g, unemployment="PctPov", overcrowding="PctFB", not_owner_occupied="PctRural", no_car="PctBlack"
    )
    z = lambda x: (x - x.mean()) / x.std(ddof=1)  # noqa: E731
    log10 = z(np.log10(g["PctPov"] + 1)) + z(np.log10(g["PctFB"] + 1)) + z(g["PctRural"]) + z(g["PctBlack"])
    np.testing.assert_allclose(index.score, log10, atol=1e-12)
    assert np.log10(6 + 1) == pytest.approx(0.845, abs=1e-3) and np.log10(9 + 1) == 1


def test_carstairs_population_weighted_by_hand():
    d = pd.DataFrame(
        {
            "o": [1.0, 4.0, 2.0],
            "m": [5.0, 15.0, 5.0],
            "n": [20.0, 50.0, 20.0],
            "s": [10.0, 30.0, 10.0],
            "pop": [100.0, 300.0, 100.0],
        },
        index=list("abc"),
    )
    index = dm.recipes.carstairs(
        d, overcrowding="o", male_unemployment="m", no_car="n", low_social_class="s", population="pop"
    )
    expected = 0
    for c in "omns":
        mean = np.average(d[c], weights=d["pop"])
        sd = np.sqrt(np.average((d[c] - mean) ** 2, weights=d["pop"]))
        expected = expected + (d[c] - mean) / sd
    np.testing.assert_allclose(index.score, expected)
    assert np.average(index.components, axis=0, weights=d["pop"]) == pytest.approx(np.zeros(4), abs=1e-12)


@pytest.mark.parametrize("standardise", [True, False])
def test_pca_index_agrees_with_scikit_learn(georgia, standardise):
    from sklearn.decomposition import PCA

    cols = {"PctPov": 1, "PctBach": -1, "PctRural": 1, "PctEld": 1}
    index = dm.recipes.pca_index(georgia, cols, standardise=standardise)
    oriented = georgia[list(cols)] * pd.Series(cols)
    z = oriented - oriented.mean()
    z = z / oriented.std(ddof=1) if standardise else z  # correlation or covariance PCA
    ref = PCA(n_components=1).fit(z.to_numpy())
    scores = ref.transform(z.to_numpy())[:, 0]
    sign = np.sign(np.corrcoef(scores, index.score)[0, 1])
    np.testing.assert_allclose(index.score, sign * scores, atol=1e-10)
    # higher = more deprived: the score rises with poverty
    assert np.corrcoef(index.score, georgia["PctPov"])[0, 1] > 0
    assert index.score.mean() == pytest.approx(0, abs=1e-12)
