"""Publishing count tables safely: primary and complementary cell suppression.

A table of counts by area (rows) and category (columns), such as case records by area and diagnosis, is
published with its row and column totals. Cells below the disclosure threshold are suppressed (primary
suppression, as :func:`~deprivation_map.io.sources.count_points` does), but a lone suppressed cell in a row
is then the row total minus the published cells: further cells must be suppressed (complementary
suppression) so that no suppressed value can be recovered exactly from what is published.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids

__all__ = ["MARGINS", "SuppressedTable", "suppress_table"]

MARGINS = ("both", "rows", "columns")


@dataclass(frozen=True, eq=False)
class SuppressedTable:
    """A count table made safe to publish with its totals.

    Attributes
    ----------
    published : pandas.DataFrame
        The table with every suppressed cell missing (nullable integers).
    primary, secondary : pandas.DataFrame of bool
        Cells below the threshold; cells suppressed only to protect them.
    row_totals, column_totals : pandas.Series
        The totals published beside it (all of them, suppressed cells included); ``total`` is the grand total.
    threshold : int
    margins : str
        Which totals are published: ``"both"``, ``"rows"`` or ``"columns"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.io.disclosure import suppress_table
    >>> cases = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 18], "c": [15, 22, 31]}, index=["001", "002", "003"])
    >>> safe = suppress_table(cases, threshold=5)
    >>> safe.published  # doctest: +NORMALIZE_WHITESPACE
            a   b     c
    001  <NA>  25  <NA>
    002  <NA>  30  <NA>
    003    40  18    31
    >>> int(safe.primary.sum().sum()), int(safe.secondary.sum().sum())
    (1, 3)
    """

    published: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    row_totals: pd.Series
    column_totals: pd.Series
    total: int
    threshold: int
    margins: str

    @property
    def suppressed(self) -> pd.DataFrame:
        """Every suppressed cell (primary or secondary)."""
        return self.primary | self.secondary

    def to_frame(self) -> pd.DataFrame:
        """The published table with its published totals: a ``"Total"`` column and row as ``margins`` says."""
        out = self.published.copy()
        if self.margins in ("both", "rows"):
            out["Total"] = self.row_totals.astype("Int64")
        if self.margins in ("both", "columns"):
            last = self.column_totals.reindex(out.columns)
            last["Total"] = self.total if "Total" in out.columns else pd.NA
            out.loc["Total"] = last.astype("Int64")
        return out

    def ranges(self) -> pd.DataFrame:
        """What a reader can infer: each suppressed cell's lowest and highest value consistent with the publication.

        Computed by linear programming (HiGHS): minimise and maximise each suppressed cell subject to the
        published cells and totals and non-negativity. The bounds are whole numbers (the constraint matrix
        of row and column sums is totally unimodular), and ``lower < upper`` for every cell.
        """
        from scipy.optimize import linprog

        mask = self.suppressed.to_numpy()
        cells = np.argwhere(mask)
        a_eq, b_eq = _margin_system(self.published, mask, self.row_totals, self.column_totals, self.margins)
        rows = []
        for k in range(len(cells)):
            c = np.zeros(len(cells))
            c[k] = 1.0
            low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").fun
            high = -linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").fun
            rows.append((self.published.index[cells[k, 0]], self.published.columns[cells[k, 1]], low, high))
        return pd.DataFrame(rows, columns=["row", "column", "lower", "upper"])

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "threshold": self.threshold,
                "totals published": self.margins,
                "cells": self.published.size,
                "primary suppressions": int(self.primary.sum().sum()),
                "secondary suppressions": int(self.secondary.sum().sum()),
            },
            frame=self.to_frame(),
            frame_caption="to_frame(): the table to publish",
        )

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.published.shape))
        return (
            f"SuppressedTable({shape}, threshold {self.threshold}, totals: {self.margins}; "
            f"{int(self.primary.sum().sum())} primary + {int(self.secondary.sum().sum())} secondary suppressions)"
        )


def _margin_system(published, mask, row_totals, column_totals, margins):
    """The equations a reader can write: for each published total, the sum of its suppressed cells."""
    known = published.to_numpy(dtype="float64", na_value=0.0)
    cells = np.argwhere(mask)
    blocks, rhs = [], []
    if margins in ("both", "rows"):
        blocks.append(
            sparse.coo_array(
                (np.ones(len(cells)), (cells[:, 0], np.arange(len(cells)))), shape=(mask.shape[0], len(cells))
            )
        )
        rhs.append(row_totals.to_numpy(dtype="float64") - known.sum(axis=1))
    if margins in ("both", "columns"):
        blocks.append(
            sparse.coo_array(
                (np.ones(len(cells)), (cells[:, 1], np.arange(len(cells)))), shape=(mask.shape[1], len(cells))
            )
        )
        rhs.append(column_totals.to_numpy(dtype="float64") - known.sum(axis=0))
    return sparse.vstack(blocks).tocsr(), np.concatenate(rhs)


def _axes(margins: str) -> tuple[int, ...]:
    """The axes whose totals are published: 1 = sums along a row (row totals), 0 = column totals."""
    return {"both": (1, 0), "rows": (1,), "columns": (0,)}[margins]


def _lone_cells(values: np.ndarray, mask: np.ndarray, margins: str, labels) -> np.ndarray:
    """Lone suppressed cells protected, until none is left.

    In each line (row or column) with a published total and exactly one suppressed cell, its smallest
    published cell is suppressed too (the first, on ties).
    """
    mask = mask.copy()
    changed = True
    while changed:
        changed = False
        for axis in _axes(margins):
            lone = np.flatnonzero(mask.sum(axis=axis) == 1)
            if not len(lone):
                continue
            lines = values.T[lone] if axis == 0 else values[lone]
            shown = ~(mask.T[lone] if axis == 0 else mask[lone])
            cost = np.where(shown, lines, np.inf)
            stuck = np.isinf(cost).all(axis=1)
            if stuck.any():
                names = (labels[1] if axis == 0 else labels[0])[lone[stuck]]
                raise ValidationError(
                    f"The {'columns' if axis == 0 else 'rows'} {format_ids(names)} have a single cell, which its "
                    "published total would reveal. Publish fewer totals (margins=...) or merge categories."
                )
            pick = cost.argmin(axis=1)
            if axis == 0:
                mask[pick, lone] = True
            else:
                mask[lone, pick] = True
            changed = True
    return mask


def _determined(values: np.ndarray, mask: np.ndarray, margins: str) -> np.ndarray:
    """Positions (row, column) of suppressed cells whose value the published cells and totals fix exactly.

    One linear programme per direction and cell (HiGHS): a cell is free when some non-negative solution of
    the published equations moves it away from its true value. One programme that maximises every
    suppressed cell at once settles most cells first.
    """
    from scipy.optimize import linprog

    if not mask.any():
        return np.empty((0, 2), dtype=np.int64)
    frame = pd.DataFrame(np.where(mask, np.nan, values))
    totals = pd.Series(values.sum(axis=1)), pd.Series(values.sum(axis=0))
    a_eq, b_eq = _margin_system(frame, mask, *totals, margins)
    cells = np.argwhere(mask)
    truth = values[mask]
    free = np.zeros(len(cells), dtype=bool)
    for sign in (-1.0, 1.0):  # all cells up, then all down: whatever moves is free
        x = linprog(np.full(len(cells), sign), A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").x
        free |= np.abs(x - truth) > 0.5
    for k in np.flatnonzero(~free):
        for sign in (-1.0, 1.0):
            c = np.zeros(len(cells))
            c[k] = sign
            x = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").x
            if abs(x[k] - truth[k]) > 0.5:
                free[k] = True
                break
    return cells[~free]


def _partner(values: np.ndarray, mask: np.ndarray, cell: np.ndarray, margins: str) -> list[tuple[int, int]]:
    """The cheapest further cells whose suppression lets ``cell`` move: a rectangle (both totals) or a pair.

    With both totals, cell (i, j) and cells (i, j2), (i2, j), (i2, j2) form a cycle along which the table can
    change by +t, -t, +t, -t without changing a total; it can move if the cells losing t are positive or, for
    -t on (i, j), if (i, j) and (i2, j2) are. The new cells' total value is minimised (the first on ties).
    """
    i, j = cell
    new = np.where(mask, 0.0, values)
    positive = values > 0
    if margins != "both":
        line = values[i] if margins == "rows" else values[:, j]
        others = np.arange(len(line)) != (j if margins == "rows" else i)
        ok = others & (positive[i, j] | (line > 0))
        cost = np.where(ok, (new[i] if margins == "rows" else new[:, j]), np.inf)
        if np.isinf(cost).all():
            return []
        k = int(cost.argmin())
        return [(i, k)] if margins == "rows" else [(k, j)]
    up = positive[i][None, :] & positive[:, j][:, None]  # (i, j2) and (i2, j) positive
    down = positive[i, j] & positive  # (i, j) and (i2, j2) positive
    cost = new[i][None, :] + new[:, j][:, None] + new
    ok = (up | down) & (np.arange(len(values))[:, None] != i) & (np.arange(values.shape[1])[None, :] != j)
    cost = np.where(ok, cost, np.inf)
    if np.isinf(cost).all():
        return []
    i2, j2 = np.unravel_index(int(cost.argmin()), cost.shape)
    return [(i, int(j2)), (int(i2), j), (int(i2), int(j2))]


def _counts(table: pd.DataFrame) -> np.ndarray:
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(
            f"The table must be a pandas DataFrame of counts (rows x categories), got {type(table).__name__}."
        )
    v.require_unique_ids(pd.Index(table.index), what="The table's rows")
    v.require_unique_ids(pd.Index(table.columns), what="The table's columns")
    v.require_numeric(table, table.columns, what="The table")
    values = table.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        rows = table.index[bad.any(axis=1)]
        raise ValidationError(
            f"The table must hold whole counts >= 0 in every cell; rows {format_ids(rows)} do not. Fill missing "
            "counts (a zero is a count) before suppressing."
        )
    return values


def suppress_table(table: pd.DataFrame, *, threshold: int = 10, margins: str = "both") -> SuppressedTable:
    r"""Suppress the cells of a count table below ``threshold``, and enough others to protect them.

    Parameters
    ----------
    table : pandas.DataFrame
        Whole counts >= 0, rows (e.g. areas) by columns (e.g. categories), no missing cell.
    threshold : int
        Cells below it, zeros included, are suppressed (primary suppression, as
        :func:`~deprivation_map.io.sources.count_points`). Default 10.
    margins : {"both", "rows", "columns"}
        Which totals are published beside the table (the grand total with any of them).

    Returns
    -------
    SuppressedTable

    Notes
    -----
    A reader knows the published cells, the published totals and that counts are whole numbers >= 0. Write
    :math:`x_c` for the suppressed cells; what the reader can infer is the polytope

    .. math:: \sum_{c \in \text{row } r} x_c = R_r - \sum_{\text{published } c \in r} n_c, \quad
       \sum_{c \in \text{col } k} x_c = C_k - \sum_{\text{published } c \in k} n_c, \quad x_c \ge 0

    (the grand total is the sum of the row totals, so it adds nothing). The method:

    1. *primary*: suppress every cell with :math:`n_c <` ``threshold``;
    2. *lone cells*: a line (row or column with a published total) holding exactly one suppressed cell
       reveals it, so suppress that line's smallest published cell; repeat until no line has exactly one;
    3. *cycles*: for each suppressed cell still fixed by the equations (a linear programme, HiGHS, finds
       its least and greatest feasible value; a lone link between two groups of suppressed cells, or zeros
       that block every move, can fix it), suppress the cheapest rectangle of cells
       (:math:`(i, j'), (i', j), (i', j')`) along which the table can change without changing any total;
       repeat until no cell is fixed.

    Suppressing a further cell only adds a variable, so a cell's feasible range never narrows: the loop
    ends. **Guarantee**: on return every suppressed cell takes at least two values in the polytope above,
    so no suppressed value can be recovered exactly from the publication. The bounds are whole numbers (the
    row-and-column constraint matrix is totally unimodular), so two whole values are feasible. It does not
    guarantee a *wide* range: :meth:`SuppressedTable.ranges` shows each cell's interval. The choice is a
    heuristic (fewest cells by smallest value, as in the hypercube method of tau-ARGUS), not the optimum.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.io.disclosure import suppress_table
    >>> cases = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 18], "c": [15, 22, 31]}, index=["001", "002", "003"])
    >>> ranges = suppress_table(cases, threshold=5).ranges()
    >>> bool((ranges["lower"] < ranges["upper"]).all())  # no suppressed cell is pinned down by the totals
    True
    """
    threshold = v.require_int(threshold, what="threshold", minimum=1)
    v.choose(margins, MARGINS, what="published margins")
    values = _counts(table)
    primary = values < threshold
    mask = _lone_cells(values, primary, margins, (table.index, table.columns))
    while len(fixed := _determined(values, mask, margins)):
        cells = _partner(values, mask, fixed[0], margins)
        if not cells:
            raise ValidationError(
                f"Cell ({table.index[fixed[0][0]]!r}, {table.columns[fixed[0][1]]!r}) cannot be protected: every "
                "cycle through it is blocked by zeros. Merge rows or categories, or publish fewer totals."
            )
        for cell in cells:
            mask[cell] = True
    published = table.astype("Int64").mask(mask)
    return SuppressedTable(
        published=published,
        primary=pd.DataFrame(primary, index=table.index, columns=table.columns),
        secondary=pd.DataFrame(mask & ~primary, index=table.index, columns=table.columns),
        row_totals=pd.Series(values.sum(axis=1), index=table.index, name="Total").astype("int64"),
        column_totals=pd.Series(values.sum(axis=0), index=table.columns, name="Total").astype("int64"),
        total=int(values.sum()),
        threshold=threshold,
        margins=margins,
    )
