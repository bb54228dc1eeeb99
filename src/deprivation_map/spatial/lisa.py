"""Local Moran's I (LISA): univariate, bivariate, and for rates with Empirical Bayes standardisation.

Inference is by conditional permutation (Anselin 1995) with a cached numba kernel, as many permutations as the
correction needs (``permutations="auto"``), or analytic (the exact conditional moments of Sokal, Oden and
Thomson 1998, as R's spdep). p-values are two-sided by default and adjusted for multiple testing (FDR by
default, see :func:`local_moran`). Missing values and islands follow :mod:`deprivation_map.spatial._prepare`:
``"Undefined"`` and ``"Isolate"``, never significant. Labels come from :mod:`deprivation_map.spatial.labels`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from ..errors import ValidationError
from . import labels as lab
from ._prepare import Prepared, pair, prepare, require_variation, standardise
from .base import LocalResult, check_local_options, local_inference
from .graph import GraphLike
from .inference import Alternative, Inference, Permutations, Seed, conditional_moments, moment_z
from .multiple_testing import CORRECTION_NAMES, Correction

__all__ = ["LABELS", "Hotspots", "eb_rates", "local_moran", "local_moran_bv", "local_moran_rate"]

LABELS = lab.LISA_LABELS  # kept here too: the name users import


@dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class Hotspots(LocalResult):
    r"""Local Moran (LISA) results, one row per area, in the graph's order.

    The fields every local result has (``p``, ``p_adjusted``, ``labels``, ``z_sim``, ``alpha``,
    ``alternative``, ``correction``, ``inference``, ``permutations``, ``seed``, ``statistic``) are described in
    :class:`~deprivation_map.spatial.base.LocalResult`; with esda's ``Moran_Local`` names:

    Attributes
    ----------
    Is : pandas.Series
        Local Moran's :math:`I_i`; missing for isolates and areas with no value.
    q : pandas.Series of Int64
        Quadrant of the Moran scatter plot: 1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low (esda's codes).
    labels : pandas.Series of category
        The quadrant's name where ``p_adjusted <= alpha``, else ``"Not significant"``; ``"Isolate"`` and
        ``"Undefined"`` for areas with no neighbour and no value. Its name states the correction and alpha.
    z, lag : pandas.Series
        Standardised value and its spatial lag (the axes of the Moran scatter plot).
    EI, VI, ZI : pandas.Series
        Exact mean and variance of :math:`I_i` under conditional randomisation, and
        :math:`(I_i - E[I_i])/\sqrt{V[I_i]}` (spdep's ``E.Ii``, ``Var.Ii``, ``Z.Ii``, for :math:`I_i` scaled
        as here); computed whatever the inference, and the basis of ``p`` with ``inference="analytic"``.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")  # 012 has no value, 013 is an island
    >>> graph = dm.build_graph(toy, islands="keep")
    >>> hot = dm.local_moran(toy["poverty"], graph, seed=0, missing="exclude")
    >>> hot.labels[["012", "013"]].tolist(), bool(hot.p[["012", "013"]].isna().all())  # never "significant"
    (['Undefined', 'Isolate'], True)
    >>> int(hot.counts().sum()), hot.to_frame().columns.tolist()
    (13, ['lisa_I', 'lisa_p', 'lisa_p_adjusted', 'lisa_q', 'lisa_label'])
    >>> gdf = dm.datasets.load_georgia()
    >>> georgia = dm.local_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> moran = dm.global_moran(gdf["PctPov"], dm.build_graph(gdf), permutations=0)
    >>> bool(abs(georgia.Is.sum() / (len(gdf) - 1) - moran.I) < 1e-12)  # row-standardised: sum I_i = (n - 1) I
    True
    """

    Is: pd.Series
    q: pd.Series
    z: pd.Series
    lag: pd.Series
    EI: pd.Series
    VI: pd.Series
    ZI: pd.Series

    label_order: ClassVar[tuple[str, ...]] = lab.LISA_LABELS
    prefix: ClassVar[str] = "lisa"

    def columns(self) -> dict[str, pd.Series]:
        """``I``, ``p``, ``p_adjusted``, ``q`` and ``label`` (prefixed ``lisa_`` by :meth:`to_frame`)."""
        return {"I": self.Is, "p": self.p, "p_adjusted": self.p_adjusted, "q": self.q, "label": self.labels}


def _labels(q: np.ndarray, p: np.ndarray, alpha: float, isolated: np.ndarray) -> np.ndarray:
    labels = np.full(len(q), lab.NOT_SIGNIFICANT, dtype=object)
    significant = ~isolated & (p <= alpha)
    for code, name in lab.QUADRANTS.items():
        labels[significant & (q == code)] = name
    labels[isolated] = lab.ISOLATE
    return labels


def _lisa(prep: Prepared, zx: np.ndarray, zy: np.ndarray, *, statistic: str, options: dict) -> Hotspots:
    """Local Moran of ``zx`` against the lag of ``zy`` (``zx is zy`` for the univariate statistic)."""
    w, isolated = prep.w, prep.isolated
    lag = w @ zy
    scaling = (len(zx) - 1) / (zx @ zx)
    i_obs = scaling * zx * lag
    off, diagonal = prep.off_diagonal()
    ei, vi = conditional_moments(zy, off, diagonal * zy, scaling * zx)
    zi = moment_z(i_obs, ei, vi)
    parts = (zy, diagonal * zy, scaling * zx, i_obs)
    inferred = local_inference(prep, parts, zi, stacklevel=3, **options)
    q = np.select([(zx > 0) & (lag > 0), (zx <= 0) & (lag > 0), (zx <= 0) & (lag <= 0)], [1, 2, 3], default=4)
    defined = ~isolated
    alpha, correction = options["alpha"], options["correction"]
    title = f"LISA cluster ({CORRECTION_NAMES[correction]}, alpha={alpha})"

    def spread(values: np.ndarray, name: str) -> pd.Series:
        return prep.spread(np.where(defined, values, np.nan), name=name)

    return Hotspots(
        Is=spread(i_obs, "Is"),
        p=prep.spread(inferred["p"], name="p"),
        p_adjusted=prep.spread(inferred["p_adjusted"], name="p_adjusted"),
        q=spread(q, "q").astype("Int64"),
        labels=prep.spread(_labels(q, inferred["p_adjusted"], alpha, isolated), name=title, fill=lab.UNDEFINED).astype(
            pd.CategoricalDtype(list(lab.LISA_LABELS))
        ),
        z=prep.spread(zx, name="z"),
        lag=spread(lag, "lag"),
        EI=spread(ei, "EI"),
        VI=spread(vi, "VI"),
        ZI=spread(zi, "ZI"),
        z_sim=prep.spread(inferred["z_sim"], name="z_sim"),
        alpha=alpha,
        alternative=options["alternative"],
        correction=correction,
        inference="permutation" if inferred["permutations"] else "analytic",
        permutations=inferred["permutations"],
        seed=inferred["seed"],
        statistic=statistic,
    )


def local_moran(
    values: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    correction: Correction = "fdr",
    inference: Inference = "permutation",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "r",
) -> Hotspots:
    r"""Local Moran's I (LISA) with conditional permutation or analytic inference.

    Parameters
    ----------
    values : pandas.Series
        Indexed by area ID; aligned to the graph by ID.
    graph : libpysal.graph.Graph, W, or path of a GAL/GWT file
    permutations : int or "auto"
        ``"auto"`` (default) runs as many permutations as the correction needs to be able to call an area
        significant at ``alpha`` over this many areas, from 999 up to a budget of about 10 s (a warning gives
        the numbers when the budget stops it): with ``P`` permutations no two-sided p-value is below
        :math:`2/(P+1)`, while FDR or Bonferroni over :math:`m` areas needs :math:`p \le \alpha/m` for the
        strongest area, so 999 permutations cannot label any of 3,085 US counties
        (:func:`~deprivation_map.spatial.inference.choose_permutations`). A whole number runs exactly that
        many, with a warning when the correction cannot reach ``alpha`` with them.
    seed : int, optional
        Seed of the permutations, recorded on the result; None draws a fresh one (also recorded).
    alpha : float
        Significance level: an area is labelled with its quadrant when its adjusted p-value is ``<= alpha``.
    alternative : {"two-sided", "greater", "less", "folded"}
        See :func:`deprivation_map.spatial.inference.p_values`. ``"folded"`` is GeoDa's and esda's ``p_sim``
        (one-sided in the direction observed; formerly ``"directed"``).
    correction : {"fdr", "bonferroni", "none"}
        Multiple-testing correction (:func:`deprivation_map.spatial.multiple_testing.adjust_p`). The default is
        ``"fdr"`` (Benjamini-Hochberg): a LISA map makes one test per area, so without correction about
        ``alpha`` of all areas are labelled clusters even when there is no clustering at all, while
        Bonferroni guards against a single false positive and so misses most real clusters. FDR bounds the
        expected share of false clusters among those shown.
    inference : {"permutation", "analytic"}
        ``"permutation"`` (default): conditional permutation pseudo p-values. ``"analytic"``: the normal
        p-value of ``ZI``, from the exact moments of :math:`I_i` under conditional randomisation (below);
        continuous, so any correction can use it at any number of areas, and no permutation runs
        (``permutations`` must be left out; ``seed`` is not used). Its caveat: the conditional distribution of
        :math:`I_i` is far from normal for skewed values (rates of small populations, counts, incomes with a
        long tail) and for areas with few neighbours, so analytic p-values of the most extreme areas can be
        much too small (Sokal et al. 1998); prefer permutations there, or transform the values first.
    missing, transform
        As in :func:`deprivation_map.global_moran`.

    Notes
    -----
    With :math:`z_i = (y_i - \bar y)/s` (:math:`s` the population standard deviation) and
    :math:`n` areas with a value,

    .. math:: I_i = \frac{(n-1)\, z_i \sum_j w_{ij} z_j}{\sum_k z_k^2}

    as in esda's ``Moran_Local`` (spdep's ``localmoran`` is :math:`n/(n-1)` times it). The null distribution
    of :math:`I_i` is built by conditional randomisation (Anselin 1995): :math:`z_i` is held fixed and its
    :math:`k_i` neighbours' values are drawn without replacement from the other :math:`n - 1` areas. As in
    esda, one table of random draws (positions among the other areas, in the order of the sorted IDs) serves
    every area, so each area's null distribution is exact but different areas' p-values are not independent;
    given esda's table, the p-values with ``alternative="folded"`` equal esda's ``p_sim``.

    Under the same randomisation the moments are exact (Sokal, Oden and Thomson 1998; spdep's
    ``localmoran(conditional = TRUE)``): with :math:`m_2 = \sum_k z_k^2 / n = 1`,
    :math:`W_i = \sum_j w_{ij}` and :math:`W_{2i} = \sum_j w_{ij}^2`,

    .. math:: E[I_i] = -\frac{z_i^2 W_i}{n}, \qquad
              V[I_i] = \left(\frac{n-1}{n}\right)^2 \frac{z_i^2\, n}{n-2}
                       \left(W_{2i} - \frac{W_i^2}{n-1}\right)\left(1 - \frac{z_i^2}{n-1}\right)

    (:func:`~deprivation_map.spatial.inference.conditional_moments`), and
    :math:`ZI_i = (I_i - E[I_i])/\sqrt{V[I_i]}`, equal to spdep's ``Z.Ii``.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> graph = dm.build_graph(gdf)
    >>> hot = dm.local_moran(gdf["PctPov"], graph, seed=0)
    >>> bool(hot.p.between(0, 1).all()), hot.labels.index.equals(gdf.index), hot.correction, hot.permutations
    (True, True, 'fdr', 6399)
    >>> exact = dm.local_moran(gdf["PctPov"], graph, inference="analytic")
    >>> exact.counts()[["High-High", "Low-Low"]].tolist(), exact.seed
    ([8, 16], None)
    """
    options = check_local_options(alpha, alternative, correction, inference, permutations, seed)
    prep = prepare(values, graph, missing=missing, transform=transform)
    z = standardise(prep.y[:, 0])
    return _lisa(prep, z, z, statistic="local_moran", options=options)


def local_moran_bv(
    x: pd.Series,
    y: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    correction: Correction = "fdr",
    inference: Inference = "permutation",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "r",
) -> Hotspots:
    r"""Bivariate LISA: ``x`` in each area against ``y`` in its neighbours (options as :func:`local_moran`).

    A "High-High" area has a high ``x`` (e.g. deprivation) surrounded by high ``y`` (e.g. distance to a
    service). An area needs a value of both.

    Notes
    -----
    .. math:: I_i = \frac{(n-1)\, z_{x,i} \sum_j w_{ij} z_{y,j}}{\sum_k z_{x,k}^2}

    with population standard deviations, as in esda's ``Moran_Local_BV``; the permutation holds
    :math:`z_{x,i}` fixed and draws the neighbours' :math:`z_y` from the other areas, and the analytic moments
    are those of that randomisation (:func:`~deprivation_map.spatial.inference.conditional_moments` with the
    pool :math:`z_y`).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> bv = dm.local_moran_bv(gdf["PctPov"], gdf["PctBach"], dm.build_graph(gdf), seed=0)
    >>> bv.statistic, len(bv.labels)
    ('local_moran_bv', 159)
    """
    options = check_local_options(alpha, alternative, correction, inference, permutations, seed)
    prep = prepare(pair(x, y), graph, missing=missing, transform=transform)
    zx, zy = standardise(prep.y[:, 0]), standardise(prep.y[:, 1])
    return _lisa(prep, zx, zy, statistic="local_moran_bv", options=options)


def _assuncao_reis(events: np.ndarray, population: np.ndarray) -> np.ndarray:
    if (population <= 0).any() or (events < 0).any():
        raise ValidationError("Rates need positive populations and non-negative event counts.")
    if events.sum() == 0:
        raise ValidationError(
            "There are no events in any area, so every rate is 0 and the standardised rates are undefined "
            "(0 / 0); there is nothing to map."
        )
    rate = events / population
    require_variation(rate, what="the standardised rates (every area has the same rate)")
    mean_rate = events.sum() / population.sum()
    s2 = (population * (rate - mean_rate) ** 2).sum() / population.sum()
    a = s2 - mean_rate / population.mean()
    variance = a + mean_rate / population
    variance = np.where(variance < 0, mean_rate / population, variance)
    return (rate - mean_rate) / np.sqrt(variance)


def eb_rates(events: pd.Series, population: pd.Series) -> pd.Series:
    r"""Empirical Bayes standardised rates (Assuncao and Reis 1999), indexed by area ID.

    Notes
    -----
    With rates :math:`r_i = e_i / b_i`, :math:`\beta = \sum e / \sum b`,
    :math:`s^2 = \sum b_i (r_i - \beta)^2 / \sum b` and :math:`\alpha = s^2 - \beta / \bar b`,

    .. math:: z_i = \frac{r_i - \beta}{\sqrt{v_i}}, \qquad v_i = \alpha + \beta / b_i

    (:math:`v_i = \beta / b_i` where :math:`v_i < 0`), as esda's ``assuncao_rate``. A rate from a small
    population is shrunk towards the mean, so it no longer dominates a hotspot map by chance. With no event
    at all (:math:`\beta = 0`) every :math:`z_i` is :math:`0/0`: refused, not returned as NaN.

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
    return pd.Series(_assuncao_reis(both["x"].to_numpy(), both["y"].to_numpy()), index=both.index, name="eb_rate")


def local_moran_rate(
    events: pd.Series,
    population: pd.Series,
    graph: GraphLike,
    *,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alpha: float = 0.05,
    alternative: Alternative = "two-sided",
    correction: Correction = "fdr",
    inference: Inference = "permutation",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["r", "b", "o"] = "r",
) -> Hotspots:
    """LISA of Empirical Bayes standardised rates ``events / population`` (options as :func:`local_moran`).

    The rates are standardised (:func:`eb_rates`) over the areas that have both a count and a population,
    then :func:`local_moran` is applied to them, as esda's ``Moran_Local_Rate`` does. With no event in any
    area the rates are undefined and a ``ValidationError`` says so.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> poor = (gdf["PctPov"] / 100 * gdf["TotPop90"]).round()
    >>> dm.local_moran_rate(poor, gdf["TotPop90"], dm.build_graph(gdf), seed=0).statistic
    'local_moran_rate'
    """
    options = check_local_options(alpha, alternative, correction, inference, permutations, seed)
    prep = prepare(pair(events, population), graph, missing=missing, transform=transform)
    z = standardise(_assuncao_reis(prep.y[:, 0], prep.y[:, 1]))
    return _lisa(prep, z, z, statistic="local_moran_rate", options=options)
