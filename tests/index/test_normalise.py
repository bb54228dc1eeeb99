"""Normalisers, aggregators, weights and treatments, each against a hand computation or an independent library."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra.pandas import column, data_frames

from deprivation_map.errors import ValidationError
from deprivation_map.index.normalise import NORMALISERS, distance, exponential, goalposts, minmax, normalise, percentile


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


finite = st.floats(-1e6, 1e6, allow_nan=False)


POSITIVE = {"distance"}  # needs a positive reference: tested on positive values


OPTIONS = {"goalposts": {"lower": -1e5, "upper": 1e5, "directions": {"x": 1}}}


@pytest.mark.parametrize("method", sorted(NORMALISERS))
@given(frame=data_frames([column("x", elements=finite)], index=st.just(pd.RangeIndex(8))))
@example(frame=pd.DataFrame({"x": [0.0] + [5e-324] * 7}))  # subnormal: zscore's deviation once underflowed to 0
def test_every_normaliser_preserves_order(method, frame):
    if frame["x"].nunique() < 2:
        return
    if method in POSITIVE:
        frame = frame.abs() + 1.0
    out = NORMALISERS[method](frame, **OPTIONS.get(method, {}))["x"]
    x = frame["x"].to_numpy()
    i, j = np.triu_indices(len(x), 1)
    assert np.all((x[i] < x[j]) <= (out.to_numpy()[i] <= out.to_numpy()[j]))


def test_normaliser_bounds_by_hand():
    frame = pd.DataFrame({"x": [2.0, 4.0, 6.0, 8.0]})
    assert NORMALISERS["minmax"](frame)["x"].tolist() == [0.0, 1 / 3, 2 / 3, 1.0]
    z = NORMALISERS["zscore"](frame)["x"]
    assert z.mean() == pytest.approx(0) and z.std(ddof=1) == pytest.approx(1)
    assert NORMALISERS["rank"](pd.DataFrame({"x": [5.0, 1.0, 5.0]}))["x"].tolist() == [2.5, 1.0, 2.5]
