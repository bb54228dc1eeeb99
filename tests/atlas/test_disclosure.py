"""Tables of the same counts read together: a suppressed cell each hides alone can be pinned by both."""

from __future__ import annotations

import pandas as pd

from deprivation_map.atlas._disclosure import pinned_cells
from deprivation_map.io.disclosure import suppress_table


def test_two_tables_each_safe_alone_can_pin_a_cell_together():
    """By hand: areas p, q, r count 3, 50, 40 (total 93). By area, p is below 10 and r is suppressed to protect it
    (suppress_table); by the classes {p, q} and {r}, 53 and 40 are published. Then r = 40, and p = 93 - 50 - 40."""
    counts = pd.DataFrame({"n": [3, 50, 40]}, index=["p", "q", "r"])
    by_area = suppress_table(counts, threshold=10, margins="columns").published
    assert by_area["n"].isna().tolist() == [True, False, True]  # safe alone: p and r move together
    classes = pd.DataFrame({"area": ["p", "q", "r"], "pair": ["pq", "pq", "r"]}, index=["p", "q", "r"])
    by_pair = pd.DataFrame({"n": [53, 40]}, index=["pq", "r"]).astype("Int64")
    assert pinned_cells({"area": by_area}, classes, counts) == []
    assert sorted(pinned_cells({"area": by_area, "pair": by_pair}, classes, counts)) == [
        ("area", "p", "n"),
        ("area", "r", "n"),
    ]


def test_tables_of_unrelated_classes_keep_their_cells_hidden():
    counts = pd.DataFrame({"n": [3, 50, 40, 30]}, index=list("abcd"))
    classes = pd.DataFrame({"x": ["1", "2", "3", "3"], "y": ["u", "u", "v", "v"]}, index=list("abcd"))
    x = suppress_table(counts.groupby(classes["x"]).sum(), threshold=10, margins="columns").published
    y = suppress_table(counts.groupby(classes["y"]).sum(), threshold=10, margins="columns").published
    assert x["n"].isna().sum() == 2 and y["n"].notna().all()
    # y's "u" = a + b = 53 and x's published 70 leave a + b = 53 with a, b >= 0: a still takes 0 ... 53
    assert pinned_cells({"x": x, "y": y}, classes, counts) == []
