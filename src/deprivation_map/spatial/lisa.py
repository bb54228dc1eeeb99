"""Local Moran's I (LISA): univariate, bivariate, and for rates with Empirical Bayes standardisation.

Inference is by conditional permutation (Anselin 1995) with a cached numba kernel; p-values are two-sided
by default and adjusted for multiple testing (FDR by default, see :func:`local_moran`). Missing values and
islands follow :mod:`deprivation_map.spatial._prepare`: ``"Undefined"`` and ``"Isolate"``, never significant.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from ._prepare import Prepared, pair, prepare, standardise
from .inference import conditional_counts, p_values
from .multiple_testing import CORRECTION_NAMES, adjust_p

__all__ = ["LABELS", "Hotspots", "eb_rates", "local_moran", "local_moran_bv", "local_moran_rate"]

LABELS = ("High-High", "Low-Low", "Low-High", "High-Low", "Not significant", "Isolate", "Undefined")
_QUADRANT_LABELS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}


@dataclass(frozen=True, eq=False)
class Hotspots:
    """Local Moran (LISA) results, one row per area, in the graph's order.

    Attributes
    ----------
    Is : pandas.Series
        Local Moran's :math:`I_i`; missing for isolates and areas with no value.
    p : pandas.Series
        Raw pseudo p-value for ``alternative``; missing for isolates and areas with no value.
    p_adjusted : pandas.Series
        ``p`` adjusted for multiple testing by ``correction`` (equal to ``p`` for ``"none"``).
    q : pandas.Series of Int64
        Quadrant of the Moran scatter plot: 1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (esda's codes).
    labels : pandas.Series of category
        The quadrant's name where ``p_adjusted <= alpha``, else ``"Not significant"``; ``"Isolate"`` and
        ``"Undefined"`` for areas with no neighbour and no value. Its name states the correction and alpha.
    z, lag : pandas.Series
        Standardised value and its spatial lag (the axes of the Moran scatter plot).
    statistic : str
        ``"local_moran"``, ``"local_moran_bv"`` or ``"local_moran_rate"``.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")  # 012 has no value, 013 is an island
    >>> graph = dm.build_graph(toy, islands="keep")
    >>> hot = dm.local_moran(toy["poverty"], graph, permutations=99, seed=0, missing="exclude")
    >>> hot.labels[["012", "013"]].tolist(), bool(hot.p[["012", "013"]].isna().all())  # never "significant"
    (['Undefined', 'Isolate'], True)
    >>> int(hot.counts().sum()), hot.to_frame().columns.tolist()
    (13, ['lisa_I', 'lisa_p', 'lisa_p_adjusted', 'lisa_q', 'lisa_label'])
    >>> gdf = dm.datasets.load_georgia()
    >>> georgia = dm.local_moran(gdf["PctPov"], dm.build_graph(gdf), permutations=99, seed=0)
    >>> moran = dm.global_moran(gdf["PctPov"], dm.build_graph(gdf), permutations=0)
    >>> bool(abs(georgia.Is.sum() / (len(gdf) - 1) - moran.I) < 1e-12)  # row-standardised: sum I_i = (n - 1) I
    True
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
    p_adjusted: pd.Series
    correction: str = "fdr"
    statistic: str = "local_moran"

    def to_frame(self) -> pd.DataFrame:
        """``lisa_I``, ``lisa_p``, ``lisa_p_adjusted``, ``lisa_q`` and ``lisa_label``, one row per area."""
        return pd.DataFrame(
            {
                "lisa_I": self.Is,
                "lisa_p": self.p,
                "lisa_p_adjusted": self.p_adjusted,
                "lisa_q": self.q,
                "lisa_label": self.labels,
            }
        )

    def counts(self) -> pd.Series:
        """Number of areas with each label, every label listed (zeros included)."""
        return self.labels.value_counts(sort=False).reindex(list(LABELS), fill_value=0)

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "statistic": self.statistic,
                "areas": len(self.Is),
                "alpha": self.alpha,
                "alternative": self.alternative,
                "correction": CORRECTION_NAMES[self.correction],
                "permutations": self.permutations,
                "seed": self.seed,
            },
            counts=self.counts(),
            frame=self.to_frame(),
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={n}" for k, n in self.counts().items() if n)
        return (
            f"Hotspots({len(self.Is)} areas, alpha={self.alpha}, {self.alternative}, "
            f"{CORRECTION_NAMES[self.correction]}; {counts})"
        )


def _labels(q: np.ndarray, p: np.ndarray, alpha: float, isolated: np.ndarray) -> np.ndarray:
    labels = np.full(len(q), "Not significant", dtype=object)
    significant = ~isolated & (p <= alpha)
    for code, name in _QUADRANT_LABELS.items():
        labels[significant & (q == code)] = name
    labels[isolated] = "Isolate"
    return labels


