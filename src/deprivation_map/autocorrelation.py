"""Spatial autocorrelation: global Moran's I and local Moran (LISA) hotspots.

Values are aligned to the graph by area ID before anything is computed (esda aligns by position only),
and computed in a canonical order (sorted by ID), so the same seed gives the same result per area whatever
the order of the input rows. Missing values and islands are explicit policies:

- an area with no value (``missing="exclude"``) is removed from the graph before weights are
  transformed, so its neighbours' weights are re-standardised over their neighbours that have a value; it is
  labelled ``"Undefined"`` with no statistic and no p-value;
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
from scipy.special import ndtr

from . import _validation as v
from ._permutation import p_values, resolve_seed
from .errors import ValidationError, format_ids
from .graph import as_graph

__all__ = ["LABELS", "GlobalMoran", "Hotspots", "global_moran", "local_moran"]

LABELS = ("High-High", "Low-Low", "Low-High", "High-Low", "Not significant", "Isolate", "Undefined")
_QUADRANT_LABELS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
MISSING = ("raise", "exclude")


def _row_standardise(w: sparse.csr_array) -> sparse.csr_array:
    sums = np.asarray(w.sum(axis=1)).ravel()
    scale = np.divide(1.0, sums, out=np.zeros_like(sums), where=sums != 0)
    return sparse.csr_array(sparse.diags_array(scale) @ w)


def _binary(w: sparse.csr_array) -> sparse.csr_array:
    out = w.copy()
    out.data = np.ones_like(out.data)
    return out


TRANSFORMS: dict[str, Callable[[sparse.csr_array], sparse.csr_array]] = {
    "r": _row_standardise,
    "b": _binary,
    "o": sparse.csr_array,
}


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Values and weights ready for a statistic.

    ``y`` and ``w`` cover only the areas with a value, in canonical order (sorted by ID), so that the random
    draws, and so the results, do not depend on the order of the input. ``positions[k]`` is the position in
    the graph's order of the k-th canonical area.
    """

    ids: pd.Index
    positions: np.ndarray
    y: np.ndarray
    w: sparse.csr_array

    @property
    def isolated(self) -> np.ndarray:
        """Among the areas with a value, those with no neighbour that has one."""
        return np.diff(self.w.indptr) == 0

    def spread(self, values: np.ndarray, *, name: str, fill: object = np.nan) -> pd.Series:
        """A Series over every area, in the graph's order: ``values`` where there is a value, ``fill`` elsewhere."""
        out = pd.Series(fill, index=self.ids, name=name, dtype=object if isinstance(fill, str) else "float64")
        out.iloc[self.positions] = values
        return out


def _prepare(values: pd.Series, graph, *, missing: str, transform: str) -> _Prepared:
    graph = as_graph(graph)
    v.choose(missing, MISSING, what="missing-value policy")
    transform_func = v.lookup(TRANSFORMS, transform, what="weights transform")
    ids = pd.Index(graph.unique_ids.astype(str), name=graph.unique_ids.name)
    aligned = v.align(values, ids, what="The values")
    if not (pd.api.types.is_numeric_dtype(aligned) and not pd.api.types.is_bool_dtype(aligned)):
        raise ValidationError(f"The values must be numeric, got dtype {aligned.dtype}.")
    y = aligned.to_numpy(dtype="float64", na_value=np.nan)
    has_value = np.isfinite(y)
    if not has_value.all() and missing == "raise":
        raise ValidationError(
            f"{int((~has_value).sum())} areas have no value: {format_ids(ids[~has_value])}. Choose a policy: "
            "missing='exclude' labels them 'Undefined' and computes the statistic over the areas with a value."
        )
    if has_value.sum() < 3:
        raise ValidationError(f"A spatial statistic needs at least 3 areas with a value, got {int(has_value.sum())}.")
    valid = np.flatnonzero(has_value)
    positions = valid[np.argsort(ids.to_numpy()[valid], kind="stable")]
    w = sparse.csr_array(graph.sparse, dtype="float64")[positions][:, positions]
    w.eliminate_zeros()
    w = transform_func(w)
    w.eliminate_zeros()
    w.sort_indices()
    return _Prepared(ids=ids, positions=positions, y=y[positions], w=w)


def _standardise(y: np.ndarray) -> np.ndarray:
    sd = y.std()
    if sd == 0:
        raise ValidationError("The values are all equal, so spatial autocorrelation is undefined.")
    return (y - y.mean()) / sd


