"""Normalisers, aggregators, weights and treatments, each against a hand computation or an independent library."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from deprivation_map.index.aggregate import AGGREGATORS, arithmetic_mean, count, mazziotta_pareto, power_mean

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