def _check_options(permutations: int, alpha: float, correction: str) -> None:
    v.require_int(permutations, what="permutations", minimum=1)
    if not 0 < alpha < 1:
        raise ValidationError(f"alpha must lie strictly between 0 and 1, got {alpha!r}.")
    v.choose(correction, tuple(CORRECTION_NAMES), what="multiple-testing correction")


def _lisa(
    prep: Prepared,
    zx: np.ndarray,
    zy: np.ndarray,
    *,
    permutations: int,
    seed: int | None,
    alpha: float,
    alternative: str,
    correction: str,
    statistic: str,
) -> Hotspots:
    """Local Moran of ``zx`` against the lag of ``zy`` (``zx is zy`` for the univariate statistic)."""
    seed = v.resolve_seed(seed)
    w = prep.w
    lag = w @ zy
    scaling = (len(zx) - 1) / (zx @ zx)
    i_obs = scaling * zx * lag
    isolated = prep.isolated
    off, diagonal = prep.off_diagonal()
    n_ge, n_le = conditional_counts(zy, off, diagonal * zy, scaling * zx, i_obs, permutations, seed)
    p = np.where(isolated, np.nan, p_values(n_ge, n_le, permutations, alternative))
    p_adj = adjust_p(p, correction)
    q = np.select([(zx > 0) & (lag > 0), (zx <= 0) & (lag > 0), (zx <= 0) & (lag <= 0)], [1, 2, 3], default=4)
    defined = ~isolated
    title = f"LISA cluster ({CORRECTION_NAMES[correction]}, alpha={alpha})"
    return Hotspots(
        Is=prep.spread(np.where(defined, i_obs, np.nan), name="Is"),
        p=prep.spread(p, name="p"),
        p_adjusted=prep.spread(p_adj, name="p_adjusted"),
        q=prep.spread(np.where(defined, q, np.nan), name="q").astype("Int64"),
        labels=prep.spread(_labels(q, p_adj, alpha, isolated), name=title, fill="Undefined").astype(
            pd.CategoricalDtype(list(LABELS))
        ),
        z=prep.spread(zx, name="z"),
        lag=prep.spread(np.where(defined, lag, np.nan), name="lag"),
        alpha=alpha,
        alternative=alternative,
        correction=correction,
        permutations=permutations,
        seed=seed,
        statistic=statistic,
    )


def local_moran(
    values: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    correction: str = "fdr",
    missing: str = "raise",
    transform: str = "r",
) -> Hotspots:
    r"""Local Moran's I (LISA) with conditional permutation inference.

    Parameters
    ----------
    values : pandas.Series
        Indexed by area ID; aligned to the graph by ID.
    graph : libpysal.graph.Graph, W, or path of a GAL/GWT file
    permutations, seed, alternative, missing, transform
        As in :func:`deprivation_map.global_moran`.
    alpha : float
        Significance level: an area is labelled with its quadrant when its adjusted p-value is ``<= alpha``.
    correction : {"fdr", "bonferroni", "none"}
        Multiple-testing correction (:func:`deprivation_map.spatial.multiple_testing.adjust_p`). The default is
        ``"fdr"`` (Benjamini-Hochberg): a LISA map makes one test per area, so without correction about
        ``alpha`` of all areas are labelled clusters even when there is no clustering at all, while
        Bonferroni guards against a single false positive and so misses most real clusters. FDR bounds the
        expected share of false clusters among those shown. With ``P`` permutations no two-sided p-value is
        below ``2/(P+1)``, so on many areas raise ``permutations`` (e.g. 9999) before reading an FDR map.

    Notes
    -----
    With :math:`z_i = (y_i - \bar y)/s` (:math:`s` the population standard deviation) and
    :math:`n` areas with a value,

    .. math:: I_i = \frac{(n-1)\, z_i \sum_j w_{ij} z_j}{\sum_k z_k^2}

    as in esda's ``Moran_Local``. The null distribution of :math:`I_i` is built by conditional
    randomisation (Anselin 1995): :math:`z_i` is held fixed and its :math:`k_i` neighbours' values are drawn
    without replacement from the other :math:`n - 1` areas. As in esda, one table of random draws (positions
    among the other areas, in the order of the sorted IDs) serves every area, so each area's null
    distribution is exact but different areas' p-values are not independent; given esda's table, the p-values
    equal esda's ``p_sim``. p-values are two-sided by default; see :func:`deprivation_map.spatial.inference.p_values`.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> hot = dm.local_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> bool(hot.p.between(0, 1).all()), hot.labels.index.equals(gdf.index), hot.correction
    (True, True, 'fdr')
    """
    _check_options(permutations, alpha, correction)
    prep = prepare(values, graph, missing=missing, transform=transform)
    z = standardise(prep.y[:, 0])
    return _lisa(
        prep,
        z,
        z,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        alternative=alternative,
        correction=correction,
        statistic="local_moran",
    )


