"""Complementary suppression (io/disclosure.py): no suppressed cell can be recovered from what is published.

The check is independent of the module: the test writes the reader's equations itself (published cells,
row and column totals, counts >= 0) and asks scipy's linprog for each suppressed cell's least and greatest
value, which must differ; on tiny tables it enumerates every whole-number table with the same publication.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from deprivation_map.errors import ValidationError
from deprivation_map.io.disclosure import suppress_table


def reader_ranges(published: pd.DataFrame, rows: pd.Series | None, cols: pd.Series | None) -> np.ndarray:
    """(lower, upper) of each suppressed cell, as a reader of the publication can compute them."""
    mask = published.isna().to_numpy()
    cells = np.argwhere(mask)
    known = published.fillna(0).to_numpy(dtype=float)
    a, b = [], []
    if rows is not None:
        for r in range(mask.shape[0]):
            a.append([1.0 if i == r else 0.0 for i, _ in cells])
            b.append(rows.iloc[r] - known[r].sum())
    if cols is not None:
        for k in range(mask.shape[1]):
            a.append([1.0 if j == k else 0.0 for _, j in cells])
            b.append(cols.iloc[k] - known[:, k].sum())
    out = []
    for n in range(len(cells)):
        c = np.eye(len(cells))[n]
        low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status == 0
        out.append((low.fun, -high.fun))
    return np.array(out).reshape(-1, 2)


def random_table(seed: int, shape=(6, 4)) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    values = rng.choice([0, 1, 2, 4, 7, 12, 25, 40, 90], size=shape, p=[0.1, 0.1, 0.05, 0.05, 0.1, 0.2, 0.2, 0.1, 0.1])
    return pd.DataFrame(values, index=[f"{i:03d}" for i in range(shape[0])], columns=list("abcdefgh"[: shape[1]]))


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("margins", ["both", "rows", "columns"])
def test_no_suppressed_cell_is_determined_by_the_published_totals(seed, margins):
    table = random_table(seed)
    before = table.copy()
    safe = suppress_table(table, threshold=10, margins=margins)
    pd.testing.assert_frame_equal(table, before)  # the caller's table untouched
    published = safe.published
    assert published.isna().to_numpy()[(table < 10).to_numpy()].all()  # every primary cell suppressed
    shown = published.notna().to_numpy()
    assert (published.to_numpy()[shown] == table.to_numpy()[shown]).all()
    rows = table.sum(axis=1) if margins in ("both", "rows") else None
    cols = table.sum(axis=0) if margins in ("both", "columns") else None
    ranges = reader_ranges(published, rows, cols)
    assert (ranges[:, 0] < ranges[:, 1] - 0.5).all(), "a suppressed cell is fixed by the totals"
    assert (ranges[:, 0] <= table.to_numpy()[~shown]).all() and (table.to_numpy()[~shown] <= ranges[:, 1]).all()
    if margins == "both":  # the necessary condition: no line with a total holds a single suppressed cell
        assert not ((published.isna().sum(axis=0) == 1).any() or (published.isna().sum(axis=1) == 1).any())
    pd.testing.assert_frame_equal(safe.ranges()[["lower", "upper"]], pd.DataFrame(ranges, columns=["lower", "upper"]))


def test_exhaustive_on_a_tiny_table():
    table = pd.DataFrame({"a": [1, 4, 3], "b": [2, 1, 5], "c": [4, 6, 1]}, index=["x", "y", "z"])
    safe = suppress_table(table, threshold=3)
    mask = safe.suppressed.to_numpy()
    cells = np.argwhere(mask)
    rows, cols, grid = table.sum(axis=1).to_numpy(), table.sum(axis=0).to_numpy(), table.to_numpy()
    bounds = [range(min(rows[i], cols[j]) + 1) for i, j in cells]
    guesses = np.array(list(itertools.product(*bounds)))  # every whole-number filling of the suppressed cells
    trials = np.repeat(grid[None], len(guesses), axis=0)
    trials[:, mask] = guesses  # argwhere and boolean indexing both go in row-major order
    fits = (trials.sum(axis=2) == rows).all(axis=1) & (trials.sum(axis=1) == cols).all(axis=1)
    assert fits.sum() >= 2 and len(cells) >= 4
    assert all(len(np.unique(guesses[fits, k])) >= 2 for k in range(len(cells)))  # two or more values each


def test_zeros_that_block_every_move_are_protected_by_a_rectangle():
    # The four zeros satisfy "two suppressed cells per row and column", yet the only tables with these
    # totals have zeros there (no cell can go below 0): the rule alone would publish them exactly.
    table = pd.DataFrame([[0, 0, 50, 40], [0, 0, 60, 30], [20, 30, 70, 80]], columns=list("abcd"))
    safe = suppress_table(table, threshold=1)
    assert int(safe.primary.sum().sum()) == 4 and int(safe.secondary.sum().sum()) > 0
    ranges = reader_ranges(safe.published, table.sum(axis=1), table.sum(axis=0))
    assert (ranges[:, 0] < ranges[:, 1]).all()


def test_a_bridge_between_two_cycles_is_protected():
    # Two blocks of four small cells, joined by one small cell (row 1, column c): every line has two or
    # more suppressed cells, but the joining cell lies on no cycle, so the totals give its value.
    values = np.full((4, 4), 50)
    values[np.ix_([0, 1], [0, 1])] = 5
    values[np.ix_([2, 3], [2, 3])] = 6
    values[1, 2] = 7
    table = pd.DataFrame(values, columns=list("abcd"))
    safe = suppress_table(table, threshold=10)
    assert int(safe.secondary.sum().sum()) > 0
    ranges = reader_ranges(safe.published, table.sum(axis=1), table.sum(axis=0))
    assert (ranges[:, 0] < ranges[:, 1]).all()


def test_to_frame_and_errors():
    table = random_table(3)
    safe = suppress_table(table, threshold=10)
    frame = safe.to_frame()
    assert frame.loc["Total", "Total"] == table.to_numpy().sum() and frame["Total"].iloc[:-1].equals(
        table.sum(axis=1).astype("Int64").rename("Total")
    )
    assert "SuppressedTable(6x4" in repr(safe) and "<table" in safe._repr_html_()
    with pytest.raises(ValidationError, match="single cell"):
        suppress_table(pd.DataFrame({"a": [3, 40]}), threshold=10)
    with pytest.raises(ValidationError, match="whole counts"):
        suppress_table(pd.DataFrame({"a": [3, -1], "b": [1, 2]}), threshold=10)
    with pytest.raises(ValidationError, match="expected one of 'both'"):
        suppress_table(table, margins="grand")
