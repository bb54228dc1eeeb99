"""Getis-Ord Gi*: hot and cold spots at 90, 95 and 99 % confidence, as ArcGIS's Hot Spot Analysis reports them."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np
import pandas as pd

from ..errors import ValidationError
from . import labels as lab
from ._prepare import prepare, require_variation
from .base import LocalResult, check_local_options, local_inference
from .graph import GraphLike
from .inference import Alternative, Inference, Permutations, Seed
from .multiple_testing import CORRECTION_NAMES, Correction

__all__ = ["GI_LABELS", "GiHotspots", "local_g"]

GI_LABELS = lab.GI_LABELS  # kept here too: the name users import
_ALPHAS = tuple(cut for _, cut, _ in lab.GI_LEVELS)


@dataclass(frozen=True, eq=False, kw_only=True, repr=False)
class GiHotspots(LocalResult):
    """Getis-Ord Gi* results, one row per area, in the graph's order.

    The fields every local result has (``p``, ``p_adjusted``, ``labels``, ``z_sim``, ``alpha``,
    ``alternative``, ``correction``, ``inference``, ``permutations``, ``seed``, ``statistic``) are described in
    :class:`~deprivation_map.spatial.base.LocalResult`; with esda's ``G_Local`` names:

    Attributes
    ----------
    Gs : pandas.Series
        :math:`G^*_i`, the share of the total found in the area's neighbourhood (itself included); defined
        only for non-negative values, NaN for every area otherwise (see :func:`local_g`).
    Zs : pandas.Series
        Ord and Getis's z-score (ArcGIS's ``GiZScore``); missing for isolates and areas with no value. Formerly
        ``z`` (still readable, with a DeprecationWarning).
    labels : pandas.Series of category
        ``"Hot spot (99%)"`` where ``p_adjusted <= 0.01`` and ``Zs > 0`` ... ``"Cold spot (90%)"`` where
        ``p_adjusted <= 0.10`` and ``Zs < 0`` (only the levels up to ``alpha``), else ``"Not significant"``;
        ``"Isolate"``, ``"Undefined"``.
    bins : pandas.Series of Int64
        ArcGIS's ``Gi_Bin``: +3/+2/+1 for hot spots at 99/95/90 %, -3/-2/-1 for cold spots, 0 otherwise.
    transform : str
        The weights transform used.

    Examples
    --------
    >>> import numpy as np, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> graph = dm.build_graph(gdf)
    >>> gi = dm.local_g(gdf["PctPov"], graph)  # analytic (normal) p-values, FDR
    >>> star = [*graph.neighbors["13001"], "13001"]  # the neighbours and the area itself
    >>> bool(abs(gi.Gs["13001"] - gdf.loc[star, "PctPov"].sum() / gdf["PctPov"].sum()) < 1e-12)
    True
    >>> hot = gi.bins > 0
    >>> bool((gi.Zs[hot] > 0).all()), bool(gi.labels[hot].str.startswith("Hot spot").all())
    (True, True)
    >>> int(gi.counts().sum()), gi.to_frame().columns.tolist()
    (159, ['gi_G', 'gi_z', 'gi_p', 'gi_p_adjusted', 'gi_bin', 'gi_label'])
    """

    Gs: pd.Series
    Zs: pd.Series
    bins: pd.Series
    transform: str

    label_order: ClassVar[tuple[str, ...]] = lab.GI_LABELS
    prefix: ClassVar[str] = "gi"
    renamed: ClassVar[dict[str, str]] = {"z": "Zs"}

    def columns(self) -> dict[str, pd.Series]:
        """``G``, ``z``, ``p``, ``p_adjusted``, ``bin`` and ``label`` (prefixed ``gi_`` by :meth:`to_frame`)."""
        return {
            "G": self.Gs,
            "z": self.Zs,
            "p": self.p,
            "p_adjusted": self.p_adjusted,
            "bin": self.bins,
            "label": self.labels,
        }

    def settings(self) -> dict[str, object]:
        """The options that produced the result, the weights transform included."""
        return {**super().settings(), "transform": self.transform}


def _bins(z: np.ndarray, p: np.ndarray, alpha: float, isolated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bins = np.zeros(len(z), dtype=np.int64)
    labels = np.full(len(z), lab.NOT_SIGNIFICANT, dtype=object)
    for level, cut, confidence in reversed(lab.GI_LEVELS):  # weakest first: a stronger level overwrites it
        if cut > alpha:
            continue
        hit = ~isolated & (p <= cut)
        bins[hit] = np.sign(z[hit]).astype(np.int64) * level
        labels[hit & (z > 0)] = lab.hot_spot(confidence)
        labels[hit & (z < 0)] = lab.cold_spot(confidence)
    bins[isolated] = 0
    labels[isolated] = lab.ISOLATE
    return bins, labels


def _inference(inference: str | None, permutations: int | str) -> str:
    """The inference asked for; before it was an option, a positive ``permutations`` alone meant permutations."""
    if inference is not None:
        return inference
    if isinstance(permutations, int | np.integer) and not isinstance(permutations, bool) and permutations > 0:
        warnings.warn(
            "local_g(permutations=...) now also needs inference='permutation' (the default is 'analytic'); "
            "running permutations as asked.",
            DeprecationWarning,
            stacklevel=3,
        )
        return "permutation"
    return "analytic"


def local_g(
    values: pd.Series,
    graph: GraphLike,
    *,
    inference: Inference | None = None,
    permutations: Permutations = "auto",
    seed: Seed = None,
    alpha: float = 0.10,
    correction: Correction = "fdr",
    alternative: Alternative = "two-sided",
    missing: Literal["raise", "exclude"] = "raise",
    transform: Literal["b", "r", "o"] = "b",
) -> GiHotspots:
    r"""Getis-Ord Gi* hot and cold spots.

    Parameters
    ----------
    values : pandas.Series
        Indexed by area ID; aligned to the graph by ID.
    graph : libpysal.graph.Graph, W, or path of a GAL/GWT file
        Each area is added as its own neighbour with weight 1 (the "star").
    inference : {"analytic", "permutation"}
        ``"analytic"`` (the default, as ArcGIS reports it): the normal p-value of Ord and Getis's z-score.
        ``"permutation"``: the conditional permutation pseudo p-value for ``alternative`` (the z-score is
        unchanged), with ``permutations`` as in :func:`deprivation_map.local_moran` (``"auto"`` by default).
        Left out, a positive ``permutations`` alone still means ``"permutation"`` (deprecated).
    alpha : {0.10, 0.05, 0.01}
        The weakest confidence labelled: 0.10 (default) labels the 90, 95 and 99 % bins, 0.01 only the 99 % one.
    correction : {"fdr", "bonferroni", "none"}
        Multiple-testing correction of the p-values before binning (default FDR, for the reasons given in
        :func:`deprivation_map.local_moran`; ArcGIS's "Apply False Discovery Rate Correction" box, off in its
        Hot Spot Analysis tool). ``"none"`` reproduces ArcGIS's ``Gi_Bin`` without that box.
    transform : {"b", "r", "o"}
        Binary weights (default, as ArcGIS's fixed distance and contiguity conceptualisations), row-standardised,
        or the graph's own weights.
    permutations, seed, alternative, missing
        As in :func:`deprivation_map.local_moran`; ``permutations`` and ``seed`` are used only with permutations.

    Notes
    -----
    With :math:`w_{ij}` including :math:`w_{ii}`, :math:`W_i = \sum_j w_{ij}`, :math:`\bar x` and
    :math:`S = \sqrt{\sum_j x_j^2/n - \bar x^2}` (Ord and Getis 1995; ArcGIS's formula):

    .. math:: G^*_i = \frac{\sum_j w_{ij} x_j}{\sum_j x_j}, \qquad
              z_i = \frac{\sum_j w_{ij} x_j - \bar x W_i}{S\sqrt{(n \sum_j w_{ij}^2 - W_i^2)/(n-1)}}

    For binary weights this equals esda's ``G_Local(star=True, transform="B").Zs``. :math:`z_i` is exact
    under total randomisation (every area's value, its own included, drawn from all :math:`n`), and the
    analytic p-value reads it as normal; with few neighbours and skewed values that approximation is rough,
    and permutations are safer. :math:`G^*_i` is a share of the total, defined for non-negative values only
    (counts, rates): for values with negative ones, such as a z-scored index whose total is about 0 (where the
    share would be about :math:`10^{14}`), ``Gs`` is NaN for every area, while the z-scores, the bins and the
    permutation p-values (which compare :math:`\sum_j w_{ij} x_j` across draws) hold for any values. Areas are
    binned by the adjusted p-value: 99 % where :math:`p \le 0.01` (two-sided :math:`|z| \ge 2.576`), 95 %
    where :math:`p \le 0.05` (1.960), 90 % where :math:`p \le 0.10` (1.645).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> gi = dm.local_g(gdf["PctPov"], dm.build_graph(gdf))
    >>> bool(gi.counts()["Hot spot (99%)"] > 0), gi.labels.index.equals(gdf.index), gi.inference
    (True, True, 'analytic')
    >>> index = (gdf["PctPov"] - gdf["PctPov"].mean()) / gdf["PctPov"].std()  # a z-score: G* is undefined
    >>> z_scored = dm.local_g(index, dm.build_graph(gdf))
    >>> bool(z_scored.Gs.isna().all()), bool((z_scored.Zs - gi.Zs).abs().max() < 1e-9)
    (True, True)
    """
    inference = _inference(inference, permutations)
    if alpha not in _ALPHAS:
        raise ValidationError(f"alpha for Gi* must be one of its confidence levels {_ALPHAS}, got {alpha!r}.")
    options = check_local_options(alpha, alternative, correction, inference, permutations, seed)
    prep = prepare(values, graph, missing=missing, transform=transform, star=True)
    x, w = prep.y[:, 0], prep.w
    n = len(x)
    mean, s = x.mean(), require_variation(x, what="Gi*")
    isolated = prep.isolated
    w_sum, w_sq = np.asarray(w.sum(axis=1)).ravel(), np.asarray(w.multiply(w).sum(axis=1)).ravel()
    lag = w @ x
    z = np.where(isolated, np.nan, (lag - mean * w_sum) / (s * np.sqrt((n * w_sq - w_sum**2) / (n - 1))))
    share_defined = bool((x >= 0).all())  # and so a positive total: the values vary
    gs = np.where(isolated, np.nan, lag / x.sum() if share_defined else np.nan)
    diagonal = w.diagonal()
    # The lag orders the draws as G*_i does (the total is the same in every draw), whatever its sign.
    inferred = local_inference(prep, (x, diagonal * x, np.ones(n), lag), z, stacklevel=2, **options)
    bins, labels = _bins(np.nan_to_num(z), inferred["p_adjusted"], alpha, isolated)
    title = f"Gi* hot spots ({CORRECTION_NAMES[correction]})"
    return GiHotspots(
        Gs=prep.spread(gs, name="Gs"),
        Zs=prep.spread(z, name="Zs"),
        p=prep.spread(inferred["p"], name="p"),
        p_adjusted=prep.spread(inferred["p_adjusted"], name="p_adjusted"),
        z_sim=prep.spread(inferred["z_sim"], name="z_sim"),
        labels=prep.spread(labels, name=title, fill=lab.UNDEFINED).astype(pd.CategoricalDtype(list(lab.GI_LABELS))),
        bins=prep.spread(bins.astype(float), name="bin").astype("Int64"),
        alpha=alpha,
        alternative=options["alternative"],
        correction=correction,
        inference=inference,
        permutations=inferred["permutations"],
        seed=inferred["seed"],
        statistic="local_g",
        transform=transform,
    )