def local_moran_bv(
    x: pd.Series,
    y: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    correction: str = "fdr",
    missing: str = "raise",
    transform: str = "r",
) -> Hotspots:
    r"""Bivariate LISA: ``x`` in each area against ``y`` in its neighbours (options as :func:`local_moran`).

    A "High-High" area has a high ``x`` (e.g. deprivation) surrounded by high ``y`` (e.g. distance to a
    service). An area needs a value of both.

    Notes
    -----
    .. math:: I_i = \frac{(n-1)\, z_{x,i} \sum_j w_{ij} z_{y,j}}{\sum_k z_{x,k}^2}

    with population standard deviations, as in esda's ``Moran_Local_BV``; the permutation holds
    :math:`z_{x,i}` fixed and draws the neighbours' :math:`z_y` from the other areas.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> bv = dm.local_moran_bv(gdf["PctPov"], gdf["PctBach"], dm.build_graph(gdf), seed=0)
    >>> bv.statistic, len(bv.labels)
    ('local_moran_bv', 159)
    """
    _check_options(permutations, alpha, correction)
    prep = prepare(pair(x, y), graph, missing=missing, transform=transform)
    zx, zy = standardise(prep.y[:, 0]), standardise(prep.y[:, 1])
    return _lisa(
        prep,
        zx,
        zy,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        alternative=alternative,
        correction=correction,
        statistic="local_moran_bv",
    )


def _assuncao_reis(events: np.ndarray, population: np.ndarray) -> np.ndarray:
    rate = events / population
    mean_rate = events.sum() / population.sum()
    s2 = (population * (rate - mean_rate) ** 2).sum() / population.sum()
    a = s2 - mean_rate / population.mean()
    variance = a + mean_rate / population
    variance = np.where(variance < 0, mean_rate / population, variance)
    return (rate - mean_rate) / np.sqrt(variance)


def _check_rates(events: np.ndarray, population: np.ndarray) -> None:
    if (population <= 0).any() or (events < 0).any():
        raise ValidationError("Rates need positive populations and non-negative event counts.")


def eb_rates(events: pd.Series, population: pd.Series) -> pd.Series:
    r"""Empirical Bayes standardised rates (Assuncao and Reis 1999), indexed by area ID.

    Notes
    -----
    With rates :math:`r_i = e_i / b_i`, :math:`\beta = \sum e / \sum b`,
    :math:`s^2 = \sum b_i (r_i - \beta)^2 / \sum b` and :math:`\alpha = s^2 - \beta / \bar b`,

    .. math:: z_i = \frac{r_i - \beta}{\sqrt{v_i}}, \qquad v_i = \alpha + \beta / b_i

    (:math:`v_i = \beta / b_i` where :math:`v_i < 0`), as esda's ``assuncao_rate``. A rate from a small
    population is shrunk towards the mean, so it no longer dominates a hotspot map by chance.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.Series([30, 25, 25, 15, 33, 21, 30, 20], index=list("abcdefgh"))
    >>> b = pd.Series([100, 100, 110, 90, 100, 90, 110, 90], index=list("abcdefgh"))
    >>> eb_rates(e, b).round(4).tolist()[:4]
    [1.0384, -0.041, -0.5625, -1.7306]
    """
    both = pair(events, population).astype(float)
    if both.isna().any().any():
        raise ValidationError("eb_rates needs a count and a population for every area; drop or fill missing ones.")
    _check_rates(both["x"].to_numpy(), both["y"].to_numpy())
    return pd.Series(_assuncao_reis(both["x"].to_numpy(), both["y"].to_numpy()), index=both.index, name="eb_rate")


def local_moran_rate(
    events: pd.Series,
    population: pd.Series,
    graph,
    *,
    permutations: int = 999,
    seed: int | None = None,
    alpha: float = 0.05,
    alternative: str = "two-sided",
    correction: str = "fdr",
    missing: str = "raise",
    transform: str = "r",
) -> Hotspots:
    """LISA of Empirical Bayes standardised rates ``events / population`` (options as :func:`local_moran`).

    The rates are standardised (:func:`eb_rates`) over the areas that have both a count and a population,
    then :func:`local_moran` is applied to them, as esda's ``Moran_Local_Rate`` does.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> poor = (gdf["PctPov"] / 100 * gdf["TotPop90"]).round()
    >>> dm.local_moran_rate(poor, gdf["TotPop90"], dm.build_graph(gdf), seed=0).statistic
    'local_moran_rate'
    """
    _check_options(permutations, alpha, correction)
    prep = prepare(pair(events, population), graph, missing=missing, transform=transform)
    _check_rates(prep.y[:, 0], prep.y[:, 1])
    z = standardise(_assuncao_reis(prep.y[:, 0], prep.y[:, 1]))
    return _lisa(
        prep,
        z,
        z,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        alternative=alternative,
        correction=correction,
        statistic="local_moran_rate",
    )
