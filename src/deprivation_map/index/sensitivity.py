"""Uncertainty and sensitivity of an index to the analyst's choices, by Monte Carlo.

Each replicate draws a normaliser, an aggregator and a missing-value policy among the alternatives given,
and perturbs every weight at every level; the spread of each area's rank over the replicates says how much
its position depends on those choices. A one-at-a-time analysis then says which choice moves ranks most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from .aggregate import kernel, require_domain
from .composite import DeprivationIndex, build_index, indicator_values, label
from .impute import impute
from .normalise import Choice
from .normalise import normalise as _normalise
from .spec import Domain, IndexSpec, parse_spec
from .treat import treat

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
        higher = more deprived (missing where that replicate leaves the area unscored).
    median_rank, rank_low, rank_high : pandas.Series
        The median and the 5th and 95th percentiles of each area's rank (1 = most deprived): a 90 % interval.
    p_top_decile : pandas.Series
        The share of replicates that put the area in the most deprived 10 %.
    choices : pandas.DataFrame
        What each replicate drew: normaliser, aggregator, missing-value policy.
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
    scores: pd.DataFrame
    median_rank: pd.Series
    rank_low: pd.Series
    rank_high: pd.Series
    p_top_decile: pd.Series
    choices: pd.DataFrame
    sensitivity: pd.DataFrame
    seed: int

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
                "areas": self.scores.shape[0],
                "replicates": self.scores.shape[1],
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
            f"Uncertainty({self.scores.shape[0]} areas, {self.scores.shape[1]} replicates, seed={self.seed}; "
            f"most influential choice: {top!r})"
        )


def _tree(members, columns: list[str], level_weights, name: str = "index") -> tuple:
    """The spec as nested (members, base weights) for the array kernel: a member is a column index or a subtree."""
    nodes = [
        _tree(m.members, columns, level_weights, m.name) if isinstance(m, Domain) else columns.index(m.column)
        for m in members
    ]
    weights = level_weights[name].reindex([m.name for m in members]).to_numpy(dtype=float)
    return nodes, weights


def _evaluate(tree, y: np.ndarray, agg, noise: float, rng) -> np.ndarray:
    nodes, w = tree
    parts = [y[:, n] if isinstance(n, int) else _evaluate(n, y, agg, noise, rng) for n in nodes]
    if noise and len(w) > 1:
        w = w * rng.uniform(1.0 - noise, 1.0 + noise, size=len(w))
    return agg(np.column_stack(parts), w / w.sum())[0]


def _components(raw, spec: IndexSpec, policies, normalisers, min_available, graph) -> dict:
    out = {}
    for policy in policies:
        values, _, _ = impute(raw, policy, min_available=min_available, graph=graph)
        treated, _ = treat(values, spec.treatments)
        oriented = treated * pd.Series(spec.directions)
        for n in normalisers:
            out[policy, label(n)] = _normalise(oriented, n, directions=spec.directions)
    return out


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank each row (one replicate) descending: 1 = highest, ties share the best rank, missing scores unranked."""
    order = np.argsort(-scores, axis=1)  # NaN sort last; the order among ties does not matter
    ordered = np.take_along_axis(scores, order, axis=1)
    position = np.arange(1, scores.shape[1] + 1, dtype=np.float32)[None, :]
    new = np.ones(ordered.shape, dtype=bool)
    new[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(new, position, np.float32(0)), axis=1)
    ranks = np.empty(scores.shape, dtype=np.float32)
    np.put_along_axis(ranks, order, first, axis=1)
    ranks[np.isnan(scores)] = np.nan
    return ranks


def _check_combinations(comps: dict, aggregators) -> None:
    for (_policy, norm), frame in comps.items():
        for a in aggregators:
            try:
                require_domain(kernel(a)[0], frame.to_numpy())
            except ValidationError as err:
                raise ValidationError(
                    f"The alternatives combine normalise={norm!r} with aggregate={label(a)!r}, which is undefined: "
                    f"{err} Drop one of them from the alternatives."
                ) from err


