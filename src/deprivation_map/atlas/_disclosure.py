"""Whether the tables of counts an atlas publishes, read together, reveal a suppressed count.

Each table comes protected by :func:`~deprivation_map.io.disclosure.suppress_table` with its groups' totals,
but two tables of the same counts by different classes (deciles, clusters, zones) can together pin a cell
that each hides alone. Here the unknowns are the counts of the *atoms*, the areas' cross-classes (an area's
decile x cluster x access class x zone): every published cell and total is a linear equation on them, and a
suppressed cell is pinned when its least and greatest value under those equations (atoms >= 0; HiGHS) differ
by less than one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["pinned_cells"]


def _system(tables: Mapping[str, pd.Series], atoms: pd.DataFrame, total: float):
    """The equations of the published cells and the total, and the atoms of each suppressed cell (a row each).

    Sparse: a cell's row marks the atoms in its class, so each table adds one mark per atom.
    """
    rows, rhs, hidden, names = [sparse.csr_array(np.ones((1, len(atoms))))], [np.array([total])], [], []
    for kind, column in tables.items():
        labels = pd.Index(column.index.astype(str))
        where = labels.get_indexer(atoms[kind])
        inside = where >= 0
        member = sparse.csr_array(
            (np.ones(int(inside.sum())), (where[inside], np.flatnonzero(inside))), shape=(len(labels), len(atoms))
        )
        shown = column.notna().to_numpy()
        rows.append(member[np.flatnonzero(shown)])
        rhs.append(column[shown].to_numpy(dtype="float64"))
        hidden.append(member[np.flatnonzero(~shown)])
        names += [(kind, label) for label in column.index[~shown]]
    return sparse.vstack(rows).tocsr(), np.concatenate(rhs), sparse.vstack(hidden).tocsr(), names


def _moved(a_eq, b_eq, hidden: sparse.csr_array, truth: np.ndarray, *, tries: int = 6) -> np.ndarray:
    """Suppressed cells that some solution moves by one or more from their true value: a few programmes.

    Each programme pushes every cell not yet moved up (then down, alternately) at once; a cell whose value
    in a solution is a whole unit from the truth is free (the truth is a solution too).
    """
    from scipy.optimize import linprog

    free = np.zeros(hidden.shape[0], dtype=bool)
    for attempt in range(tries):
        weights = np.where(free, 0.0, 1.0 if attempt % 2 == 0 else -1.0)
        x = linprog(hidden.T @ weights, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs").x
        now = np.abs(hidden @ x - truth) >= 1 - 1e-6
        if attempt >= 2 and not (now & ~free).any():
            break  # up and down were both tried on the cells left: bound them one by one
        free |= now
        if free.all():
            break
    return free


def pinned_cells(
    tables: Mapping[str, pd.DataFrame], classes: pd.DataFrame, counts: pd.DataFrame
) -> list[tuple[str, object, str]]:
    """The suppressed cells ``(table, class, group)`` that the tables together reveal; empty when none.

    ``tables`` are the published tables by name (classes by groups, suppressed cells missing), ``classes``
    the class of each area in each table (a column per table name, labels as in the tables' index) and
    ``counts`` each group's count by area. Each group's total is taken as published. A few programmes over
    all the cells settle most of them (:func:`_moved`); each cell left is minimised and maximised alone.
    """
    from scipy.optimize import linprog

    if not tables:
        return []
    labels = classes[list(tables)].astype(str)
    atoms = labels.drop_duplicates().reset_index(drop=True)
    position = pd.MultiIndex.from_frame(atoms).get_indexer(pd.MultiIndex.from_frame(labels))
    found = []
    for group in counts.columns:
        column = {k: t[group] for k, t in tables.items()}
        a_eq, b_eq, hidden, names = _system(column, atoms, float(counts[group].sum()))
        if not len(names):
            continue
        truth = hidden @ np.bincount(position, weights=counts[group].to_numpy(dtype="float64"), minlength=len(atoms))
        free = _moved(a_eq, b_eq, hidden, truth)
        for k in np.flatnonzero(~free):
            cell = hidden[[k]].toarray().ravel()
            low = linprog(cell, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            high = linprog(-cell, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if -high.fun - low.fun < 1 - 1e-6:
                found.append((names[k][0], names[k][1], str(group)))
    return found
