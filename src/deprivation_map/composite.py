"""Building a composite deprivation index: orient, normalise, weight, aggregate, rank.

The steps follow the OECD/JRC *Handbook on Constructing Composite Indicators* (2008). Each step is a
registry (:mod:`.normalise`, :mod:`.weighting`, :mod:`.aggregate`), chosen by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _validation as v
from .aggregate import aggregate as _aggregate
from .errors import ValidationError, format_ids
from .indicators import IndexSpec, parse_spec
from .normalise import normalise as _normalise
from .weighting import weights_for

__all__ = ["MISSING", "DeprivationIndex", "build_index", "rank_most_deprived"]

MISSING = ("raise", "drop")


def rank_most_deprived(score: pd.Series) -> pd.DataFrame:
    r"""Rank, decile and quintile of a score where higher means more deprived.

    Notes
    -----
    ``rank`` is 1 for the highest score; tied areas share the best (lowest) rank of their group. With
    :math:`N` ranked areas, the :math:`q`-tile of rank :math:`r` is :math:`\lceil q\,r / N \rceil`, so decile 1
    holds the most deprived 10 % (the convention of the English IMD). Areas without a score get none.
    """
    rank = score.rank(ascending=False, method="min")
    n = int(score.notna().sum())
    out = pd.DataFrame({"rank": rank}, index=score.index)
    for name, q in (("decile", 10), ("quintile", 5)):
        out[name] = np.ceil(rank * q / n)
    return out.astype("Int64")


@dataclass(frozen=True, eq=False)
class DeprivationIndex:
    """A composite index: one score per area, with everything needed to explain and defend it.

    Attributes
    ----------
    score : pandas.Series
        Higher = more deprived. Missing where an area was left out (``missing="drop"``).
    rank, decile, quintile : pandas.Series of Int64
        1 = most deprived area / 10 % / 20 %.
    components : pandas.DataFrame
        Each indicator oriented (higher = more deprived) and normalised.
    contributions : pandas.DataFrame
        Each indicator's share of the score, in the aggregator's decomposition.
    weights : pandas.Series
        The weights as applied, summing to 1.
    spec : IndexSpec
    method : Mapping[str, str]
        The normalisation, weighting, aggregation and missing-value policy used.
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

    def to_frame(self) -> pd.DataFrame:
        """Score, rank, decile and quintile, one row per area."""
        return pd.DataFrame(
            {"score": self.score, "rank": self.rank, "decile": self.decile, "quintile": self.quintile}
        )

    def __repr__(self) -> str:
        chosen = "/".join(self.method[k] for k in ("normalise", "weighting", "aggregate"))
        top = self.score.idxmax() if self.score.notna().any() else None
        return (
            f"DeprivationIndex({len(self.score)} areas, {len(self.spec.columns)} indicators, {chosen}; "
            f"most deprived: {top!r})"
        )


def _indicator_values(data: pd.DataFrame, spec: IndexSpec, missing: str) -> pd.DataFrame:
    v.require_unique_ids(data.index, what="The data")
    v.require_columns(data, spec.columns, what="The data")
    v.require_numeric(data, spec.columns, what="The data")
    raw = pd.DataFrame(data[spec.columns]).astype("float64")
    incomplete = raw.isna().any(axis=1)
    if incomplete.any() and missing == "raise":
        gaps = raw[incomplete].isna()
        detail = "; ".join(f"{area}: {', '.join(gaps.columns[row])}" for area, row in list(gaps.iterrows())[:5])
        raise ValidationError(
            f"{int(incomplete.sum())} areas have missing indicator values ({format_ids(raw.index[incomplete])}; "
            f"{detail}). Choose a policy: missing='drop' leaves those areas without a score."
        )
    return raw[~incomplete]


def build_index(
    data: pd.DataFrame,
    spec: IndexSpec | Mapping[str, object],
    *,
    normalise: str = "zscore",
    weighting: str = "equal",
    aggregate: str = "mean",
    missing: str = "raise",
) -> DeprivationIndex:
    r"""Build a composite deprivation index from indicator columns.

    Parameters
    ----------
    data : pandas.DataFrame or geopandas.GeoDataFrame
        One row per area, indexed by area ID.
    spec : mapping or IndexSpec
        ``{column: direction}`` with direction ``+1`` (higher = more deprived) or ``-1``; see
        :func:`~deprivation_map.indicators.parse_spec` for the other forms.
    normalise : {"zscore", "minmax", "rank"}
    weighting : {"equal", "explicit"}
    aggregate : {"mean"}
    missing : {"raise", "drop"}
        ``"raise"`` (default) refuses areas with a missing indicator, naming them; ``"drop"`` leaves them out
        of the computation (means, standard deviations, ranks) and gives them no score. They stay in the
        result, in place, with missing values.

    Returns
    -------
    DeprivationIndex
        Indexed like ``data``, in the same order.

    Notes
    -----
    For indicator :math:`j` with direction :math:`d_j \in \{+1, -1\}`, normaliser :math:`N`, weights
    :math:`w_j` summing to one and aggregator :math:`A`:

    .. math:: y_{ij} = N(d_j\,x_{\cdot j})_i, \qquad S_i = A(y_{i\cdot}; w)

    Orienting before normalising keeps "higher = more deprived" for every normaliser, which are all
    monotone. With the defaults (z-scores, equal weights, arithmetic mean), :math:`S_i = \frac1m \sum_j
    d_j (x_{ij} - \bar x_j)/s_j`.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": +1, "PctBach": -1})
    >>> index.rank.min(), index.decile.max(), len(index.score) == len(gdf)
    (np.int64(1), np.int64(10), True)
    """
    spec = parse_spec(spec)
    v.choose(missing, MISSING, what="missing-value policy")
    raw = _indicator_values(data, spec, missing)
    oriented = raw * pd.Series(spec.directions)
    components = _normalise(oriented, normalise)
    weights = weights_for(spec, components, weighting)
    score, contributions = _aggregate(components, weights, aggregate)
    score = score.reindex(data.index).rename("score")
    ranks = rank_most_deprived(score)
    return DeprivationIndex(
        score=score,
        rank=ranks["rank"],
        decile=ranks["decile"],
        quintile=ranks["quintile"],
        components=components.reindex(data.index),
        contributions=contributions.reindex(data.index),
        weights=weights,
        spec=spec,
        method={"normalise": normalise, "weighting": weighting, "aggregate": aggregate, "missing": missing},
    )
