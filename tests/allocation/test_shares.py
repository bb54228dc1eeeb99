"""Allocation: hand-computed cases, an independent iterative redistribution, explicit policies, invariants."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import deprivation_map as dm
from deprivation_map.allocation._apportion import largest_remainder, water_fill
from deprivation_map.errors import ValidationError

IDS = ["a", "b", "c", "d"]


def _series(values, ids=None):
    return pd.Series(values, index=ids or [f"{i:03d}" for i in range(len(values))], dtype="float64")


def test_proportional_without_bounds_by_hand():
    alloc = dm.allocate(_series([1, 2, 3, 4], IDS), 100)
    assert alloc.amounts.tolist() == [10.0, 20.0, 30.0, 40.0]
    assert alloc.shares.tolist() == [0.1, 0.2, 0.3, 0.4]
    assert alloc.per_capita.isna().all() and alloc.population is None


def test_population_multiplies_need_and_gives_per_capita():
    # weights 2*10, 1*20, 3*0: 20, 20, 0 -> 50, 50, 0; per capita 5, 2.5, NaN (nobody lives there)
    alloc = dm.allocate(_series([2, 1, 3], IDS[:3]), 100, population=_series([10, 20, 0], IDS[:3]))
    assert alloc.amounts.tolist() == [50.0, 50.0, 0.0]
    assert alloc.per_capita.iloc[:2].tolist() == [5.0, 2.5] and np.isnan(alloc.per_capita.iloc[2])


def test_caps_are_redistributed_iteratively_by_hand():
    # cap 30: d (40) is capped, leaving 70 for 1:2:3 -> c would get 35 > 30, so c is capped too;
    # the last 40 go 1:2 -> 13.333 and 26.667; in cents 1333.33 -> 1333 and 2666.67 -> 2667 (larger remainder).
    alloc = dm.allocate(_series([1, 2, 3, 4], IDS), 100, cap=30)
    assert alloc.amounts.tolist() == [13.33, 26.67, 30.0, 30.0]
    assert alloc.minor_units.sum() == 10_000
    assert alloc.bound.astype(str).tolist() == ["proportional", "proportional", "cap", "cap"]


def test_floors_by_hand():
    # need 1, 1, 8 with floor 15 and budget 100: lambda = 10 gives a and b 10 < 15, so both sit at 15 and c gets 70.
    alloc = dm.allocate(_series([1, 1, 8], IDS[:3]), 100, floor=15)
    assert alloc.amounts.tolist() == [15.0, 15.0, 70.0]
    assert alloc.bound.astype(str).tolist() == ["floor", "floor", "proportional"]
    # per-area floors and caps as Series, aligned by ID (given in another order)
    floors = pd.Series([0.0, 0.0, 50.0], index=["c", "b", "a"])
    caps = pd.Series([np.nan, 20.0, np.nan], index=["a", "b", "c"])
    alloc = dm.allocate(_series([1, 1, 8], IDS[:3]), 100, floor=floors, cap=caps)
    # a is held at 50; b and c share the other 50 1:8 -> 5.56 and 44.44 (b's cap of 20 does not bind)
    assert alloc.amounts.tolist() == [50.0, 5.56, 44.44]


def _naive_redistribution(weights, caps, budget):
    """Independent check: the textbook loop (share, cap, give the excess to the uncapped, repeat)."""
    amounts = np.zeros(len(weights))
    free = np.ones(len(weights), dtype=bool)
    left = budget
    while True:
        share = left * weights * free / weights[free].sum()
        over = free & (share > caps)
        if not over.any():
            return np.where(free, share, amounts)
        amounts[over] = caps[over]
        free &= ~over
        left = budget - amounts[~free].sum()


@pytest.mark.parametrize("seed", range(5))
def test_water_fill_equals_the_naive_iterative_redistribution(seed):
    rng = np.random.default_rng(seed)
    weights = rng.gamma(2.0, size=200)
    caps = rng.uniform(0.5, 20, size=200)
    budget = 0.7 * caps.sum()
    expected = _naive_redistribution(weights, caps, budget)
    got = water_fill(weights, np.zeros(200), caps, budget)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)


def test_largest_remainder_by_hand_and_ties_go_to_the_first_id():
    # Hamilton: quotas 4.3, 3.2, 2.5 -> floors 4, 3, 2 and the one unit left goes to the largest remainder.
    assert largest_remainder(np.array([4.3, 3.2, 2.5]), np.zeros(3), np.full(3, 10), 10).tolist() == [4, 3, 3]
    alloc = dm.allocate(_series([1, 1, 1], ["b", "a", "c"]), 0.02)
    assert alloc.amounts.to_dict() == {"b": 0.01, "a": 0.01, "c": 0.0}
    units = dm.allocate(_series([1, 1, 1], ["c", "b", "a"]), 1, units=True)
    assert units.amounts.to_dict() == {"c": 0, "b": 0, "a": 1} and units.amounts.dtype == "int64"


def test_population_is_paired_with_the_need_by_id_or_refused(georgia):
    need, people = georgia["PctPov"], georgia["TotPop90"]
    alloc = dm.allocate(need, 1_000_000, population=people)
    assert dm.allocate(need, 1_000_000, population=people.iloc[::-1]).minor_units.equals(alloc.minor_units)
    with pytest.raises(ValidationError, match="must hold the same area IDs"):
        dm.allocate(need, 1_000_000, population=people.reset_index(drop=True))


def test_float_budgets_are_read_as_their_decimal_and_sum_exactly():
    alloc = dm.allocate(_series([1, 1, 1], IDS[:3]), 0.1)
    assert alloc.budget == Decimal("0.1") and alloc.minor_units.tolist() == [4, 3, 3]
    assert alloc.amounts.map(repr).tolist() == ["0.04", "0.03", "0.03"]  # prints as the decimal it is


def test_progressive_squares_the_need():
    alloc = dm.allocate(_series([1, 2], IDS[:2]), 100, method="progressive")
    assert alloc.amounts.tolist() == [20.0, 80.0] and alloc.parameters["power"] == 2.0
    assert dm.allocate(_series([1, 2], IDS[:2]), 90, method="progressive", power=3).amounts.tolist() == [10.0, 80.0]


def test_threshold_to_the_most_deprived_decile_a_number_or_hotspots():
    need = _series(range(1, 21))
    decile = dm.allocate(need, 390, method="threshold")
    # decile 1 of 20 areas = the two highest (19 and 20), sharing 390 as 19:20
    assert decile.amounts[decile.amounts > 0].tolist() == [190.0, 200.0]
    assert decile.amounts[need < 19].eq(0).all() and set(decile.bound[need < 19].astype(str)) == {"floor_only"}
    above = dm.allocate(need, 39, method="threshold", threshold=18.5)
    assert above.amounts.iloc[-2:].tolist() == [19.0, 20.0]
    labels = pd.Series("Not significant", index=need.index)
    labels.iloc[[0, 5]] = "High-High"
    hot = dm.allocate(need, 70, method="threshold", threshold="hotspots", hotspots=labels)
    assert hot.amounts[hot.amounts > 0].to_dict() == {"000": 10.0, "005": 60.0}
    assert hot.equity.share_hotspots == 1.0


def test_a_deprivation_index_and_its_hotspots(georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    hot = dm.local_moran(index.score, dm.build_graph(georgia), seed=0)
    with pytest.raises(ValidationError, match=r"negative need.*negative='shift'"):
        dm.allocate(index, 1000)
    alloc = dm.allocate(index, 1000, method="threshold", threshold="hotspots", hotspots=hot, negative="shift")
    high_high = hot.labels == "High-High"
    assert alloc.amounts[~high_high].eq(0).all() and alloc.amounts[high_high].gt(0).all()
    assert alloc.equity.most_deprived.equals((index.decile == 1).astype(bool))


def test_negative_policies():
    need = _series([-1.0, 0.0, 3.0], IDS[:3])
    assert dm.allocate(need, 100, negative="clip").amounts.tolist() == [0.0, 0.0, 100.0]
    # shift: 0, 1, 4
    assert dm.allocate(need, 100, negative="shift").amounts.tolist() == [0.0, 20.0, 80.0]
    with pytest.raises(ValidationError, match=r"Unknown negative-need policy 'shfit'.*Did you mean 'shift'"):
        dm.allocate(need, 100, negative="shfit")


def test_direction_minus_one_gives_more_to_lower_values():
    change = _series([-30.0, -10.0, 0.0, 5.0], IDS[:4])  # a population change: losing people = more need
    with pytest.raises(ValidationError, match=r"^2 areas have a negative need.*First, which way.*direction=-1"):
        dm.allocate(change, 100)
    with pytest.raises(ValidationError, match=r"With direction=-1, 1 areas have a negative need \('d'\)"):
        dm.allocate(change, 100, direction=-1)
    alloc = dm.allocate(change, 400, direction=-1, negative="clip", floor=10)
    # weights 30, 10, 0, 0 (d clipped): c and d get the floor only (20); 380 shared 3:1, above the floor
    assert alloc.amounts.tolist() == [285.0, 95.0, 10.0, 10.0]
    assert alloc.need.equals(change.rename("need")) and alloc.parameters["direction"] == -1
    assert alloc.bound.astype(str).tolist() == ["proportional", "proportional", "floor_only", "floor_only"]
    assert alloc.floor_only.tolist() == ["c", "d"] and "2 floor only" in repr(alloc)
    assert "2 areas are funded only by the floor" in alloc.summary() and "'c', 'd'" in alloc.summary()
    assert alloc.equity.concentration > 0  # ranked by need as oriented: the money goes to the decline
    assert alloc.against("equal").concentration == pytest.approx(alloc.equity.concentration)
    below = dm.allocate(change, 100, direction=-1, method="threshold", threshold=-10, negative="clip")
    assert below.amounts.tolist() == [75.0, 25.0, 0.0, 0.0]  # at or below -10
    with pytest.raises(ValidationError, match=r"direction must be \+1 .* or -1"):
        dm.allocate(change, 100, direction=0)


def test_western_greece_population_decline_goes_to_the_shrinking_municipalities(shared_data):
    # Real data: clip with the default direction sent 414,319 and 245,681 EUR to the only two growing ones.
    gr = dm.read_boundaries(shared_data / "western_greece" / "municipalities.geojson", id_col="ypes")
    change, people = gr["pop_change_pct"], gr["pop_2021"]
    with pytest.raises(ValidationError, match=r"First, which way does the need run.*direction=-1"):
        dm.allocate(change, 660_000, population=people)
    alloc = dm.allocate(change, 660_000, population=people, direction=-1, negative="clip", floor=5_000)
    growing = change.index[change > 0]
    assert len(growing) == 2 and sorted(alloc.floor_only) == sorted(growing)
    assert alloc.amounts[growing].eq(5_000).all() and alloc.amounts.drop(growing).ge(5_000).all()
    assert (alloc.bound.drop(growing) != "floor_only").all()
    assert alloc.amounts.idxmax() == (change * people).idxmin()  # the most people lost


def test_missing_need_is_refused_or_excluded():
    need = _series([1.0, np.nan, 3.0], IDS[:3])
    with pytest.raises(ValidationError, match=r"1 areas have no need: 'b'.*missing='exclude'"):
        dm.allocate(need, 100)
    alloc = dm.allocate(need, 100, missing="exclude", floor=5)
    assert alloc.amounts.tolist() == [25.0, 0.0, 75.0] and alloc.bound["b"] == "excluded"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"floor": 40}, r"floors add up to 120, more than the budget 100"),
        ({"cap": 20}, r"at most 60 of the budget 100"),
        ({"floor": pd.Series([30.0, 0, 0], index=IDS[:3]), "cap": 20}, r"floor is above the cap for 'a'"),
        ({"method": "threshold", "threshold": 2.5, "cap": 50}, r"at most 50 of the budget 100.*wider threshold"),
        ({"method": "proportinal"}, r"Unknown allocation method 'proportinal'.*'progressive'.*Did you mean"),
        ({"power": 2}, r"method='proportional' takes no option; power does not apply"),
        ({"method": "progressive", "power": -1}, r"power must be a positive number"),
        ({"method": "threshold", "threshold": "quartile"}, r"threshold must be 'decile'"),
        ({"units": True, "decimals": 2}, r"decimals must be 0"),
        ({"population": _series([1.0, 2.0], IDS[:2])}, r"areas of the need have no value \('c'\)"),
        ({"population": _series([1.0, -2.0, 1.0], IDS[:3])}, r"missing or negative for 'b'"),
        ({"floor": -1}, r"floor must be >= 0"),
    ],
)
def test_bad_input_gets_a_clear_error(kwargs, message):
    with pytest.raises(ValidationError, match=message):
        dm.allocate(_series([1, 2, 3], IDS[:3]), 100, **kwargs)


@pytest.mark.parametrize(
    ("budget", "message"),
    [(100.005, "not a whole number of minor units"), (-1, ">= 0"), (float("nan"), ">= 0"), ("100", "must be a number")],
)
def test_bad_budgets(budget, message):
    with pytest.raises(ValidationError, match=message):
        dm.allocate(_series([1, 2], IDS[:2]), budget)
    with pytest.raises(ValidationError, match="whole number"):
        dm.allocate(_series([1, 2], IDS[:2]), 10.5, units=True)


def test_inputs_are_not_modified_and_to_frame_has_every_area():
    need, people = _series([1, 2, 3], IDS[:3]), _series([5, 5, 5], IDS[:3])
    copies = need.copy(), people.copy()
    alloc = dm.allocate(need, 100, population=people, cap=40)
    assert need.equals(copies[0]) and people.equals(copies[1])
    frame = alloc.to_frame()
    assert frame.index.equals(need.index) and frame["amount"].sum() == pytest.approx(100)
    assert {"need", "population", "weight", "amount", "share", "per_capita", "bound"} <= set(frame.columns)
    assert repr(alloc).startswith("Allocation(100 over 3 areas, proportional; 2 at cap")


# -- properties ---------------------------------------------------------------------------------------------

needs = st.lists(st.floats(0, 1e4, allow_nan=False), min_size=2, max_size=30)


@st.composite
def problems(draw):
    need = draw(needs)
    n = len(need)
    people = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    budget = Decimal(draw(st.integers(0, 10**9))) / 100
    floor = draw(st.sampled_from([0, int(budget * 100 / (2 * n)) / 100]))  # whole cents
    cap = draw(st.sampled_from([None, float(budget) * 2 / n, float(budget)]))
    assume(sum(need[i] * people[i] for i in range(n)) > 0 or cap is None)
    return _series(need), _series(people), budget, floor, cap


def _feasible(need, people, budget, floor, cap):
    try:
        return dm.allocate(need, budget, population=people, floor=floor, cap=cap)
    except ValidationError as err:  # caps that cannot hold the budget are refused; nothing else may fail
        assert "at most" in str(err)
        assume(False)


@settings(max_examples=60, deadline=None)
@given(problems(), st.randoms(use_true_random=False))
def test_exact_sums_bounds_and_row_order(problem, rnd):
    need, people, budget, floor, cap = problem
    alloc = _feasible(need, people, budget, floor, cap)
    assert int(alloc.minor_units.sum()) == int(budget * 100)
    amounts = alloc.amounts
    assert (amounts >= round(floor, 2) - 1e-9).all()
    if cap is not None:
        assert (amounts <= cap + 1e-9).all()
    order = list(need.index)
    rnd.shuffle(order)
    shuffled = dm.allocate(need[order], budget, population=people[order[::-1]], floor=floor, cap=cap)
    assert shuffled.amounts.index.tolist() == order
    assert shuffled.minor_units.reindex(need.index).equals(alloc.minor_units)


@settings(max_examples=60, deadline=None)
@given(problems(), st.data())
def test_monotone_in_need(problem, data):
    need, people, budget, floor, cap = problem
    before = _feasible(need, people, budget, floor, cap)
    i = data.draw(st.integers(0, len(need) - 1))
    more = need.copy()
    more.iloc[i] += data.draw(st.floats(0.01, 1e4))
    after = dm.allocate(more, budget, population=people, floor=floor, cap=cap)
    assert after.minor_units.iloc[i] >= before.minor_units.iloc[i]


def test_a_subnormal_need_beside_a_normal_one_gets_nothing():
    """Hand case (found by Hypothesis): need 1 beside 2.2e-309 must give all 10 places to the first area.

    The subnormal weight's cap breakpoint overflows to infinity, so the root lies on the last segment, where
    the free slope is 2.2e-309 and the remaining budget is 0: lambda must not fall below that segment's start.
    """
    for tiny in (2.2e-309, 2.2e-313, 5e-324):
        need = pd.Series([1.0, tiny], index=["a", "b"])
        assert dm.allocate(need, 10, units=True).amounts.tolist() == [10, 0]
        assert dm.allocate(need, 10.0).amounts.tolist() == [10.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(needs, st.integers(0, 500), st.integers(0, 3))
def test_whole_units_sum_to_the_budget(need, places, floor):
    assume(len(need) * floor <= places)
    need = _series(need)
    assume(need.sum() > 0 or len(need) * floor == places)
    alloc = dm.allocate(need, places, units=True, floor=floor)
    assert alloc.amounts.dtype == "int64" and int(alloc.amounts.sum()) == places
    assert (alloc.amounts >= floor).all()
    # within one unit of the exact quota above the floors (the largest-remainder guarantee)
    if floor == 0 and need.sum() > 0:
        quota = places * need / need.sum()
        assert ((alloc.amounts - quota).abs() < 1).all()


def test_chicago_tracts_poverty_hotspots(shared_data):
    """Real data: Chicago's 791 tracts, a budget that follows poverty, checked against its LISA hotspots."""
    tracts = dm.read_boundaries(shared_data / "chicago_sdoh" / "Chi-SDOH.shp", id_col="geoid10")
    people = tracts["Pop2014"].astype(float)
    alloc = dm.allocate(tracts["Pov14"], 12_345_678.91, population=people, cap=40_000)
    assert int(alloc.minor_units.sum()) == 1_234_567_891 and alloc.amounts.max() == 40_000
    assert alloc.amounts.index.equals(tracts.index)
    hot = dm.local_moran(tracts["Pov14"], dm.build_graph(tracts), seed=0)
    eq = dm.allocate(tracts["Pov14"], 12_345_678.91, population=people, cap=40_000, hotspots=hot).equity
    assert eq.concentration > 0 and eq.share_hotspots > eq.share_hotspots_baseline  # the budget follows poverty
    expected = tracts.index[(hot.labels == "High-High").to_numpy() & (eq.gap < 0).to_numpy()]
    assert sorted(eq.underfunded_hotspots) == sorted(expected)
    best = dm.select_sites(
        tracts,
        tracts.representative_point().to_frame("geometry"),
        5,
        within=5280 * 1.5,
        need=tracts["Pov14"],
        population=people,
    )
    assert best.optimal and 0 < best.gained <= best.total_need


def test_needs_spanning_hundreds_of_orders_of_magnitude_keep_their_shares():
    """Found by Hypothesis: once the large needs reach their cap, what is left goes to the next largest need,
    even a need of 1e-191, and not to one of 1e-324 (1e133 times smaller); raising a capped need changes nothing.
    Before, prefix sums that subtracted large weights lost the tiny ones and split the rest equally."""
    ids = ["000", "001", "002", "003", "004", "005", "006"]
    need = pd.Series([6984.458, 0.0, 5e-324, 5e-191, 3327.008, 1618.865, 8627.46], index=ids)
    people = pd.Series([84.0, 0, 160, 385, 37, 391, 0], index=ids)
    budget, cap = Decimal("104554.92"), 29872.834285714285
    before = dm.allocate(need, budget, population=people, cap=cap)
    capped = round(cap * 100)
    assert before.minor_units.tolist() == [capped, 0, 0, 10455492 - 3 * capped, capped, capped, 0]
    more = need.copy()
    more.iloc[0] += 0.01
    assert dm.allocate(more, budget, population=people, cap=cap).minor_units.equals(before.minor_units)
