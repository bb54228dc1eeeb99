"""Values and weights made ready for a spatial statistic: aligned by ID, missing values and islands resolved.

Values are aligned to the graph by area ID before anything is computed (esda aligns by position only),
and computed in a canonical order (sorted by ID), so the same seed gives the same result per area whatever
the order of the input rows. Missing values and islands are explicit policies, the same for every statistic:

- an area with no value (``missing="exclude"``) is removed from the graph before weights are
  transformed, so its neighbours' weights are re-standardised over their neighbours that have a value; it is
  labelled ``"Undefined"`` with no statistic and no p-value (for two variables, a value is needed in both);
- an area with no neighbour that has a value is an isolate: labelled ``"Isolate"``, with no local statistic
  and no p-value, so it is never significant. Its value still counts in the mean and variance used to
  standardise the others, and in the pool that permutations draw from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from .. import _validation as v
from ..errors import ValidationError, format_ids
from .graph import as_graph, row_standardise

__all__ = ["MISSING", "TRANSFORMS", "Prepared", "pair", "prepare", "require_variation", "standardise"]

MISSING = ("raise", "exclude")


def _binary(w: sparse.csr_array) -> sparse.csr_array:
    out = w.copy()
    out.data = np.ones_like(out.data)
    return out


TRANSFORMS: dict[str, Callable[[sparse.csr_array], sparse.csr_array]] = {
    "r": row_standardise,
    "b": _binary,
    "o": sparse.csr_array,
}


@dataclass(frozen=True, eq=False)
class Prepared:
    """Values and weights ready for a statistic.

    ``y`` (one column per variable) and ``w`` cover only the areas with a value, in canonical order (sorted by
    ID). ``positions[k]`` is the position in the graph's order of the k-th canonical area.
    """

    ids: pd.Index
    positions: np.ndarray
    y: np.ndarray
    w: sparse.csr_array

    @property
    def isolated(self) -> np.ndarray:
        """Among the areas with a value, those with no neighbour (other than itself) that has one."""
        off = self.w - sparse.diags_array(self.w.diagonal())
        return np.asarray((off != 0).sum(axis=1)).ravel() == 0

    def off_diagonal(self) -> tuple[sparse.csr_array, np.ndarray]:
        """The weights without their diagonal (CSR, no explicit zeros), and the diagonal."""
        diagonal = self.w.diagonal()
        off = sparse.csr_array(self.w - sparse.diags_array(diagonal))
        off.eliminate_zeros()
        off.sort_indices()
        return off, diagonal

    def spread(self, values: np.ndarray, *, name: str, fill: object = np.nan) -> pd.Series:
        """A Series over every area, in the graph's order: ``values`` where there is a value, ``fill`` elsewhere."""
        out = pd.Series(fill, index=self.ids, name=name, dtype=object if isinstance(fill, str) else "float64")
        out.iloc[self.positions] = values
        return out


def _numeric(aligned: pd.DataFrame) -> np.ndarray:
    for col in aligned.columns:
        dtype = aligned[col].dtype
        if not (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            raise ValidationError(f"The values must be numeric, got dtype {dtype} for {col!r}.")
    return aligned.to_numpy(dtype="float64", na_value=np.nan)


def prepare(values: pd.Series | pd.DataFrame, graph, *, missing: str, transform: str, star: bool = False) -> Prepared:
    """Align ``values`` (a Series, or a DataFrame of several variables) to ``graph`` and subset both.

    With ``star``, each area is also its own neighbour with weight 1 before the transform (Getis-Ord Gi*).
    """
    graph = as_graph(graph)
    v.choose(missing, MISSING, what="missing-value policy")
    transform_func = v.lookup(TRANSFORMS, transform, what="weights transform")
    ids = pd.Index(graph.unique_ids.astype(str), name=graph.unique_ids.name)
    aligned = v.align(values, ids, what="The values")
    y = _numeric(aligned.to_frame() if isinstance(aligned, pd.Series) else aligned)
    has_value = np.isfinite(y).all(axis=1)
    if not has_value.all() and missing == "raise":
        raise ValidationError(
            f"{int((~has_value).sum())} areas have no value: {format_ids(ids[~has_value])}. Choose a policy: "
            "missing='exclude' labels them 'Undefined' and computes the statistic over the areas with a value."
        )
    if has_value.sum() < 4:  # the variances under randomisation divide by n - 3
        raise ValidationError(f"A spatial statistic needs at least 4 areas with a value, got {int(has_value.sum())}.")
    valid = np.flatnonzero(has_value)
    positions = valid[np.argsort(ids.to_numpy()[valid], kind="stable")]
    w = sparse.csr_array(graph.sparse, dtype="float64")[positions][:, positions]
    w.eliminate_zeros()
    if star:
        w = sparse.csr_array(w)
        w.setdiag(1.0)
    w = transform_func(w)
    w.eliminate_zeros()
    w.sort_indices()
    return Prepared(ids=ids, positions=positions, y=y[positions], w=w)


def pair(x: pd.Series, y: pd.Series) -> pd.DataFrame:
    """Two variables as the columns ``x`` and ``y`` of one frame, aligned by area ID (they must hold the same IDs)."""
    ids = pd.Index(v.align(x, pd.Index(getattr(x, "index", pd.Index([])).astype(str)), what="x").index)
    return pd.DataFrame({"x": x.set_axis(ids), "y": v.align(y, ids, what="y (aligned to x by ID)")})


def require_variation(y: np.ndarray, *, what: str = "spatial autocorrelation", ddof: int = 0) -> float:
    """The standard deviation of ``y``; refuses values that do not vary, for which ``what`` is undefined.

    "Do not vary" allows for rounding: a standard deviation below ``1e-12`` times the largest absolute value
    (as for a column of 0.1s, whose computed deviation is about 1e-17) is no variation, and a statistic of it
    would be rounding noise reported as a finding.
    """
    sd = float(y.std(ddof=ddof)) if len(y) > ddof else 0.0
    if not sd > 1e-12 * float(np.abs(y).max(initial=0.0)):
        raise ValidationError(
            f"The values are all equal (or differ only by rounding), so {what} is undefined: there is no "
            "variation to be clustered. Check that the right column was passed."
        )
    return sd


def standardise(y: np.ndarray, *, ddof: int = 0) -> np.ndarray:
    """``(y - mean) / sd``; refuses a variable that does not vary, for which autocorrelation is undefined."""
    return (y - y.mean()) / require_variation(y, ddof=ddof)