@dataclass(frozen=True, eq=False)
class GlobalMoran:
    """Global Moran's I with analytical and permutation inference.

    Attributes follow esda's names: ``I``, ``EI`` (expectation under the null), ``z_norm``/``p_norm``
    (normality assumption), ``z_rand``/``p_rand`` (randomisation assumption), ``p_sim`` (permutation pseudo
    p-value for ``alternative``), ``sim`` (the permuted values of I).
    """

    I: float  # noqa: E741 - the statistic's own name
    EI: float
    VI_norm: float
    z_norm: float
    p_norm: float
    VI_rand: float
    z_rand: float
    p_rand: float
    p_sim: float
    sim: np.ndarray
    n: int
    permutations: int
    alternative: str
    seed: int

    def to_frame(self) -> pd.DataFrame:
        """One row with the statistic and its inference."""
        fields = ("I", "EI", "z_norm", "p_norm", "z_rand", "p_rand", "p_sim", "n", "permutations", "seed")
        return pd.DataFrame([{f: getattr(self, f) for f in fields}], index=pd.Index(["moran"], name="statistic"))

    def __repr__(self) -> str:
        return f"GlobalMoran(I={self.I:.4f}, p_sim={self.p_sim:.4f}, n={self.n}, permutations={self.permutations})"


def _moran_moments(w: sparse.csr_array, z: np.ndarray) -> dict[str, float]:
    r"""Expectation and variances of I under normality and randomisation (Cliff and Ord 1981)."""
    n = len(z)
    s0 = w.sum()
    s1 = 0.5 * ((w + w.T) ** 2).sum()
    s2 = ((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2).sum()
    ei = -1.0 / (n - 1)
    v_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    kurt = n * (z**4).sum() / ((z**2).sum() ** 2)
    v_rand = (
        n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0) - kurt * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    ) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    return {"EI": ei, "VI_norm": v_norm, "VI_rand": v_rand}


def _moran_sim(z: np.ndarray, w: sparse.csr_array, permutations: int, seed: int, *, chunk: int = 64) -> np.ndarray:
    """I for ``permutations`` random permutations of z, vectorised over chunks of permutations."""
    rng = np.random.default_rng(seed)
    n = len(z)
    scale = n / (w.sum() * (z @ z))
    sims = np.empty(permutations)
    for start in range(0, permutations, chunk):
        size = min(chunk, permutations - start)
        zp = rng.permuted(np.broadcast_to(z, (size, n)), axis=1).T  # (n, size), one permutation per column
        sims[start : start + size] = scale * np.einsum("ij,ij->j", zp, w @ zp)
    return sims


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
        Indexed by area ID; aligned to ``graph.unique_ids`` by ID.
    graph : libpysal.graph.Graph
    permutations : int
        Random permutations for the pseudo p-value ``p_sim`` (0 for none).
    seed : int, optional
        Recorded on the result; None draws a fresh one (also recorded).
    alternative : {"two-sided", "greater", "less", "directed"}
        See :func:`deprivation_map._permutation.p_values`.
    missing : {"raise", "exclude"}
        See the module notes.
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
    v.require_int(permutations, what="permutations", minimum=0)
    prep = _prepare(values, graph, missing=missing, transform=transform)
    seed = resolve_seed(seed)
    z = prep.y - prep.y.mean()
    n, w = len(z), prep.w
    i_obs = float(n / w.sum() * (z @ (w @ z)) / (z @ z))
    moments = _moran_moments(w, z)
    sims = _moran_sim(z, w, permutations, seed) if permutations else np.array([])
    p_sim = (
        float(p_values((sims >= i_obs).sum(), (sims <= i_obs).sum(), permutations, alternative))
        if permutations
        else np.nan
    )
    z_norm = (i_obs - moments["EI"]) / np.sqrt(moments["VI_norm"])
    z_rand = (i_obs - moments["EI"]) / np.sqrt(moments["VI_rand"])
    return GlobalMoran(
        I=i_obs,
        z_norm=float(z_norm),
        p_norm=float(2 * ndtr(-abs(z_norm))),
        z_rand=float(z_rand),
        p_rand=float(2 * ndtr(-abs(z_rand))),
        p_sim=p_sim,
        sim=sims,
        n=n,
        permutations=permutations,
        alternative=alternative,
        seed=seed,
        **moments,
    )


