"""Location-allocation beyond maximal covering: the p-median and the location set covering problem.

:func:`~deprivation_map.allocation.access.select_sites` opens ``k`` sites that bring the most need within
reach. :func:`p_median` opens ``p`` sites that minimise the total weighted distance (or travel time) from
each area to its nearest open site; :func:`set_cover` finds the fewest sites that bring every area within
reach. Both are solved exactly with HiGHS (:func:`scipy.optimize.milp`), on straight-line distances in a
projected CRS or on a cost table; they give the same optimum as PySAL's ``spopt.locate`` (tests).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr, id_list
from ..errors import DeprivationMapWarning, ValidationError, format_ids
from ._median import p_median_solve, set_cover_solve
from ._points import check_distance, crs_unit, origin_points, point_coords, to_projected
from .catchment import COST_COLUMNS

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["UNCOVERABLE", "Locations", "p_median", "set_cover"]

UNCOVERABLE = ("raise", "exclude")
SOLVER = "HiGHS via scipy.optimize.milp, relative gap 0"


@dataclass(frozen=True, eq=False)
class Locations:
    """Sites chosen by a location model, and which site serves each area (by area ID).

    Attributes
    ----------
    model : str
        ``"p-median"`` or ``"set-cover"``.
    sites : pandas.Index
        The chosen candidate sites, sorted.
    assigned : pandas.Series
        The open site (a chosen candidate or an existing service) nearest each area; missing if none.
    cost : pandas.Series
        The distance (or cost) from each area to it.
    weight : pandas.Series or None
        The demand weight of each area (p-median).
    objective : float
        p-median: :math:`\\sum_i w_i c_i`; set cover: the number of sites opened.
    covered : pandas.Series of bool or None
        Set cover: within ``within`` of an open site.
    optimal : bool
        True when HiGHS proved the choice optimal.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> sites = gdf.representative_point().to_frame("geometry")
    >>> best = dm.p_median(gdf, sites, 5, weight="TotPop90")
    >>> len(best.sites), best.optimal, bool(best.assigned.isin(best.sites).all())
    (5, True, True)
    """

    model: str
    sites: pd.Index
    assigned: pd.Series
    cost: pd.Series
    weight: pd.Series | None
    objective: float
    covered: pd.Series | None
    optimal: bool
    unit: str
    setting: str
    solver: str = SOLVER

    def to_frame(self) -> pd.DataFrame:
        """Per area: ``assigned_site``, ``cost``, and ``weight`` or ``covered``."""
        extra = {"weight": self.weight} if self.weight is not None else {"covered": self.covered}
        return pd.DataFrame({"assigned_site": self.assigned, "cost": self.cost, **extra})

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "model": self.model,
                "setting": self.setting,
                "sites": id_list(self.sites, limit=10),
                "objective": self.objective,
                "mean cost": self.cost.mean(),
                "largest cost": self.cost.max(),
                "optimal": self.optimal,
                "solver": self.solver,
            },
            frame=self.to_frame().sort_values("cost", ascending=False),
            frame_caption="to_frame(), farthest first",
        )

    def __repr__(self) -> str:
        shown = ", ".join(map(repr, list(self.sites)[:5])) + (", ..." if len(self.sites) > 5 else "")
        return f"Locations({self.model}, {self.setting}: [{shown}]; objective {self.objective:,.6g})"


def _table_costs(cost: pd.DataFrame, areas: pd.Index, sites: pd.Index) -> np.ndarray:
    v.require_columns(cost, COST_COLUMNS, what="The cost table")
    rows = areas.get_indexer(cost["origin"].astype(str))
    cols = sites.get_indexer(cost["destination"].astype(str))
    unknown = (rows < 0) | (cols < 0)
    if unknown.any():
        bad = cost.loc[unknown, ["origin", "destination"]].astype(str).agg(" -> ".join, axis=1)
        raise ValidationError(f"The cost table has pairs of unknown areas or sites: {format_ids(bad)}.")
    values = pd.to_numeric(cost["cost"], errors="coerce").to_numpy(dtype="float64")
    if not (values >= 0).all():
        raise ValidationError("Every cost in the cost table must be a number >= 0; leave impossible pairs out.")
    matrix = np.full((len(areas), len(sites)), np.inf)
    matrix[rows, cols] = values
    return matrix


def _costs(areas, candidates, services, cost, origin, geographic):
    """Canonical (sorted) area and site IDs, the number of candidates, the dense cost matrix and its unit."""
    if cost is None:
        areas, pts = to_projected(areas, {"candidates": candidates, "services": services}, geographic)
        candidates, services = pts["candidates"], pts["services"]
    else:
        for frame, what in ((areas, "areas"), (candidates, "candidates"), (services, "services")):
            if frame is not None:
                v.require_unique_ids(frame.index, what=f"The {what}")
    ids = pd.Index(areas.index.astype(str))
    order = np.argsort(ids.to_numpy(dtype=str), kind="stable")
    cand = pd.Index(sorted(candidates.index.astype(str)))
    existing = pd.Index([]) if services is None else pd.Index(sorted(services.index.astype(str)))
    sites = cand.append(existing)
    if not sites.is_unique:
        raise ValidationError(f"Candidates and services share IDs: {format_ids(cand.intersection(existing))}.")
    if cost is not None:
        return ids[order], cand, sites, _table_costs(cost, ids[order], sites), "cost"
    from scipy.spatial.distance import cdist

    layers = [candidates.set_axis(candidates.index.astype(str)).loc[cand]]
    if services is not None:
        layers.append(services.set_axis(services.index.astype(str)).loc[existing])
    xy = np.vstack([point_coords(layer) for layer in layers])
    return ids[order], cand, sites, cdist(origin_points(areas, origin)[order], xy), crs_unit(areas.crs)


def _weights(weight, areas, ids: pd.Index) -> np.ndarray:
    if isinstance(weight, str):
        v.require_columns(areas, [weight], what="The areas")
        weight = areas[weight].set_axis(areas.index.astype(str))
    fix = "Give a weight (people, need x people) for every area, 0 where there is none."
    values = v.align(weight, ids, what="The weight", against="the areas", fix=fix)
    v.require_numeric(values.to_frame("weight"), ["weight"], what="The weight")
    bad = ~(values.to_numpy(dtype="float64", na_value=np.nan) >= 0)
    if bad.any():
        raise ValidationError(f"The weight is missing or negative for {format_ids(ids[bad])}. {fix}")
    return values.to_numpy(dtype="float64")


def _assignment(ids, sites, costs, opened, original_ids):
    within = np.where(np.isin(np.arange(costs.shape[1]), opened)[None, :], costs, np.inf)
    best = within.argmin(axis=1)
    reach = np.isfinite(within[np.arange(len(ids)), best])
    assigned = pd.Series(np.where(reach, sites.to_numpy()[best], None), index=ids, name="assigned_site")
    cost = pd.Series(np.where(reach, within[np.arange(len(ids)), best], np.nan), index=ids, name="cost")
    return assigned.reindex(original_ids), cost.reindex(original_ids)


def _warn(optimal: bool, message: str) -> None:
    if not optimal:
        warnings.warn(f"The location model is not proven optimal: {message}", DeprivationMapWarning, stacklevel=3)


def p_median(
    areas: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    p: int,
    *,
    weight: str | pd.Series,
    services: gpd.GeoDataFrame | None = None,
    cost: pd.DataFrame | None = None,
    origin: str | gpd.GeoSeries = "representative",
    geographic: str = "raise",
    time_limit: float | None = None,
) -> Locations:
    r"""Open ``p`` of the ``candidates`` so that the weighted distance to the nearest open site is least.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Indexed by area ID, in a projected CRS (with ``cost``, any frame indexed by area ID).
    candidates : geopandas.GeoDataFrame
        Candidate site points, indexed by site ID.
    p : int
        How many candidates to open.
    weight : str or pandas.Series
        Demand per area (people, or need x people), >= 0: a column of ``areas`` or a Series by area ID.
    services : geopandas.GeoDataFrame, optional
        Existing services, open already: the ``p`` new sites are added to them.
    cost : pandas.DataFrame, optional
        Columns ``origin`` (area), ``destination`` (candidate or service) and ``cost`` (e.g. minutes);
        pairs left out are impossible. Without it, straight-line distances from each area's ``origin``.
    origin, geographic
        As in :func:`~deprivation_map.allocation.access.distance_to_services`.
    time_limit : float, optional
        Seconds for the solver; a solution not proven optimal warns.

    Returns
    -------
    Locations

    Notes
    -----
    See :func:`deprivation_map.allocation._median.p_median_solve` for the model (ReVelle and Swain 1970),
    solved exactly by HiGHS; spopt's ``PMedian`` solves the same model with CBC, and the tests check that
    the optima are equal. It has (areas x sites) variables: a few thousand areas and a few hundred sites
    solve in seconds. The model is built in ID order, so the rows' order does not change the answer.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> sites = gdf.representative_point().to_frame("geometry")
    >>> one = dm.p_median(gdf, sites, 1, weight="TotPop90")
    >>> import numpy as np  # by brute force: the one site with the least total weighted distance
    >>> xy = np.column_stack([sites.geometry.x, sites.geometry.y])
    >>> total = (np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * gdf["TotPop90"].to_numpy()[:, None]).sum(0)
    >>> list(one.sites) == [gdf.index[total.argmin()]], bool(np.isclose(one.objective, total.min()))
    (True, True)
    """
    v.require_int(p, what="p", minimum=1)
    ids, cand, sites, costs, unit = _costs(areas, candidates, services, cost, origin, geographic)
    if p > len(cand):
        raise ValidationError(f"p={p} is more than the {len(cand)} candidate sites; lower p or add candidates.")
    unreachable = ~np.isfinite(costs).any(axis=1)
    if unreachable.any():
        raise ValidationError(f"No site can serve {format_ids(ids[unreachable])}: add pairs to the cost table.")
    w = _weights(weight, areas, ids)
    fixed = np.arange(len(sites)) >= len(cand)
    opened, _, optimal, message = p_median_solve(costs, w, p, fixed, time_limit=time_limit)
    _warn(optimal, message)
    assigned, distance = _assignment(ids, sites, costs, opened, pd.Index(areas.index.astype(str)))
    return Locations(
        model="p-median",
        sites=cand[opened[opened < len(cand)]],
        assigned=assigned,
        cost=distance,
        weight=pd.Series(w, index=ids, name="weight").reindex(assigned.index),
        objective=float((w * distance.reindex(ids).to_numpy()).sum()),
        covered=None,
        optimal=bool(optimal),
        unit=unit,
        setting=f"p={p}" + (f" with {len(sites) - len(cand)} existing services" if services is not None else ""),
    )


def set_cover(
    areas: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    *,
    within: float,
    services: gpd.GeoDataFrame | None = None,
    cost: pd.DataFrame | None = None,
    uncoverable: str = "raise",
    origin: str | gpd.GeoSeries = "representative",
    geographic: str = "raise",
    time_limit: float | None = None,
) -> Locations:
    r"""The fewest ``candidates`` to open so that every area lies within ``within`` of an open site.

    Parameters
    ----------
    areas, candidates, services, cost, origin, geographic, time_limit
        As in :func:`p_median`; areas already within ``within`` of an existing service need no new site.
    within : float
        The standard of service: the largest acceptable distance (or cost).
    uncoverable : {"raise", "exclude"}
        Areas that no candidate can reach: raise naming them (default), or leave them uncovered (their
        ``covered`` is False) and cover the rest.

    Returns
    -------
    Locations

    Notes
    -----
    The location set covering problem (Toregas et al. 1971), see
    :func:`deprivation_map.allocation._median.set_cover_solve`; spopt's ``LSCP`` solves the same model, and
    the tests check that the number of sites is equal.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> sites = gdf.representative_point().to_frame("geometry")
    >>> cover = dm.set_cover(gdf, sites, within=60_000)
    >>> bool(cover.covered.all()), bool((cover.cost <= 60_000).all()), cover.objective == len(cover.sites)
    (True, True, True)
    """
    within = check_distance(within)
    v.choose(uncoverable, UNCOVERABLE, what="uncoverable-area policy")
    ids, cand, sites, costs, unit = _costs(areas, candidates, services, cost, origin, geographic)
    reach = costs <= within
    before = reach[:, len(cand) :].any(axis=1)
    lost = ~before & ~reach[:, : len(cand)].any(axis=1)
    if lost.any() and uncoverable == "raise":
        raise ValidationError(
            f"{int(lost.sum())} areas are farther than {within:g} from every candidate: {format_ids(ids[lost])}. "
            "Add candidates, raise within, or pass uncoverable='exclude' to cover the rest."
        )
    chosen, optimal, message = set_cover_solve(reach[~before & ~lost][:, : len(cand)], time_limit=time_limit)
    _warn(optimal, message)
    opened = np.concatenate([chosen, np.arange(len(cand), len(sites))])
    assigned, distance = _assignment(ids, sites, costs, opened, pd.Index(areas.index.astype(str)))
    return Locations(
        model="set-cover",
        sites=cand[chosen],
        assigned=assigned,
        cost=distance,
        weight=None,
        objective=float(len(chosen)),
        covered=(distance <= within).rename("covered"),
        optimal=bool(optimal),
        unit=unit,
        setting=f"within {within:g} {unit}",
    )
