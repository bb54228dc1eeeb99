"""Outlier treatment: winsorising, log and Box-Cox transforms, or an automatic rule, with every change reported.

A treatment is applied to one raw indicator (a Series, before orientation and normalisation) and returns the
treated Series; :func:`treat` applies the treatments of a specification and returns the treated frame with a
long table of every value that changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids

__all__ = ["SKEW_THRESHOLD", "KURTOSIS_THRESHOLD", "TREATMENTS", "auto", "boxcox", "log", "treat", "winsorise"]

SKEW_THRESHOLD = 2.0
KURTOSIS_THRESHOLD = 3.5
MAX_WINSORISED = 5


def _skew_kurt(x: np.ndarray) -> tuple[float, float]:
    """Sample skewness and excess kurtosis, the moment estimators (``scipy.stats.skew``/``kurtosis``)."""
    from scipy import stats

    return float(stats.skew(x)), float(stats.kurtosis(x))


def _outlying(x: np.ndarray) -> bool:
    s, k = _skew_kurt(x)
    return abs(s) > SKEW_THRESHOLD and k > KURTOSIS_THRESHOLD


def winsorise(values: pd.Series, *, limit: int = MAX_WINSORISED) -> pd.Series:
    r"""Winsorise the most extreme values one at a time, as COINr's ``qTreat``/``Treat`` does.

    Notes
    -----
    While :math:`|\text{skew}| > 2` and excess kurtosis :math:`> 3.5`, the single most extreme value on the
    side of the skew (the maximum when skew > 0) is replaced by the next value on that side; at most
    ``limit`` values (default 5) are changed. Skewness and kurtosis are the moment estimators
    :math:`g_1 = m_3/m_2^{3/2}`, :math:`g_2 = m_4/m_2^2 - 3` (COINr, Becker et al. 2017's rule for the JRC
    audits). Ties at the extreme are winsorised together.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.Series([1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100], index=list("abcdefghij"))
    >>> treated = winsorise(x)
    >>> treated["j"], treated.drop("j").equals(x.drop("j"))  # the outlier takes the next value; nothing else moves
    (np.float64(5.0), True)
    """
    x = values.to_numpy(dtype=float).copy()
    ok = ~np.isnan(x)
    for _ in range(limit):
        data = x[ok]
        if len(np.unique(data)) < 3 or not _outlying(data):
            break
        if _skew_kurt(data)[0] > 0:
            top = data.max()
            x[ok & (x == top)] = data[data < top].max()
        else:
            bottom = data.min()
            x[ok & (x == bottom)] = data[data > bottom].min()
    return pd.Series(x, index=values.index, name=values.name)


def log(values: pd.Series) -> pd.Series:
    r"""Log transform shifted to keep every value defined: :math:`y = \ln(x - \min x + 1)`.

    Notes
    -----
    COINr's ``log_trans`` (the shift makes the minimum 0); it is monotone, so ranks are unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> log(pd.Series([-1.0, 0.0, 2.0])).round(6).tolist()  # ln(x + 2): ln 1, ln 2, ln 4
    [0.0, 0.693147, 1.386294]
    """
    return np.log(values - values.min() + 1.0)


def boxcox(values: pd.Series, *, lmbda: float | None = None) -> pd.Series:
    r"""Box-Cox transform, with :math:`\lambda` given or estimated by maximum likelihood (``scipy.stats.boxcox``).

    Notes
    -----
    .. math:: y = \frac{x^\lambda - 1}{\lambda}\ (\lambda \ne 0), \qquad y = \ln x\ (\lambda = 0)

    Box and Cox (1964). Needs strictly positive values.

    Examples
    --------
    >>> import pandas as pd
    >>> boxcox(pd.Series([1.0, 4.0, 9.0]), lmbda=0.5).tolist()  # (sqrt(x) - 1) / 0.5
    [0.0, 2.0, 4.0]
    >>> boxcox(pd.Series([1.0, -2.0], index=["a", "b"], name="income"))
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Box-Cox needs positive values, but 'income' has 1 values <= 0 ('b'). Use treatment='log' instead.
    """
    from scipy import stats

    data = values.dropna()
    if (data <= 0).any():
        raise ValidationError(
            f"Box-Cox needs positive values, but {values.name!r} has {int((data <= 0).sum())} values <= 0 "
            f"({format_ids(data.index[data <= 0])}). Use treatment='log' instead."
        )
    if lmbda is None:
        out, _ = stats.boxcox(data.to_numpy(dtype=float))
    else:
        out = stats.boxcox(data.to_numpy(dtype=float), lmbda=lmbda)
    return pd.Series(out, index=data.index, name=values.name).reindex(values.index)


def auto(values: pd.Series) -> pd.Series:
    r"""COINr's default rule: winsorise up to 5 points; if the indicator is still outlying, log-transform it.

    Notes
    -----
    An indicator is *outlying* when :math:`|\text{skew}| > 2` **and** excess kurtosis :math:`> 3.5`
    (COINr ``Treat(..., default_specs = list(f1 = "winsorise", f1_para = list(winmax = 5), f2 =
    "log_CT"))``, the thresholds of the JRC's COIN audits). Indicators that are not outlying are untouched.
    When winsorising cannot fix the distribution, the *original* values are log-transformed.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.Series([1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100])
    >>> auto(x).max(), auto(pd.Series([1.0, 2.0, 3.0, 10.0])).tolist()  # winsorised; not outlying: unchanged
    (np.float64(5.0), [1.0, 2.0, 3.0, 10.0])
    """
    data = values.dropna().to_numpy(dtype=float)
    if len(np.unique(data)) < 3 or not _outlying(data):
        return values
    treated = winsorise(values)
    if not _outlying(treated.dropna().to_numpy(dtype=float)):
        return treated
    return log(values)


TreatmentName = Literal["winsorise", "log", "boxcox", "auto"]
TREATMENTS: dict[str, Callable[..., pd.Series]] = {
    "winsorise": winsorise,
    "log": log,
    "boxcox": boxcox,
    "auto": auto,
}


def treat(raw: pd.DataFrame, treatments: Mapping[str, TreatmentName]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply ``{column: treatment}`` and return (treated frame, report of every changed value).

    The report has one row per changed value: ``id``, ``indicator``, ``treatment``, ``original``, ``treated``.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"x": [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 100]}, index=list("abcdefghij"))
    >>> treated, report = treat(raw, {"x": "winsorise"})
    >>> report[["id", "original", "treated"]].values.tolist()
    [['j', 100.0, 5.0]]
    """
    out = raw.copy()
    parts = [pd.DataFrame(columns=["id", "indicator", "treatment", "original", "treated"])]
    for column, name in treatments.items():
        func = v.lookup(TREATMENTS, name, what=f"treatment of {column!r}")
        treated = func(raw[column])
        changed = ~np.isclose(treated, raw[column], rtol=0, atol=0, equal_nan=True)
        out[column] = treated
        parts.append(
            pd.DataFrame(
                {
                    "id": raw.index[changed],
                    "indicator": column,
                    "treatment": name,
                    "original": raw[column].to_numpy()[changed],
                    "treated": treated.to_numpy()[changed],
                }
            )
        )
    report = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return out, report
