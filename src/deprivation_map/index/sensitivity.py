"""Uncertainty and sensitivity of an index to the analyst's choices, by Monte Carlo.

Each replicate draws a normaliser, an aggregator and a missing-value policy among the alternatives given,
and perturbs every weight at every level; the spread of each area's rank over the replicates says how much
its position depends on those choices. A one-at-a-time analysis then says which choice moves ranks most.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from ._montecarlo import Plan, Rows, draw_weights, rank_summary, shift
from .aggregate import Aggregator, kernel, require_domain
from .composite import DeprivationIndex, Method, compose, label
from .engine import indicator_values, normalised, prepare
from .impute import MissingPolicy, missing_policy
from .normalise import Normaliser
from .spec import IndexSpec, levels, parse_spec, tree
from .weighting import WeightingName

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = ["Uncertainty", "uncertainty"]


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """The ranks of an index over replicates of the analyst's choices.

    Attributes
    ----------
    base : DeprivationIndex
        The index with the first alternative of every choice and unperturbed weights.
    scores : pandas.DataFrame
        One row per area (indexed by ID, like the data), one column per replicate: the replicate's score,
        higher = more deprived (missing where that replicate leaves the area unscored). Computed again from
        the draws when first read (8 bytes per area and replicate, which the summaries do not need).
    median_rank, rank_low, rank_high : pandas.Series
        The median and the 5th and 95th percentiles of each area's rank (1 = most deprived): a 90 % interval.
    p_top_decile : pandas.Series
        The share of replicates that put the area in the most deprived 10 %.
    choices : pandas.DataFrame
        What each replicate drew: normaliser, aggregator, missing-value policy.
    weights : pandas.DataFrame
        The weights each replicate applied (one row per replicate), one column per (level, member): the
        index's members under ``"index"``, each domain's under its name; each level's weights sum to 1.
    sensitivity : pandas.DataFrame
        One row per choice, varied alone around the base: the mean and largest absolute rank shift, and the
        share of areas changing decile, sorted so the choice that moves ranks most comes first.
    seed : int
        The seed that reproduces every replicate.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> u = dm.uncertainty(gdf, {"PctPov": 1, "PctBach": -1}, replicates=20, seed=0, normalise=["zscore", "rank"])
    >>> frame = u.to_frame()
    >>> frame.columns.tolist()
    ['rank', 'median_rank', 'rank_low', 'rank_high', 'p_top_decile']
    >>> bool(frame["p_top_decile"].between(0, 1).all()), bool((frame["rank_low"] <= frame["rank_high"]).all())
    (True, True)
    >>> u.sensitivity.index[0]  # varying the normaliser moves ranks more than perturbing the weights
    'normalise'
    """

    base: DeprivationIndex
    median_rank: pd.Series
    rank_low: pd.Series
    rank_high: pd.Series
    p_top_decile: pd.Series
    choices: pd.DataFrame
    weights: pd.DataFrame
    sensitivity: pd.DataFrame
    seed: int
    _plan: Plan = field(repr=False)

    @cached_property
    def scores(self) -> pd.DataFrame:
        """Every replicate's score of every area (areas x replicates), evaluated from the draws once."""
        values = self._plan.scores(0, len(self._plan))
        return pd.DataFrame(values.T, index=self.median_rank.index, copy=False)

    def to_frame(self) -> pd.DataFrame:
        """Base rank, median rank, 90 % interval and top-decile probability, one row per area."""
        return pd.DataFrame(
            {
                "rank": self.base.rank,
                "median_rank": self.median_rank,
                "rank_low": self.rank_low,
                "rank_high": self.rank_high,
                "p_top_decile": self.p_top_decile,
            }
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame().sort_values(["median_rank", "rank"])
        return html_repr(
            self,
            {
                "areas": self._plan.areas,
                "replicates": len(self._plan),
                "seed": self.seed,
                "base index": repr(self.base),
                "areas with P(top decile) = 1": int((self.p_top_decile == 1).sum()),
                "areas with 0 < P(top decile) < 1": int(self.p_top_decile.between(0, 1, "neither").sum()),
            },
            tables={"sensitivity: each choice varied alone": self.sensitivity},
            frame=frame,
            frame_caption="to_frame(), by median rank",
        )

    def __repr__(self) -> str:
        top = self.sensitivity.index[0] if len(self.sensitivity) else None
        return (
            f"Uncertainty({self._plan.areas} areas, {len(self._plan)} replicates, seed={self.seed}; "
            f"most influential choice: {top!r})"
        )


def _alternatives(normalise, aggregate, missing, replicates: int, weight_noise: float) -> list[MissingPolicy]:
    """Check the alternatives; the missing-value policies under their current names."""
    if isinstance(normalise, str) or isinstance(aggregate, str) or isinstance(missing, str):
        raise ValidationError("normalise, aggregate and missing take lists of alternatives, e.g. ['zscore', 'rank'].")
    if not (normalise and aggregate and missing):
        raise ValidationError("Give at least one alternative for normalise, aggregate and missing.")
    if replicates < 1 or not 0.0 <= weight_noise < 1.0:
        raise ValidationError("uncertainty needs replicates >= 1 and 0 <= weight_noise < 1.")
    # map, not a comprehension: no frame of its own (before Python 3.12), so the warning points at the caller
    return list(map(partial(missing_policy, stacklevel=3), missing))


def _check_combinations(
    inputs: Mapping[tuple[str, str], tuple[np.ndarray, Rows]], aggregators: Sequence[Aggregator], ids
) -> None:
    for (_policy, norm), (y, rows) in inputs.items():
        for a in aggregators:
            try:
                require_domain(kernel(a)[0], y, ids[rows])
            except ValidationError as err:
                raise ValidationError(
                    f"The alternatives combine normalise={norm!r} with aggregate={label(a)!r}, which is undefined: "
                    f"{err} Drop one of them from the alternatives."
                ) from err


def uncertainty(
    data: pd.DataFrame,
    spec: IndexSpec | Mapping[str, object],
    *,
    replicates: int = 1000,
    seed: int | None = None,
    normalise: Sequence[Normaliser] = ("zscore",),
    aggregate: Sequence[Aggregator] = ("mean",),
    missing: Sequence[MissingPolicy] = ("raise",),
    weighting: WeightingName = "equal",
    weight_noise: float = 0.25,
    min_available: float = 0.0,
    graph: Graph | None = None,
) -> Uncertainty:
    r"""Monte Carlo over the choices of an index: median rank, 90 % rank interval, chance of the top decile.

    Parameters
    ----------
    data, spec
        As for :func:`~deprivation_map.index.composite.build_index`.
    replicates : int
        Number of Monte Carlo replicates (default 1000).
    seed : int, optional
        Seed of every draw; recorded on the result (fresh entropy when None).
    normalise, aggregate, missing : sequences
        The alternatives for each choice; the first is the base. E.g. ``normalise=["zscore", "rank"]``,
        ``missing=["mean", "median", "neighbours"]`` (with ``graph=``), ``missing=["exclude", "mean"]``.
    weighting : {"equal", "explicit", "pca", "factor"}
        The base weighting scheme (as in ``build_index``); its weights, as applied, are then perturbed.
    weight_noise : float
        Each weight is multiplied by :math:`U(1 - \delta, 1 + \delta)` with :math:`\delta` = ``weight_noise``
        (default 0.25) and the level's weights renormalised, at every level of the index.
    min_available : float
        As for ``build_index``, with the imputing policies.
    graph : libpysal.graph.Graph, optional
        The spatial graph ``missing="neighbours"`` needs.

    Returns
    -------
    Uncertainty
        Indexed like ``data``; ``.base`` is the index with the first alternative of every choice.

    Notes
    -----
    Replicate :math:`r` draws a normaliser, an aggregator and a policy uniformly among the alternatives and
    perturbed weights, and computes scores :math:`S^{(r)}` and ranks :math:`R^{(r)}` (1 = most deprived).
    For each area, ``median_rank`` and the 5 %–95 % percentiles of :math:`R^{(r)}` are reported, and
    ``p_top_decile`` :math:`= \frac1R \#\{r : R^{(r)} \le N_r / 10\}` (the decile rule of
    :func:`~deprivation_map.index.composite.rank_most_deprived`). This follows the uncertainty analysis of the
    OECD/JRC Handbook (2008, section 7) and COINr's ``get_sensi``. The sensitivity table varies one choice
    at a time from the base (each alternative once; weights over ``min(replicates, 200)`` draws) and reports
    the mean absolute rank shift.

    The values are imputed, treated, oriented and normalised once for each pair of policy and normaliser;
    a replicate only weights and aggregates them (:func:`~deprivation_map.index.engine.evaluate`), so its
    scores are those :func:`~deprivation_map.index.composite.build_index` gives with the same choices and
    weights. Replicates are ranked a block at a time: memory grows with areas x replicates only for the
    ranks (4 bytes each).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> u = dm.uncertainty(gdf, {"PctPov": 1, "PctBach": -1, "PctEld": 1}, replicates=50, seed=1,
    ...                    normalise=["zscore", "rank"])
    >>> u.scores.shape, bool((u.rank_low <= u.median_rank).all()), u.seed
    ((159, 50), True, 1)
    """
    spec = parse_spec(spec)
    replicates = int(replicates)
    missing = _alternatives(normalise, aggregate, missing, replicates, weight_noise)
    seed = v.resolve_seed(seed)
    raw = indicator_values(data, spec)
    position = pd.Series(np.arange(len(data)), index=data.index)
    prepared, frames = {}, {}
    inputs: dict[tuple[str, str], tuple[np.ndarray, Rows]] = {}
    for policy in dict.fromkeys(missing):
        prepared[policy] = prepare(raw, spec, policy, min_available=min_available, graph=graph, stacklevel=3)
        for choice in normalise:
            frames[policy, label(choice)] = frame, y = normalised(prepared[policy].oriented, choice, spec)
            rows = slice(None) if frame.index.equals(data.index) else position[frame.index].to_numpy()
            inputs[policy, label(choice)] = (y, rows)
    method: Method = {
        "normalise": normalise[0],
        "weighting": weighting,
        "aggregate": aggregate[0],
        "missing": missing[0],
    }
    base = compose(data.index, spec, prepared[missing[0]], frames[missing[0], label(normalise[0])], method=method)
    _check_combinations(inputs, aggregate, data.index)
    top = tree(spec)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, [len(missing), len(normalise), len(aggregate)], size=(replicates, 3))
    weights = draw_weights(top, base.level_weights, replicates, weight_noise, rng)
    keys = list(inputs)
    used = [keys.index((missing[m], label(normalise[n]))) for m, n in draws[:, :2]]
    plan = Plan(top, list(inputs.values()), list(aggregate), np.column_stack([used, draws[:, 2]]), weights, len(data))
    choices = pd.DataFrame(
        {
            "normalise": [label(normalise[i]) for i in draws[:, 1]],
            "aggregate": [label(aggregate[i]) for i in draws[:, 2]],
            "missing": [missing[i] for i in draws[:, 0]],
        }
    )
    runs = _runs(base, top, inputs, normalise, aggregate, missing, weight_noise, min(replicates, 200), seed)
    return Uncertainty(
        base=base,
        choices=choices,
        weights=_weights_frame(top, spec, weights),
        sensitivity=_sensitivity(base, runs),
        seed=seed,
        _plan=plan,
        **rank_summary(plan, data.index),
    )


