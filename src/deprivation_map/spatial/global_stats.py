"""Global spatial autocorrelation: Moran's I, Geary's C, Getis-Ord General G and bivariate Moran's I.

Each takes values indexed by area ID and a graph (see :mod:`deprivation_map.spatial._prepare` for the policies on
missing values and islands) and returns an immutable result with analytical and permutation inference; ``p`` is
the p-value of the inference chosen (``inference="auto"`` by default: permutations below 50,000 areas, the
normal z-score under randomisation above; or ``"permutation"``, ``"analytic"``). Permutations
run in a cached numba kernel (:mod:`deprivation_map.spatial._global_kernel`), in parallel and independent of
the number of threads for a given seed; small problems (:data:`~deprivation_map.spatial._numpy_kernels.SMALL_CELLS`)
in NumPy, with the same permutations and sums. A statistic of values that do not vary is undefined: refused, never
reported with a p-value.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.special import ndtr

from .. import _validation as v
from ..errors import ValidationError
from ._numpy_kernels import SMALL_CELLS
from ._numpy_kernels import permuted_sums as numpy_permuted_sums
from ._prepare import pair, prepare, require_variation, standardise
from .global_results import GlobalMoran, GlobalStatistic
from .graph import GraphLike
from .inference import (
    AUTO_MIN,
    INFERENCES,
    Alternative,
    Inference,
    Permutations,
    Seed,
    check_permutations,
    check_seed,
    choose_alternative,
    p_values,
)

__all__ = ["bivariate_moran", "general_g", "geary", "global_moran"]


def _sums(w: sparse.csr_array) -> dict[str, float]:
    """Cliff and Ord's weight sums :math:`S_0, S_1, S_2`."""
    rows, cols = np.asarray(w.sum(axis=1)).ravel(), np.asarray(w.sum(axis=0)).ravel()
    return {"s0": float(w.sum()), "s1": float(0.5 * ((w + w.T) ** 2).sum()), "s2": float(((rows + cols) ** 2).sum())}


LOCAL_FROM = 20_000
"""From this many areas the permutation kernel sums in a bandwidth-reducing order of the graph (reverse
Cuthill-McKee), in which neighbours have nearby numbers; below, the arrays fit in cache and canonical order is
kept. The order changes the speed only: the permutations are those of canonical order either way."""


def local_order(w: sparse.csr_array) -> np.ndarray:
    """A numbering of the areas in which neighbours are near each other: ``order[a]`` is the area numbered ``a``.

    Reverse Cuthill-McKee (scipy) on the symmetrised pattern of ``w``: it needs only the graph (no coordinates,
    so it serves a graph read from a GAL file as well) and depends only on it, never on the input row order.
    Below :data:`LOCAL_FROM` areas, the identity.
    """
    n = w.shape[0]
    if n < LOCAL_FROM:
        return np.arange(n, dtype=np.int64)
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    pattern = sparse.csr_matrix((np.ones(w.nnz), w.indices, w.indptr), shape=w.shape)
    return reverse_cuthill_mckee(pattern + pattern.T, symmetric_mode=True).astype(np.int64)


