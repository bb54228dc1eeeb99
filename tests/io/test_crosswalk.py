"""Crosswalks: change types as ONS codes them; Greater Manchester's LSOA 2011 -> 2021 change derived by overlay."""

from __future__ import annotations

import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.io.crosswalk import change_types


def test_change_types_by_hand():
    old = ["a", "b", "b", "c", "d", "e", "e", "f"]
    new = ["A", "B1", "B2", "CD", "CD", "E", "F", "F"]
    assert change_types(pd.Series(old), pd.Series(new)).tolist() == ["U", "S", "S", "M", "M", "X", "X", "X"]


def test_published_codes_are_checked_against_the_pairs():
    lookup = pd.DataFrame({"o": ["a", "b", "b"], "n": ["A", "B1", "B2"], "chg": ["U", "S", "U"]})
    with pytest.raises(dm.errors.ValidationError, match="disagree"):
        dm.crosswalk_from_lookup(lookup, old="o", new="n", change="chg")


def test_shares_from_a_column_sum_to_one_per_old_area():
    lookup = pd.DataFrame({"o": ["b", "b"], "n": ["B1", "B2"], "pop": [30, 10]})
    cw = dm.crosswalk_from_lookup(lookup, old="o", new="n", share="pop")
    assert cw.table["share"].tolist() == [0.75, 0.25]


def test_greater_manchester_lsoa_change_matches_the_published_counts(shared_data):
    import geopandas as gpd

    gm = shared_data / "greater_manchester"
    old = gpd.read_file(gm / "lsoa11.geojson").set_index("area_code")
    new = gpd.read_file(gm / "lsoa21.geojson").set_index("area_code")
    cw = dm.crosswalk_from_boundaries(old, new)
    c = cw.counts()
    # the data README: 1,636 kept, 31 split into 63, 6 merged in pairs into 3, no complex change
    assert (c["unchanged old"], c["split old"], c["split new"], c["merged old"], c["merged new"]) == (
        1636,
        31,
        63,
        6,
        3,
    )
    assert c["complex old"] == 0 and len(cw.old) == 1673 and len(cw.new) == 1702
    merged = cw.table[cw.table["change"] == "M"].groupby("new")["old"].apply(set)
    assert merged.map(len).eq(2).all()
    unchanged = cw.table[cw.table["change"] == "U"]
    assert (unchanged["old"] == unchanged["new"]).all()  # kept codes kept their shape
