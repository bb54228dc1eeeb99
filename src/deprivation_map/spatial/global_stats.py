"""Global spatial autocorrelation: Moran's I, Geary's C, Getis-Ord General G and bivariate Moran's I.

Each takes values indexed by area ID and a graph (see :mod:`deprivation_map.spatial._prepare` for the policies on
missing values and islands) and returns an immutable result with analytical and permutation inference.
Permutations run in a cached numba kernel (:mod:`deprivation_map.spatial._global_kernel`), in parallel and
independent of the number of threads for a given seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtr

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from ._prepare import pair, prepare, standardise
from .inference import p_values

__all__ = ["GlobalMoran", "GlobalStatistic", "bivariate_moran", "general_g", "geary", "global_moran"]


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
    seed: int

    def _repr_html_(self) -> str:
        row = self.to_frame().iloc[0]  # type: ignore[attr-defined]  # each subclass defines to_frame
        return html_repr(
            self,
            {
                "statistic": row.name,
                **row.drop(["n", "permutations", "seed"]).to_dict(),
                "alternative (p_sim)": self.alternative,
                "areas": self.n,
                "permutations": self.permutations,
                "seed": self.seed,
            },
        )

    def _frame(self, name: str, fields: tuple[str, ...]) -> pd.DataFrame:
        columns = (*fields, "z_norm", "p_norm", "z_rand", "p_rand", "p_sim", "n", "permutations", "seed")
        return pd.DataFrame([{f: getattr(self, f) for f in columns}], index=pd.Index([name], name="statistic"))


@dataclass(frozen=True, eq=False)
class GlobalMoran(_Inference):
    """Global Moran's I with analytical and permutation inference.

    Attributes follow esda's names: ``I``, ``EI`` (expectation under the null), ``z_norm``/``p_norm``
    (normality assumption), ``z_rand``/``p_rand`` (randomisation assumption), ``p_sim`` (permutation pseudo
    p-value for ``alternative``), ``sim`` (the permuted values of I). ``p_norm`` and ``p_rand`` are two-sided.

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
        return f"GlobalMoran(I={self.I:.4f}, p_sim={self.p_sim:.4f}, n={self.n}, permutations={self.permutations})"


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
            f"GlobalStatistic({self.statistic}={self.value:.4f}, p_sim={self.p_sim:.4f}, n={self.n}, "
            f"permutations={self.permutations})"
        )


def _sums(w: sparse.csr_array) -> dict[str, float]:
    """Cliff and Ord's weight sums :math:`S_0, S_1, S_2`."""
    rows, cols = np.asarray(w.sum(axis=1)).ravel(), np.asarray(w.sum(axis=0)).ravel()
    return {"s0": float(w.sum()), "s1": float(0.5 * ((w + w.T) ** 2).sum()), "s2": float(((rows + cols) ** 2).sum())}


def _permuted_sums(
    x: np.ndarray,
    y: np.ndarray,
    w: sparse.csr_array,
    permutations: int,
    seed: int,
    *,
    margins: np.ndarray | None = None,
    permute_x: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Per permutation ``p`` of ``y`` (and of ``x`` if ``permute_x``): ``x_p' W y_p`` and ``sum_i m_i y_p[i]**2``."""
    if not permutations:
        return np.array([]), np.array([])
    from ._global_kernel import permuted_sums

    w = sparse.csr_array(w)
    w.sort_indices()
    m = np.zeros(len(y)) if margins is None else margins
    f64 = np.float64
    return permuted_sums(
        np.ascontiguousarray(x, dtype=f64),
        np.ascontiguousarray(y, dtype=f64),
        w.indptr.astype(np.int64),
        w.indices.astype(np.int64),
        np.ascontiguousarray(w.data, dtype=f64),
        np.ascontiguousarray(m, dtype=f64),
        permute_x,
        permutations,
        np.uint64(seed),
    )


def _sim_inference(observed: float, sims: np.ndarray, alternative: str) -> tuple[float, float]:
    """(p_sim, z_sim) of ``observed`` against its permutation distribution."""
    if not len(sims):
        return np.nan, np.nan
    p = float(p_values((sims >= observed).sum(), (sims <= observed).sum(), len(sims), alternative))
    sd = sims.std()
    return p, float((observed - sims.mean()) / sd) if sd > 0 else np.nan


def _two_sided(z: float) -> float:
    return float(2 * ndtr(-abs(z)))


def _moran_moments(w: sparse.csr_array, z: np.ndarray) -> dict[str, float]:
    """Expectation and variances of I under normality and randomisation (Cliff and Ord 1981)."""
    n = len(z)
    s = _sums(w)
    s0, s1, s2 = s["s0"], s["s1"], s["s2"]
    ei = -1.0 / (n - 1)
    v_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    kurt = n * (z**4).sum() / ((z**2).sum() ** 2)
    v_rand = (
        n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) - kurt * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    ) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    return {"EI": ei, "VI_norm": v_norm, "VI_rand": v_rand}


