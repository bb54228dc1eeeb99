"""Normalisers, aggregators, weights and treatments, each against a hand computation or an independent library."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deprivation_map.errors import ValidationError
from deprivation_map.index.treat import auto, boxcox, log, treat, winsorise


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
