"""The index engine: the tree, the walk, the decomposition and the preparation, by hand on small cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.index.engine import decompose, evaluate, indicator_values, normalised, prepare, require_finite
from deprivation_map.index.spec import Node, groups, levels, parse_spec, tree

NESTED = parse_spec(
    {
        "a": {"weight": 3, "indicators": {"x": 1, "b": {"indicators": {"y": -1, "z": 1}}}},
        "w": {"direction": 1, "weight": 2},
    }
)


def equal(level: Node, values: np.ndarray) -> np.ndarray:
    return np.full(values.shape[1], 1.0 / values.shape[1])


def test_the_tree_points_at_columns_and_is_walked_children_first():
    top = tree(NESTED)
    assert NESTED.columns == ["x", "y", "z", "w"]
    assert top.members == ("a", "w") and top.children[1] == 3 and top.written.tolist() == [3.0, 2.0]
    a = top.children[0]
    assert a.children[0] == 0 and a.children[1].children == (1, 2)
    assert [level.name for level in levels(top)] == ["b", "a", "index"]
    assert groups(NESTED) == {"index": ["x", "y", "z", "w"], "a": ["x", "y", "z"], "b": ["y", "z"]}
    assert a.children[1].span == slice(1, 3) and a.span is None and top.span is None


def test_evaluate_and_decompose_by_hand():
    y = np.asfortranarray([[4.0, 2.0, 6.0, 1.0], [0.0, 1.0, 1.0, 3.0]])
    record = {}
    score = evaluate(tree(NESTED), y, "mean", equal, record=record)
    # b = (2 + 6)/2 = 4; a = (4 + 4)/2 = 4; index = (4 + 1)/2 = 2.5; second row: b = 1, a = 0.5, index = 1.75
    assert score.tolist() == [2.5, 1.75]
    assert list(record) == ["b", "a", "index"] and record["b"].score.tolist() == [4.0, 1.0]
    names, parts = decompose(tree(NESTED), record)
    assert names == ["a", "w", "x", "b", "y", "z"]
    # a gives 2 of 2.5, shared 1 : 1 between x and b; b's 1 shared 2 : 6 between y and z
    np.testing.assert_allclose(parts[0], [2.0, 0.5, 1.0, 1.0, 0.25, 0.75])
    for level in (["a", "w"], ["x", "b", "w"], ["x", "y", "z", "w"]):
        np.testing.assert_allclose(parts[:, [names.index(n) for n in level]].sum(axis=1), score)


def test_a_domain_contributing_zero_passes_zero_down():
    spec = parse_spec({"a": {"indicators": {"x": 1, "y": 1}}, "w": 1})
    record = {}
    evaluate(tree(spec), np.array([[1.0, -1.0, 2.0]]), "mean", equal, record=record)
    names, parts = decompose(tree(spec), record)
    assert parts[0, names.index("x")] == 0.0 and parts[0, names.index("y")] == 0.0


def test_weights_are_asked_for_children_first_and_used_as_given():
    asked = []

    def weigh(level: Node, values: np.ndarray) -> np.ndarray:
        asked.append((level.name, values.shape[1]))
        return np.array([1.0] + [0.0] * (values.shape[1] - 1))  # only the first member counts

    score = evaluate(tree(NESTED), np.array([[4.0, 2.0, 6.0, 1.0]]), "mean", weigh)
    assert asked == [("b", 2), ("a", 2), ("index", 2)] and score.tolist() == [4.0]  # x, through a


def test_the_aggregators_domain_is_checked_naming_areas_when_ids_are_given():
    y = np.array([[1.0, 2.0], [0.0, 3.0]])
    spec = parse_spec({"x": 1, "y": 1})
    with pytest.raises(ValidationError, match=r"geometric aggregator needs positive.*\('q'\)"):
        evaluate(tree(spec), y, "geometric", equal, ids=pd.Index(["p", "q"]))


def test_prepare_imputes_then_treats_then_orients():
    raw = pd.DataFrame(
        {"x": [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100], "y": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, None]}, index=list("abcdefghij")
    )
    spec = parse_spec({"x": {"direction": -1, "treatment": "winsorise"}, "y": -1})
    prepared = prepare(raw, spec, "median")
    assert prepared.imputed[["id", "indicator", "value"]].values.tolist() == [["j", "y", 5.0]]
    assert prepared.treated[["id", "original", "treated"]].values.tolist() == [["j", 100.0, 5.0]]
    assert prepared.oriented.loc["j"].tolist() == [-5.0, -5.0] and len(prepared.excluded) == 0
    assert raw.loc["j", "x"] == 100.0  # the caller's data are untouched
    excluded = prepare(raw, spec, "exclude")
    assert list(excluded.excluded) == ["j"] and "j" not in excluded.oriented.index


def test_normalised_gives_the_frame_and_a_column_major_matrix(georgia):
    spec = parse_spec({"PctPov": 1, "PctBach": -1})
    frame, y = normalised(prepare(indicator_values(georgia, spec), spec, "raise").oriented, "rank", spec)
    assert y.flags.f_contiguous and np.array_equal(y, frame.to_numpy())
    assert frame.index.equals(georgia.index)


def test_infinite_values_are_refused_with_the_column_and_areas():
    values = pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [np.inf, 1.0, -np.inf]}, index=["a", "b", "c"])
    with pytest.raises(ValidationError, match=r"The data column 'y' has infinite values in 2 areas \('a', 'c'\)"):
        require_finite(values)
    require_finite(values[["x"]].assign(z=np.nan))  # missing values are the missing-value policy's business


def test_a_domain_named_like_an_indicator_column_is_refused(georgia):
    with pytest.raises(ValidationError, match=r"\['PctPov'\] appear more than once"):
        dm.build_index(georgia, {"PctPov": {"indicators": {"PctPov": 1}}})
