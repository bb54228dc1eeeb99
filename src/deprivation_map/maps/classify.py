"""Classification schemes for choropleths: the classes' upper bounds, as mapclassify computes them.

Quantiles and user-defined breaks are computed here in NumPy (importing mapclassify compiles a numba
function eagerly, about a second on every run); the other schemes call mapclassify, imported lazily.
In every scheme class :math:`j` holds the values :math:`b_{j-1} < y \\le b_j` (the first class everything up
to :math:`b_1`), mapclassify's convention.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ..errors import ValidationError

__all__ = ["SCHEMES", "classify_values", "quantile_bins", "user_defined_bins"]

Bins = Callable[[np.ndarray, int, Sequence[float] | None], np.ndarray]


def quantile_bins(values: np.ndarray, k: int, bins: Sequence[float] | None = None) -> np.ndarray:
    r"""Upper bounds of ``k`` quantile classes, exactly as ``mapclassify.Quantiles`` computes them.

    Notes
    -----
    :math:`b_j = Q(100\,j/k)` for :math:`j = 1..k` (linear interpolation), repeated bounds merged (ties can
    leave fewer than ``k`` classes).

    Examples
    --------
    >>> quantile_bins(np.arange(1.0, 11.0), 5).round(2).tolist()
    [2.8, 4.6, 6.4, 8.2, 10.0]
    """
    return np.unique(np.percentile(values, np.linspace(100 / k, 100, k)))


def user_defined_bins(values: np.ndarray, k: int, bins: Sequence[float] | None = None) -> np.ndarray:
    """The caller's upper bounds, sorted; the maximum is added as a last bound when it lies above them.

    This is ``mapclassify.UserDefined``'s rule, so no value is left without a class. ``k`` is ignored.

    Examples
    --------
    >>> import numpy as np
    >>> user_defined_bins(np.array([1.0, 5.0, 12.0]), 0, bins=[4, 8]).tolist()  # 12 lies above: a last class to 12
    [4.0, 8.0, 12.0]
    >>> user_defined_bins(np.array([1.0, 5.0]), 0, bins=[4, 8]).tolist()
    [4.0, 8.0]
    """
    if bins is None or len(bins) == 0:
        raise ValidationError(
            "scheme='user_defined' needs the classes' upper bounds: pass bins=[b1, b2, ...] (increasing)."
        )
    edges = np.asarray(bins, dtype="float64")
    if not np.isfinite(edges).all() or (np.diff(edges) <= 0).any():
        raise ValidationError(f"bins must be finite and strictly increasing, got {list(bins)!r}.")
    top = values.max()
    return np.append(edges, top) if top > edges[-1] else edges


def _mapclassify(name: str) -> Bins:
    def bins(values: np.ndarray, k: int, _bins: Sequence[float] | None = None) -> np.ndarray:
        import mapclassify

        return np.asarray(mapclassify.classify(values, name, k=k).bins)

    bins.__doc__ = f"Upper bounds from ``mapclassify.classify(values, {name!r}, k=k)``."
    return bins


# Scheme name -> function (values, k, bins) giving the classes' upper bounds.
SCHEMES: dict[str, Bins] = {
    "quantiles": quantile_bins,
    "equal_interval": _mapclassify("equalinterval"),
    "fisher_jenks": _mapclassify("fisherjenks"),
    "natural_breaks": _mapclassify("naturalbreaks"),
    "std_mean": _mapclassify("stdmean"),
    "user_defined": user_defined_bins,
}


def classify_values(values: np.ndarray, bins: np.ndarray) -> np.ndarray:
    """Class of each value (0-based): the first bound it does not exceed, as ``mapclassify``'s ``yb``.

    Examples
    --------
    >>> import numpy as np
    >>> bins = np.array([2.8, 4.6, 6.4, 8.2, 10.0])  # upper bounds: class j holds b[j-1] < y <= b[j]
    >>> classify_values(np.array([1.0, 2.8, 2.9, 10.0]), bins).tolist()  # a value on a bound is in the lower class
    [0, 0, 1, 4]
    """
    return np.minimum(np.searchsorted(bins, values, side="left"), len(bins) - 1)
