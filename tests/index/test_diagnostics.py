"""Diagnostics against independent formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from deprivation_map.errors import ValidationError
from deprivation_map.index.diagnostics import cronbach_alpha, diagnose


def test_raw_cronbach_alpha_equals_the_covariance_formula(georgia):
    items = georgia[["PctPov", "PctBlack", "PctRural"]]
    c = items.cov().to_numpy()
    k = c.shape[0]
    assert cronbach_alpha(items, kind="raw") == pytest.approx(k / (k - 1) * (1 - np.trace(c) / c.sum()))
    same = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 4]})
    assert cronbach_alpha(same, kind="raw") == pytest.approx(1.0)


def test_standardised_alpha_by_hand_and_as_the_raw_alpha_of_z_scores(georgia):
    # a = 1 2 3 4, b = 2 1 4 3: deviations (-1.5 -.5 .5 1.5) and (-.5 -1.5 1.5 .5), cross products sum to 3,
    # squares to 5 each, so r = 3/5 and alpha = 2 r / (1 + r) = 0.75, whatever the units of b
    items = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3]})
    assert cronbach_alpha(items) == pytest.approx(0.75)
    assert cronbach_alpha(items.assign(b=items["b"] * 10_000)) == pytest.approx(0.75)
    assert cronbach_alpha(items.assign(b=items["b"] * 10_000), kind="raw") < 0.01
    three = georgia[["PctPov", "PctBlack", "PctRural"]]
    z = (three - three.mean()) / three.std()
    assert cronbach_alpha(three) == pytest.approx(cronbach_alpha(z, kind="raw"))
    r = three.corr().to_numpy()[np.triu_indices(3, 1)].mean()
    assert cronbach_alpha(three) == pytest.approx(3 * r / (1 + 2 * r))
    with pytest.raises(ValidationError, match="'standardised', 'raw'"):
        cronbach_alpha(three, kind="std")


def test_alpha_of_chicago_tracts_does_not_depend_on_income_being_in_dollars(shared_data):
    # issue 13, item 7: per-capita income in dollars beside percentages made the raw alpha about 0.005
    import geopandas as gpd

    chicago = gpd.read_file(shared_data / "chicago_sdoh" / "Chi-SDOH.shp").set_index("geoid10")
    spec = {"Pov14": 1, "EP_PCI": -1, "Unemp14": 1, "ChldPvt14": 1, "EP_NOHSDP": 1, "EP_UNINSUR": 1, "EP_NOVEH": 1}
    d = diagnose(chicago, spec)
    assert d.alpha_raw["index"] < 0.05 and d.alpha["index"] > 0.8
    thousands = diagnose(chicago.assign(EP_PCI=chicago["EP_PCI"] / 1000), spec)
    assert thousands.alpha["index"] == pytest.approx(d.alpha["index"])
    oriented = chicago[list(spec)] * pd.Series(spec)
    k, r = len(spec), oriented.corr().to_numpy()[np.triu_indices(len(spec), 1)].mean()
    assert d.alpha["index"] == pytest.approx(k * r / (1 + (k - 1) * r))


def test_diagnose_orients_and_flags_disagreeing_indicators(georgia):
    spec = {"econ": {"indicators": {"PctPov": 1, "PctBach": -1}}, "mixed": {"indicators": {"PctPov2": 1, "PctFB": 1}}}
    data = georgia.assign(PctPov2=georgia["PctPov"])
    d = diagnose(data, spec)
    assert d.correlation.at["PctPov", "PctBach"] == pytest.approx(-georgia[["PctPov", "PctBach"]].corr().iloc[0, 1])
    r = data[["PctPov2", "PctFB"]].corr().iloc[0, 1]
    assert (r < 0) == (len(d.negative[d.negative["domain"] == "mixed"]) == 1)
    assert set(d.alpha.index) == set(d.alpha_raw.index) == {"index", "econ", "mixed"}
    np.testing.assert_allclose((d.loadings**2).sum(axis=0), np.linalg.eigvalsh(d.correlation)[::-1], atol=1e-10)