def _renumber(w: sparse.csr_array, order: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``w[order][:, order]`` in CSR form (indptr, indices, weights), without scipy's general fancy indexing."""
    lengths = np.diff(w.indptr)[order]
    indptr = np.zeros(len(order) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    take = np.repeat(w.indptr[order].astype(np.int64) - indptr[:-1], lengths) + np.arange(indptr[-1])
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    indices = position[w.indices[take]].astype(np.int32 if len(order) < 2**31 else np.int64)  # int32: half the reads
    return indptr, indices, np.ascontiguousarray(w.data[take], dtype=np.float64)


def _permuted_sums(
    x: np.ndarray,
    y: np.ndarray,
    w: sparse.csr_array,
    permutations: int,
    seed: int,
    *,
    margins: np.ndarray | None = None,
    permute_x: bool = True,
    order: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per permutation ``p`` of ``y`` (and of ``x`` if ``permute_x``): ``x_p' W y_p`` and ``sum_i m_i y_p[i]**2``.

    Summed in ``order`` (default :func:`local_order`); any order gives the same permutations and sums equal
    up to rounding. Without an ``order``, up to :data:`~deprivation_map.spatial._numpy_kernels.SMALL_CELLS`
    areas x permutations run in NumPy (identical sums, no numba to load).
    """
    if not permutations:
        return np.array([]), np.array([])
    w = sparse.csr_array(w)
    w.sort_indices()
    f64 = np.float64
    x, y = np.ascontiguousarray(x, dtype=f64), np.ascontiguousarray(y, dtype=f64)
    m = np.zeros(len(y)) if margins is None else np.asarray(margins, dtype=f64)
    same = permute_x and x is y
    if order is None and len(y) * permutations <= SMALL_CELLS:  # no numba to compile or load
        return numpy_permuted_sums(x, y, w.indptr, w.indices, w.data, m, permute_x, permutations, seed, same)
    from numba import get_num_threads

    from ._global_kernel import permuted_sums

    order = local_order(w) if order is None else np.asarray(order, dtype=np.int64)
    renumbered = _renumber(w, order)
    return permuted_sums(
        x,
        y,
        order,
        *renumbered,
        np.ascontiguousarray(m[order]),
        permute_x,
        permutations,
        np.uint64(seed),
        same,
        get_num_threads(),
    )


def _sim_inference(observed: float, sims: np.ndarray, alternative: str) -> tuple[float, float]:
    """(p_sim, z_sim) of ``observed`` against its permutation distribution; NaN for an undefined statistic."""
    if not len(sims) or not np.isfinite(observed):
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


GlobalInference = Literal["auto", "permutation", "analytic"]

ANALYTIC_FROM = 50_000
"""From this many areas, ``inference="auto"`` reads a global statistic's p-value from its normal z-score under
randomisation: one statistic summing :math:`n` terms is close to normal at that size, while 999 permutations
would cost seconds to minutes (``benchmarks/bench_hotspots.py``)."""


def _start(values, graph, options: dict, missing, transform, *, what: str):
    """Check the options (before any work), prepare the values and refuse values that do not vary."""
    inference = v.choose(options.pop("inference"), ("auto", *INFERENCES), what="inference")
    permutations = check_permutations(options["permutations"], minimum=0)
    prep = prepare(values, graph, missing=missing, transform=transform)
    if inference == "auto":  # an explicit number of permutations asks for them
        inference = "analytic" if len(prep.y) >= ANALYTIC_FROM and permutations in ("auto", 0) else "permutation"
    if inference == "analytic":
        if permutations not in ("auto", 0):
            raise ValidationError(
                f"inference='analytic' runs no permutations, but permutations={permutations!r} was given; leave "
                "permutations out, or use inference='permutation'."
            )
        permutations = 0
    options.update(
        alternative=choose_alternative(options["alternative"], stacklevel=3),
        permutations=AUTO_MIN if permutations == "auto" else permutations,
        seed=check_seed(options["seed"]) if permutations else None,
        inference=inference,
    )
    for column in prep.y.T:
        require_variation(column, what=what)
    return prep, options


def global_moran(
    values: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alternative: Alternative = "two-sided",
    inference: GlobalInference = "auto",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "r",
) -> GlobalMoran:
    r"""Global Moran's I of ``values`` on ``graph``.

    Parameters
    ----------
    values : pandas.Series
        Indexed by area ID; aligned to the graph's IDs by ID.
    graph : libpysal.graph.Graph, W, or path of a GAL/GWT file
    permutations : int or "auto"
        Random permutations for the pseudo p-value ``p_sim`` (0 for none). ``"auto"`` (default) is 999 for a
        global statistic: one test, whose smallest two-sided p-value (0.002) is below any usual ``alpha``.
        Refused above :data:`~deprivation_map.spatial.inference.MAX_PERMUTATIONS`.
    seed : int, optional
        Recorded on the result; None draws a fresh one (also recorded). From 0 to 2**64 - 1.
    alternative : {"two-sided", "greater", "less", "folded"}
        See :func:`deprivation_map.spatial.inference.p_values` (``"folded"`` was ``"directed"``).
    inference : {"auto", "permutation", "analytic"}
        Which p-value is ``p``: ``p_sim`` (``"permutation"``), or the normal p-value of ``z_rand``, the z-score
        under randomisation (Cliff and Ord 1981), for ``alternative`` (``"analytic"``: no permutation runs).
        ``"auto"`` (default) is ``"permutation"`` below
        :data:`~deprivation_map.spatial.global_stats.ANALYTIC_FROM` (50,000) areas or when ``permutations``
        is a number, and ``"analytic"`` above; the result's ``inference`` says which was used.
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
    row-standardised weights. Values that do not vary have no Moran's I (0 / 0): refused.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> moran = dm.global_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> round(moran.I, 3), moran.p_sim < 0.01, moran.permutations, moran.p == moran.p_sim
    (0.587, True, 999, True)
    >>> exact = dm.global_moran(gdf["PctPov"], dm.build_graph(gdf), inference="analytic")
    >>> exact.permutations, exact.seed, bool(exact.p == exact.p_rand)
    (0, None, True)
    """
    prep, opts = _start(values, graph, _options(locals()), missing, transform, what="Moran's I")
    permutations, seed = opts["permutations"], opts["seed"]
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
        p_sim=_sim_inference(i_obs, sims, opts["alternative"])[0],
        sim=sims,
        n=n,
        **opts,
        **moments,
    )


def _options(arguments: dict) -> dict:
    """The inference options among a function's arguments (its ``locals()`` on entry)."""
    return {k: arguments[k] for k in ("permutations", "seed", "alternative", "inference")}


def _result(statistic, value, expected, var_norm, var_rand, sims, n, opts):
    z_norm = (value - expected) / np.sqrt(var_norm)
    z_rand = (value - expected) / np.sqrt(var_rand)
    p_sim, z_sim = _sim_inference(value, sims, opts["alternative"])
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
        **opts,
    )


def geary(
    values: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alternative: Alternative = "two-sided",
    inference: GlobalInference = "auto",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "r",
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
    prep, opts = _start(values, graph, _options(locals()), missing, transform, what="Geary's C")
    permutations, seed = opts["permutations"], opts["seed"]
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
    return _result("geary_c", c, 1.0, var_norm, var_rand, sims, n, opts)


def general_g(
    values: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alternative: Alternative = "two-sided",
    inference: GlobalInference = "auto",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "b",
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
    prep, opts = _start(values, graph, _options(locals()), missing, transform, what="General G")
    permutations, seed = opts["permutations"], opts["seed"]
    y = prep.y[:, 0]
    if (y < 0).any():
        raise ValidationError("General G needs non-negative values (counts, rates, scores shifted to >= 0).")
    n, w = len(y), sparse.csr_array(prep.w - sparse.diags_array(prep.w.diagonal()))
    s = _sums(w)
    den = y.sum() ** 2 - (y * y).sum()
    if not den > 0:
        raise ValidationError("General G needs at least two areas with a value above 0; otherwise G is 0 / 0.")
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
    return _result("general_g", g, eg, eg2 - eg * eg, eg2 - eg * eg, sims, n, opts)


def bivariate_moran(
    x: pd.Series,
    y: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alternative: Alternative = "two-sided",
    inference: Inference = "permutation",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "r",
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
    if inference == "analytic":
        raise ValidationError("Bivariate Moran's I has no analytic variance here; use inference='permutation'.")
    prep, opts = _start(both, graph, _options(locals()), missing, transform, what="bivariate Moran's I")
    permutations, seed = opts["permutations"], opts["seed"]
    zx, zy = standardise(prep.y[:, 0], ddof=1), standardise(prep.y[:, 1], ddof=1)
    n, w = len(zx), prep.w
    scale = n / (w.sum() * (n - 1))
    value = float(scale * (zx @ (w @ zy)))
    sims = scale * _permuted_sums(zx, zy, w, permutations, seed, permute_x=False)[0]
    return _result("moran_bv", value, -1.0 / (n - 1), np.nan, np.nan, sims, n, opts)
