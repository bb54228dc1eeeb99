"""Getis-Ord Gi*: hot and cold spots at 90, 95 and 99 % confidence, as ArcGIS's Hot Spot Analysis reports them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import ndtr

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from ._prepare import prepare
from .inference import conditional_counts, p_values
from .multiple_testing import CORRECTION_NAMES, adjust_p

__all__ = ["GI_LABELS", "GiHotspots", "local_g"]

GI_LABELS = (
    "Hot spot (99%)",
    "Hot spot (95%)",
    "Hot spot (90%)",
    "Cold spot (99%)",
    "Cold spot (95%)",
    "Cold spot (90%)",
    "Not significant",
    "Isolate",
    "Undefined",
)
_LEVELS = ((0.01, "99%"), (0.05, "95%"), (0.10, "90%"))


@dataclass(frozen=True, eq=False)
class GiHotspots:
    """Getis-Ord Gi* results, one row per area, in the graph's order.

    Attributes
    ----------
    Gs : pandas.Series
        :math:`G^*_i`, the share of the total found in the area's neighbourhood (itself included).
    z : pandas.Series
        Its z-score (ArcGIS's ``GiZScore``); missing for isolates and areas with no value.
    p, p_adjusted : pandas.Series
        Two-sided p-value (normal, or conditional permutation if ``permutations > 0``) and the same adjusted
        for multiple testing by ``correction``.
    labels : pandas.Series of category
        ``"Hot spot (99%)"`` where ``p_adjusted <= 0.01`` and ``z > 0`` ... ``"Cold spot (90%)"`` where
        ``p_adjusted <= 0.10`` and ``z < 0``, else ``"Not significant"``; ``"Isolate"``, ``"Undefined"``.
    bins : pandas.Series of Int64
        ArcGIS's ``Gi_Bin``: +3/+2/+1 for hot spots at 99/95/90 %, -3/-2/-1 for cold spots, 0 otherwise.

    Examples
    --------
    >>> import numpy as np, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> graph = dm.build_graph(gdf)
    >>> gi = dm.local_g(gdf["PctPov"], graph)  # normal p-values, FDR
    >>> star = [*graph.neighbors["13001"], "13001"]  # the neighbours and the area itself
    >>> bool(abs(gi.Gs["13001"] - gdf.loc[star, "PctPov"].sum() / gdf["PctPov"].sum()) < 1e-12)
    True
    >>> hot = gi.bins > 0
    >>> bool((gi.z[hot] > 0).all()), bool(gi.labels[hot].str.startswith("Hot spot").all())
    (True, True)
    >>> int(gi.counts().sum())
    159
    """

    Gs: pd.Series
    z: pd.Series
    p: pd.Series
    p_adjusted: pd.Series
    labels: pd.Series
    bins: pd.Series
    correction: str
    transform: str
    permutations: int
    seed: int | None

    def to_frame(self) -> pd.DataFrame:
        """``gi_G``, ``gi_z``, ``gi_p``, ``gi_p_adjusted``, ``gi_bin`` and ``gi_label``, one row per area."""
        return pd.DataFrame(
            {
                "gi_G": self.Gs,
                "gi_z": self.z,
                "gi_p": self.p,
                "gi_p_adjusted": self.p_adjusted,
                "gi_bin": self.bins,
                "gi_label": self.labels,
            }
        )

    def counts(self) -> pd.Series:
        """Number of areas with each label, every label listed (zeros included)."""
        return self.labels.value_counts(sort=False).reindex(list(GI_LABELS), fill_value=0)

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "areas": len(self.z),
                "correction": CORRECTION_NAMES[self.correction],
                "transform": self.transform,
                "permutations": self.permutations or "none (normal p)",
                "seed": self.seed,
            },
            counts=self.counts(),
            frame=self.to_frame(),
        )

    def __repr__(self) -> str:
        counts = ", ".join(f"{k}={n}" for k, n in self.counts().items() if n)
        return f"GiHotspots({len(self.z)} areas, {CORRECTION_NAMES[self.correction]}; {counts})"


def _bins(z: np.ndarray, p: np.ndarray, isolated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    bins = np.zeros(len(z), dtype=np.int64)
    labels = np.full(len(z), "Not significant", dtype=object)
    for level, (cut, name) in zip((1, 2, 3), reversed(_LEVELS), strict=True):
        hit = ~isolated & (p <= cut)
        bins[hit] = np.sign(z[hit]).astype(np.int64) * level
        labels[hit & (z > 0)] = f"Hot spot ({name})"
        labels[hit & (z < 0)] = f"Cold spot ({name})"
    bins[isolated] = 0
    labels[isolated] = "Isolate"
    return bins, labels


def local_g(
    values: pd.Series,
    graph,
    *,
    permutations: int = 0,
    seed: int | None = None,
    correction: str = "fdr",
    alternative: str = "two-sided",
    missing: str = "raise",
    transform: str = "b",
) -> GiHotspots:
    r"""Getis-Ord Gi* hot and cold spots.

    Parameters
    ----------
    values : pandas.Series
        Indexed by area ID; aligned to the graph by ID.
    graph : libpysal.graph.Graph, W, or path of a GAL/GWT file
        Each area is added as its own neighbour with weight 1 (the "star").
    permutations : int
        0 (default) for the normal p-value of the z-score, as ArcGIS reports it; otherwise the conditional
        permutation pseudo p-value for ``alternative`` (the z-score is unchanged).
    correction : {"fdr", "bonferroni", "none"}
        Multiple-testing correction of the p-values before binning (default FDR, for the reasons given in
        :func:`deprivation_map.local_moran`; ArcGIS's "Apply False Discovery Rate Correction" box, off in its
        Hot Spot Analysis tool). ``"none"`` reproduces ArcGIS's ``Gi_Bin`` without that box.
    transform : {"b", "r", "o"}
        Binary weights (default, as ArcGIS's fixed distance and contiguity conceptualisations), row-standardised,
        or the graph's own weights.
    seed, alternative, missing
        As in :func:`deprivation_map.global_moran`; ``seed`` is used only with permutations.

    Notes
    -----
    With :math:`w_{ij}` including :math:`w_{ii}`, :math:`W_i = \sum_j w_{ij}`, :math:`\bar x` and
    :math:`S = \sqrt{\sum_j x_j^2/n - \bar x^2}` (Ord and Getis 1995; ArcGIS's formula):

    .. math:: G^*_i = \frac{\sum_j w_{ij} x_j}{\sum_j x_j}, \qquad
              z_i = \frac{\sum_j w_{ij} x_j - \bar x W_i}{S\sqrt{(n \sum_j w_{ij}^2 - W_i^2)/(n-1)}}

    For binary weights this equals esda's ``G_Local(star=True, transform="B").Zs``. :math:`G^*_i` itself is
    a share of the total, meaningful for non-negative values only (counts, rates); the z-scores, the bins and
    the permutation p-values (which compare :math:`\sum_j w_{ij} x_j` across draws) hold for any values. Areas are binned by
    the two-sided p-value of :math:`z_i`: 99 % where :math:`p \le 0.01` (:math:`|z| \ge 2.576`), 95 % where
    :math:`p \le 0.05` (1.960), 90 % where :math:`p \le 0.10` (1.645).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> gi = dm.local_g(gdf["PctPov"], dm.build_graph(gdf))
    >>> bool(gi.counts()["Hot spot (99%)"] > 0), gi.labels.index.equals(gdf.index)
    (True, True)
    """
    v.require_int(permutations, what="permutations", minimum=0)
    v.choose(correction, tuple(CORRECTION_NAMES), what="multiple-testing correction")
    prep = prepare(values, graph, missing=missing, transform=transform, star=True)
    x, w = prep.y[:, 0], prep.w
    n = len(x)
    mean, s = x.mean(), np.sqrt((x * x).mean() - x.mean() ** 2)
    if not s > 0:
        raise ValidationError("The values are all equal, so Gi* is undefined.")
    isolated = prep.isolated
    w_sum, w_sq = np.asarray(w.sum(axis=1)).ravel(), np.asarray(w.multiply(w).sum(axis=1)).ravel()
    lag = w @ x
    z = (lag - mean * w_sum) / (s * np.sqrt((n * w_sq - w_sum**2) / (n - 1)))
    z = np.where(isolated, np.nan, z)
    gs = np.where(isolated, np.nan, lag / x.sum())
    if permutations:
        seed = v.resolve_seed(seed)
        off, diagonal = prep.off_diagonal()
        # The lag orders the draws as G*_i does (the total is the same in every draw), whatever its sign.
        n_ge, n_le = conditional_counts(x, off, diagonal * x, np.ones(n), lag, permutations, seed)
        p = np.where(isolated, np.nan, p_values(n_ge, n_le, permutations, alternative))
    else:
        seed = None
        p = 2 * ndtr(-np.abs(z))
    p_adj = adjust_p(p, correction)
    bins, labels = _bins(np.nan_to_num(z), p_adj, isolated)
    title = f"Gi* hot spots ({CORRECTION_NAMES[correction]})"
    return GiHotspots(
        Gs=prep.spread(gs, name="Gs"),
        z=prep.spread(z, name="z"),
        p=prep.spread(p, name="p"),
        p_adjusted=prep.spread(p_adj, name="p_adjusted"),
        labels=prep.spread(labels, name=title, fill="Undefined").astype(pd.CategoricalDtype(list(GI_LABELS))),
        bins=prep.spread(bins.astype(float), name="bin").astype("Int64"),
        correction=correction,
        transform=transform,
        permutations=permutations,
        seed=seed,
    )
