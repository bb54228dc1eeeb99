"""Missing-value policies: hand computations on the toy areas, alignment by ID, explicit errors."""

from __future__ import annotations

import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, GraphError, ValidationError
from deprivation_map.index.impute import impute

SPEC = {"poverty": 1, "degree": -1}


@pytest.fixture(scope="module")
def toy_graph(toy_joined):
    return dm.build_graph(toy_joined, islands="keep")


def test_neighbour_mean_by_hand(toy_joined, toy_graph):
    raw = toy_joined[["poverty", "degree"]].drop(index="012")
    graph = toy_graph.subgraph([i for i in toy_graph.unique_ids if i != "012"])
    values, report, excluded = impute(raw, "neighbours", graph=graph)
    # 005's queen neighbours are 001, 002, 006, 009, 010 (degree 48.2, 35.0, 30.8, 40.5, 25.2)
    assert values.at["005", "degree"] == pytest.approx((48.2 + 35.0 + 30.8 + 40.5 + 25.2) / 5)
    assert report[["id", "indicator", "method"]].values.tolist() == [["005", "degree", "neighbours"]]
    assert values.drop(index="005").equals(raw.drop(index="005")) and len(excluded) == 0


def test_neighbours_align_by_id_not_position(toy_joined, toy_graph):
    raw = toy_joined[["poverty", "degree"]].drop(index="012")
    graph = toy_graph.subgraph([i for i in toy_graph.unique_ids if i != "012"])
    shuffled = raw.sample(frac=1, random_state=1)
    a, _, _ = impute(raw, "neighbours", graph=graph)
    b, _, _ = impute(shuffled, "neighbours", graph=graph)
    pd.testing.assert_frame_equal(a, b.loc[a.index])
    assert b.index.equals(shuffled.index)  # the caller's order is kept


def test_min_available_leaves_sparse_areas_unscored_with_a_warning(toy_joined, toy_graph):
    with pytest.warns(DeprivationMapWarning, match="'012'"):
        index = dm.build_index(toy_joined, SPEC, missing="neighbours", graph=toy_graph, min_available=0.5)
    assert list(index.excluded) == ["012"] and pd.isna(index.score["012"])
    assert index.score.drop("012").notna().all()


def test_policies_raise_clearly(toy_joined, toy_graph):
    with pytest.raises(ValidationError, match="needs the spatial graph"):
        dm.build_index(toy_joined, SPEC, missing="neighbours")
    with pytest.raises(GraphError, match="same area IDs"):
        dm.build_index(toy_joined.drop(index="001"), SPEC, missing="neighbours", graph=toy_graph)
    with pytest.raises(ValidationError, match=r"Unknown missing-value policy 'avg'"):
        dm.build_index(toy_joined, SPEC, missing="avg")
    island = toy_joined.copy()
    island.loc["013", "degree"] = None  # 013 is an island: no neighbour can fill it
    with pytest.raises(ValidationError, match=r"'013'.*none of their neighbours"), pytest.warns(DeprivationMapWarning):
        dm.build_index(island, SPEC, missing="neighbours", graph=toy_graph, min_available=0.5)


def test_mean_policy_by_hand(toy_joined):
    index = dm.build_index(toy_joined, SPEC, missing="mean")
    filled = index.imputed.set_index(["id", "indicator"])["value"]
    assert filled[("012", "poverty")] == pytest.approx(toy_joined["poverty"].mean())
    assert len(filled) == 3  # 005 degree, 012 poverty and degree
