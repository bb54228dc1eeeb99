"""Normalisers, aggregators, weights and treatments, each against a hand computation or an independent library."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deprivation_map.errors import ValidationError
from deprivation_map.index.aggregate import AGGREGATORS, arithmetic_mean, count, mazziotta_pareto, power_mean
from deprivation_map.index.normalise import distance, exponential, goalposts, minmax, normalise, percentile
from deprivation_map.index.treat import auto, boxcox, log, treat, winsorise
from deprivation_map.index.weighting import factor, pca

# --- normalisers ------------------------------------------------------------------------------------------------


def test_percentile_follows_cdc_ties_to_the_lowest_rank():
    # (rank - 1)/(n - 1) with min ranks: 5 -> 1, 10 -> 2, 20, 20 -> 3, 40 -> 5; n = 5
    out = percentile(pd.DataFrame({"x": [10.0, 20.0, 20.0, 40.0, 5.0]}))["x"]
    assert out.tolist() == [0.25, 0.5, 0.5, 1.0, 0.0]


def test_exponential_transform_matches_the_imd_formula_and_its_published_properties():
    n = 1000
    x = pd.DataFrame({"d": np.arange(n, dtype=float)})
    out = exponential(x)["d"].to_numpy()
    r = np.arange(1, n + 1) / n
    np.testing.assert_allclose(out, -23 * np.log(1 - r * (1 - np.exp(-100 / 23))), rtol=1e-12)
    # IMD Technical Report: the most deprived gets 100 and the 10 % most deprived lie above about 50
    assert out[-1] == pytest.approx(100.0)
    assert out[int(0.9 * n) - 1] == pytest.approx(-23 * np.log(1 - 0.9 * (1 - np.exp(-100 / 23))))
    assert 50 < out[int(0.9 * n) - 1] < 51
    assert np.all(np.diff(out) > 0)
    # another constant changes the stretch but still ends at 100
    assert exponential(x, constant=10)["d"].iloc[-1] == pytest.approx(100.0)


def test_exponential_transform_worked_example_of_the_scottish_indices_2003():
    """Scottish Indices of Deprivation 2003, Appendix 5 (the transform the English IMD uses): with N = 1222 wards,
    "each transformed domain has a range of 0 to 100, with a score of 100 for the most deprived ward" and
    "the constant (23) determines that ten percent of wards have a score higher than 50"; a ward scoring 100 on
    one domain and 0 on another averages 50 and "would thus be ranked at the 90th percentile"."""
    x = exponential(pd.DataFrame({"d": np.arange(1222.0)}))["d"]
    assert x.max() == pytest.approx(100.0) and 0 < x.min() < 0.1
    assert (x > 50).mean() == pytest.approx(0.10, abs=0.005)
    assert (x < 50).mean() == pytest.approx(0.90, abs=0.005)


def test_minmax_bounds_distance_and_goalposts_by_hand():
    f = pd.DataFrame({"x": [2.0, 4.0, 6.0, 10.0]})
    assert minmax(f, low=1, high=100)["x"].tolist() == [1.0, 25.75, 50.5, 100.0]
    assert distance(f, reference="max")["x"].tolist() == [0.2, 0.4, 0.6, 1.0]
    assert distance(f, reference={"x": 4.0})["x"].tolist() == [0.5, 1.0, 1.5, 2.5]
    with pytest.raises(ValidationError, match="positive reference"):
        distance(-f)
    # goalposts in raw units; direction -1 means 10 is the least deprived end: oriented values are -x
    up = goalposts(f, lower=0, upper=8, directions={"x": 1})["x"].tolist()
    down = goalposts(-f, lower=0, upper=8, directions={"x": -1})["x"].tolist()
    assert up == [0.25, 0.5, 0.75, 1.0]  # 10 is capped at the upper goalpost
    assert down == [0.75, 0.5, 0.25, 0.0]


def test_normaliser_options_are_checked():
    f = pd.DataFrame({"x": [1.0, 2.0]})
    with pytest.raises(ValidationError, match=r"takes the options \['low', 'high'\], not \['lo'\]"):
        normalise(f, ("minmax", {"lo": 0}))


# --- aggregators --------------------------------------------------------------------------------------------------

Y = np.array([[1.0, 4.0], [2.0, 2.0], [9.0, 1.0]])
W = np.array([0.5, 0.5])


def test_aggregators_by_hand():
    assert arithmetic_mean(Y, W)[0].tolist() == [2.5, 2.0, 5.0]
    np.testing.assert_allclose(AGGREGATORS["geometric"](Y, W)[0], [2.0, 2.0, 3.0])
    np.testing.assert_allclose(power_mean(Y, W, p=2)[0], np.sqrt([8.5, 4.0, 41.0]))
    np.testing.assert_allclose(power_mean(Y, W, p=1)[0], arithmetic_mean(Y, W)[0])
    np.testing.assert_allclose(power_mean(Y, W, p=-1)[0], [1.6, 2.0, 1.8])  # harmonic mean


def test_mazziotta_pareto_by_hand():
    # column 1: mean 4, population sd sqrt(38/3); column 2: mean 7/3, sd sqrt(14/9)
    y = Y
    z = 100 + 10 * (y - y.mean(axis=0)) / y.std(axis=0)
    m, s = z.mean(axis=1), z.std(axis=1)
    score, contrib = mazziotta_pareto(y, W)
    np.testing.assert_allclose(score, m + s * (s / m))
    np.testing.assert_allclose(mazziotta_pareto(y, W, penalty="-")[0], m - s * (s / m))
    np.testing.assert_allclose(contrib.sum(axis=1), score)
    # a balanced area is not penalised: equal z-scores give MPI = mean
    balanced = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    np.testing.assert_allclose(
        mazziotta_pareto(balanced, W)[0], [100 - 10 * np.sqrt(1.5), 100, 100 + 10 * np.sqrt(1.5)]
    )


def test_count_of_flags_uses_cdc_percentiles():
    y = np.column_stack([np.arange(11.0), np.arange(11.0)[::-1]])  # percentile rank = i/10
    score, contrib = count(y, np.array([0.5, 0.5]), percentile=0.9)
    assert score.tolist() == [1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1]  # rows 9, 10 in column 1; rows 1, 0 in column 2
    assert (contrib.sum(axis=1) == score).all()


@settings(max_examples=40, deadline=None)
@given(y=arrays(float, (6, 3), elements=st.floats(0.5, 100)), w=arrays(float, 3, elements=st.floats(0.1, 1)))
def test_additive_aggregators_and_monotonicity(y, w):
    w = w / w.sum()
    for func in (arithmetic_mean, lambda a, b: power_mean(a, b, p=3), mazziotta_pareto, count):
        score, contrib = func(y, w)
        np.testing.assert_allclose(contrib.sum(axis=1), score, rtol=1e-9, atol=1e-9)
    for func in (arithmetic_mean, AGGREGATORS["geometric"], lambda a, b: power_mean(a, b, p=0.5)):
        bigger = y.copy()
        bigger[0] += 1.0  # raising every indicator of an area never lowers its score
        assert func(bigger, w)[0][0] >= func(y, w)[0][0]


# --- weights --------------------------------------------------------------------------------------------------------


def test_pca_weights_for_two_indicators_by_hand():
    rng = np.random.default_rng(3)
    a = rng.normal(size=200)
    frame = pd.DataFrame({"a": a, "b": a + rng.normal(size=200)})
    weights, info = pca(frame, pd.Series(1.0, index=frame.columns))
    r = frame.corr().iloc[0, 1]
    # eigenvalues of [[1, r], [r, 1]] are 1 +- r, first eigenvector (1, 1)/sqrt(2)
    assert weights.tolist() == pytest.approx([0.5, 0.5])
    assert info["explained_variance"] == pytest.approx((1 + r) / 2)


def test_pca_loadings_agree_with_scikit_learn(georgia):
    from sklearn.decomposition import PCA

    cols = ["PctPov", "PctBach", "PctEld", "PctFB"]
    z = (georgia[cols] - georgia[cols].mean()) / georgia[cols].std(ddof=1)
    weights, info = pca(z, pd.Series(1.0, index=cols))
    ref = PCA(n_components=4).fit(z.to_numpy())
    np.testing.assert_allclose(weights, ref.components_[0] ** 2, atol=1e-10)
    assert info["explained_variance"] == pytest.approx(ref.explained_variance_ratio_[0])


def test_factor_weights_follow_the_handbook_procedure(georgia):
    cols = ["PctPov", "PctBach", "PctEld", "PctFB", "PctRural"]
    weights, info = factor(georgia[cols], pd.Series(1.0, index=cols))
    assert weights.sum() == pytest.approx(1) and (weights > 0).all()
    loadings = info["loadings"].to_numpy() ** 2
    group = loadings.argmax(axis=1)
    share = loadings.sum(axis=0) / loadings.sum()
    expected = np.array(
        [
            loadings[j, group[j]] / loadings[group == group[j], group[j]].sum() * share[group[j]]
            for j in range(len(cols))
        ]
    )
    np.testing.assert_allclose(weights, expected / expected.sum())
    # varimax keeps the communalities (row sums of squared loadings)
    values, vectors = np.linalg.eigh(georgia[cols].corr().to_numpy())
    k = info["factors"]
    top = vectors[:, ::-1][:, :k] * np.sqrt(values[::-1][:k])
    np.testing.assert_allclose(loadings.sum(axis=1), (top**2).sum(axis=1), atol=1e-8)


# --- treatments -----------------------------------------------------------------------------------------------------


def test_winsorise_replaces_the_outlier_by_the_next_value():
    x = pd.Series([1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100], index=list("abcdefghij"), name="x")
    out = winsorise(x)
    assert out["j"] == 5.0 and out.drop("j").equals(x.drop("j"))


def test_log_and_boxcox_against_scipy():
    from scipy import stats

    x = pd.Series([1.0, 2.0, 5.0, 30.0, 400.0], name="x")
    np.testing.assert_allclose(log(x), np.log(x - 1 + 1))
    y, _lam = stats.boxcox(x.to_numpy())
    np.testing.assert_allclose(boxcox(x), y)
    np.testing.assert_allclose(boxcox(x, lmbda=0.5), (np.sqrt(x) - 1) / 0.5)
    with pytest.raises(ValidationError, match="positive values"):
        boxcox(x - 10)


def test_auto_leaves_symmetric_indicators_alone_and_reports_changes():
    rng = np.random.default_rng(0)
    normal = pd.Series(rng.normal(size=300), name="n")
    assert auto(normal).equals(normal)
    skewed = pd.Series(np.exp(rng.normal(0, 2, size=300)), name="s")  # lognormal: far beyond the thresholds
    treated, report = treat(pd.DataFrame({"s": skewed, "n": normal}), {"s": "auto", "n": "auto"})
    assert set(report["indicator"]) == {"s"}
    assert (report["original"] != report["treated"]).all()
    assert treated["n"].equals(normal)
