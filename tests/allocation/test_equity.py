"""Equity measures: hand-computed cases and independent formulas (pairwise Gini, curve area, Kakwani's sum)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import deprivation_map as dm
from deprivation_map.errors import ValidationError


def _pairwise_gini(y, p):
    """Independent: the weighted mean absolute difference over twice the mean."""
    y, p = np.asarray(y, float), np.asarray(p, float)
    mu = (p * y).sum() / p.sum()
    return (p[:, None] * p[None, :] * np.abs(y[:, None] - y[None, :])).sum() / (2 * p.sum() ** 2 * mu)


def test_gini_by_hand():
    assert dm.gini([5, 5, 5]) == pytest.approx(0.0)
    assert dm.gini([0, 0, 0, 1]) == pytest.approx(0.75)  # (n - 1) / n when one has everything
    assert dm.gini([1, 3], weights=[3, 1]) == pytest.approx(0.25)  # 2*3*1*2 / (2 * 16 * 1.5)
    assert dm.gini([1, 3], weights=[3, 1]) == pytest.approx(dm.gini([1, 1, 1, 3]))  # weights = repeated people
    assert np.isnan(dm.gini([0, 0]))


values = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=80, deadline=None)
@given(values, st.data())
def test_gini_equals_the_pairwise_formula(y, data):
    p = data.draw(st.lists(st.floats(0.5, 1e4), min_size=len(y), max_size=len(y)))
    if sum(a * b for a, b in zip(y, p, strict=True)) <= 1e-9:
        return
    assert dm.gini(y, p) == pytest.approx(_pairwise_gini(y, p), abs=1e-9)


def test_concentration_index_by_hand():
    # y = (0, 0, 1) ranked 1, 2, 3: mu = 1/3, fractional ranks 1/6, 1/2, 5/6 -> C = 6 * (1/27 + 2/27) = 2/3.
    assert dm.concentration_index([0, 0, 1], rank_by=[1, 2, 3]) == pytest.approx(2 / 3)
    assert dm.concentration_index([1, 0, 0], rank_by=[1, 2, 3]) == pytest.approx(-2 / 3)
    assert dm.concentration_index([4, 4, 4], rank_by=[3, 1, 2]) == pytest.approx(0.0)
    # ties in the ranking variable are one group: the order inside it does not matter
    assert dm.concentration_index([1, 3, 2], rank_by=[1, 2, 2]) == pytest.approx(
        dm.concentration_index([1, 2, 3], rank_by=[1, 2, 2])
    )


def _kakwani(y, x):
    """Independent (Kakwani, Wagstaff and van Doorslaer 1997): C = 2/(n^2 mu) sum y_i R_i - 1 - 1/n, R = 1..n."""
    y = np.asarray(y, float)[np.argsort(x, kind="stable")]
    n = len(y)
    return 2 / (n**2 * y.mean()) * (y * np.arange(1, n + 1)).sum() - 1 - 1 / n


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1e4), st.floats(0.1, 1e4), st.integers(0, 10)), min_size=2, max_size=40))
def test_concentration_index_equals_the_curve_area(rows):
    y, p, x = (np.array(c, dtype=float) for c in zip(*rows, strict=True))
    if (y * p).sum() <= 1e-9:
        return
    curve = dm.concentration_curve(y, rank_by=x, weights=p)
    q, L = curve["population_share"].to_numpy(), curve["allocation_share"].to_numpy()
    area = ((q[1:] - q[:-1]) * (L[1:] + L[:-1]) / 2).sum()
    assert dm.concentration_index(y, rank_by=x, weights=p) == pytest.approx(1 - 2 * area, abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.1, 1e4), min_size=2, max_size=40, unique=True))
def test_concentration_index_equals_kakwanis_sum_without_ties(y):
    x = np.arange(len(y))[::-1]  # distinct ranks, not in the values' order
    assert dm.concentration_index(y, rank_by=x) == pytest.approx(_kakwani(y, x), abs=1e-9)


def _four_areas():
    ids = ["a", "b", "c", "d"]
    need = pd.Series([4.0, 3.0, 2.0, 1.0], index=ids)
    people = pd.Series([100.0, 100.0, 200.0, 100.0], index=ids)
    amounts = pd.Series([100.0, 200.0, 150.0, 50.0], index=ids)
    return amounts, need, people


def test_assess_equity_by_hand():
    amounts, need, people = _four_areas()
    hot = pd.Series([True, True, False, False], index=amounts.index)
    top = pd.Series([True, False, False, False], index=amounts.index)
    eq = dm.assess_equity(amounts, need, population=people, hotspot=hot, most_deprived=top)
    # equal per capita: 500 / 500 people = 1 each -> baseline 100, 100, 200, 100
    assert eq.baseline.tolist() == [100.0, 100.0, 200.0, 100.0]
    assert eq.gap.tolist() == [0.0, 100.0, -50.0, -50.0]
    assert eq.gap_per_capita.tolist() == [0.0, 1.0, -0.25, -0.5]
    assert eq.share_hotspots == pytest.approx(0.6) and eq.share_hotspots_baseline == pytest.approx(0.4)
    assert eq.share_most_deprived == 0.2 and eq.share_most_deprived_baseline == 0.2
    # per capita 1, 2, 0.75, 0.5 weighted by 1, 1, 2, 1 (hundreds): pairwise Gini by hand
    assert eq.gini == pytest.approx(_pairwise_gini([1, 2, 0.75, 0.5], [1, 1, 2, 1]))
    assert eq.gini_baseline == pytest.approx(0.0) and eq.concentration_baseline == pytest.approx(0.0)
    # ranked by need ascending: d (0.5/p), c (0.75), b (2), a (1); shares 0.2, 0.4, 0.2, 0.2; mu = 1
    ranks = np.array([0.1, 0.4, 0.7, 0.9])
    expected = 2 * (np.array([0.2, 0.4, 0.2, 0.2]) * (np.array([0.5, 0.75, 2, 1]) - 1) * (ranks - 0.5)).sum()
    assert eq.concentration == pytest.approx(expected)
    assert eq.curve["allocation_share"].round(6).tolist() == [0.0, 0.1, 0.4, 0.8, 1.0]
    assert eq.curve["baseline_share"].round(6).tolist() == [0.0, 0.2, 0.6, 0.8, 1.0]
    assert eq.underfunded_hotspots.empty


def test_the_most_deprived_decile_defaults_to_decile_1_of_need():
    need = pd.Series(np.arange(1.0, 21.0), index=[f"{i:02d}" for i in range(20)])
    amounts = pd.Series(1.0, index=need.index)
    eq = dm.assess_equity(amounts, need)
    assert eq.most_deprived[eq.most_deprived].index.tolist() == ["18", "19"] and eq.share_most_deprived == 0.1
    # with 4 areas decile 1 is empty (decile = ceil(10 rank / n), as the English IMD's): nothing reaches it
    assert not dm.assess_equity(amounts.iloc[:4], need.iloc[:4]).most_deprived.any()


def test_current_spending_baseline_and_underfunded_hotspots_most_first():
    amounts, need, people = _four_areas()
    current = pd.Series([150.0, 300.0, 0.0, 50.0], index=["a", "b", "c", "d"])[["d", "c", "b", "a"]]
    hot = pd.Series(True, index=amounts.index)
    eq = dm.assess_equity(amounts, need, population=people, baseline=current, hotspot=hot)
    assert eq.baseline_name == "current spending"
    assert eq.gap.tolist() == [-50.0, -100.0, 150.0, 0.0]
    assert eq.underfunded_hotspots.tolist() == ["b", "a"]  # -1.0 then -0.5 per person
    frame = eq.to_frame()
    assert frame["underfunded_hotspot"].tolist() == [True, True, False, False]
    assert eq.summary().loc["share_hotspots"].tolist() == [1.0, 1.0]


def test_allocation_against_a_baseline():
    _amounts, need, people = _four_areas()
    alloc = dm.allocate(need, 500, population=people)
    assert alloc.equity.baseline_name == "equal_per_capita"
    vs_equal = alloc.against("equal")
    assert vs_equal.baseline.tolist() == pytest.approx([125.0] * 4)
    assert vs_equal.gap.sum() == pytest.approx(0.0)
    assert "Equity(vs equal: Gini" in repr(vs_equal)


def test_bad_baselines():
    amounts, need, _people = _four_areas()
    with pytest.raises(ValidationError, match="needs a population"):
        dm.assess_equity(amounts, need, baseline="equal_per_capita")
    with pytest.raises(ValidationError, match=r"Unknown baseline 'equall'.*Did you mean 'equal'"):
        dm.assess_equity(amounts, need, baseline="equall")
    with pytest.raises(ValidationError, match=r"areas of the allocation have no value \('d'\)"):
        dm.assess_equity(amounts, need, baseline=pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"]))
    with pytest.raises(ValidationError, match=r"no value for 'b'.*0 where there is none"):
        dm.assess_equity(amounts, need, baseline=pd.Series([1.0, np.nan, 3.0, 4.0], index=amounts.index))


def test_allocation_and_equity_frames_join_by_area():
    _amounts, need, people = _four_areas()
    alloc = dm.allocate(need, 500, population=people)
    joined = alloc.to_frame().join(alloc.equity.to_frame())
    assert joined.index.equals(need.index)
    assert (joined["amount"] - joined["baseline"]).tolist() == pytest.approx(joined["gap"].tolist())


def test_gini_and_concentration_pair_series_by_id_not_position(georgia):
    # Reversing the population's rows changed the Gini from 0.26 to 0.17 when Series were paired by position.
    need, people = georgia["PctPov"], georgia["TotPop90"]
    reversed_people = people.iloc[::-1]
    assert dm.gini(need, reversed_people) == pytest.approx(dm.gini(need.to_numpy(), people.to_numpy()), abs=1e-15)
    assert dm.concentration_index(need, need.iloc[::-1], reversed_people) == pytest.approx(
        dm.concentration_index(need.to_numpy(), need.to_numpy(), people.to_numpy()), abs=1e-15
    )
    curve = dm.concentration_curve(need.iloc[::-1], need, reversed_people)
    pd.testing.assert_frame_equal(curve, dm.concentration_curve(need.to_numpy(), need.to_numpy(), people.to_numpy()))


@pytest.mark.parametrize(
    "call",
    [
        lambda y, p: dm.gini(y, p),
        lambda y, p: dm.concentration_index(y, y, p),
        lambda y, p: dm.concentration_curve(y, y, p),
    ],
)
def test_series_sharing_no_id_or_mixed_with_arrays_are_refused(call):
    y = pd.Series([1.0, 2.0, 3.0], index=["a", "b", "c"])
    with pytest.raises(ValidationError, match=r"must hold the same area IDs.*'a', 'b', 'c'"):
        call(y, pd.Series([1.0, 1.0, 2.0], index=["x", "y", "z"]))
    with pytest.raises(ValidationError, match="cannot be paired by ID"):
        call(y, np.array([1.0, 1.0, 2.0]))


def test_assess_equity_pairs_amounts_need_and_population_by_id(georgia):
    need, people = georgia["PctPov"], georgia["TotPop90"]
    amounts = dm.allocate(need, 1_000_000, population=people).amounts
    ours = dm.assess_equity(amounts, need, population=people)
    shuffled = dm.assess_equity(amounts.iloc[::-1], need.sample(frac=1, random_state=1), population=people.iloc[::-1])
    assert (shuffled.gini, shuffled.concentration) == pytest.approx((ours.gini, ours.concentration), abs=1e-12)
    assert shuffled.gap.reindex(ours.gap.index).equals(ours.gap)
    with pytest.raises(ValidationError, match="must hold the same area IDs"):
        dm.assess_equity(amounts, need, population=people.reset_index(drop=True))
