"""Named recipes against published tables, their documentation's rules and hand computations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.index.svi import round_half_up

CDC_PA = Path(__file__).parents[1] / "data" / "svi2020_pa_county_cdc.csv"


@pytest.fixture(scope="module")
def cdc_pa():
    return pd.read_csv(CDC_PA, dtype={"FIPS": str}).set_index("FIPS")


def test_svi_reproduces_cdcs_published_2020_pennsylvania_county_table_exactly(cdc_pa):
    """Every EPL_, SPL_, RPL_ and F_TOTAL of all 67 counties, from the EP_ columns alone (see tests/data/README.md)."""
    index = dm.recipes.svi(cdc_pa, themes=dm.recipes.SVI_2020_THEMES, population="E_TOTPOP")
    published = [c for c in cdc_pa.columns if c.startswith(("EPL_", "SPL_", "RPL_"))] + ["F_TOTAL"]
    for column in published:
        np.testing.assert_array_equal(index.details[column].to_numpy(), cdc_pa[column].to_numpy(), err_msg=column)
    np.testing.assert_array_equal(index.score.to_numpy(), cdc_pa["RPL_THEMES"].to_numpy())
    assert index.rank["42101"] == 1  # Philadelphia, RPL_THEMES = 1.0
    assert index.decile[cdc_pa["RPL_THEMES"].idxmin()] == 10


def test_svi_is_independent_of_row_order(cdc_pa):
    a = dm.recipes.svi(cdc_pa)
    b = dm.recipes.svi(cdc_pa.sample(frac=1, random_state=2))
    pd.testing.assert_series_equal(a.score, b.score.loc[a.score.index])


def test_svi_documented_rules_by_hand():
    """CDC SVI documentation: ties take the lowest rank, -999 is not used, zero-population areas are not ranked."""
    t = pd.DataFrame(
        {
            "EP_A": [10.0, 20.0, 20.0, 40.0, 5.0, 7.0],
            "EP_B": [1.0, 2.0, -999, 4.0, 5.0, 3.0],
            "POP": [9, 9, 9, 9, 9, 0],
        },
        index=list("uvwxyz"),
    )
    s = dm.recipes.svi(t, themes={"T1": ["EP_A"], "T2": ["EP_B"]}, population="POP")
    d = s.details
    # z has no population: ranking over u..y only (n = 5 for A; n = 4 for B, whose w is -999)
    assert d["EPL_A"].tolist()[:5] == [0.25, 0.5, 0.5, 1.0, 0.0] and pd.isna(d.at["z", "EPL_A"])
    assert d["EPL_B"].loc[["u", "v", "x", "y"]].tolist() == [0.0, round_half_up(1 / 3), round_half_up(2 / 3), 1.0]
    assert pd.isna(d.at["w", "EPL_B"]) and d.at["w", "SPL_THEMES"] == 0.5  # B left out of w's sums
    assert d["F_TOTAL"].loc[["u", "v", "w", "x", "y"]].tolist() == [0, 0, 0, 1, 1] and pd.isna(s.score["z"])


def test_round_half_up_is_excels_rounding():
    assert round_half_up(np.array([0.12345, 0.00005, 2 / 3, 0.5])).tolist() == [0.1235, 0.0001, 0.6667, 0.5]
    assert np.round(0.00005, 4) == 0.0  # numpy rounds half to even: not CDC's rule


def test_svi_reverse_for_per_capita_income():
    t = pd.DataFrame({"EP_PCI": [10.0, 30.0, 20.0]}, index=list("abc"))
    s = dm.recipes.svi(t, themes={"T": ["EP_PCI"]}, reverse=["EP_PCI"])
    assert s.details["EPL_PCI"].tolist() == [1.0, 0.0, 0.5]