def _start(values, graph, permutations, seed, missing, transform):
    v.require_int(permutations, what="permutations", minimum=0)
    return prepare(values, graph, missing=missing, transform=transform), v.resolve_seed(seed)


def global_moran(
    values: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    missing: str = "raise",
    transform: str = "r",
) -> GlobalMoran:
    r"""Global Moran's I of ``values`` on ``graph``.

    Parameters
    ----------
    values : pandas.Series
        Indexed by area ID; aligned to the graph's IDs by ID.
    graph : libpysal.graph.Graph, W, or path of a GAL/GWT file
    permutations : int
        Random permutations for the pseudo p-value ``p_sim`` (0 for none).
    seed : int, optional
        Recorded on the result; None draws a fresh one (also recorded).
    alternative : {"two-sided", "greater", "less", "directed"}
        See :func:`deprivation_map.spatial.inference.p_values`.
    missing : {"raise", "exclude"}
        See :mod:`deprivation_map.spatial._prepare`.
    transform : {"r", "b", "o"}
        Row-standardised (default), binary or the graph's own weights.

    Notes
    -----
    With :math:`z_i = y_i - \bar y` and :math:`S_0 = \sum_{ij} w_{ij}`,

    .. math:: I = \frac{n}{S_0}\,\frac{\sum_{ij} w_{ij} z_i z_j}{\sum_i z_i^2}

    and :math:`E[I] = -1/(n-1)`; the variances are Cliff and Ord's (1981) under normality and
    randomisation. Reference value: 0.5001886 for ``CRIME`` on libpysal's Columbus polygons with queen,
    row-standardised weights.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> moran = dm.global_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> round(moran.I, 3), moran.p_sim < 0.01
    (0.587, True)
    """
    prep, seed = _start(values, graph, permutations, seed, missing, transform)
    z = prep.y[:, 0] - prep.y[:, 0].mean()
    n, w = len(z), prep.w
    scale = n / (w.sum() * (z @ z))
    i_obs = float(scale * (z @ (w @ z)))
    moments = _moran_moments(w, z)
    sims = scale * _permuted_sums(z, z, w, permutations, seed)[0]
    z_norm = (i_obs - moments["EI"]) / np.sqrt(moments["VI_norm"])
    z_rand = (i_obs - moments["EI"]) / np.sqrt(moments["VI_rand"])
    return GlobalMoran(
        I=i_obs,
        z_norm=float(z_norm),
        p_norm=_two_sided(z_norm),
        z_rand=float(z_rand),
        p_rand=_two_sided(z_rand),
        p_sim=_sim_inference(i_obs, sims, alternative)[0],
        sim=sims,
        n=n,
        permutations=permutations,
        alternative=alternative,
        seed=seed,
        **moments,
    )


def _result(statistic, value, expected, var_norm, var_rand, sims, n, permutations, alternative, seed):
    z_norm = (value - expected) / np.sqrt(var_norm)
    z_rand = (value - expected) / np.sqrt(var_rand)
    p_sim, z_sim = _sim_inference(value, sims, alternative)
    return GlobalStatistic(
        statistic=statistic,
        value=float(value),
        expected=float(expected),
        z_norm=float(z_norm),
        p_norm=_two_sided(z_norm),
        z_rand=float(z_rand),
        p_rand=_two_sided(z_rand),
        p_sim=p_sim,
        z_sim=z_sim,
        sim=sims,
        n=n,
        permutations=permutations,
        alternative=alternative,
        seed=seed,
    )


def geary(
    values: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    missing: str = "raise",
    transform: str = "r",
) -> GlobalStatistic:
    r"""Geary's C of ``values`` on ``graph`` (parameters as :func:`global_moran`).

    Notes
    -----
    .. math:: C = \frac{(n-1)\sum_{ij} w_{ij}(y_i - y_j)^2}{2 S_0 \sum_i z_i^2}

    with :math:`E[C] = 1`; :math:`C < 1` means positive autocorrelation. Variances under normality and
    randomisation are Cliff and Ord's (1981), as in esda's ``Geary``; permutations use
    :math:`\sum_{ij} w_{ij}(y_i-y_j)^2 = \sum_i y_i^2 (w_{i\cdot} + w_{\cdot i}) - 2\,y^\top W y`.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> c = dm.geary(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> c.value < 1, c.p_sim < 0.01
    (True, True)
    """
    prep, seed = _start(values, graph, permutations, seed, missing, transform)
    z = prep.y[:, 0] - prep.y[:, 0].mean()
    n, w = len(z), prep.w
    s = _sums(w)
    margins = np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()
    scale = (n - 1) / (2 * s["s0"] * (z @ z))

    c = float(scale * ((z * z) @ margins - 2 * z @ (w @ z)))
    s0, s1, s2, n2 = s["s0"], s["s1"], s["s2"], n * n
    k = ((z**4).sum() / n) / (((z**2).sum() / n) ** 2)
    a = (n - 1) * s1 * (n2 - 3 * n + 3 - (n - 1) * k)
    b = 0.25 * (n - 1) * s2 * (n2 + 3 * n - 6 - (n2 - n + 2) * k)
    var_rand = (a - b + s0 * s0 * (n2 - 3 - (n - 1) ** 2 * k)) / (n * (n - 2) * (n - 3) * s0 * s0)
    var_norm = ((2 * s1 + s2) * (n - 1) - 4 * s0 * s0) / (2 * (n + 1) * s0 * s0)
    cross, square = _permuted_sums(z, z, w, permutations, seed, margins=margins)
    sims = scale * (square - 2 * cross)
    return _result("geary_c", c, 1.0, var_norm, var_rand, sims, n, permutations, alternative, seed)