def uncertainty(
    data: pd.DataFrame,
    spec,
    *,
    replicates: int = 1000,
    seed: int | None = None,
    normalise: Sequence[Choice] = ("zscore",),
    aggregate: Sequence[Choice] = ("mean",),
    missing: Sequence[str] = ("raise",),
    weighting: str = "equal",
    weight_noise: float = 0.25,
    min_available: float = 0.0,
    graph=None,
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
        ``missing=["mean", "median", "neighbours"]`` (with ``graph=``).
    weighting : str
        The base weighting scheme (as in ``build_index``); its weights, as applied, are then perturbed.
    weight_noise : float
        Each weight is multiplied by :math:`U(1 - \delta, 1 + \delta)` with :math:`\delta` = ``weight_noise``
        (default 0.25) and the level's weights renormalised, at every level of the index.

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
    if isinstance(normalise, str) or isinstance(aggregate, str) or isinstance(missing, str):
        raise ValidationError("normalise, aggregate and missing take lists of alternatives, e.g. ['zscore', 'rank'].")
    if not (normalise and aggregate and missing):
        raise ValidationError("Give at least one alternative for normalise, aggregate and missing.")
    replicates = int(replicates)
    if replicates < 1 or not 0.0 <= weight_noise < 1.0:
        raise ValidationError("uncertainty needs replicates >= 1 and 0 <= weight_noise < 1.")
    seed = v.resolve_seed(seed)
    base = build_index(
        data,
        spec,
        normalise=normalise[0],
        weighting=weighting,
        aggregate=aggregate[0],
        missing=missing[0],
        min_available=min_available,
        graph=graph,
    )
    raw = indicator_values(data, spec)
    comps = _components(raw, spec, missing, normalise, min_available, graph)
    tree = _tree(spec.members, spec.columns, base.level_weights)
    _check_combinations(comps, aggregate)
    kernels = [kernel(a)[1] for a in aggregate]
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, [len(missing), len(normalise), len(aggregate)], size=(replicates, 3))
    scores = np.full((replicates, len(data)), np.nan)  # one row per replicate: contiguous for ranking
    position = pd.Series(np.arange(len(data)), index=data.index)
    for r, (m, n, a) in enumerate(draws):
        frame = comps[missing[m], label(normalise[n])]
        rows = position[frame.index].to_numpy()
        scores[r, rows] = _evaluate(tree, frame.to_numpy(), kernels[a], weight_noise, rng)
    ranks = _ranks(scores)
    summary = _summarise(ranks, data.index)
    choices = pd.DataFrame(
        {
            "normalise": [label(normalise[i]) for i in draws[:, 1]],
            "aggregate": [label(aggregate[i]) for i in draws[:, 2]],
            "missing": [missing[i] for i in draws[:, 0]],
        }
    )
    sensitivity = _sensitivity(
        base, comps, tree, normalise, aggregate, missing, weight_noise, min(replicates, 200), seed, position
    )
    return Uncertainty(
        base=base,
        scores=pd.DataFrame(scores.T, index=data.index),
        choices=choices,
        sensitivity=sensitivity,
        seed=seed,
        **summary,
    )


def _summarise(ranks: np.ndarray, index: pd.Index) -> dict:
    """Per-area summaries of a (replicates x areas) rank matrix."""
    n = np.sum(~np.isnan(ranks), axis=1, keepdims=True)
    top = (ranks <= n / 10.0).astype(np.float32)
    gaps = np.isnan(ranks)
    top[gaps] = np.nan
    with np.errstate(all="ignore"):
        if gaps.any():
            low, mid, high = np.nanpercentile(ranks, [5, 50, 95], axis=0)
            p = np.nanmean(top, axis=0)
        else:
            low, mid, high = np.percentile(ranks, [5, 50, 95], axis=0)
            p = top.mean(axis=0)
    return {
        "median_rank": pd.Series(mid, index=index, name="median_rank"),
        "rank_low": pd.Series(low, index=index, name="rank_low"),
        "rank_high": pd.Series(high, index=index, name="rank_high"),
        "p_top_decile": pd.Series(p, index=index, name="p_top_decile"),
    }


def _shift(base_rank: np.ndarray, base_decile: np.ndarray, scores: np.ndarray) -> tuple[float, float, float]:
    ranks = _ranks(scores)
    n = np.sum(~np.isnan(ranks), axis=1, keepdims=True)
    deciles = np.ceil(ranks * 10.0 / n)
    diff = np.abs(ranks - base_rank[None, :])
    moved = deciles != base_decile[None, :]
    valid = ~np.isnan(diff) & ~np.isnan(base_rank)[None, :]
    return float(diff[valid].mean()), float(diff[valid].max()), float(moved[valid].mean())


def _sensitivity(base, comps, tree, normalise, aggregate, missing, noise, draws, seed, position):
    base_rank = base.rank.to_numpy(dtype=float, na_value=np.nan)
    base_decile = base.decile.to_numpy(dtype=float, na_value=np.nan)
    agg0 = kernel(aggregate[0])[1]

    def run(policy, norm, agg, noise_, rng, k) -> np.ndarray:
        frame = comps[policy, label(norm)]
        out = np.full((k, len(position)), np.nan)
        rows = position[frame.index].to_numpy()
        for j in range(k):
            out[j, rows] = _evaluate(tree, frame.to_numpy(), agg, noise_, rng)
        return out

    rows = {}
    factors = {
        "normalise": [run(missing[0], n, agg0, 0.0, None, 1) for n in normalise[1:]],
        "aggregate": [run(missing[0], normalise[0], kernel(a)[1], 0.0, None, 1) for a in aggregate[1:]],
        "missing": [run(m, normalise[0], agg0, 0.0, None, 1) for m in missing[1:]],
        "weights": [run(missing[0], normalise[0], agg0, noise, np.random.default_rng(seed + 1), draws)]
        if noise
        else [],
    }
    for factor, runs in factors.items():
        if runs:
            stats = np.array([_shift(base_rank, base_decile, s) for s in runs])
            rows[factor] = {
                "mean_rank_shift": stats[:, 0].mean(),
                "max_rank_shift": stats[:, 1].max(),
                "share_changing_decile": stats[:, 2].mean(),
                "alternatives": len(runs),
            }
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["mean_rank_shift", "max_rank_shift", "share_changing_decile", "alternatives"]
    )
    return table.sort_values("mean_rank_shift", ascending=False)
