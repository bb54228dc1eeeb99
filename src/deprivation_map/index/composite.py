"""Building a composite deprivation index: orient, normalise, weight, aggregate, rank.

The steps follow the OECD/JRC *Handbook on Constructing Composite Indicators* (2008). Each step is a
registry (:mod:`.normalise`, :mod:`.weighting`, :mod:`.aggregate`), chosen by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr, id_list
from .aggregate import Aggregator
from .engine import Level, Prepared, Weigh, decompose, evaluate, indicator_values, normalised, prepare
from .impute import MISSING, MissingPolicy, missing_policy
from .normalise import Choice, Normaliser
from .spec import IndexSpec, Node, parse_spec, tree
from .weighting import WEIGHTINGS, WeightingName, weights_for

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = ["MISSING", "DeprivationIndex", "build_index", "rank_most_deprived"]


def rank_most_deprived(score: pd.Series) -> pd.DataFrame:
    r"""Rank, decile and quintile of a score where higher means more deprived.

    Notes
    -----
    ``rank`` is 1 for the highest score; tied areas share the best (lowest) rank of their group. With
    :math:`N` ranked areas, the :math:`q`-tile of rank :math:`r` is :math:`\lceil q\,r / N \rceil`, so decile 1
    holds the most deprived 10 % (the convention of the English IMD). Areas without a score get none.

    Examples
    --------
    >>> import pandas as pd
    >>> out = rank_most_deprived(pd.Series([5.0, 9.0, 9.0, 1.0, None], index=list("abcde")))
    >>> out["rank"].tolist()  # the tied highest share rank 1; no score, no rank
    [3, 1, 1, 4, <NA>]
    >>> out["quintile"].tolist()  # ceil(5 r / 4) over the 4 scored areas
    [4, 2, 2, 5, <NA>]
    """
    rank = score.rank(ascending=False, method="min")
    n = int(score.notna().sum())
    out = pd.DataFrame({"rank": rank}, index=score.index)
    for name, q in (("decile", 10), ("quintile", 5)):
        out[name] = np.ceil(rank * q / n)
    return out.astype("Int64")


def _empty_report() -> pd.DataFrame:
    return pd.DataFrame()


@dataclass(frozen=True, eq=False)
class DeprivationIndex:
    """A composite index: one score per area, with everything needed to explain and defend it.

    Attributes
    ----------
    score : pandas.Series
        Higher = more deprived. Missing where an area was left out (``missing="exclude"``).
    rank, decile, quintile : pandas.Series of Int64
        1 = most deprived area / 10 % / 20 %.
    components : pandas.DataFrame
        Each indicator oriented (higher = more deprived), treated and normalised.
    contributions : pandas.DataFrame
        Each indicator's (and each domain's) part of the score, in the aggregator's decomposition: for the
        arithmetic mean the indicator columns, like the top-level domain columns, sum to the score.
    weights : pandas.Series
        The weight of each indicator as applied: with domains, the product of the weights along its path
        (its effective weight under linear aggregation). Recipes report their published weights.
    spec : IndexSpec
    method : Mapping[str, str]
        The normalisation, weighting, aggregation and missing-value policy used.
    level_weights : Mapping[str, pandas.Series]
        The weights applied at each level: ``"index"`` and each domain's name.
    domain_scores : pandas.DataFrame
        Each domain's aggregated score (no columns without domains).
    treated : pandas.DataFrame
        Every value changed by an outlier treatment (``id``, ``indicator``, ``treatment``, ``original``,
        ``treated``).
    imputed : pandas.DataFrame
        Every value filled in by the missing-value policy (``id``, ``indicator``, ``method``, ``value``).
    excluded : pandas.Index
        Areas left unscored by the missing-value policy.
    weighting_info : Mapping[str, Mapping]
        What data-driven weighting estimated at each level (explained variance, loadings).
    details : pandas.DataFrame or None
        A recipe's intermediate values under their published names (e.g. SVI's ``EPL_*``, ``RPL_THEME1``).

    Examples
    --------
    >>> import numpy as np, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": 1, "PctBach": -1})
    >>> index.to_frame().columns.tolist(), index.score.index.equals(gdf.index)
    (['score', 'rank', 'decile', 'quintile'], True)
    >>> top = index.score.idxmax()
    >>> int(index.rank[top]), int((index.decile == 1).sum())  # decile 1: ranks with ceil(10 r / 159) = 1
    (1, 15)
    >>> bool(np.allclose(index.contributions.sum(axis=1), index.score))  # the mean's parts add up to the score
    True
    """

    score: pd.Series
    rank: pd.Series
    decile: pd.Series
    quintile: pd.Series
    components: pd.DataFrame
    contributions: pd.DataFrame
    weights: pd.Series
    spec: IndexSpec
    method: Mapping[str, str]
    level_weights: Mapping[str, pd.Series] = field(default_factory=dict)
    domain_scores: pd.DataFrame = field(default_factory=_empty_report)
    treated: pd.DataFrame = field(default_factory=_empty_report)
    imputed: pd.DataFrame = field(default_factory=_empty_report)
    excluded: pd.Index = field(default_factory=lambda: pd.Index([]))
    weighting_info: Mapping[str, Mapping] = field(default_factory=dict)
    details: pd.DataFrame | None = None

    def to_frame(self) -> pd.DataFrame:
        """Score, rank, decile and quintile, one row per area."""
        return pd.DataFrame({"score": self.score, "rank": self.rank, "decile": self.decile, "quintile": self.quintile})

    def _repr_html_(self) -> str:
        scored = self.score.notna()
        summary = {k: label(val) if not isinstance(val, str) else val for k, val in self.method.items()}
        return html_repr(
            self,
            {
                "areas": len(self.score),
                "areas scored": int(scored.sum()),
                "indicators": len(self.spec.columns),
                "domains": len(self.spec.domains),
                **summary,
                "most deprived": self.score.idxmax() if scored.any() else None,
                "values treated": len(self.treated),
                "values imputed": len(self.imputed),
                "areas excluded": id_list(self.excluded),
            },
            tables={
                "weights (direction: +1 higher = more deprived)": pd.DataFrame(
                    {"weight": self.weights, "direction": pd.Series(self.spec.directions)}
                )
            },
            frame=self.to_frame().sort_values("rank"),
            frame_caption="to_frame(), most deprived first",
        )

    def __repr__(self) -> str:
        chosen = "/".join(str(self.method.get(k, "")) for k in ("normalise", "weighting", "aggregate"))
        top = self.score.idxmax() if self.score.notna().any() else None
        return (
            f"DeprivationIndex({len(self.score)} areas, {len(self.spec.columns)} indicators, {chosen}; "
            f"most deprived: {top!r})"
        )


def label(choice: Choice) -> str:
    """A readable name for a registry choice: ``"zscore"`` or ``"minmax(low=1, high=100)"``."""
    if isinstance(choice, str):
        return choice
    name, options = choice
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in dict(options).items())})"


def _level_weights(ids: pd.Index, weighting: WeightingName, weights: dict, info: dict) -> Weigh:
    """The :data:`~.engine.Weigh` of ``build_index``: the weighting scheme applied to each level's values."""

    def weigh(level: Node, values: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame(values, index=ids, columns=list(level.members))
        written = pd.Series(level.written, index=list(level.members))
        weights[level.name], info[level.name] = weights_for(frame, written, weighting)
        return weights[level.name].reindex(frame.columns).to_numpy(dtype=float)

    return weigh


def _effective_weights(top: Node, level_weights: Mapping[str, pd.Series]) -> pd.Series:
    """Each indicator's weight times the weights of the domains above it (its weight under linear aggregation)."""
    out = {}

    def walk(level: Node, factor: float) -> None:
        for name, child in zip(level.members, level.children, strict=True):
            w = factor * float(level_weights[level.name][name])
            if isinstance(child, Node):
                walk(child, w)
            else:
                out[name] = w

    walk(top, 1.0)
    return pd.Series(out, name="weight")


class Method(TypedDict):
    """The choices an index is built with, as :func:`build_index` takes them."""

    normalise: Normaliser
    weighting: WeightingName
    aggregate: Aggregator
    missing: MissingPolicy


def build_index(
    data: pd.DataFrame,
    spec: IndexSpec | Mapping[str, object],
    *,
    normalise: Normaliser = "zscore",
    weighting: WeightingName = "equal",
    aggregate: Aggregator = "mean",
    missing: MissingPolicy = "raise",
    min_available: float = 0.0,
    graph: Graph | None = None,
) -> DeprivationIndex:
    r"""Build a composite deprivation index from indicator columns, optionally grouped in domains.

    Parameters
    ----------
    data : pandas.DataFrame or geopandas.GeoDataFrame
        One row per area, indexed by area ID.
    spec : mapping or IndexSpec
        ``{column: direction}`` with direction ``+1`` (higher = more deprived) or ``-1``, or nested domains;
        see :func:`~deprivation_map.index.spec.parse_spec` for every form.
    normalise : str or (str, dict)
        A name from :data:`~deprivation_map.index.normalise.NORMALISERS` (``"zscore"``, ``"minmax"``, ``"rank"``,
        ``"percentile"``, ``"exponential"``, ``"distance"``, ``"goalposts"``), optionally with options,
        e.g. ``("minmax", {"low": 1, "high": 100})``.
    weighting : {"equal", "explicit", "pca", "factor"}
        Applied at every level (indicators within a domain, domains within the index).
    aggregate : str or (str, dict)
        ``"mean"``, ``"geometric"``, ``"power_mean"``, ``"mazziotta_pareto"`` or ``"count"``, applied at
        every level.
    missing : {"raise", "exclude", "mean", "median", "neighbours"}
        ``"raise"`` (default) refuses areas with a missing indicator, naming them; ``"exclude"`` leaves them
        out of the computation and gives them no score; the others impute them (see :mod:`.impute`), and
        every imputed value is listed in ``.imputed``. Unscored areas stay in the result, in place. (The
        former name of ``"exclude"``, ``"drop"``, still works with a :class:`DeprecationWarning`.)
    min_available : float
        With an imputing policy, areas with a smaller share of available indicators are left unscored.
    graph : libpysal.graph.Graph, optional
        The spatial graph ``missing="neighbours"`` needs, over the same area IDs.

    Returns
    -------
    DeprivationIndex
        Indexed like ``data``, in the same order.

    Notes
    -----
    For indicator :math:`j` with direction :math:`d_j \in \{+1, -1\}`, optional treatment :math:`T_j`,
    normaliser :math:`N`, weights :math:`w` summing to one at each level and aggregator :math:`A`:

    .. math:: y_{ij} = N\bigl(d_j\,T_j(x_{\cdot j})\bigr)_i, \qquad D_{ik} = A(y_{i, j \in k}; w),
              \qquad S_i = A(D_{i\cdot}; w)

    Orienting before normalising keeps "higher = more deprived" for every normaliser, which are all
    monotone. With the defaults (z-scores, equal weights, arithmetic mean, no domains),
    :math:`S_i = \frac1m \sum_j d_j (x_{ij} - \bar x_j)/s_j`. The contribution of an indicator inside a
    domain is the domain's contribution shared in proportion to the indicators' contributions to the domain.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> index.rank.min(), index.decile.max(), len(index.score) == len(gdf)
    (np.int64(1), np.int64(10), True)
    >>> nested = dm.build_index(gdf, {"income": {"indicators": {"PctPov": 1, "PctBach": -1}},
    ...                               "age": {"indicators": {"PctEld": 1}}})
    >>> list(nested.contributions.columns)
    ['income', 'age', 'PctPov', 'PctBach', 'PctEld']
    """
    spec = parse_spec(spec)
    missing = missing_policy(missing, stacklevel=2)
    v.lookup(WEIGHTINGS, weighting, what="weighting")
    prepared = prepare(
        indicator_values(data, spec), spec, missing, min_available=min_available, graph=graph, stacklevel=3
    )
    return compose(
        data.index,
        spec,
        prepared,
        normalised(prepared.oriented, normalise, spec),
        method={"normalise": normalise, "weighting": weighting, "aggregate": aggregate, "missing": missing},
    )


def compose(
    ids: pd.Index,
    spec: IndexSpec,
    prepared: Prepared,
    components: tuple[pd.DataFrame, np.ndarray],
    *,
    method: Method,
) -> DeprivationIndex:
    """The index over ``ids`` from prepared, normalised values: weight and aggregate every level, then rank.

    ``components`` is what :func:`~.engine.normalised` returns; ``method`` holds the ``normalise``,
    ``weighting``, ``aggregate`` and ``missing`` choices. Shared by :func:`build_index` and the base index
    of :func:`~deprivation_map.index.sensitivity.uncertainty`.
    """
    frame, y = components
    top = tree(spec)
    level_weights: dict[str, pd.Series] = {}
    info: dict[str, dict] = {}
    record: dict[str, Level] = {}
    weigh = _level_weights(frame.index, method["weighting"], level_weights, info)
    score = evaluate(top, y, method["aggregate"], weigh, ids=frame.index, record=record)
    names, parts = decompose(top, record)
    return assemble(
        ids,
        pd.Series(score, index=frame.index, name="score"),
        components=frame,
        contributions=pd.DataFrame(parts, index=frame.index, columns=names),
        weights=_effective_weights(top, level_weights),
        spec=spec,
        method={**method, "normalise": label(method["normalise"]), "aggregate": label(method["aggregate"])},
        level_weights=level_weights,
        domain_scores=pd.DataFrame({k: r.score for k, r in record.items() if k != "index"}, index=frame.index),
        treated=prepared.treated,
        imputed=prepared.imputed,
        excluded=prepared.excluded,
        weighting_info=info,
    )


def assemble(
    ids: pd.Index, score: pd.Series, *, components: pd.DataFrame, contributions: pd.DataFrame, **fields: Any
) -> DeprivationIndex:
    """A DeprivationIndex over ``ids`` in their order, ranked from the score.

    Frames are reindexed (unscored areas kept, empty). The one constructor shared by :func:`build_index` and
    the recipes.
    """
    score = score.reindex(ids).rename("score")
    ranks = rank_most_deprived(score)
    for name in ("domain_scores", "details"):
        if fields.get(name) is not None:
            fields[name] = fields[name].reindex(ids)
    return DeprivationIndex(
        score=score,
        rank=ranks["rank"],
        decile=ranks["decile"],
        quintile=ranks["quintile"],
        components=components.reindex(ids),
        contributions=contributions.reindex(ids),
        **fields,
    )
