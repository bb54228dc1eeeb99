"""The Mann-Kendall trend test, for every area's series at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from .._repr import html_repr
from ..io.panel import check_panel

__all__ = ["TREND_LABELS", "Trend", "mann_kendall"]

INCREASING, DECREASING, NO_TREND, NO_DATA = "Increasing", "Decreasing", "No trend", "Undefined"
TREND_LABELS = (INCREASING, DECREASING, NO_TREND, NO_DATA)
"""The labels of :attr:`Trend.labels`."""


@dataclass(frozen=True, eq=False)
class Trend:
    """Mann-Kendall trend test of each area's series (pymannkendall's ``original_test`` names).

    Attributes
    ----------
    s, var_s, z, p, tau : pandas.Series
        The statistic :math:`S`, its variance (ties corrected), the continuity-corrected z-score, the
        two-sided p-value and Kendall's tau; NaN for areas with a missing value in any period.
    labels : pandas.Series
        ``"Increasing"`` or ``"Decreasing"`` where ``p <= alpha``, else ``"No trend"``; ``"Undefined"``
        where the series has a missing value.
    alpha : float

    Examples
    --------
    >>> import pandas as pd
    >>> panel = pd.DataFrame([[1, 2, 3, 4, 5, 6], [3, 3, 3, 3, 3, 3]], index=["up", "flat"], columns=range(6))
    >>> t = mann_kendall(panel)
    >>> t.s.tolist(), t.labels.tolist(), round(float(t.p["up"]), 4)
    ([15.0, 0.0], ['Increasing', 'No trend'], 0.0085)
    """

    s: pd.Series
    var_s: pd.Series
    z: pd.Series
    p: pd.Series
    tau: pd.Series
    labels: pd.Series
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        """One row per area: ``mk_s``, ``mk_var_s``, ``mk_z``, ``mk_p``, ``mk_tau``, ``mk_trend``."""
        return pd.DataFrame(
            {
                "mk_s": self.s,
                "mk_var_s": self.var_s,
                "mk_z": self.z,
                "mk_p": self.p,
                "mk_tau": self.tau,
                "mk_trend": self.labels,
            }
        )

    def __repr__(self) -> str:
        c = self.labels.value_counts()
        return (
            f"Trend(Mann-Kendall, {len(self.s)} areas, alpha={self.alpha:g}: {c.get(INCREASING, 0)} increasing, "
            f"{c.get(DECREASING, 0)} decreasing)"
        )

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {"alpha": self.alpha},
            frame=self.to_frame(),
            counts=self.labels.value_counts().reindex(TREND_LABELS, fill_value=0),
        )


def _ties(x: np.ndarray) -> np.ndarray:
    """:math:`\\sum_g t_g (t_g - 1)(2 t_g + 5)` over the groups of tied values of each row."""
    s = np.sort(x, axis=1)
    out = np.zeros(len(x))
    run = np.ones(len(x))
    for j in range(1, x.shape[1] + 1):
        same = s[:, j] == s[:, j - 1] if j < x.shape[1] else np.zeros(len(x), dtype=bool)
        ended = ~same
        out += np.where(ended, run * (run - 1) * (2 * run + 5), 0.0)
        run = np.where(same, run + 1, 1.0)
    return out


def mann_kendall_arrays(x: np.ndarray) -> dict[str, np.ndarray]:
    """The Mann-Kendall statistics of each row of ``x`` (areas x periods, no missing values)."""
    n = x.shape[1]
    s = np.zeros(len(x))
    for i in range(n - 1):
        s += np.sign(x[:, i + 1 :] - x[:, [i]]).sum(axis=1)
    var = (n * (n - 1) * (2 * n + 5) - _ties(x)) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0.0))
    z = np.where(var > 0, z, 0.0)
    p = 2 * ndtr(-np.abs(z))
    return {"s": s, "var_s": var, "z": z, "p": p, "tau": s / (0.5 * n * (n - 1))}


def mann_kendall(panel: pd.DataFrame, *, alpha: float = 0.05) -> Trend:
    r"""Mann-Kendall test for a monotonic trend in each area's series.

    Parameters
    ----------
    panel : pandas.DataFrame
        Indexed by area ID, one column per period in time order (see
        :func:`~deprivation_map.io.panel.build_panel`); at least 2 periods.
    alpha : float
        The significance level of the labels.

    Notes
    -----
    For the series :math:`x_1 \dots x_n` of an area, with :math:`t_g` the sizes of its groups of ties:

    .. math:: S = \sum_{k<l} \operatorname{sign}(x_l - x_k), \qquad
              \operatorname{Var}(S) = \frac{n(n-1)(2n+5) - \sum_g t_g(t_g-1)(2t_g+5)}{18}

    .. math:: z = \frac{S - \operatorname{sign}(S)}{\sqrt{\operatorname{Var}(S)}}, \qquad
              p = 2\,(1 - \Phi(|z|)), \qquad \tau = \frac{S}{n(n-1)/2}

    as pymannkendall's ``original_test`` (Mann 1945, Kendall 1975). A constant series has :math:`S = 0`,
    :math:`z = 0`, :math:`p = 1`. The normal approximation is rough for fewer than about 10 periods; with 3
    periods the smallest p-value is 0.30 (no trend can be significant), with 4 it is 0.089.

    Examples
    --------
    >>> import pandas as pd
    >>> t = mann_kendall(pd.DataFrame({2001: [1.0, 5.0], 2011: [2.0, 4.0]}, index=["a", "b"]))
    >>> t.tau.tolist(), t.labels.tolist()  # 2 periods: no test can reach p <= 0.05
    ([1.0, -1.0], ['No trend', 'No trend'])
    """
    panel = check_panel(panel)
    x = panel.to_numpy()
    complete = ~np.isnan(x).any(axis=1)
    out = {k: np.full(len(x), np.nan) for k in ("s", "var_s", "z", "p", "tau")}
    for key, values in mann_kendall_arrays(x[complete]).items():
        out[key][complete] = values
    labels = np.where(out["p"] <= alpha, np.where(out["z"] > 0, INCREASING, DECREASING), NO_TREND)
    labels = np.where(complete, labels, NO_DATA)
    series = {k: pd.Series(v, index=panel.index, name=k) for k, v in out.items()}
    return Trend(**series, labels=pd.Series(labels, index=panel.index, name="trend"), alpha=alpha)
