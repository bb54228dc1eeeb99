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

__all__ = ["pinned_cells"]


def _system(tables: Mapping[str, pd.Series], atoms: pd.DataFrame, total: float):
    """The equations of the published cells and the total, and the atoms of each suppressed cell."""
    rows, rhs, hidden = [np.ones(len(atoms))], [total], []
    for kind, column in tables.items():
        for label, value in column.items():
            member = (atoms[kind] == str(label)).to_numpy(dtype="float64")
            if pd.isna(value):
                hidden.append((kind, label, member))
            else:
                rows.append(member)
                rhs.append(float(value))
    return np.array(rows), np.array(rhs), hidden


def pinned_cells(
    tables: Mapping[str, pd.DataFrame], classes: pd.DataFrame, counts: pd.DataFrame
) -> list[tuple[str, object, str]]:
    """The suppressed cells ``(table, class, group)`` that the tables together reveal; empty when none.

    ``tables`` are the published tables by name (classes by groups, suppressed cells missing), ``classes``
    the class of each area in each table (a column per table name, labels as in the tables' index) and
    ``counts`` each group's count by area. Each group's total is taken as published.
    """
    from scipy.optimize import linprog

    labels = classes[list(tables)].astype(str)
    atoms = labels.drop_duplicates().reset_index(drop=True)
    found = []
    for group in counts.columns:
        a_eq, b_eq, hidden = _system({k: t[group] for k, t in tables.items()}, atoms, float(counts[group].sum()))
        for kind, label, member in hidden:
            low = linprog(member, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            high = linprog(-member, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            if -high.fun - low.fun < 1 - 1e-6:
                found.append((kind, label, str(group)))
    return found
