"""Markov chains of a panel (PySAL's giddy): classic, spatial (conditioned on the neighbours) and LISA Markov.

A panel (area ID x period) is aligned to the graph by ID, classified into quantile classes, and handed to
giddy, whose results these are (the ``change`` extra: ``pip install "deprivation-map[change]"``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids
from ..io.panel import check_panel
from . import labels as lab
from ._prepare import as_graph
from .graph import GraphLike

__all__ = ["LisaMarkov", "MarkovChain", "SpatialMarkov", "lisa_markov", "markov", "spatial_markov"]


def _giddy():
    try:
        with warnings.catch_warnings():  # giddy imports tqdm.auto, which warns in a notebook without ipywidgets
            warnings.filterwarnings("ignore", message="IProgress not found")
            import giddy.markov
    except ImportError as error:  # pragma: no cover - the extra is installed in tests
        raise ImportError('Markov chains need PySAL\'s giddy: pip install "deprivation-map[change]"') from error
    return giddy.markov


def _aligned(panel: pd.DataFrame, graph) -> tuple[pd.DataFrame, object]:
    """The complete panel in the graph's order, and the graph."""
    panel = check_panel(panel)
    graph = as_graph(graph)
    ids = pd.Index(graph.unique_ids.astype(str))
    aligned = v.align(panel, ids, what="The panel")
    gaps = aligned.index[aligned.isna().any(axis=1).to_numpy()]
    if len(gaps):
        raise ValidationError(
            f"Markov chains need a value in every period; {len(gaps)} areas lack one: "
            f"{format_ids(gaps)}. Harmonise or impute the panel first."
        )
    return aligned, graph


def _classify(y: np.ndarray, classes: int, fixed: bool) -> np.ndarray:
    """Quantile classes (0 = lowest), pooled over all periods (``fixed``) or within each period, as giddy does."""
    import mapclassify

    if fixed:
        return mapclassify.Quantiles(y.flatten(), k=classes).yb.reshape(y.shape)
    return np.column_stack([mapclassify.Quantiles(y[:, t], k=classes).yb for t in range(y.shape[1])])


def _frame(matrix: np.ndarray, names) -> pd.DataFrame:
    return pd.DataFrame(
        np.asarray(matrix, dtype=float), index=pd.Index(names, name="from"), columns=pd.Index(names, name="to")
    )


