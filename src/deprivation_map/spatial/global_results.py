"""What global statistics return: the statistic with its analytic and permutation inference.

:class:`GlobalMoran` (esda's ``Moran`` names) and :class:`GlobalStatistic` (Geary's C, General G, bivariate
Moran's I) share their inference fields; ``p`` is the p-value of the inference chosen. The functions that
compute them are in :mod:`deprivation_map.spatial.global_stats`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._repr import html_repr
from .inference import normal_p

__all__ = ["GlobalMoran", "GlobalStatistic"]


@dataclass(frozen=True, eq=False)
class _Inference:
    """The inference every global statistic reports (shared by :class:`GlobalMoran` and :class:`GlobalStatistic`)."""

    z_norm: float
    p_norm: float
    z_rand: float
    p_rand: float
    p_sim: float
    sim: np.ndarray
    n: int
    permutations: int
    alternative: str
    seed: int | None
    inference: str

    @property
    def p(self) -> float:
        """The p-value of ``inference`` for ``alternative``: ``p_sim``, or the normal p-value of ``z_rand``."""
        return self.p_sim if self.inference == "permutation" else float(normal_p(self.z_rand, self.alternative))

    def _repr_html_(self) -> str:
        row = self.to_frame().iloc[0]  # type: ignore[attr-defined]  # each subclass defines to_frame
        return html_repr(
            self,
            {
                "statistic": row.name,
                **row.drop(["n", "permutations", "seed"]).to_dict(),
                "alternative (p)": self.alternative,
                "inference": self.inference,
                "areas": self.n,
                "permutations": self.permutations,
                "seed": self.seed,
            },
        )

    def _p_text(self) -> str:
        return f"p_sim={self.p_sim:.4f}" if self.inference == "permutation" else f"p={self.p:.4f} (analytic)"

    def _frame(self, name: str, fields: tuple[str, ...]) -> pd.DataFrame:
        columns = (*fields, "z_norm", "p_norm", "z_rand", "p_rand", "p_sim", "p", "n", "permutations", "seed")
        return pd.DataFrame([{f: getattr(self, f) for f in columns}], index=pd.Index([name], name="statistic"))


@dataclass(frozen=True, eq=False)
class GlobalMoran(_Inference):
    """Global Moran's I with analytical and permutation inference.

    Attributes follow esda's names: ``I``, ``EI`` (expectation under the null), ``z_norm``/``p_norm``
    (normality assumption), ``z_rand``/``p_rand`` (randomisation assumption), ``p_sim`` (permutation pseudo
    p-value for ``alternative``; NaN with ``inference="analytic"``), ``sim`` (the permuted values of I).
    ``p_norm`` and ``p_rand`` are two-sided; ``p`` is the p-value of ``inference`` for ``alternative``.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> graph = dm.build_graph(gdf)  # queen contiguity, row-standardised
    >>> moran = dm.global_moran(gdf["PctPov"], graph, permutations=99, seed=0)
    >>> z = gdf["PctPov"].reindex(graph.unique_ids).to_numpy()
    >>> z = z - z.mean()
    >>> w = graph.sparse
    >>> bool(abs(moran.I - len(z) / w.sum() * (z @ (w @ z)) / (z @ z)) < 1e-12)  # I = (n / S0) z'Wz / z'z
    True
    >>> round(moran.EI, 6), moran.sim.shape, bool(0 < moran.p_sim <= 1)  # E[I] = -1 / (n - 1)
    (-0.006329, (99,), True)
    >>> moran.to_frame().columns[:2].tolist()
    ['I', 'EI']
    """

    I: float  # noqa: E741 - the statistic's own name
    EI: float
    VI_norm: float
    VI_rand: float

    def to_frame(self) -> pd.DataFrame:
        """One row with the statistic and its inference."""
        return self._frame("moran", ("I", "EI"))

    def __repr__(self) -> str:
        return f"GlobalMoran(I={self.I:.4f}, {self._p_text()}, n={self.n}, permutations={self.permutations})"


@dataclass(frozen=True, eq=False)
class GlobalStatistic(_Inference):
    """A global statistic other than Moran's I (``statistic`` names it) with its inference.

    ``value`` is the statistic, ``expected`` its expectation under the null; ``z_norm``/``p_norm`` and
    ``z_rand``/``p_rand`` the analytical tests under normality and randomisation (two-sided; NaN where no
    analytical variance is used); ``p_sim`` the permutation pseudo p-value for ``alternative`` (which refers to
    the statistic's own scale: for Geary's C, positive autocorrelation is ``"less"``) and ``z_sim`` the
    statistic standardised by the permutation mean and standard deviation.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> c = dm.geary(gdf["PctPov"], dm.build_graph(gdf), permutations=99, seed=0)
    >>> c.statistic, c.expected, bool(c.value < c.expected)  # C below 1: neighbours resemble each other
    ('geary_c', 1.0, True)
    >>> c.to_frame().loc["geary_c", "value"] == c.value
    np.True_
    """

    statistic: str
    value: float
    expected: float
    z_sim: float

    def to_frame(self) -> pd.DataFrame:
        """One row with the statistic and its inference."""
        return self._frame(self.statistic, ("value", "expected", "z_sim"))

    def __repr__(self) -> str:
        return (
            f"GlobalStatistic({self.statistic}={self.value:.4f}, {self._p_text()}, n={self.n}, "
            f"permutations={self.permutations})"
        )
