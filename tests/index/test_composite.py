"""The composite index: hand computations, invariants of every registry entry, and explicit policies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.index.composite import rank_most_deprived

NESTED = {
    "economy": {"weight": 3, "indicators": {"PctPov": 1, "PctBach": -1}},
    "people": {"weight": 1, "indicators": {"PctEld": 1, "PctFB": 1}},
}


def test_demo_index_equals_a_hand_computation(georgia):
    """Score = mean of z(PctPov) and -z(PctBach), z with the sample standard deviation."""
    index = dm.build_index(georgia, {"PctPov": +1, "PctBach": -1})
    pov, bach = georgia["PctPov"].to_numpy(), georgia["PctBach"].to_numpy()
    z_pov = (pov - pov.mean()) / pov.std(ddof=1)
    z_bach = (bach - bach.mean()) / bach.std(ddof=1)
    np.testing.assert_allclose(index.score.to_numpy(), (z_pov - z_bach) / 2, rtol=0, atol=1e-12)
    most = georgia.index[np.argmax((z_pov - z_bach) / 2)]
    assert index.rank[most] == 1 and index.decile[most] == 1


def test_three_areas_by_hand():
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 10.0, 40.0]}, index=["x", "y", "z"])
    # z(a) = [-1, 0, 1]; z(b): mean 20, sd sqrt(300) -> [-0.57735, -0.57735, 1.1547]; b has direction -1.
    index = dm.build_index(data, {"a": 1, "b": -1})
    expected = np.array([(-1 + 0.5773503) / 2, (0 + 0.5773503) / 2, (1 - 1.1547005) / 2])
    np.testing.assert_allclose(index.score, expected, atol=1e-7)
    assert index.rank.tolist() == [3, 1, 2]
    assert index.contributions.sum(axis=1).to_numpy() == pytest.approx(index.score.to_numpy())
    assert index.weights.tolist() == [0.5, 0.5]


def test_ties_share_the_best_rank_and_deciles_follow_ranks(toy_joined):
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="exclude")
    assert index.score["002"] == index.score["003"]
    assert index.rank["002"] == index.rank["003"]
    n = int(index.score.notna().sum())
    ranked = index.rank.dropna()
    assert (index.decile.dropna() == np.ceil(ranked * 10 / n)).all()
    assert set(index.quintile.dropna()) <= set(range(1, 6))


def test_missing_values_raise_by_default_and_exclude_leaves_the_area_unscored(toy_joined):
    with pytest.raises(ValidationError, match=r"'005'.*degree.*missing='exclude'"):
        dm.build_index(toy_joined, {"poverty": 1, "degree": -1})
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="exclude")
    assert index.score.index.equals(toy_joined.index)
    assert index.score[["005", "012"]].isna().all() and index.rank[["005", "012"]].isna().all()
    assert index.rank.max() == 11  # the 11 areas with complete data
    assert list(index.excluded) == ["005", "012"] and index.method["missing"] == "exclude"


def test_the_former_name_drop_still_works_and_warns_with_the_new_name(toy_joined):
    spec = {"poverty": 1, "degree": -1}
    new = dm.build_index(toy_joined, spec, missing="exclude")
    with pytest.warns(DeprecationWarning, match="missing='drop' is deprecated.*missing='exclude'") as caught:
        old = dm.build_index(toy_joined, spec, missing="drop")
    assert caught[0].filename == __file__  # the warning points at the caller's line
    pd.testing.assert_frame_equal(old.to_frame(), new.to_frame())
    assert old.method["missing"] == "exclude"


def test_the_missing_registry_documents_exclude_not_drop():
    from deprivation_map.index.composite import MISSING

    assert "exclude" in MISSING and "drop" not in MISSING
    with pytest.raises(ValidationError, match="'raise', 'exclude', 'mean', 'median', 'neighbours'"):
        dm.build_index(pd.DataFrame({"x": [1.0, 2.0]}), {"x": 1}, missing="skip")


def test_result_does_not_depend_on_row_order(georgia):
    spec = {"PctPov": 1, "PctBach": -1, "PctEld": 1}
    a = dm.build_index(georgia, spec)
    b = dm.build_index(georgia.sample(frac=1, random_state=0), spec)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame().loc[a.score.index])


def test_flipping_a_direction_reverses_the_ranking(georgia):
    up = dm.build_index(georgia, {"PctPov": 1})
    down = dm.build_index(georgia, {"PctPov": -1})
    assert (up.score.rank() == down.score.rank(ascending=False)).all()


def test_explicit_weights_are_rescaled_and_applied(georgia):
    spec = {"PctPov": {"direction": 1, "weight": 3}, "PctBach": {"direction": -1, "weight": 1}}
    index = dm.build_index(georgia, spec, weighting="explicit")
    assert index.weights.to_dict() == {"PctPov": 0.75, "PctBach": 0.25}
    expected = 0.75 * index.components["PctPov"] + 0.25 * index.components["PctBach"]
    np.testing.assert_allclose(index.score, expected)


def test_bad_specifications_and_options_are_explained(georgia):
    with pytest.raises(ValidationError, match="direction 2"):
        dm.build_index(georgia, {"PctPov": 2})
    with pytest.raises(ValidationError, match=r"no column 'PctPovv'.*'PctPov'"):
        dm.build_index(georgia, {"PctPovv": 1})
    with pytest.raises(ValidationError, match=r"Unknown normalisation 'z'.*'zscore'"):
        dm.build_index(georgia, {"PctPov": 1}, normalise="z")
    with pytest.raises(ValidationError, match="single value"):
        dm.build_index(georgia.assign(c=1.0), {"c": 1})
    with pytest.raises(ValidationError, match="must be numeric"):
        dm.build_index(georgia.assign(t="x"), {"t": 1})


def test_rank_most_deprived_by_hand():
    ranks = rank_most_deprived(pd.Series([0.5, 2.0, np.nan, 2.0, -1.0], index=list("abcde")))
    assert ranks["rank"].tolist() == [3, 1, pd.NA, 1, 4]
    assert ranks["decile"].tolist() == [8, 3, pd.NA, 3, 10]  # ceil(10 * rank / 4)


def test_input_is_not_mutated(georgia):
    before = georgia.copy()
    dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    pd.testing.assert_frame_equal(georgia, before)


def test_domains_by_hand_with_explicit_weights(georgia):
    """Domain = mean of its z-scores; index = 3/4 economy + 1/4 people (weights rescaled to sum to 1)."""
    index = dm.build_index(georgia, NESTED, weighting="explicit")
    z = {c: (georgia[c] - georgia[c].mean()) / georgia[c].std(ddof=1) for c in ["PctPov", "PctBach", "PctEld", "PctFB"]}
    economy = (z["PctPov"] - z["PctBach"]) / 2
    people = (z["PctEld"] + z["PctFB"]) / 2
    np.testing.assert_allclose(index.domain_scores["economy"], economy, atol=1e-12)
    np.testing.assert_allclose(index.score, 0.75 * economy + 0.25 * people, atol=1e-12)
    assert index.weights.to_dict() == pytest.approx(
        {"PctPov": 0.375, "PctBach": 0.375, "PctEld": 0.125, "PctFB": 0.125}
    )
    assert index.level_weights["index"].to_dict() == {"economy": 0.75, "people": 0.25}


def test_contributions_sum_to_the_score_at_every_level(georgia):
    index = dm.build_index(georgia, NESTED, weighting="explicit")
    indicators = index.contributions[index.spec.columns].sum(axis=1)
    domains = index.contributions[["economy", "people"]].sum(axis=1)
    np.testing.assert_allclose(indicators, index.score, atol=1e-12)
    np.testing.assert_allclose(domains, index.score, atol=1e-12)
    # an indicator's contribution is its effective weight times its component under linear aggregation
    np.testing.assert_allclose(index.contributions["PctPov"], 0.375 * index.components["PctPov"], atol=1e-12)


def test_deeper_nesting_and_the_same_index_as_a_flat_mean(georgia):
    deep = {"all": {"indicators": {"a": {"indicators": {"PctPov": 1}}, "b": {"indicators": {"PctBach": -1}}}}}
    flat = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    nested = dm.build_index(georgia, deep)
    np.testing.assert_allclose(nested.score, flat.score, atol=1e-12)
    assert set(nested.contributions.columns) == {"all", "a", "b", "PctPov", "PctBach"}


@pytest.mark.parametrize(
    "aggregate",
    ["mean", ("power_mean", {"p": 2}), "mazziotta_pareto", "count"],
)
def test_every_additive_aggregator_explains_the_whole_score(georgia, aggregate):
    index = dm.build_index(georgia, NESTED, normalise=("minmax", {"low": 1, "high": 100}), aggregate=aggregate)
    np.testing.assert_allclose(index.contributions[index.spec.columns].sum(axis=1), index.score, atol=1e-9)


def test_geometric_contributions_add_up_on_the_log_scale(georgia):
    index = dm.build_index(
        georgia, {"PctPov": 1, "PctBach": -1}, normalise=("minmax", {"low": 1, "high": 100}), aggregate="geometric"
    )
    np.testing.assert_allclose(index.contributions.sum(axis=1), np.log(index.score), atol=1e-12)
    with pytest.raises(ValidationError, match=r"positive components.*minmax"):
        dm.build_index(georgia, {"PctPov": 1, "PctBach": -1}, aggregate="geometric")


def test_imputation_is_reported_value_by_value(toy_joined):
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="median")
    gaps = toy_joined[["poverty", "degree"]].isna()
    assert len(index.imputed) == int(gaps.sum().sum())
    row = index.imputed.set_index(["id", "indicator"]).loc[("005", "degree")]
    assert row["value"] == toy_joined["degree"].median() and row["method"] == "median"
    assert index.score.notna().all()


def test_treatments_in_the_spec_are_applied_and_reported(georgia):
    data = georgia.copy()
    data.loc[data.index[0], "PctPov"] = 500.0  # one wild value
    spec = {"PctPov": {"direction": 1, "treatment": "winsorise"}, "PctBach": -1}
    index = dm.build_index(data, spec)
    assert data.index[0] in set(index.treated["id"])
    assert index.treated.set_index("id").loc[data.index[0], "treated"] == data["PctPov"].drop(data.index[0]).max()


def test_pca_weights_and_their_report(georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1, "PctEld": 1}, weighting="pca")
    info = index.weighting_info["index"]
    assert 1 / 3 < info["explained_variance"] <= 1
    assert index.weights.sum() == pytest.approx(1)
    np.testing.assert_allclose(index.weights, info["loadings"] ** 2 / (info["loadings"] ** 2).sum())


def test_an_infinite_value_is_refused_naming_the_area_and_the_column(tmp_path):
    # issue 13, item 4: one 1e400 in a CSV (read as infinity) gave every area a missing score, silently
    path = tmp_path / "indicators.csv"
    path.write_text("id,poverty,degree\na,10,30\nb,1e400,20\nc,30,25\nd,15,-inf\n", encoding="utf-8")
    table = dm.read_indicators(path, id_col="id")
    assert np.isinf(table.loc["b", "poverty"])
    for build in (
        lambda: dm.build_index(table, {"poverty": 1, "degree": -1}),
        lambda: dm.uncertainty(table, {"poverty": 1, "degree": -1}, replicates=2, seed=0),
        lambda: dm.diagnose(table, {"poverty": 1, "degree": -1}),
    ):
        with pytest.raises(ValidationError, match=r"column 'poverty' has infinite values in 1 areas \('b'\)"):
            build()
    with pytest.raises(ValidationError, match=r"column 'degree' has infinite values in 1 areas \('d'\)"):
        dm.build_index(table, {"degree": -1})
    columns = {"unemployment": "poverty", "overcrowding": "degree", "not_owner_occupied": "degree", "no_car": "degree"}
    with pytest.raises(ValidationError, match=r"(?i)townsend index column 'poverty' has infinite values in 1 areas"):
        dm.recipes.townsend(table.drop(index="d"), **columns)