@dataclass(frozen=True, eq=False)
class MarkovChain:
    """A classic Markov chain of quantile classes (giddy's ``Markov``).

    Attributes
    ----------
    classes : pandas.DataFrame
        The class (1 = lowest quantile) of each area in each period.
    counts : pandas.DataFrame
        Transitions from class (rows) to class (columns), over all consecutive periods.
    transitions : pandas.DataFrame
        The transition probabilities (rows sum to 1).

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({1990: gdf["PctPov"], 2000: gdf["PctPov"] * 1.1 + gdf["PctBach"] * 0.1})
    >>> m = dm.markov(panel, classes=3)
    >>> m.counts.shape, m.classes.index.equals(gdf.index)
    ((3, 3), True)
    """

    classes: pd.DataFrame
    counts: pd.DataFrame
    transitions: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The class of each area in each period."""
        return self.classes.copy()

    def __repr__(self) -> str:
        return f"MarkovChain({len(self.classes)} areas x {self.classes.shape[1]} periods, {len(self.counts)} classes)"

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {"classes": len(self.counts)},
            frame=self.to_frame(),
            tables={"transition probabilities": self.transitions},
        )


def markov(panel: pd.DataFrame, *, classes: int = 5, fixed: bool = True) -> MarkovChain:
    r"""A classic Markov chain of the panel's quantile classes.

    Parameters
    ----------
    panel : pandas.DataFrame
        Indexed by area ID, one column per period in time order, no missing value.
    classes : int
        Number of quantile classes (5: quintiles).
    fixed : bool
        Quantiles pooled over all periods (True, giddy's default for spatial Markov) or within each period.

    Notes
    -----
    With :math:`n_{kl}` the number of times an area moved from class :math:`k` in one period to :math:`l` in
    the next, :math:`p_{kl} = n_{kl} / \sum_l n_{kl}`; equal to ``giddy.markov.Markov(classes).p``.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({1990: gdf["PctPov"], 2000: gdf["PctPov"] * 1.1})
    >>> chain = dm.markov(panel, classes=4)
    >>> int(chain.counts.to_numpy().sum()) == len(gdf), chain.transitions.shape  # one move per area
    (True, (4, 4))
    """
    panel = check_panel(panel)
    gaps = panel.index[panel.isna().any(axis=1).to_numpy()]
    if len(gaps):
        raise ValidationError(f"Markov chains need a value in every period; areas {format_ids(gaps)} lack one.")
    k = v.require_int(classes, what="classes", minimum=2)
    ids = _classify(panel.to_numpy(), k, fixed)
    chain = _giddy().Markov(ids, classes=np.arange(k), summary=False)
    names = list(range(1, k + 1))
    p = np.asarray(chain.p, dtype=float)
    return MarkovChain(
        classes=pd.DataFrame(ids + 1, index=panel.index, columns=panel.columns),
        counts=_frame(chain.transitions, names),
        transitions=_frame(p, names),
    )


@dataclass(frozen=True, eq=False)
class SpatialMarkov:
    """A spatial Markov chain (giddy's ``Spatial_Markov``): transitions conditioned on the neighbours' class.

    Attributes
    ----------
    classes, lag_classes : pandas.DataFrame
        The class (1 = lowest) of each area and of its spatial lag, in each period.
    transitions : dict of pandas.DataFrame
        For each class of the spatial lag (1 ..), the transition probabilities of the areas whose neighbours
        were in that class (giddy's ``P``).
    counts : dict of pandas.DataFrame
        The same as counts (giddy's ``T``).
    global_transitions : pandas.DataFrame
        The probabilities ignoring the neighbours (giddy's ``p``).
    chi2, p_value : float
        The test that the transitions do not depend on the neighbours (giddy's ``chi2``: statistic, p-value).

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({1990: gdf["PctPov"], 2000: gdf["PctPov"] * 1.1 + gdf["PctBach"] * 0.1})
    >>> m = dm.spatial_markov(panel, dm.build_graph(gdf), classes=3)
    >>> sorted(m.transitions), m.lag_classes.shape
    ([1, 2, 3], (159, 2))
    """

    classes: pd.DataFrame
    lag_classes: pd.DataFrame
    transitions: dict
    counts: dict
    global_transitions: pd.DataFrame
    chi2: float
    p_value: float

    def to_frame(self) -> pd.DataFrame:
        """The class of each area and of its lag in each period (columns ``(period, "class" | "lag")``)."""
        return pd.concat({"class": self.classes, "lag": self.lag_classes}, axis=1).swaplevel(axis=1).sort_index(axis=1)

    def __repr__(self) -> str:
        return (
            f"SpatialMarkov({len(self.classes)} areas x {self.classes.shape[1]} periods, "
            f"{len(self.transitions)} lag classes, chi2={self.chi2:.4g}, p={self.p_value:.3g})"
        )

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {"chi2": self.chi2, "p": self.p_value},
            frame=self.to_frame(),
            tables={f"neighbours in class {k}": t for k, t in self.transitions.items()},
        )


def spatial_markov(
    panel: pd.DataFrame, graph: GraphLike, *, classes: int = 5, fixed: bool = True, permutations: int = 0
) -> SpatialMarkov:
    r"""A spatial Markov chain: how areas move between quantile classes given their neighbours' class.

    Parameters
    ----------
    panel : pandas.DataFrame
        Indexed by area ID, one column per period in time order, no missing value; aligned to the graph by ID.
    graph : libpysal.graph.Graph
        Row-standardised for the spatial lag (as giddy does).
    classes : int
        Quantile classes of the values and of their lags (giddy's ``k`` and ``m``).
    fixed : bool
        Quantiles pooled over all periods (giddy's default) or within each period.
    permutations : int
        giddy's permutations of the homogeneity test (0: none).

    Notes
    -----
    With :math:`L_{it} = \sum_j w_{ij} y_{jt}` (row-standardised weights) classified as :math:`c`, the
    conditional probabilities are :math:`p^{(c)}_{kl} = n^{(c)}_{kl} / \sum_l n^{(c)}_{kl}` (Rey 2001); the
    result equals ``giddy.markov.Spatial_Markov(y, w, k=classes, m=classes, fixed=fixed)``.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({1990: gdf["PctPov"], 2000: gdf["PctPov"] * 1.1 + gdf["PctBach"] * 0.1})
    >>> sm = dm.spatial_markov(panel, dm.build_graph(gdf), classes=3)
    >>> len(sm.transitions), sm.transitions[1].shape
    (3, (3, 3))
    """
    aligned, graph = _aligned(panel, graph)
    k = v.require_int(classes, what="classes", minimum=2)
    w = graph.to_W()
    sm = _giddy().Spatial_Markov(aligned.to_numpy(), w, k=k, m=k, fixed=fixed, permutations=permutations)
    names = list(range(1, k + 1))
    return SpatialMarkov(
        classes=pd.DataFrame(np.asarray(sm.class_ids) + 1, index=aligned.index, columns=aligned.columns),
        lag_classes=pd.DataFrame(np.asarray(sm.lclass_ids) + 1, index=aligned.index, columns=aligned.columns),
        transitions={c: _frame(sm.P[c - 1], names) for c in names},
        counts={c: _frame(sm.T[c - 1], names) for c in names},
        global_transitions=_frame(sm.p, names),
        chi2=float(sm.x2),
        p_value=float(sm.x2_pvalue),
    )


@dataclass(frozen=True, eq=False)
class LisaMarkov:
    """A LISA Markov chain (giddy's ``LISA_Markov``): moves between the quadrants of the Moran scatter plot.

    Attributes
    ----------
    quadrants : pandas.DataFrame
        The quadrant label of each area in each period (``"High-High"`` ...; giddy's codes 1 HH, 2 LH,
        3 LL, 4 HL).
    counts, transitions : pandas.DataFrame
        Transitions between quadrants, as counts and probabilities.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({1990: gdf["PctPov"], 2000: gdf["PctPov"] * 1.1 + gdf["PctBach"] * 0.1})
    >>> m = dm.lisa_markov(panel, dm.build_graph(gdf))
    >>> m.quadrants.shape, m.transitions.shape
    ((159, 2), (4, 4))
    """

    quadrants: pd.DataFrame
    counts: pd.DataFrame
    transitions: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The quadrant of each area in each period."""
        return self.quadrants.copy()

    def __repr__(self) -> str:
        return f"LisaMarkov({len(self.quadrants)} areas x {self.quadrants.shape[1]} periods)"

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {"periods": self.quadrants.shape[1]},
            frame=self.to_frame(),
            tables={"transition probabilities": self.transitions},
        )


def lisa_markov(panel: pd.DataFrame, graph: GraphLike) -> LisaMarkov:
    r"""A LISA Markov chain: how areas move between the quadrants of the Moran scatter plot.

    Notes
    -----
    Each period's values are standardised and their row-standardised spatial lag computed; the quadrant is
    that of :math:`(z_{it}, L_{it})` (Rey, Murray and Anselin 2011). Equals ``giddy.markov.LISA_Markov(y, w)``
    (quadrants of all areas, without significance filtering).

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> panel = pd.DataFrame({1990: gdf["PctPov"], 2000: gdf["PctPov"] * 1.1 + gdf["PctBach"] * 0.1})
    >>> lm = dm.lisa_markov(panel, dm.build_graph(gdf))
    >>> int(lm.counts.to_numpy().sum()) == len(gdf), list(lm.counts.index)
    (True, ['High-High', 'Low-High', 'Low-Low', 'High-Low'])
    """
    aligned, graph = _aligned(panel, graph)
    lm = _giddy().LISA_Markov(aligned.to_numpy(), graph.to_W())
    names = [lab.QUADRANTS[q] for q in (1, 2, 3, 4)]
    quads = np.vectorize(lab.QUADRANTS.get, otypes=[object])(np.asarray(lm.q))
    return LisaMarkov(
        quadrants=pd.DataFrame(quads, index=aligned.index, columns=aligned.columns),
        counts=_frame(lm.transitions, names),
        transitions=_frame(lm.p, names),
    )
