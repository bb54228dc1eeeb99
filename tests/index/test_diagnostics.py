"""Diagnostics against independent formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deprivation_map.index.diagnostics import cronbach_alpha, diagnose


def test_cronbach_alpha_equals_the_covariance_formula(georgia):
    items = georgia[["PctPov", "PctBlack", "PctRural"]]
    c = items.cov().to_numpy()
    k = c.shape[0]
    assert cronbach_alpha(items) == pytest.approx(k / (k - 1) * (1 - np.trace(c) / c.sum()))
    same = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4]})
    assert cronbach_alpha(same) == pytest.approx(1.0)


def test_diagnose_orients_and_flags_disagreeing_indicators(georgia):
    spec = {"econ": {"indicators": {"PctPov": 1, "PctBach": -1}}, "mixed": {"indicators": {"PctPov2": 1, "PctFB": 1}}}
    data = georgia.assign(PctPov2=georgia["PctPov"])
    d = diagnose(data, spec)
    assert d.correlation.at["PctPov", "PctBach"] == pytest.approx(-georgia[["PctPov", "PctBach"]].corr().iloc[0, 1])
    r = data[["PctPov2", "PctFB"]].corr().iloc[0, 1]
    assert (r < 0) == (len(d.negative[d.negative["domain"] == "mixed"]) == 1)
    assert set(d.alpha.index) == {"index", "econ", "mixed"}
    np.testing.assert_allclose((d.loadings**2).sum(axis=0), np.linalg.eigvalsh(d.correlation)[::-1], atol=1e-10)