@dataclass(frozen=True, eq=False)
class Hotspots:
    """Local Moran (LISA) results, one row per area, in the graph's order.

    Attributes
    ----------
    Is : pandas.Series
        Local Moran's :math:`I_i`; missing for isolates and areas with no value.
    p : pandas.Series
        Pseudo p-value for ``alternative``; missing for isolates and areas with no value.
    q : pandas.Series of Int64
        Quadrant of the Moran scatter plot: 1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (esda's codes).
    labels : pandas.Series of category
        The quadrant's name where ``p <= alpha``, else ``"Not significant"``; ``"Isolate"`` and
        ``"Undefined"`` for areas with no neighbour and no value.
    z, lag : pandas.Series
        Standardised value and its spatial lag (the axes of the Moran scatter plot).
    """

    Is: pd.Series
    p: pd.Series
    q: pd.Series
    labels: pd.Series
    z: pd.Series
    lag: pd.Series
    alpha: float
    alternative: str
    permutations: int
    seed: int

    def to_frame(self) -> pd.DataFrame:
        """``lisa_I``, ``lisa_p``, ``lisa_q`` and ``lisa_label``, one row per area."""
        return pd.DataFrame({"lisa_I": self.Is, "lisa_p": self.p, "lisa_q": self.q, "lisa_label": self.labels})

    def counts(self) -> pd.Series:
        """Number of areas with each label, every label listed (zeros included)."""
        return self.labels.value_counts(sort=False).reindex(list(LABELS), fill_value=0)

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={n}" for k, n in self.counts().items() if n)
        return f"Hotspots({len(self.Is)} areas, alpha={self.alpha}, {self.alternative}; {counts})"


def _labels(q: np.ndarray, p: np.ndarray, alpha: float, isolated: np.ndarray) -> np.ndarray:
    labels = np.full(len(q), "Not significant", dtype=object)
    significant = ~isolated & (p <= alpha)
    for code, name in _QUADRANT_LABELS.items():
        labels[significant & (q == code)] = name
    labels[isolated] = "Isolate"
    return labels


def local_moran(
    values: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    missing: str = "raise",
    transform: str = "r",
) -> Hotspots:
    r"""Local Moran's I (LISA) with conditional permutation inference.

    Parameters are those of :func:`global_moran`, plus ``alpha``, the significance level: an area is
    labelled with its quadrant when ``p <= alpha``.

    Notes
    -----
    With :math:`z_i = (y_i - \bar y)/s` (:math:`s` the population standard deviation) and
    :math:`n` areas with a value,

    .. math:: I_i = \frac{(n-1)\, z_i \sum_j w_{ij} z_j}{\sum_k z_k^2}

    as in esda's ``Moran_Local``. The null distribution of :math:`I_i` is built by conditional
    randomisation (Anselin 1995): :math:`z_i` is held fixed and its :math:`k_i` neighbours' values are drawn
    without replacement from the other :math:`n - 1` areas. p-values are two-sided by default; see
    :func:`deprivation_map._permutation.p_values`. No correction for multiple testing is applied.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> hot = dm.local_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> bool(hot.p.between(0, 1).all()), hot.labels.index.equals(gdf.index)
    (True, True)
    """
    from ._lisa_kernel import local_counts

    v.require_int(permutations, what="permutations", minimum=1)
    prep = _prepare(values, graph, missing=missing, transform=transform)
    seed = resolve_seed(seed)
    z = _standardise(prep.y)
    w = prep.w
    lag = w @ z
    scaling = (len(z) - 1) / (z @ z)
    i_obs = scaling * z * lag
    isolated = prep.isolated
    diagonal = w.diagonal()
    off = sparse.csr_array(w - sparse.diags_array(diagonal))
    off.eliminate_zeros()
    csr = (off.indptr.astype(np.int64), off.indices.astype(np.int64), off.data)
    n_ge, n_le = local_counts(z, *csr, diagonal, i_obs, float(scaling), permutations, np.uint64(seed))
    p = np.where(isolated, np.nan, p_values(n_ge, n_le, permutations, alternative))
    q = np.select([(z > 0) & (lag > 0), (z <= 0) & (lag > 0), (z <= 0) & (lag <= 0)], [1, 2, 3], default=4)
    defined = ~isolated
    return Hotspots(
        Is=prep.spread(np.where(defined, i_obs, np.nan), name="Is"),
        p=prep.spread(p, name="p"),
        q=prep.spread(np.where(defined, q, np.nan), name="q").astype("Int64"),
        labels=prep.spread(_labels(q, p, alpha, isolated), name="label", fill="Undefined").astype(
            pd.CategoricalDtype(list(LABELS))
        ),
        z=prep.spread(z, name="z"),
        lag=prep.spread(np.where(defined, lag, np.nan), name="lag"),
        alpha=alpha,
        alternative=alternative,
        permutations=permutations,
        seed=seed,
    )
