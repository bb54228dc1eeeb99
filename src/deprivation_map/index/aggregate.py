"""Aggregators: combine weighted components into one score per area.

Each aggregator is a kernel on arrays ``(Y, w, **options) -> (score, contributions)`` (``Y`` is areas x
members, ``w`` the weights summing to 1), wrapped for frames by :func:`aggregate`. ``contributions`` has one
column per member and says how much each adds to the area's score in that aggregator's own decomposition
(for every aggregator but the geometric mean they sum exactly to the score; for the geometric mean they sum
to its logarithm): it is what explains *why* an area scores high.

An aggregator is chosen by name, ``aggregate="mean"``, or with options, ``aggregate=("power_mean", {"p": 2})``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import numpy as np
import pandas as pd

from ..errors import ValidationError, format_ids
from .normalise import resolve

__all__ = ["AGGREGATORS", "aggregate", "arithmetic_mean", "count", "geometric_mean", "mazziotta_pareto", "power_mean"]

Kernel = Callable[..., tuple[np.ndarray, np.ndarray]]
AggregatorName = Literal["mean", "geometric", "power_mean", "mazziotta_pareto", "count"]
Aggregator = AggregatorName | tuple[AggregatorName, Mapping[str, object]]
"""An aggregator of :data:`AGGREGATORS`, by name or with options."""


def arithmetic_mean(y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Weighted arithmetic mean (linear aggregation, fully compensatory).

    Notes
    -----
    With weights summing to one,

    .. math:: S_i = \sum_j w_j\, y_{ij}, \qquad c_{ij} = w_j\, y_{ij}, \qquad S_i = \sum_j c_{ij}.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[1.0, 3.0], [2.0, 6.0]])
    >>> score, parts = arithmetic_mean(y, np.array([0.25, 0.75]))
    >>> score.tolist(), bool(np.allclose(parts.sum(axis=1), score))  # 0.25*1 + 0.75*3 = 2.5
    ([2.5, 5.0], True)
    """
    c = y * w
    return c.sum(axis=1), c


