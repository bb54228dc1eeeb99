"""Zones: contiguous groups of small areas, alike in chosen attributes, each above a floor (people or cases).

Small areas are too small to publish counts for, and too many to plan with; zones built from them are
contiguous, homogeneous and large enough. The methods are PySAL spopt's (the ``zones`` extra):
max-p regions, SKATER, AZP, Ward clustering with connectivity and region k-means (:data:`METHODS`).
Zones are districts: :meth:`Zones.summary` is :func:`~deprivation_map.spatial.districts.district_summary`
over them, and :meth:`Zones.aggregate` publishes counts by zone instead of by small area.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from .. import _validation as v
from .._repr import html_repr, id_list
from ..errors import GraphError, ValidationError, format_ids
from ._regions import SOLVERS, Solver, contiguous, merge_small, zone_names
from .districts import district_summary
from .graph import GraphLike, as_graph, build_graph

if TYPE_CHECKING:
    from .lisa import Hotspots

__all__ = ["METHODS", "UNDERSIZED", "UNPLACED", "Zones", "regionalise"]

METHODS: dict[str, Solver] = SOLVERS
UNPLACED = ("Isolate", "Below floor")
UNDERSIZED = ("raise", "merge")


@dataclass(frozen=True, eq=False)
class Zones:
    """Zones of small areas, by area ID (the caller's row order).

    Attributes
    ----------
    labels : pandas.Series
        The zone of each area (``"Z01"``, ``"Z02"`` ...; numbered in the order of each zone's first area ID),
        or why it has none: ``"Isolate"`` (no neighbour, and below the floor alone) or ``"Below floor"``
        (its connected group of areas is below the floor in total). No area is dropped.
    floor_values : pandas.Series
        The floor attribute by area (1 for every area without ``floor_col``).
    n_zones : int
        How many zones were made.
    method, attrs, floor_col, floor, seed, standardise
        How they were made; ``seed`` is None for the deterministic methods.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> fast = {"max_iterations_construction": 5, "max_iterations_sa": 1}  # spopt's defaults: 99 and 10
    >>> zones = dm.regionalise(gdf, ["PctPov", "PctBach"], floor_col="TotPop90", floor=200_000, seed=0, options=fast)
    >>> bool(zones.totals().min() >= 200_000), len(zones.labels) == len(gdf), zones.labels.iloc[:3].tolist()
    (True, True, ['Z01', 'Z02', 'Z03'])
    """

    labels: pd.Series
    floor_values: pd.Series
    n_zones: int
    method: str
    attrs: tuple[str, ...]
    floor_col: str | None
    floor: float | None
    seed: int | None
    standardise: bool

    @property
    def placed(self) -> pd.Series:
        """True for the areas in a zone, False for those left out (``UNPLACED``)."""
        return ~self.labels.isin(UNPLACED).rename("placed")

    @property
    def unplaced(self) -> pd.Index:
        """The IDs of the areas in no zone."""
        return self.labels.index[~self.placed.to_numpy()]

    def totals(self) -> pd.Series:
        """The floor attribute summed per zone (zones only), sorted by zone."""
        placed = self.placed.to_numpy()
        return self.floor_values[placed].groupby(self.labels[placed]).sum().rename("total").rename_axis("zone")

    def to_frame(self) -> pd.DataFrame:
        """Per area: ``zone``, ``placed`` and ``floor_value``."""
        return pd.DataFrame({"zone": self.labels, "placed": self.placed, "floor_value": self.floor_values})

    def summary(
        self, score: pd.Series, *, population: pd.Series | None = None, hotspots: Hotspots | None = None
    ) -> pd.DataFrame:
        """Deprivation and clusters per zone: :func:`~deprivation_map.spatial.districts.district_summary`.

        The areas in no zone form the rows ``"Isolate"`` and ``"Below floor"``, so none is left out.
        """
        return district_summary(score, self.labels, population=population, hotspots=hotspots).rename_axis("zone")

    def aggregate(self, values: pd.Series | pd.DataFrame, *, threshold: int | None = None) -> pd.DataFrame:
        r"""Counts by zone instead of by area: the unit of publication when small areas are too small.

        Parameters
        ----------
        values : pandas.Series or pandas.DataFrame
            Counts by area ID (every area of the zones, numeric, no missing value).
        threshold : int, optional
            Zone sums below it are suppressed (missing): with ``floor_col`` a count and ``floor`` the
            disclosure threshold, no zone falls below it in that column; other columns may.

        Returns
        -------
        pandas.DataFrame
            One row per zone: ``areas`` and the sum of each column. The areas in no zone are left out of the
            sums (they are too small to publish alone): list them with :attr:`unplaced`.

        Examples
        --------
        >>> import deprivation_map as dm
        >>> gdf = dm.datasets.load_georgia()
        >>> zones = dm.regionalise(gdf, ["PctPov"], method="ward", n_zones=12, floor_col="TotPop90", floor=150_000,
        ...                        undersized="merge")
        >>> table = zones.aggregate(gdf[["TotPop90"]])
        >>> int(table["TotPop90"].sum()) == int(gdf.loc[zones.placed, "TotPop90"].sum())
        True
        """
        frame = values.to_frame() if isinstance(values, pd.Series) else values
        fix = "Give a count for every area of the zones."
        frame = v.align(frame, pd.Index(self.labels.index), what="The values", against="the zones", fix=fix)
        v.require_numeric(frame, frame.columns, what="The values")
        if frame.isna().any().any():
            raise ValidationError("The values to aggregate have missing counts: fill them or drop those columns.")
        placed = self.placed.to_numpy()
        groups = self.labels[placed]
        out = frame[placed].groupby(groups).sum()
        out.insert(0, "areas", groups.value_counts().reindex(out.index).astype("int64"))
        if threshold is not None:
            threshold = v.require_int(threshold, what="threshold", minimum=1)
            counts = out.columns[1:]
            out[counts] = out[counts].astype("Float64").mask(out[counts] < threshold)
        return out.rename_axis("zone")

    def dissolve(self, areas: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """One polygon per zone (the union of its areas), with ``areas`` and ``total``; for maps."""
        fix = "Pass the areas the zones were made from."
        geometry = v.align(areas.geometry, pd.Index(self.labels.index), what="The areas", against="the zones", fix=fix)
        placed = self.placed.to_numpy()
        frame = gpd.GeoDataFrame({"zone": self.labels[placed]}, geometry=geometry[placed], crs=areas.crs)
        out = frame.dissolve(by="zone")
        out["areas"] = self.labels[placed].value_counts().reindex(out.index)
        out["total"] = self.totals().reindex(out.index)
        return out

    def _repr_html_(self) -> str:
        totals = self.totals()
        return html_repr(
            self,
            {
                "method": METHODS[self.method].title,
                "attributes": ", ".join(self.attrs),
                "floor": "none" if self.floor is None else f"{self.floor:g} of {self.floor_col or 'areas'}",
                "zones": self.n_zones,
                "smallest total": totals.min() if len(totals) else None,
                "unplaced areas": id_list(self.unplaced),
                "seed": self.seed,
            },
            counts=self.labels[~self.placed.to_numpy()].value_counts(),
            counts_caption="Areas in no zone",
            frame=self.to_frame(),
        )

    def __repr__(self) -> str:
        floor = "" if self.floor is None else f", floor {self.floor:g} of {self.floor_col or 'areas'}"
        return (
            f"Zones({self.method}: {len(self.labels)} areas in {self.n_zones} zones{floor}; "
            f"{len(self.unplaced)} unplaced)"
        )


def _attributes(data: pd.DataFrame, attrs: list[str], order: np.ndarray, standardise: bool) -> np.ndarray:
    v.require_columns(data, attrs, what="The data")
    v.require_numeric(data, attrs, what="The data")
    x = data[attrs].to_numpy(dtype="float64", na_value=np.nan)[order]
    bad = ~np.isfinite(x).all(axis=1)
    if bad.any():
        ids = data.index.astype(str).to_numpy()[order][bad]
        raise ValidationError(
            f"{int(bad.sum())} areas have no value of {', '.join(map(repr, attrs))}: {format_ids(ids)}. Zones need "
            "every attribute in every area: impute them (dm.build_index's missing=...) or subset the areas."
        )
    if not standardise:
        return x
    sd = x.std(axis=0)
    if (sd == 0).any():
        raise ValidationError(f"Attribute {attrs[int(np.argmax(sd == 0))]!r} is the same in every area: drop it.")
    return (x - x.mean(axis=0)) / sd


def _floor_values(data: pd.DataFrame, floor_col: str | None, order: np.ndarray) -> np.ndarray:
    if floor_col is None:
        return np.ones(len(order))
    v.require_columns(data, [floor_col], what="The data")
    v.require_numeric(data, [floor_col], what="The data")
    values = data[floor_col].to_numpy(dtype="float64", na_value=np.nan)[order]
    bad = ~(values >= 0)
    if bad.any():
        ids = data.index.astype(str).to_numpy()[order][bad]
        raise ValidationError(f"The floor column {floor_col!r} must be >= 0 in every area; not in {format_ids(ids)}.")
    return values


def _check_options(solver: Solver, method: str, floor, floor_col, n_zones) -> float:
    if floor is None and (floor_col is not None or not solver.needs_n):
        raise ValidationError(
            f"method={method!r} needs a floor: e.g. floor_col='population', floor=5000 (every zone at least "
            "5,000 people), or floor=10 without floor_col (every zone at least 10 areas)."
        )
    if floor is not None and (isinstance(floor, bool) or not isinstance(floor, int | float) or not floor >= 0):
        raise ValidationError(f"floor must be a number >= 0, got {floor!r}.")
    if solver.needs_n:
        v.require_int(n_zones, what=f"n_zones (method={method!r} makes a given number of zones)", minimum=1)
    elif n_zones is not None:
        raise ValidationError(f"method={method!r} finds the number of zones itself: drop n_zones, or raise the floor.")
    return -np.inf if floor is None else float(floor)


def _adjacency(data, graph, ids: pd.Index, order: np.ndarray) -> sparse.csr_array:
    """Binary, symmetric adjacency without diagonal, in canonical (sorted ID) order."""
    if graph is None:
        if not hasattr(data, "geometry"):
            raise ValidationError("Without a graph, the data must be a GeoDataFrame: pass graph=dm.build_graph(...).")
        graph = build_graph(data, islands="keep", components="keep")  # queen contiguity
    graph = as_graph(graph)
    gids = pd.Index(graph.unique_ids.astype(str))
    if not gids.sort_values().equals(ids[order]):
        extra, missing = gids.difference(ids), ids.difference(gids)
        raise GraphError(
            f"The graph and the data must hold the same area IDs; the graph lacks {format_ids(missing) or 'none'} "
            f"and has {format_ids(extra) or 'none'} beyond them. Build it from the same GeoDataFrame."
        )
    position = gids.get_indexer(ids[order])
    matrix = sparse.csr_array(graph.sparse)[position][:, position]
    matrix = sparse.csr_array(((matrix != 0) + (matrix != 0).T).astype("float64"))
    matrix.setdiag(0)
    matrix.eliminate_zeros()
    return matrix


def _solve(solver, x, adjacency, floor_values, *, floor, n_zones, seed, options, native) -> np.ndarray:
    """Labels >= 0 for zones, -1 isolates below the floor, -2 groups below the floor."""
    labels = np.full(len(x), -1, dtype=np.int64)
    n_comp, comp = connected_components(adjacency, directed=False)
    totals, sizes = np.bincount(comp, weights=floor_values), np.bincount(comp)
    groups = [np.flatnonzero(comp == c) for c in range(n_comp) if sizes[c] > 1 and totals[c] >= floor]
    for c in np.flatnonzero((sizes > 1) & (totals < floor)):
        labels[comp == c] = -2
    if solver.needs_n and len(groups) > 1:
        raise GraphError(
            f"The areas form {len(groups)} separate groups above the floor, and this method makes n_zones zones in "
            "one group. Join them (dm.build_graph(..., method='knn')) or use method='maxp', which handles each."
        )
    next_label = 0
    for members in groups:
        sub = adjacency[members][:, members]
        found = solver.solve(
            x[members], sub, floor_values[members], floor=native, n_zones=n_zones, seed=seed, options=options
        )
        found = np.unique(np.asarray(found), return_inverse=True)[1].ravel()
        if not contiguous(sub, found).all():  # spopt's methods keep zones contiguous: guard that promise
            raise RuntimeError("spopt returned a zone that is not contiguous; please report this with the data.")
        labels[members] = found + next_label
        next_label += found.max() + 1
    for c in np.flatnonzero((sizes == 1) & (totals >= floor)):
        labels[comp == c] = next_label  # an island above the floor is a zone of its own
        next_label += 1
    return labels


def regionalise(
    data: pd.DataFrame,
    attrs: str | Sequence[str],
    *,
    floor_col: str | None = None,
    floor: float | None = None,
    method: str = "maxp",
    n_zones: int | None = None,
    graph: GraphLike | None = None,
    seed: int | None = None,
    standardise: bool = True,
    undersized: str = "raise",
    options: Mapping[str, object] | None = None,
) -> Zones:
    r"""Group areas into contiguous zones, homogeneous in ``attrs``, each with at least ``floor`` of ``floor_col``.

    Parameters
    ----------
    data : geopandas.GeoDataFrame or pandas.DataFrame
        Indexed by area ID, holding ``attrs`` and ``floor_col`` (a GeoDataFrame unless ``graph`` is given).
    attrs : str or list of str
        The attributes zones should be alike in (e.g. the index's domains), numeric, in every area.
    floor_col, floor
        Every zone holds at least ``floor`` of the column ``floor_col`` (people, cases), or at least
        ``floor`` areas without ``floor_col``. Required by ``"maxp"``; optional for the others.
    method : {"maxp", "skater", "azp", "ward", "kmeans"}
        ``"maxp"`` (Wei, Rey and Knaap 2021) makes as many zones as the floor allows. The others make
        ``n_zones`` zones: SKATER (Assunção et al. 2006, minimum spanning tree pruning), AZP (Openshaw 1977),
        Ward's agglomerative clustering restricted to neighbours, region k-means. SPENC and SA3 are left out:
        they do not guarantee contiguous zones (SPENC) or leave areas unassigned as noise (SA3).
    n_zones : int, optional
        The number of zones of the last four methods.
    graph : libpysal.graph.Graph, optional
        Who neighbours whom (default: queen contiguity of ``data``); made binary and symmetric.
    seed : int, optional
        For max-p, AZP and region k-means, which draw at random; recorded on the result.
    standardise : bool
        Attributes are compared as z-scores (default), so none dominates by its units.
    undersized : {"raise", "merge"}
        For methods that do not keep the floor themselves (AZP, Ward, k-means, and SKATER with
        ``floor_col``): raise if a zone is below it, or merge it into the most alike neighbouring zone.
    options : dict, optional
        Passed to spopt's solver (e.g. ``{"max_iterations_construction": 20}`` for max-p).

    Returns
    -------
    Zones

    Notes
    -----
    Before any solver runs, areas are put in canonical order (sorted by ID), so the zones do not depend on
    the order of the rows, and the graph's connected groups are found. A group whose total is below the
    floor cannot hold a zone: its areas are labelled ``"Below floor"`` (``"Isolate"`` for an island);
    an island above the floor is a zone alone. The solver runs on each remaining group (max-p) or on the
    one such group (the others). Zones are checked to be contiguous. max-p minimises the within-zone sum of
    pairwise city-block distances of the attributes, :math:`\sum_z \sum_{i<j \in z} \lVert x_i - x_j \rVert_1`,
    over the partitions with the most zones meeting :math:`\sum_{i \in z} f_i \ge` ``floor``.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> zones = dm.regionalise(gdf, ["PctPov", "PctBach"], method="skater", n_zones=8, floor=10)
    >>> zones.n_zones, bool(zones.labels.value_counts().min() >= 10)
    (8, True)
    """
    solver = v.lookup(METHODS, method, what="regionalisation method")
    v.choose(undersized, UNDERSIZED, what="undersized-zone policy")
    attrs = [attrs] if isinstance(attrs, str) else list(attrs)
    ids = pd.Index(data.index.astype(str))
    v.require_unique_ids(ids, what="The data")
    order = np.argsort(ids.to_numpy(dtype=str), kind="stable")
    bound = _check_options(solver, method, floor, floor_col, n_zones)
    x = _attributes(data, attrs, order, standardise)
    floor_values = _floor_values(data, floor_col, order)
    seed = v.resolve_seed(seed) if solver.random else None
    adjacency = _adjacency(data, graph, ids, order)
    native = {"sum": bound, "count": bound if floor_col is None else -np.inf, "none": None}[solver.native_floor]
    labels = _solve(
        solver, x, adjacency, floor_values, floor=bound, n_zones=n_zones, seed=seed,
        options=dict(options or {}), native=native,
    )  # fmt: skip
    labels = _undersized(labels, adjacency, floor_values, x, bound, undersized)
    names = pd.Series(zone_names(labels, UNPLACED), index=ids[order], name="zone").reindex(ids)
    return Zones(
        labels=names,
        floor_values=pd.Series(floor_values, index=ids[order], name=floor_col or "areas").reindex(ids),
        n_zones=len(np.unique(labels[labels >= 0])),
        method=method,
        attrs=tuple(attrs),
        floor_col=floor_col,
        floor=None if floor is None else float(floor),
        seed=seed,
        standardise=standardise,
    )


def _undersized(labels, adjacency, floor_values, x, floor: float, policy: str) -> np.ndarray:
    placed = labels >= 0
    totals = np.bincount(labels[placed], weights=floor_values[placed])
    small = np.flatnonzero(totals < floor)
    if not len(small):
        return labels
    if policy == "raise":
        raise ValidationError(
            f"{len(small)} of {len(totals)} zones are below the floor of {floor:g} (the smallest holds "
            f"{totals.min():g}). Ask for fewer zones, use method='maxp' (which keeps the floor), or pass "
            "undersized='merge' to merge each into its most alike neighbouring zone."
        )
    out = labels.copy()
    out[placed] = merge_small(adjacency[placed][:, placed], labels[placed], floor_values[placed], x[placed], floor)
    return out
