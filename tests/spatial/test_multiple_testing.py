"""Adjusted p-values checked against statsmodels' multipletests and scipy's false_discovery_control."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import false_discovery_control

from deprivation_map.errors import ValidationError
from deprivation_map.spatial.multiple_testing import adjust_p

multitest = pytest.importorskip("statsmodels.stats.multitest")

P = st.lists(st.floats(1e-6, 1.0), min_size=1, max_size=200).map(np.array)


@given(P)
def test_fdr_equals_statsmodels_and_scipy(p):
    ours = adjust_p(p, "fdr")
    np.testing.assert_allclose(ours, multitest.multipletests(p, method="fdr_bh")[1], rtol=1e-12)
    np.testing.assert_allclose(ours, false_discovery_control(p, method="bh"), rtol=1e-12)


@given(P, st.sampled_from(["fdr", "bonferroni", "none"]))
def test_an_adjusted_p_value_is_never_below_the_raw_one(p, correction):
    assert (adjust_p(p, correction) >= p).all()


def test_the_largest_p_value_keeps_its_exact_value_under_fdr():
    # 0.998 * 159 / 159 rounds to 0.998 - 1.1e-16 in floating point: the adjusted value must not drop below p.
    p = np.linspace(0.002, 0.998, 159)
    assert adjust_p(p, "fdr")[-1] == 0.998


@given(P)
def test_bonferroni_equals_statsmodels(p):
    np.testing.assert_allclose(adjust_p(p, "bonferroni"), multitest.multipletests(p, method="bonferroni")[1])


def test_missing_p_values_stay_missing_and_are_not_counted():
    p = np.array([0.01, np.nan, 0.02, 0.04])
    np.testing.assert_allclose(adjust_p(p, "bonferroni"), [0.03, np.nan, 0.06, 0.12])
    np.testing.assert_allclose(adjust_p(p, "fdr"), [0.03, np.nan, 0.03, 0.04])
    assert np.isnan(adjust_p(np.array([np.nan]), "fdr")).all()


def test_unknown_correction_lists_the_valid_ones():
    with pytest.raises(ValidationError, match="'fdr', 'bonferroni', 'none'"):
        adjust_p(np.array([0.1]), "sidak")