def _weights_frame(top, spec: IndexSpec, weights: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The drawn weights as a frame: one row per replicate, one column per (level, member), parents first."""
    nodes = {level.name: level for level in levels(top)}
    columns = {
        (name, member): weights[name][:, j]
        for name in ["index", *(d.name for d in spec.domains)]
        for j, member in enumerate(nodes[name].members)
    }
    return pd.DataFrame(columns).rename_axis(columns=["level", "member"])


def _runs(base, top, inputs, normalise, aggregate, missing, noise: float, draws: int, seed: int) -> dict:
    """The one-at-a-time plans: each alternative once with the base weights, the weights perturbed alone."""
    n = len(base.score)

    def plan(policy: str, norm: Normaliser, agg: Aggregator, weights: Mapping[str, np.ndarray]) -> Plan:
        k = len(next(iter(weights.values())))
        return Plan(top, [inputs[policy, label(norm)]], [agg], np.zeros((k, 2), dtype=int), weights, n)

    fixed = draw_weights(top, base.level_weights, 1, 0.0, None)
    noisy = draw_weights(top, base.level_weights, draws, noise, np.random.default_rng(seed + 1)) if noise else None
    return {
        "normalise": [plan(missing[0], c, aggregate[0], fixed) for c in normalise[1:]],
        "aggregate": [plan(missing[0], normalise[0], a, fixed) for a in aggregate[1:]],
        "missing": [plan(m, normalise[0], aggregate[0], fixed) for m in missing[1:]],
        "weights": [plan(missing[0], normalise[0], aggregate[0], noisy)] if noisy is not None else [],
    }


def _sensitivity(base: DeprivationIndex, runs: Mapping[str, list[Plan]]) -> pd.DataFrame:
    """One row per choice with alternatives: mean and largest rank shift, share changing decile."""
    base_rank = base.rank.to_numpy(dtype=float, na_value=np.nan)
    base_decile = base.decile.to_numpy(dtype=float, na_value=np.nan)
    rows = {}
    for factor, plans in runs.items():
        if plans:
            stats = np.array([shift(p, base_rank, base_decile) for p in plans])
            rows[factor] = {
                "mean_rank_shift": stats[:, 0].mean(),
                "max_rank_shift": stats[:, 1].max(),
                "share_changing_decile": stats[:, 2].mean(),
                "alternatives": len(plans),
            }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["mean_rank_shift", "max_rank_shift", "share_changing_decile", "alternatives"]
    )
    return table.sort_values("mean_rank_shift", ascending=False)
