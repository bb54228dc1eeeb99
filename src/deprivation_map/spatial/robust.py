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

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from . import labels as lab
from .getis_ord import local_g
from .graph import as_graph, build_graph
from .lisa import local_moran

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
    graphs: Mapping[str, object],
    *,
    statistic: str = "lisa",
    seed: int | None = None,
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
    **options
        Passed to the statistic (``alpha``, ``correction``, ``permutations``, ``missing`` ...).

    Notes
    -----
    With runs :math:`r = 1..R` and :math:`H_{ir} = 1` when area :math:`i` is a hotspot in run :math:`r`,
    ``share`` is :math:`\\sum_r H_{ir} / \\sum_r T_{ir}`, where :math:`T_{ir} = 1` when the area was tested
    (had a value and a neighbour). Areas with share near 1 are hotspots whatever the defensible choices; near
    0.5 they depend on them.

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
    for g_pos, (name, graph) in enumerate(graphs.items()):
        for r_pos, column in enumerate(frame.columns):
            values = frame[column].set_axis(ids)
            hot, defined = run(values, graph, _run_seed(seed, g_pos * frame.shape[1] + r_pos), options)
            hits[name] += hot.reindex(ids).astype(int).to_numpy()
            tested[name] += defined.reindex(ids).astype(int).to_numpy()
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