def general_g(
    values: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    missing: str = "raise",
    transform: str = "b",
) -> GlobalStatistic:
    r"""Getis-Ord General G of non-negative ``values`` (parameters as :func:`global_moran`; binary weights by default).

    Notes
    -----
    .. math:: G = \frac{\sum_{i \ne j} w_{ij} y_i y_j}{\sum_{i \ne j} y_i y_j}, \qquad E[G] = \frac{S_0}{n(n-1)}

    A large G means high values cluster ("hot"), a small one that low values do. The variance is Getis and
    Ord's (1992) under randomisation, as in esda's ``G`` (reported as ``z_rand``/``p_rand`` and also as
    ``z_norm``/``p_norm``, since no normal-theory variance exists).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> g = dm.general_g(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> g.value > g.expected, g.p_sim < 0.05
    (True, True)
    """
    prep, seed = _start(values, graph, permutations, seed, missing, transform)
    y = prep.y[:, 0]
    if (y < 0).any():
        raise ValidationError("General G needs non-negative values (counts, rates, scores shifted to >= 0).")
    n, w = len(y), sparse.csr_array(prep.w - sparse.diags_array(prep.w.diagonal()))
    s = _sums(w)
    den = y.sum() ** 2 - (y * y).sum()
    g = float(y @ (w @ y) / den)
    s0, s1, s2, n2 = s["s0"], s["s1"], s["s2"], n * n
    b0 = (n2 - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0
    b1 = -((n2 - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    b2 = -(2 * n * s1 - (n + 3) * s2 + 6 * s0 * s0)
    b3 = 4 * (n - 1) * s1 - 2 * (n + 1) * s2 + 8 * s0 * s0
    b4 = s1 - s2 + s0 * s0
    m1, m2, m3, m4 = y.sum(), (y**2).sum(), (y**3).sum(), (y**4).sum()
    eg2 = b0 * m2**2 + b1 * m4 + b2 * m1**2 * m2 + b3 * m1 * m3 + b4 * m1**4
    eg2 /= den**2 * n * (n - 1) * (n - 2) * (n - 3)
    eg = s0 / (n * (n - 1))
    sims = _permuted_sums(y, y, w, permutations, seed)[0] / den
    return _result("general_g", g, eg, eg2 - eg * eg, eg2 - eg * eg, sims, n, permutations, alternative, seed)


def bivariate_moran(
    x: pd.Series,
    y: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alternative: str = "two-sided",
    missing: str = "raise",
    transform: str = "r",
) -> GlobalStatistic:
    r"""Bivariate Moran's I: how ``x`` in an area relates to ``y`` in its neighbours.

    For example ``x`` a deprivation score and ``y`` the distance to the nearest health centre: a positive
    value means deprived areas tend to be surrounded by areas far from a centre. Other parameters as
    :func:`global_moran`; an area needs a value of both to count.

    Notes
    -----
    With :math:`z_x, z_y` standardised with the sample standard deviation (``ddof=1``),

    .. math:: I_{xy} = \frac{n}{S_0}\,\frac{z_x^\top W z_y}{n - 1}

    which is esda's ``Moran_BV`` for row-standardised weights without isolates (where :math:`S_0 = n`), and
    Moran's I when :math:`x = y`. Inference permutes :math:`y` only; there is no analytical variance.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> bv = dm.bivariate_moran(gdf["PctPov"], gdf["PctBach"], dm.build_graph(gdf), seed=0)
    >>> bv.value < 0
    True
    """
    both = pair(x, y)
    prep, seed = _start(both, graph, permutations, seed, missing, transform)
    zx, zy = standardise(prep.y[:, 0], ddof=1), standardise(prep.y[:, 1], ddof=1)
    n, w = len(zx), prep.w
    scale = n / (w.sum() * (n - 1))
    value = float(scale * (zx @ (w @ zy)))
    sims = scale * _permuted_sums(zx, zy, w, permutations, seed, permute_x=False)[0]
    return _result("moran_bv", value, -1.0 / (n - 1), np.nan, np.nan, sims, n, permutations, alternative, seed)
