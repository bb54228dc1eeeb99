"""Emerging hot spots: Gi* in every period, the Mann-Kendall trend of each area's z-scores, and Esri's categories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .._repr import html_repr
from ..io.panel import check_panel
from . import labels as lab
from .getis_ord import local_g
from .graph import GraphLike
from .inference import Inference, Permutations, Seed
from .multiple_testing import Correction
from .trend import Trend, mann_kendall

__all__ = ["EmergingHotspots", "emerging_hotspots", "emerging_categories"]


@dataclass(frozen=True, eq=False)
class EmergingHotspots:
    """Emerging hot spot categories (Esri's Emerging Hot Spot Analysis), one per area.

    Attributes
    ----------
    categories : pandas.Series of category
        Indexed by area ID: one of :data:`~deprivation_map.spatial.labels.EMERGING_LABELS`.
    z : pandas.DataFrame
        The Gi* z-score of each area (rows) in each period (columns).
    bins : pandas.DataFrame
        ArcGIS's ``Gi_Bin`` of each area and period (+3 .. -3, 0 not significant) at ``alpha``.
    trend : Trend
        The Mann-Kendall test of each area's series of Gi* z-scores.
    alpha, trend_alpha : float
        The significance of a hot or cold spot in a period (after ``correction``), and of a trend.
    correction : str
    seed : int or None

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({year: gdf["PctPov"] for year in (2000, 2005, 2010)})
    >>> ehsa = dm.emerging_hotspots(panel, dm.build_graph(gdf))
    >>> int(ehsa.counts().sum()), ehsa.z.shape, list(ehsa.to_frame().columns[:2])
    (159, (159, 3), ['ehsa_category', 'ehsa_tau'])
    """

    categories: pd.Series
    z: pd.DataFrame
    bins: pd.DataFrame
    trend: Trend
    alpha: float
    trend_alpha: float
    correction: str
    seed: int | None

    def counts(self) -> pd.Series:
        """Areas per category, in :data:`~deprivation_map.spatial.labels.EMERGING_LABELS` order."""
        return self.categories.value_counts().reindex(list(lab.EMERGING_LABELS), fill_value=0)

    def to_frame(self) -> pd.DataFrame:
        """One row per area: ``ehsa_category``, ``ehsa_tau``, ``ehsa_trend_p``, ``ehsa_hot_periods``, ``ehsa_cold_periods``."""
        return pd.DataFrame(
            {
                "ehsa_category": self.categories,
                "ehsa_tau": self.trend.tau,
                "ehsa_trend_p": self.trend.p,
                "ehsa_hot_periods": (self.bins > 0).sum(axis=1),
                "ehsa_cold_periods": (self.bins < 0).sum(axis=1),
            }
        )

    def __repr__(self) -> str:
        c = self.counts()
        patterns = int(c.drop([lab.NO_PATTERN, lab.UNDEFINED]).sum())
        return (
            f"EmergingHotspots({len(self.categories)} areas x {self.z.shape[1]} periods, alpha={self.alpha:g}, "
            f"{self.correction}: {patterns} with a pattern)"
        )

    def _repr_html_(self) -> str:
        settings = {
            "alpha": self.alpha,
            "trend alpha": self.trend_alpha,
            "correction": self.correction,
            "seed": self.seed,
            "periods": ", ".join(map(str, self.z.columns)),
        }
        return html_repr(self, settings, frame=self.to_frame(), counts=self.counts())


def _final_run(sig: np.ndarray) -> np.ndarray:
    """Length of the run of True values that ends in the last period (0 where the last is False)."""
    run = np.zeros(len(sig), dtype=int)
    alive = np.ones(len(sig), dtype=bool)
    for j in range(sig.shape[1] - 1, -1, -1):
        alive &= sig[:, j]
        run += alive
    return run


def _patterns(sig: np.ndarray, other: np.ndarray, rising: np.ndarray, falling: np.ndarray) -> np.ndarray:
    """Esri's patterns for one side (hot, or cold with its trend flipped); '' where none applies."""
    t = sig.shape[1]
    count = sig.sum(axis=1)
    final = sig[:, -1]
    ninety = count >= 0.9 * t
    run = _final_run(sig)
    out = np.full(len(sig), "", dtype=object)
    conditions = [  # (pattern, condition), first match wins, in Esri's order
        ("New", final & ~ninety & (count == 1)),
        ("Consecutive", final & ~ninety & (run >= 2) & (count == run)),
        ("Intensifying", final & ninety & rising),
        ("Persistent", final & ninety & ~rising & ~falling),
        ("Diminishing", final & ninety & falling),
        ("Sporadic", final & ~ninety & ~other.any(axis=1)),
        ("Oscillating", final & ~ninety & other[:, :-1].any(axis=1)),
        ("Historical", ~final & ninety),
    ]
    for pattern, condition in reversed(conditions):
        out[condition] = pattern
    return out


def emerging_categories(
    bins: np.ndarray, tau: np.ndarray, trend_p: np.ndarray, *, trend_alpha: float = 0.05
) -> np.ndarray:
    """Esri's emerging hot spot category from the bins (areas x periods, 0 = not significant) and the trend.

    Examples
    --------
    >>> import numpy as np
    >>> bins = np.array([[0, 0, 0, 2], [0, 0, 2, 2], [2, 0, 2, 2], [-2, 2, 0, 2], [2, 2, 2, 0], [0, 0, 0, 0]])
    >>> emerging_categories(bins, np.zeros(6), np.ones(6)).tolist()
    ['New Hot Spot', 'Consecutive Hot Spot', 'Sporadic Hot Spot', 'Oscillating Hot Spot', 'No Pattern Detected', 'No Pattern Detected']
    """
    hot, cold = bins > 0, bins < 0
    significant = trend_p <= trend_alpha
    up, down = significant & (tau > 0), significant & (tau < 0)
    hot_pattern = _patterns(hot, cold, up, down)
    cold_pattern = _patterns(cold, hot, down, up)  # a cold spot intensifies as its z-scores fall
    out = np.full(len(bins), lab.NO_PATTERN, dtype=object)
    historical = [
        (hot_pattern == "Historical", "Historical Hot Spot"),
        (cold_pattern == "Historical", "Historical Cold Spot"),
    ]
    for mask, label in historical:  # a pattern in the final period takes precedence over a historical one
        out[mask] = label
    for pattern, side in ((hot_pattern, "Hot Spot"), (cold_pattern, "Cold Spot")):
        current = (pattern != "") & (pattern != "Historical")
        out[current] = [f"{p} {side}" for p in pattern[current]]
    return out


def emerging_hotspots(
    panel: pd.DataFrame,
    graph: GraphLike,
    *,
    alpha: float = 0.05,
    correction: Correction = "fdr",
    trend_alpha: float = 0.05,
    inference: Inference = "analytic",
    permutations: Permutations = "auto",
    seed: Seed = None,
    transform: Literal["b", "r", "o"] = "b",
) -> EmergingHotspots:
    r"""Emerging hot spot analysis: where hot and cold spots of a panel appear, grow, fade or persist.

    Parameters
    ----------
    panel : pandas.DataFrame
        Indexed by area ID, one column per period in time order (:func:`~deprivation_map.io.panel.build_panel`).
    graph : libpysal.graph.Graph
        The spatial graph over the same area IDs (the areas' spatial neighbourhood; each area is its own
        neighbour in Gi*).
    alpha : {0.10, 0.05, 0.01}
        A hot or cold spot in a period is a Gi* bin significant at ``alpha`` after ``correction`` (default
        95 % with the false discovery rate, as Esri's tool applies FDR).
    correction : {"fdr", "bonferroni", "none"}
    trend_alpha : float
        The significance of the Mann-Kendall trend of each area's Gi* z-scores.
    inference, permutations, seed, transform
        As in :func:`~deprivation_map.spatial.getis_ord.local_g`, for every period (``seed`` is used with
        permutations only).

    Notes
    -----
    For each period :math:`t`, :math:`z_{it}` is area :math:`i`'s Gi* z-score (:func:`local_g`); a hot spot
    where its adjusted p-value is at most ``alpha`` and :math:`z_{it} > 0` (cold where :math:`z_{it} < 0`).
    The Mann-Kendall test (:func:`~deprivation_map.spatial.trend.mann_kendall`) of :math:`z_{i1} \dots
    z_{iT}` (z-scores rounded to 9 decimals, so that rounding errors are ties) gives the trend. With :math:`T` periods, Esri's definitions (hot side; the cold side mirrors it,
    a cold spot intensifying as its z-scores fall):

    - *New*: hot in the final period and never hot before;
    - *Consecutive*: a single run of at least two hot periods at the end, never hot before it, hot in fewer
      than 90 % of the periods;
    - *Intensifying*: hot in at least 90 % of the periods, the final one included, with a significant
      increasing trend;
    - *Persistent*: hot in at least 90 % of the periods, the final one included, with no significant trend;
    - *Diminishing*: as Intensifying, with a significant decreasing trend;
    - *Sporadic*: hot in the final period, on and off before, in fewer than 90 % of the periods, never cold;
    - *Oscillating*: hot in the final period, cold in an earlier one, hot in fewer than 90 % of the periods;
    - *Historical*: not hot in the final period, hot in at least 90 % of them;
    - *No Pattern Detected*: none of these.

    Where two definitions fit (hot only in the last period after cold ones is both New and Oscillating), the
    first in Esri's order above wins; a pattern of the final period wins over a historical one of the other
    side. Esri's tool uses a space-time neighbourhood (neighbours in earlier periods too); this one uses the
    spatial Gi* of each period, as R's sfdep does with ``k = 0`` time lags. Areas with no Gi* in some period
    (no value, or no neighbour) are ``"Undefined"``, never a pattern.

    Examples
    --------
    >>> import numpy as np, pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> graph = dm.build_graph(gdf)
    >>> panel = pd.DataFrame({year: gdf["PctPov"] * (1 + 0.02 * k) for k, year in enumerate(range(2000, 2006))})
    >>> ehsa = dm.emerging_hotspots(panel, graph)
    >>> ehsa.categories.index.equals(gdf.index), sorted(set(ehsa.categories) - {"No Pattern Detected"})
    (True, ['Persistent Cold Spot', 'Persistent Hot Spot'])
    """
    panel = check_panel(panel)
    missing = "exclude" if panel.isna().any().any() else "raise"
    z, bins = {}, {}
    used_seed = None
    for period in panel.columns:
        gi = local_g(
            panel[period],
            graph,
            inference=inference,
            permutations=permutations,
            seed=seed,
            alpha=alpha,
            correction=correction,
            missing=missing,
            transform=transform,
        )
        z[period], bins[period] = gi.Zs, gi.bins.astype(float).fillna(0.0)
        used_seed = gi.seed
    z_frame = pd.DataFrame(z).reindex(panel.index)
    bins_frame = pd.DataFrame(bins).reindex(panel.index).astype(int)
    # z-scores equal to 9 decimals are ties: a rescaled period must not make a trend out of rounding errors
    trend = mann_kendall(z_frame.round(9).rename_axis(columns=panel.columns.name), alpha=trend_alpha)
    categories = emerging_categories(
        bins_frame.to_numpy(), trend.tau.to_numpy(), trend.p.to_numpy(), trend_alpha=trend_alpha
    )
    categories[z_frame.isna().any(axis=1).to_numpy()] = lab.UNDEFINED
    series = pd.Series(categories, index=panel.index, name="Emerging hot spots").astype(
        pd.CategoricalDtype(list(lab.EMERGING_LABELS))
    )
    return EmergingHotspots(
        categories=series,
        z=z_frame,
        bins=bins_frame,
        trend=trend,
        alpha=alpha,
        trend_alpha=trend_alpha,
        correction=correction,
        seed=used_seed,
    )
