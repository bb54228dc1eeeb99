"""Normalisers, aggregators, weights and treatments, each against a hand computation or an independent library."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deprivation_map.index.weighting import factor, pca


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
