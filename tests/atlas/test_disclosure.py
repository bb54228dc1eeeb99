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


def _exhaustive(tables, classes, counts):
    """Every suppressed cell minimised and maximised alone (the definition), for comparison."""
    import numpy as np
    from scipy.optimize import linprog

    atoms = classes[list(tables)].astype(str).drop_duplicates().reset_index(drop=True)
    found = []
    for group in counts.columns:
        rows, rhs, hidden = [np.ones(len(atoms))], [float(counts[group].sum())], []
        for kind, table in tables.items():
            for label, value in table[group].items():
                member = (atoms[kind] == str(label)).to_numpy(dtype=float)
                if pd.isna(value):
                    hidden.append((kind, label, member))
                else:
                    rows.append(member)
                    rhs.append(float(value))
        for kind, label, member in hidden:
            low = linprog(member, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs").fun
            high = -linprog(-member, A_eq=np.array(rows), b_eq=rhs, bounds=(0, None), method="highs").fun
            if high - low < 1 - 1e-6:
                found.append((kind, label, group))
    return sorted(found, key=str)


def test_the_fast_check_finds_exactly_the_cells_the_definition_finds():
    """100 random cases of three tables over 12 areas: the same pinned cells as a pair of programmes per cell."""
    import numpy as np

    pinned_cases = 0
    for seed in range(100):
        rng = np.random.default_rng(seed)
        ids = [f"a{i}" for i in range(12)]
        classes = pd.DataFrame({k: rng.integers(0, m, 12).astype(str) for k, m in (("x", 3), ("y", 4))}, index=ids)
        classes["z"] = np.where(classes["x"] == "0", "p", "q")  # a coarser class of x: it can reveal x's cells
        counts = pd.DataFrame({"n": rng.poisson(4, 12), "m": rng.poisson(9, 12)}, index=ids)
        tables = {}
        for kind in classes.columns:
            table = counts.groupby(classes[kind]).sum()
            if len(table) < 2:
                continue
            tables[kind] = suppress_table(table, threshold=5, margins="columns").published
        fast = sorted(pinned_cells(tables, classes, counts), key=str)
        assert fast == _exhaustive(tables, classes, counts), seed
        pinned_cases += bool(fast)
    assert pinned_cases >= 3  # the cases include tables that reveal cells together
