"""Missing indicator values: explicit policies, a minimum share of available indicators, every imputed value reported.

Policies act on the raw indicator values (before orientation and normalisation):

- ``"raise"`` (default): refuse, naming the areas and their missing indicators;
- ``"exclude"``: areas with any missing value get no score (they stay in the result, unscored), as
  ``missing="exclude"`` does in the spatial statistics and in :func:`~deprivation_map.allocate`;
- ``"mean"`` / ``"median"``: the column's mean / median over the areas that have a value;
- ``"neighbours"``: the mean over the area's spatial neighbours that have a value (needs ``graph=``).

The former name of ``"exclude"``, ``"drop"``, still works with a :class:`DeprecationWarning`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import DeprivationMapWarning, GraphError, ValidationError, format_ids

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = ["IMPUTERS", "MISSING", "RENAMED", "impute", "missing_policy"]


def _column_mean(raw: pd.DataFrame, graph) -> pd.DataFrame:
    return raw.fillna(raw.mean())


def _column_median(raw: pd.DataFrame, graph) -> pd.DataFrame:
    return raw.fillna(raw.median())


def _neighbour_mean(raw: pd.DataFrame, graph) -> pd.DataFrame:
    r"""Fill each gap with the mean of the neighbours that have a value.

    :math:`x_{ij} = \frac{1}{|N_i^*|}\sum_{k \in N_i^*} x_{kj}`, :math:`N_i^*` the neighbours of :math:`i` with a
    value of :math:`j` (unweighted, whatever the graph's weights).
    """
    if graph is None:
        raise ValidationError(
            "missing='neighbours' needs the spatial graph: pass graph=dm.build_graph(gdf) built from the same areas."
        )
    ids = pd.Index(graph.unique_ids).astype(str)
    aligned = v.align(raw, ids, what="The indicator values", error=GraphError)
    adj = graph.adjacency
    focal = ids.get_indexer(adj.index.get_level_values(0).astype(str))
    neigh = ids.get_indexer(adj.index.get_level_values(1).astype(str))
    real = adj.to_numpy() != 0
    focal, neigh = focal[real], neigh[real]
    out = aligned.copy()
    for column in aligned.columns:
        x = aligned[column].to_numpy()
        has = ~np.isnan(x[neigh])
        total = np.bincount(focal[has], weights=x[neigh][has], minlength=len(ids))
        count = np.bincount(focal[has], minlength=len(ids))
        gap = np.isnan(x)
        stuck = gap & (count == 0)
        if stuck.any():
            raise ValidationError(
                f"Cannot impute {column!r} for {format_ids(ids[stuck])} from neighbours: none of their neighbours "
                "has a value (or they are islands). Use missing='mean' or 'median', or 'exclude'."
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            x = np.where(gap, total / count, x)
        out[column] = x
    return out.reindex(raw.index)


IMPUTERS: dict[str, Callable[[pd.DataFrame, object], pd.DataFrame]] = {
    "mean": _column_mean,
    "median": _column_median,
    "neighbours": _neighbour_mean,
}
MissingPolicy = Literal["raise", "exclude", "mean", "median", "neighbours"]
MISSING: tuple[str, ...] = ("raise", "exclude", *IMPUTERS)
"""The missing-value policies, by name (the configuration reads its choices here)."""
RENAMED: dict[str, MissingPolicy] = {"drop": "exclude"}
"""Former names of policies, still accepted with a :class:`DeprecationWarning`."""


def missing_policy(name: str, *, stacklevel: int = 2) -> MissingPolicy:
    """The policy's current name; a former name warns with a :class:`DeprecationWarning`.

    The warning points where :func:`warnings.warn` would from the caller with ``stacklevel``.

    Examples
    --------
    >>> missing_policy("median")
    'median'
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     missing_policy("drop"), str(caught[0].message)
    ('exclude', "missing='drop' is deprecated: it is now called missing='exclude' (the name used by the spatial statistics and allocate).")
    """
    if isinstance(name, str) and name in RENAMED:
        new = RENAMED[name]
        warnings.warn(
            f"missing={name!r} is deprecated: it is now called missing={new!r} (the name used by the spatial "
            "statistics and allocate).",
            DeprecationWarning,
            stacklevel=stacklevel + 1,
        )
        return new
    return cast(MissingPolicy, v.choose(name, MISSING, what="missing-value policy"))  # MISSING lists the Literal


def _explain_gaps(raw: pd.DataFrame, incomplete: pd.Series) -> str:
    gaps = raw[incomplete].isna()
    return "; ".join(f"{area}: {', '.join(gaps.columns[row])}" for area, row in list(gaps.iterrows())[:5])


def impute(
    raw: pd.DataFrame,
    missing: MissingPolicy,
    *,
    min_available: float = 0.0,
    graph: Graph | None = None,
    stacklevel: int = 2,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Index]:
    """Apply a missing-value policy to raw indicator values.

    Parameters
    ----------
    raw : pandas.DataFrame
        Indicator values, one row per area.
    missing : {"raise", "exclude", "mean", "median", "neighbours"}
        The policy (see the module's description).
    min_available : float
        With an imputing policy, areas with a smaller share of available values are left unscored (warned).
    graph : libpysal.graph.Graph, optional
        The spatial graph ``"neighbours"`` needs.
    stacklevel : int
        Where the warnings point, counted as :func:`warnings.warn` would from here (2: this function's caller).

    Returns
    -------
    (values, imputed, excluded)
        ``values`` holds the rows that will be scored (complete); ``imputed`` is a long table (``id``,
        ``indicator``, ``method``, ``value``) of every value filled in; ``excluded`` the IDs left unscored.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"x": [1.0, None, 5.0], "y": [2.0, 4.0, 6.0]}, index=["a", "b", "c"])
    >>> values, imputed, excluded = impute(raw, "median")
    >>> values.loc["b", "x"], imputed[["id", "indicator", "value"]].values.tolist(), list(excluded)
    (np.float64(3.0), [['b', 'x', 3.0]], [])
    """
    missing = missing_policy(missing, stacklevel=stacklevel)
    if not (isinstance(min_available, int | float) and 0.0 <= min_available <= 1.0):
        raise ValidationError(f"min_available must be a share between 0 and 1, got {min_available!r}.")
    empty = pd.DataFrame(columns=["id", "indicator", "method", "value"])
    incomplete = raw.isna().any(axis=1)
    if not incomplete.any():
        return raw, empty, raw.index[:0]
    if missing == "raise":
        raise ValidationError(
            f"{int(incomplete.sum())} areas have missing indicator values ({format_ids(raw.index[incomplete])}; "
            f"{_explain_gaps(raw, incomplete)}). Choose a policy: missing='exclude' leaves those areas without a "
            "score; 'mean', 'median' or 'neighbours' impute them."
        )
    if missing == "exclude":
        return raw[~incomplete], empty, raw.index[incomplete]
    share = raw.notna().mean(axis=1)
    too_few = share < min_available
    if too_few.any():
        warnings.warn(
            f"{int(too_few.sum())} areas have fewer than {min_available:.0%} of their indicators "
            f"({format_ids(raw.index[too_few])}) and are left unscored (min_available={min_available}).",
            DeprivationMapWarning,
            stacklevel=stacklevel,
        )
    kept = raw[~too_few]
    filled = IMPUTERS[missing](kept, graph) if missing != "neighbours" else IMPUTERS[missing](raw, graph)[~too_few]
    rows, columns = np.nonzero(kept.isna().to_numpy())  # every gap, row by row
    imputed = pd.DataFrame(
        {
            "id": kept.index[rows],
            "indicator": kept.columns[columns],
            "method": missing,
            "value": filled.to_numpy()[rows, columns],
        }
    )
    return filled, imputed, raw.index[too_few]