def geometric_mean(y: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Weighted geometric mean (partially compensatory); needs positive components.

    Notes
    -----
    .. math:: S_i = \prod_j y_{ij}^{w_j}, \qquad c_{ij} = w_j \ln y_{ij}, \qquad \ln S_i = \sum_j c_{ij}

    (OECD/JRC Handbook 2008, section 6.2). Contributions are given on the log scale, where they add up.
    Use a normaliser with positive output, e.g. ``("minmax", {"low": 1, "high": 100})``.

    Examples
    --------
    >>> import numpy as np
    >>> score, parts = geometric_mean(np.array([[1.0, 9.0], [3.0, 3.0]]), np.array([0.5, 0.5]))
    >>> score.round(12).tolist()  # sqrt(1 * 9) = 3: the same as a balanced 3 and 3
    [3.0, 3.0]
    """
    c = w * np.log(y)
    return np.exp(c.sum(axis=1)), c


def power_mean(y: np.ndarray, w: np.ndarray, *, p: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    r"""Generalised (power) mean of order :math:`p \ne 0`; needs non-negative components.

    Notes
    -----
    .. math:: S_i = \Bigl(\sum_j w_j\, y_{ij}^{p}\Bigr)^{1/p}, \qquad
              c_{ij} = S_i\,\frac{w_j\, y_{ij}^{p}}{\sum_k w_k\, y_{ik}^{p}}

    :math:`p = 1` is the arithmetic mean, :math:`p \to 0` the geometric mean, :math:`p > 1` penalises
    areas whose deprivation is concentrated less (Decancq and Lugo 2013). Contributions sum to the score.

    Examples
    --------
    >>> import numpy as np
    >>> y, w = np.array([[3.0, 4.0], [3.5, 3.5]]), np.array([0.5, 0.5])
    >>> score, parts = power_mean(y, w, p=2)
    >>> score.round(4).tolist()  # sqrt((9 + 16) / 2): the unbalanced area scores above the balanced one
    [3.5355, 3.5]
    >>> bool(np.allclose(parts.sum(axis=1), score))
    True
    """
    if p == 0:
        raise ValidationError("power_mean needs p != 0; p -> 0 is the geometric mean: use aggregate='geometric'.")
    terms = w * y**p
    total = terms.sum(axis=1)
    score = total ** (1.0 / p)
    with np.errstate(invalid="ignore", divide="ignore"):
        c = np.where(total[:, None] != 0, score[:, None] * terms / total[:, None], 0.0)
    return score, c


def mazziotta_pareto(
    y: np.ndarray, w: np.ndarray, *, penalty: Literal["+", "-"] = "+"
) -> tuple[np.ndarray, np.ndarray]:
    r"""Mazziotta-Pareto Index: a mean that penalises areas whose indicators are unbalanced.

    Notes
    -----
    Components are first re-standardised, :math:`z_{ij} = 100 + 10\,(y_{ij} - \bar y_j)/\sigma_j` (population
    :math:`\sigma_j`). With :math:`M_i = \sum_j w_j z_{ij}`, :math:`S_i^2 = \sum_j w_j (z_{ij} - M_i)^2` and
    :math:`cv_i = S_i / M_i`,

    .. math:: \mathrm{MPI}^{\pm}_i = M_i \pm S_i\, cv_i = M_i \pm S_i^2 / M_i

    (De Muro, Mazziotta and Pareto 2011, Soc. Indic. Res. 104:1-16). For a deprivation index (higher =
    worse) the authors use ``"+"``: unbalance adds to the score. Contributions
    :math:`c_{ij} = w_j z_{ij} \pm w_j (z_{ij} - M_i)^2 / M_i` sum exactly to the score.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[1.0, 1.0], [3.0, 3.0], [1.0, 3.0], [3.0, 1.0]])
    >>> score, parts = mazziotta_pareto(y, np.array([0.5, 0.5]))
    >>> score.round(9).tolist()  # z = 90 or 110; the unbalanced areas: M = 100, S^2 = 100, 100 + 100/100
    [90.0, 110.0, 101.0, 101.0]
    """
    sign = {"+": 1.0, "-": -1.0}.get(penalty)
    if sign is None:
        raise ValidationError(f"mazziotta_pareto takes penalty='+' (deprivation) or '-', got {penalty!r}.")
    sd = y.std(axis=0)
    z = 100.0 + 10.0 * (y - y.mean(axis=0)) / np.where(sd > 0, sd, 1.0)  # a constant column: z = 100
    m = (w * z).sum(axis=1)
    c = w * z + sign * w * (z - m[:, None]) ** 2 / m[:, None]
    return c.sum(axis=1), c


def count(y: np.ndarray, w: np.ndarray, *, percentile: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    r"""Count of indicators at or above a percentile (flags, as the CDC SVI's ``F_TOTAL``).

    Notes
    -----
    Member :math:`j` is flagged for area :math:`i` when its percentile rank (CDC's :math:`(r - 1)/(n - 1)`,
    ties to the lowest rank) is at least ``percentile`` (default 0.90). With :math:`m` members,

    .. math:: S_i = \sum_j m\, w_j\, f_{ij}, \qquad c_{ij} = m\, w_j\, f_{ij}

    so with equal weights the score is the number of flags.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([[1.0, 5.0], [2.0, 4.0], [3.0, 3.0]])
    >>> score, flags = count(y, np.array([0.5, 0.5]), percentile=0.9)
    >>> score.tolist()  # only the highest of 3 areas reaches percentile rank (3 - 1)/(3 - 1) = 1 >= 0.9
    [1.0, 0.0, 1.0]
    """
    from scipy.stats import rankdata

    if not 0.0 < percentile <= 1.0:
        raise ValidationError(f"count needs a percentile in (0, 1], got {percentile!r}.")
    pr = (rankdata(y, method="min", axis=0) - 1.0) / (y.shape[0] - 1.0)
    c = y.shape[1] * w * (pr >= percentile - 1e-12)
    return c.sum(axis=1), c


AGGREGATORS: dict[str, Kernel] = {
    "mean": arithmetic_mean,
    "geometric": geometric_mean,
    "power_mean": power_mean,
    "mazziotta_pareto": mazziotta_pareto,
    "count": count,
}
_LOWER_BOUND = {"geometric": (0.0, "positive"), "power_mean": (0.0, "non-negative")}


def kernel(method: Aggregator) -> tuple[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]]:
    """The aggregator's name and its array kernel with the options bound."""
    name, func, options = resolve(method, AGGREGATORS, what="aggregation")
    return name, (lambda y, w: func(y, w, **options))


def require_domain(name: str, y: np.ndarray, ids: Sequence[str] | pd.Index | None = None) -> None:
    """Refuse components outside the aggregator's domain (the geometric mean needs positive values, ...)."""
    if name not in _LOWER_BOUND:
        return
    bound, word = _LOWER_BOUND[name]
    bad = (y <= bound).any(axis=1) if word == "positive" else (y < bound).any(axis=1)
    if bad.any():
        where = f" ({format_ids(np.asarray(ids)[bad])})" if ids is not None else ""
        raise ValidationError(
            f"The {name} aggregator needs {word} components, but {int(bad.sum())} areas have some that are not"
            f"{where}. Choose a normaliser with {word} output, e.g. normalise=('minmax', {{'low': 1, 'high': 100}})."
        )


def aggregate(components: pd.DataFrame, weights: pd.Series, method: Aggregator) -> tuple[pd.Series, pd.DataFrame]:
    """Apply the aggregator registered as ``method`` to complete rows of ``components``.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"a": [1.0, 9.0], "b": [4.0, 1.0]}, index=["p", "q"])
    >>> score, parts = aggregate(y, pd.Series({"a": 0.5, "b": 0.5}), "geometric")
    >>> score.round(6).tolist()
    [2.0, 3.0]
    """
    name, func = kernel(method)
    y = components.to_numpy(dtype=float)
    require_domain(name, y, components.index)
    w = weights.reindex(components.columns).to_numpy(dtype=float)
    score, c = func(y, w)
    return (
        pd.Series(score, index=components.index, name="score"),
        pd.DataFrame(c, index=components.index, columns=components.columns),
    )
