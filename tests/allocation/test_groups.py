"""Vulnerable groups (allocation/groups.py): sums by class checked by hand, rates against esda, suppression audited.

Smoothed rates are checked against esda's ``Empirical_Bayes`` (global EB, Marshall 1991) and the EB z-scores
against ``dm.eb_rates``; the tables' sums are recomputed with pandas; every published count is at or above
the threshold, and no suppressed count can be recovered from the groups' totals (a linear programme per
suppressed cell, as in tests/io/test_disclosure.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import deprivation_map as dm
from deprivation_map.allocation.groups import eb_smoothed_rates
from deprivation_map.errors import ValidationError

GROUPS = ["children", "older", "unemployed"]


@pytest.fixture(scope="module")
def data(georgia):
    """Georgia's counties with three groups' counts, some of them small."""
    pop = georgia["TotPop90"]
    counts = pd.DataFrame(
        {
            "children": (pop * 0.22).round(),
            "older": (georgia["PctEld"] / 100 * pop).round(),
            "unemployed": (georgia["PctPov"] / 100 * pop / 150).round(),  # small: many below 10
        }
    ).astype(int)
    return counts, pop


def columns_protected(published: pd.DataFrame, totals: pd.Series) -> bool:
    """No suppressed cell of a column has a single feasible value given the column's total."""
    for col in published.columns:
        missing = published[col].isna().to_numpy()
        if not missing.any():
            continue
        rest = totals[col] - published[col].fillna(0).sum()
        for k in range(missing.sum()):
            c = np.eye(missing.sum())[k]
            low = linprog(c, A_eq=[np.ones(missing.sum())], b_eq=[rest], bounds=(0, None), method="highs").fun
            high = -linprog(-c, A_eq=[np.ones(missing.sum())], b_eq=[rest], bounds=(0, None), method="highs").fun
            if high - low < 0.5:
                return False
    return True


def test_smoothed_rates_equal_esda_and_z_scores_equal_eb_rates(data):
    from esda.smoothing import Empirical_Bayes

    counts, pop = data
    for group in ["older", "unemployed"]:  # rates that vary more than chance: the prior variance is > 0
        expected = Empirical_Bayes(counts[group].to_numpy(), pop.to_numpy()).r.ravel()
        np.testing.assert_allclose(eb_smoothed_rates(counts[group].to_numpy(), pop.to_numpy()), expected, rtol=1e-12)
    # children are 22 % everywhere: the moment estimate of the prior variance is negative. esda keeps it
    # (weights < 0 push rates past the mean); Marshall (1991) sets it to 0, so every rate becomes the mean.
    children = eb_smoothed_rates(counts["children"].to_numpy(), pop.to_numpy())
    np.testing.assert_allclose(children, counts["children"].sum() / pop.sum(), rtol=1e-12)
    out = dm.vulnerable_groups(counts, pop, threshold=10, per=1000)
    pd.testing.assert_series_equal(
        out.rates["unemployed_eb_z"], dm.eb_rates(counts["unemployed"], pop), check_names=False
    )
    expected = Empirical_Bayes(counts["older"].to_numpy(), pop.to_numpy()).r.ravel() * 1000
    np.testing.assert_allclose(out.rates["older_rate_eb"].to_numpy(), expected, rtol=1e-12)


def test_area_rates_are_suppressed_with_their_counts(data):
    counts, pop = data
    out = dm.vulnerable_groups(counts, pop, threshold=10, per=1000)
    small = counts["unemployed"] < 10
    assert small.any() and out.rates.loc[small, ["unemployed_count", "unemployed_rate"]].isna().all().all()
    shown = ~small
    np.testing.assert_allclose(
        out.rates.loc[shown, "unemployed_rate"], counts.loc[shown, "unemployed"] / pop[shown] * 1000, rtol=1e-12
    )
    assert out.rates["unemployed_rate_eb"].notna().all() and out.rates.index.equals(counts.index)


def test_by_decile_sums_by_hand_and_protects_small_cells(data, georgia):
    counts, pop = data
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    out = dm.vulnerable_groups(counts, pop, index=index, threshold=300)
    table = out.by_decile
    decile = index.decile
    expected = counts.groupby(decile.astype(int)).sum()
    people = pop.groupby(decile.astype(int)).sum()
    for group in GROUPS:
        shown = table[group].notna().to_numpy()
        rows = [int(d) for d in table.index[shown]]
        assert (table.loc[shown, group].to_numpy() == expected.loc[rows, group].to_numpy()).all()
        assert (table.loc[shown, group] >= 300).all()
        np.testing.assert_allclose(
            table.loc[shown, f"{group}_rate"].to_numpy(dtype=float),
            (expected.loc[rows, group] / people[rows] * 1000).to_numpy(),
        )
    assert table["unemployed"].isna().sum() >= 2  # small counts: primary and complementary suppression
    assert columns_protected(table[GROUPS], counts.sum())
    assert table["population"].sum() == pop.sum() and table["areas"].sum() == len(counts)


def test_by_cluster_and_by_access(data, georgia):
    counts, pop = data
    hot = dm.local_moran(georgia["PctPov"], dm.build_graph(georgia), seed=1)
    points = georgia.loc[["13121", "13051", "13245"]].representative_point().to_frame("geometry")
    acc = dm.accessibility(georgia, points.assign(beds=[50, 20, 20]), demand="TotPop90", supply="beds", max_cost=90_000)
    out = dm.vulnerable_groups(counts, pop, hotspots=hot, access=acc, threshold=10)
    present = [label for label in dm.spatial.LABELS if (hot.labels == label).any()]
    assert out.by_cluster.index.tolist() == present
    assert out.by_access.index.tolist() == ["Under-served", "Served"]
    under = acc.underserved()
    assert out.by_access.loc["Under-served", "population"] == pop[under].sum()
    distance = dm.distance_to_services(georgia, points, within=60_000)
    flagged = dm.vulnerable_groups(counts, pop, access=distance).by_access
    assert flagged.loc["Under-served", "areas"] == int(distance.beyond.sum())
    assert "VulnerableGroups(3 groups in 159 areas, by cluster, access" in repr(out)


def test_areas_without_a_score_are_counted_not_dropped(data, georgia):
    counts, pop = data
    score = georgia["PctPov"].copy()
    score.iloc[:5] = np.nan
    table = dm.vulnerable_groups(counts, pop, index=score).by_decile
    assert table.loc["No score", "areas"] == 5 and table["areas"].sum() == 159


def test_clear_errors(data):
    counts, pop = data
    with pytest.raises(ValidationError, match="'13001'"):
        dm.vulnerable_groups(counts.assign(older=counts["older"].where(counts.index != "13001", -1)), pop)
    with pytest.raises(ValidationError, match="> 0 in every area"):
        dm.vulnerable_groups(counts, pop.where(pop.index != "13003", 0))
    with pytest.raises(ValidationError, match="access must be"):
        dm.vulnerable_groups(counts, pop, access="far")
