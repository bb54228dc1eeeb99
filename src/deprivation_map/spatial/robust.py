"""Robust hotspots: how often each area is a hotspot across graph choices and the index's own uncertainty.

A single LISA map hides two choices the analyst made without evidence: which neighbours count (queen,
k-nearest, a distance band), and which of many defensible versions of the index was mapped. This module
reruns the local statistic over every combination and reports, per area, the share of runs in which it was a
High-High cluster (or a Gi* hot spot). Replicate scores come as a DataFrame indexed by area ID with one
column per Monte Carlo replicate (higher = more deprived), such as the index-uncertainty analysis produces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import _validation as v
from .._progress import Progress, progress_bar
from .._repr import html_repr
from ..errors import ValidationError
from . import labels as lab
from ._prepare import prepare
from .base import check_local_options
from .getis_ord import local_g
from .graph import GraphLike, as_graph, build_graph
from .inference import conditional_moments, moment_z, normal_p
from .lisa import local_moran
from .multiple_testing import adjust_p

__all__ = ["STATISTICS", "RobustHotspots", "graph_choices", "robust_hotspots"]


def _lisa_high_high(values, graph, seed, options) -> tuple[pd.Series, pd.Series]:
    labels = local_moran(values, graph, seed=seed, **options).labels.astype(str)
    return labels == lab.HIGH_HIGH, ~labels.isin(lab.NOT_TESTED)


def _gi_hot(values, graph, seed, options) -> tuple[pd.Series, pd.Series]:
    asked = options.get("permutations", 0) not in (0, None)  # normal p-values unless permutations are asked for
    options = {"inference": "permutation" if asked else "analytic", **options}
    labels = local_g(values, graph, seed=seed, **options).labels.astype(str)
    return labels.map(lab.GI_BINS) > 0, ~labels.isin(lab.NOT_TESTED)


STATISTICS: dict[str, Callable] = {"lisa": _lisa_high_high, "gi": _gi_hot}


def _batchable(frame: pd.DataFrame, statistic: str, options: dict) -> bool:
    """Analytic local Moran on complete, varying replicates: every run computed at once (:func:`_lisa_batch`)."""
    if statistic != "lisa" or options.get("inference") != "analytic" or options.get("missing", "raise") != "raise":
        return False
    if set(options) - {"inference", "missing", "transform", "alpha", "alternative", "correction", "permutations"}:
        return False
    y = (
        frame.to_numpy(dtype="float64", na_value=np.nan)
        if all(map(pd.api.types.is_numeric_dtype, frame.dtypes))
        else None
    )
    if y is None or not np.isfinite(y).all() or len(y) < 4:
        return False  # the run-by-run path gives the library's error or policy
    sd = y.std(axis=0)
    return bool((sd > 1e-12 * np.abs(y).max(axis=0)).all())


def _lisa_batch(frame: pd.DataFrame, graph, options: dict, advance) -> tuple[np.ndarray, np.ndarray]:
    """High-High and tested flags (areas x replicates, in ``frame``'s order) of analytic local Moran.

    The same arithmetic as :func:`~deprivation_map.local_moran` with ``inference="analytic"``, with the graph
    aligned once and every replicate's lag computed in one sparse product.
    """
    opts = check_local_options(
        options.get("alpha", 0.05),
        options.get("alternative", "two-sided"),
        options.get("correction", "fdr"),
        "analytic",
        options.get("permutations", "auto"),
        None,
        stacklevel=4,
    )
    prep = prepare(frame, graph, missing="raise", transform=options.get("transform", "r"))
    y = prep.y
    z = (y - y.mean(axis=0)) / y.std(axis=0)
    lag = prep.w @ z
    off, diagonal = prep.off_diagonal()
    isolated = prep.isolated
    hot = np.zeros(z.shape, dtype=bool)
    for r in range(z.shape[1]):
        zr, lr = z[:, r], lag[:, r]
        scaling = (len(zr) - 1) / (zr @ zr)
        ei, vi = conditional_moments(zr, off, diagonal * zr, scaling * zr)
        zi = moment_z(scaling * zr * lr, ei, vi)
        p_adjusted = adjust_p(normal_p(np.where(isolated, np.nan, zi), opts["alternative"]), opts["correction"])
        hot[:, r] = ~isolated & (p_adjusted <= opts["alpha"]) & (zr > 0) & (lr > 0)
        advance()
    order = pd.Index(frame.index.astype(str)).get_indexer(prep.ids[prep.positions])
    hits, tested = np.zeros(z.shape, dtype=bool), np.zeros(z.shape, dtype=bool)
    hits[order], tested[order] = hot, ~isolated[:, None]
    return hits, tested


@dataclass(frozen=True, eq=False)
class RobustHotspots:
    """Per area, how often it was a hotspot.

    Attributes
    ----------
    share : pandas.Series
        Hotspot runs / tested runs (runs in which the area had a value and a neighbour); NaN if never tested.
    hits, tested : pandas.Series of int
        The two counts behind ``share``.
    by_graph : pandas.DataFrame
        ``share`` computed separately for each graph (one column per graph name).
    graphs, replicates : tuple of str
        The graph names and replicate column names that were combined.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> robust = dm.robust_hotspots(gdf["PctPov"], dm.graph_choices(gdf), seed=0)
    >>> robust.graphs, robust.n_runs
    (('queen', 'knn6', 'distance'), 3)
    >>> bool(((robust.hits / robust.tested) == robust.share).all()), bool(robust.share.between(0, 1).all())
    (True, True)
    >>> robust.to_frame().columns.tolist()
    ['robust_share', 'robust_hits', 'robust_tested', 'robust_share_queen', 'robust_share_knn6', 'robust_share_distance']
    """

    share: pd.Series
    hits: pd.Series
    tested: pd.Series
    by_graph: pd.DataFrame
    statistic: str
    graphs: tuple[str, ...]
    replicates: tuple[str, ...]
    seed: int

    @property
    def n_runs(self) -> int:
        """How many statistics were computed: graphs x replicates."""
        return len(self.graphs) * len(self.replicates)

    def to_frame(self) -> pd.DataFrame:
        """``robust_share``, ``robust_hits``, ``robust_tested`` and ``robust_share_<graph>``, one row per area."""
        frame = pd.DataFrame({"robust_share": self.share, "robust_hits": self.hits, "robust_tested": self.tested})
        return frame.join(self.by_graph.add_prefix("robust_share_"))

    def _repr_html_(self) -> str:
        tested = self.share.dropna()
        return html_repr(
            self,
            {
                "areas": len(self.share),
                "statistic": self.statistic,
                "graphs": ", ".join(self.graphs),
                "replicates": len(self.replicates),
                "runs": self.n_runs,
                "seed": self.seed,
                "hotspot in every run": int((tested == 1).sum()),
                "hotspot in at least half the runs": int((tested >= 0.5).sum()),
                "hotspot in some runs only": int(tested.between(0, 1, "neither").sum()),
            },
            frame=self.to_frame().sort_values("robust_share", ascending=False),
            frame_caption="to_frame(), most robust first",
        )

    def __repr__(self) -> str:
        always = int((self.share == 1).sum())
        return (
            f"RobustHotspots({len(self.share)} areas, {self.statistic}, {self.n_runs} runs = {len(self.graphs)} "
            f"graphs x {len(self.replicates)} replicates; hotspot in every run: {always})"
        )


def graph_choices(
    gdf: gpd.GeoDataFrame, *, k: int = 6, threshold: float | None = None, islands: str = "knn"
) -> dict[str, object]:
    """The usual graphs to compare: queen contiguity, ``k`` nearest neighbours and a distance band.

    ``threshold`` defaults to the smallest distance at which every centroid has a neighbour. ``gdf`` must be
    in a projected CRS. Islands of the queen graph are linked to their nearest area (``islands="knn"``).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> sorted(graph_choices(dm.datasets.load_georgia()))
    ['distance', 'knn6', 'queen']
    """
    if threshold is None:
        from scipy.spatial import KDTree

        xy = np.column_stack([gdf.geometry.centroid.x, gdf.geometry.centroid.y])
        threshold = float(KDTree(xy).query(xy, k=2)[0][:, 1].max()) * (1 + 1e-9)
    options = {"islands": islands, "components": "keep"}
    return {
        "queen": build_graph(gdf, method="queen", **options),
        f"knn{k}": build_graph(gdf, method="knn", k=k, **options),
        "distance": build_graph(gdf, method="distance", threshold=threshold, **options),
    }


def _run_seed(seed: int, run: int) -> int:
    return int(np.random.SeedSequence(seed, spawn_key=(run,)).generate_state(1, dtype=np.uint64)[0] % (2**63))


def robust_hotspots(
    scores: pd.Series | pd.DataFrame,
    graphs: Mapping[str, GraphLike],
    *,
    statistic: Literal["lisa", "gi"] = "lisa",
    seed: int | None = None,
    progress: Progress = False,
    **options,
) -> RobustHotspots:
    """Share of runs (graphs x replicate scores) in which each area is a High-High cluster or a Gi* hot spot.

    Parameters
    ----------
    scores : pandas.Series or pandas.DataFrame
        Indexed by area ID. A DataFrame holds one column per replicate of the index (e.g. Monte Carlo draws
        of its weights and normalisation), higher = more deprived; a Series is one replicate.
    graphs : mapping of name to graph
        E.g. :func:`graph_choices`; each a Graph, W or GAL/GWT path holding the same area IDs as ``scores``.
    statistic : {"lisa", "gi"}
        ``"lisa"``: High-High in :func:`~deprivation_map.local_moran`; ``"gi"``: any "Hot spot" label of
        :func:`~deprivation_map.local_g` (normal p-values unless ``permutations`` is given).
    seed : int, optional
        Base seed, recorded; run ``r`` uses an independent stream spawned from it.
    progress : bool or callable
        ``True`` draws a progress bar over the runs on a terminal; a callable receives ``(done, total)``.
    **options
        Passed to the statistic (``alpha``, ``correction``, ``permutations``, ``missing`` ...).

    Notes
    -----
    With runs :math:`r = 1..R` and :math:`H_{ir} = 1` when area :math:`i` is a hotspot in run :math:`r`,
    ``share`` is :math:`\\sum_r H_{ir} / \\sum_r T_{ir}`, where :math:`T_{ir} = 1` when the area was tested
    (had a value and a neighbour). Areas with share near 1 are hotspots whatever the defensible choices; near
    0.5 they depend on them. With ``inference="analytic"`` (local Moran, complete replicates) the runs of
    each graph are computed together, the graph aligned once and all replicates' lags in one sparse product:
    the same labels as one :func:`~deprivation_map.local_moran` call per run, at a fraction of the cost.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> robust = robust_hotspots(gdf["PctPov"], graph_choices(gdf), seed=0, permutations=99, correction="none")
    >>> robust.n_runs, bool(robust.share.between(0, 1).all())
    (3, True)
    """
    run = v.lookup(STATISTICS, statistic, what="robust statistic")
    frame = scores.to_frame() if isinstance(scores, pd.Series) else scores
    if not isinstance(frame, pd.DataFrame) or frame.shape[1] == 0 or not len(graphs):
        raise ValidationError("robust_hotspots needs scores (a Series or a DataFrame of replicates) and >= 1 graph.")
    v.require_unique_ids(frame.index, what="The replicate scores")
    seed = v.resolve_seed(seed)
    ids = pd.Index(frame.index.astype(str))
    graphs = {str(name): as_graph(graph) for name, graph in graphs.items()}
    hits = pd.DataFrame(0, index=ids, columns=list(graphs))
    tested = hits.copy()
    batch = _batchable(frame, statistic, options)
    with progress_bar(progress, len(graphs) * frame.shape[1], desc="robust hotspots") as advance:
        for g_pos, (name, graph) in enumerate(graphs.items()):
            if batch:
                hot, defined = _lisa_batch(frame, graph, options, advance)
                hits[name] += hot.sum(axis=1)
                tested[name] += defined.sum(axis=1)
                continue
            for r_pos, column in enumerate(frame.columns):
                values = frame[column].set_axis(ids)
                hot, defined = run(values, graph, _run_seed(seed, g_pos * frame.shape[1] + r_pos), options)
                hits[name] += hot.reindex(ids).astype(int).to_numpy()
                tested[name] += defined.reindex(ids).astype(int).to_numpy()
                advance()
    total_hits, total_tested = hits.sum(axis=1), tested.sum(axis=1)
    return RobustHotspots(
        share=(total_hits / total_tested.where(total_tested > 0)).rename("share"),
        hits=total_hits.rename("hits"),
        tested=total_tested.rename("tested"),
        by_graph=hits / tested.where(tested > 0),
        statistic=statistic,
        graphs=tuple(graphs),
        replicates=tuple(map(str, frame.columns)),
        seed=seed,
    )
