"""Access to services: distance from each area to the nearest service, and where k new sites would cover most need.

Distances are straight-line (Euclidean) distances in a projected CRS, in its units, from one point per area
(a representative point, the centroid, or a population-weighted point the user supplies) to service points.
A geographic CRS (degrees) is refused unless ``geographic="utm"`` asks to reproject to the local UTM zone.
Site selection solves the maximal covering location problem (Church and ReVelle 1974) exactly, as a
mixed-integer programme, with HiGHS through :func:`scipy.optimize.milp`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr, id_list
from ..errors import DeprivationMapWarning, ValidationError
from ..index.composite import DeprivationIndex, rank_most_deprived
from ._need import need_policies, need_values, population_weights
from ._points import GEOGRAPHIC, ORIGINS, check_distance, crs_unit, origin_points, point_coords, to_projected

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["GEOGRAPHIC", "ORIGINS", "ServiceAccess", "SiteSelection", "distance_to_services", "select_sites"]


def _aligned_need(need, ids: pd.Index, direction: int) -> tuple[pd.Series, pd.Series]:
    """The need (oriented: higher = more) by area in the areas' order, and its deciles (1 = most deprived)."""
    score, decile = need_values(need, direction)
    score = v.align(score, ids, what="The need", against="the areas", fix="Give a need for every area.")
    return score, rank_most_deprived(score)["decile"] if decile is None else decile.reindex(ids)


def _weights(need, population, ids: pd.Index, negative: str, missing: str, direction: int) -> pd.Series:
    """Need x population by area: the need that coverage counts."""
    used, _ = need_policies(_aligned_need(need, ids, direction)[0], negative, missing, direction=direction)
    people = population_weights(population, ids, against="the areas")
    return pd.Series(used * (1.0 if people is None else people.to_numpy()), index=ids, name="need_weight")


@dataclass(frozen=True, eq=False)
class ServiceAccess:
    """Distance from each area to its nearest service, indexed by area ID.

    Attributes
    ----------
    distance : pandas.Series
        In the CRS's units (``unit``), from the area's origin point to the nearest service.
    nearest : pandas.Series
        The ID of that service.
    beyond : pandas.Series of bool
        ``distance > within``.
    decile, population : pandas.Series or None
        The need's decile (1 = most deprived) and the population, when given.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()  # EPSG:26716, metres
    >>> services = gdf.loc[["13121", "13051"]].representative_point().to_frame("geometry")  # Atlanta, Savannah
    >>> acc = dm.distance_to_services(gdf, services, within=50_000, need=gdf["PctPov"], population=gdf["TotPop90"])
    >>> acc.nearest["13121"], float(acc.distance["13121"]), acc.unit
    ('13121', 0.0, 'metre')
    >>> far_and_poor = acc.beyond & (acc.decile == 1)  # beyond 50 km and in the most deprived decile
    >>> acc.population_beyond(deciles=1) == float(gdf.loc[far_and_poor, "TotPop90"].sum())
    True
    """

    distance: pd.Series
    nearest: pd.Series
    beyond: pd.Series
    decile: pd.Series | None
    population: pd.Series | None
    within: float
    unit: str
    origin: str

    def population_beyond(self, *, deciles: int = 1) -> float:
        """Population of the areas in the ``deciles`` most deprived deciles that lie beyond ``within``."""
        if self.population is None or self.decile is None:
            raise ValidationError("population_beyond needs need=... and population=... in distance_to_services.")
        deprived = (self.decile <= deciles).fillna(False).to_numpy(dtype=bool)
        return float(self.population[self.beyond.to_numpy() & deprived].sum())

    def to_frame(self) -> pd.DataFrame:
        """Per area: distance, nearest_service, beyond, decile and population."""
        return pd.DataFrame(
            {
                "distance": self.distance,
                "nearest_service": self.nearest,
                "beyond": self.beyond,
                "decile": self.decile,
                "population": self.population,
            }
        )

    def _repr_html_(self) -> str:
        far = (
            {}
            if self.population is None or self.decile is None
            else {"population beyond, most deprived decile": self.population_beyond(deciles=1)}
        )
        return html_repr(
            self,
            {
                "areas": len(self.distance),
                "within": f"{self.within:g} {self.unit}",
                "measured from": self.origin,
                "median distance": self.distance.median(),
                "largest distance": self.distance.max(),
                "areas beyond": int(self.beyond.sum()),
                **far,
            },
            frame=self.to_frame().sort_values("distance", ascending=False),
            frame_caption="to_frame(), farthest first",
        )

    def __repr__(self) -> str:
        return (
            f"ServiceAccess({len(self.distance)} areas, median distance {self.distance.median():.0f} {self.unit}; "
            f"{int(self.beyond.sum())} beyond {self.within:g})"
        )


def distance_to_services(
    areas: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    *,
    within: float,
    need: pd.Series | DeprivationIndex | None = None,
    population: pd.Series | None = None,
    direction: int = 1,
    origin: str | gpd.GeoSeries = "representative",
    geographic: str = "raise",
) -> ServiceAccess:
    r"""Distance from every area to its nearest service, and which areas lie beyond ``within``.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Indexed by area ID, in a projected CRS.
    services : geopandas.GeoDataFrame
        Service points (any CRS: they are reprojected to the areas'), indexed by service ID.
    within : float
        The distance, in the CRS's units, beyond which an area counts as far from services.
    need, population : pandas.Series, optional
        By area ID: the need (its deciles give the most deprived areas) and the population, for
        :meth:`ServiceAccess.population_beyond`.
    direction : {1, -1}
        Which way the need runs: ``-1`` when lower values mean more need (as in :func:`allocate`).
    origin : {"representative", "centroid"} or GeoSeries
        Where each area is measured from: a point guaranteed inside it (shapely's representative point, the
        default), the centroid, or a GeoSeries of points by area ID (e.g. population-weighted centroids).
    geographic : {"raise", "utm"}
        Areas in degrees are refused by default; ``"utm"`` reprojects to the UTM zone of their centre.

    Notes
    -----
    :math:`d_i = \min_s \lVert o_i - s \rVert_2` (a k-d tree query); area :math:`i` is beyond when
    :math:`d_i > \text{within}`. Straight-line distance understates travel distance. When two services are
    equally near, either may be named in ``nearest``; the distance is the same.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> services = gdf.loc[["13121", "13051"]].representative_point().to_frame("geometry")
    >>> acc = dm.distance_to_services(gdf, services, within=50_000, need=gdf["PctPov"], population=gdf["TotPop90"])
    >>> float(acc.distance["13121"]), int(acc.beyond.sum()) < len(gdf)
    (0.0, True)
    """
    areas, pts = to_projected(areas, {"services": services}, geographic)
    services = pts["services"]
    if not len(services):
        raise ValidationError("There are no services to measure a distance to.")
    from scipy.spatial import cKDTree

    within = check_distance(within)
    distance, nearest = cKDTree(point_coords(services)).query(origin_points(areas, origin), k=1)
    ids = areas.index
    decile = None if need is None else _aligned_need(need, ids, direction)[1]
    people = None if population is None else population_weights(population, ids, against="the areas")
    return ServiceAccess(
        distance=pd.Series(distance, index=ids, name="distance"),
        nearest=pd.Series(services.index.to_numpy()[nearest], index=ids, name="nearest_service"),
        beyond=pd.Series(distance > within, index=ids, name="beyond"),
        decile=decile,
        population=people,
        within=float(within),
        unit=crs_unit(areas.crs),
        origin=origin if isinstance(origin, str) else "given points",
    )


@dataclass(frozen=True, eq=False)
class SiteSelection:
    """The ``k`` candidate sites that cover the most need, and the coverage they gain.

    Attributes
    ----------
    sites : pandas.Index
        The chosen candidates' IDs, sorted.
    weight : pandas.Series
        Need x population per area (the need that coverage counts).
    covered_before, covered_after : pandas.Series of bool
        Within ``within`` of an existing service; of an existing service or a chosen site.
    nearest_site : pandas.Series
        The chosen site nearest to each newly covered area (missing elsewhere).
    covered_need_before, covered_need_after, gained, total_need : float
        Sums of ``weight``: covered before, after, the difference, and over every area.
    optimal : bool
        True when HiGHS proved the choice optimal (always, unless ``time_limit`` stopped it).

    Examples
    --------
    >>> import numpy as np, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> points = gdf.representative_point()
    >>> best = dm.select_sites(gdf, points.to_frame("geometry"), 1, within=40_000, need=gdf["PctPov"],
    ...                        population=gdf["TotPop90"])
    >>> x, y = points.x.to_numpy(), points.y.to_numpy()  # brute force: the need each candidate would cover
    >>> reach = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) <= 40_000
    >>> covered = reach.T.astype(float) @ best.weight.to_numpy()
    >>> list(best.sites) == [gdf.index[covered.argmax()]], bool(np.isclose(best.gained, covered.max()))
    (True, True)
    >>> best.optimal, int(best.to_frame()["newly_covered"].sum()) == int(reach[:, covered.argmax()].sum())
    (True, True)
    """

    sites: pd.Index
    weight: pd.Series
    covered_before: pd.Series
    covered_after: pd.Series
    nearest_site: pd.Series
    covered_need_before: float
    covered_need_after: float
    gained: float
    total_need: float
    k: int
    within: float
    optimal: bool
    solver: str

    def to_frame(self) -> pd.DataFrame:
        """Per area: weight, covered_before, covered_after, newly_covered and nearest_site."""
        return pd.DataFrame(
            {
                "weight": self.weight,
                "covered_before": self.covered_before,
                "covered_after": self.covered_after,
                "newly_covered": self.covered_after & ~self.covered_before,
                "nearest_site": self.nearest_site,
            }
        )

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        return html_repr(
            self,
            {
                "sites": id_list(self.sites, limit=10),
                "k": self.k,
                "within": self.within,
                "need covered before": self.covered_need_before,
                "need covered after": self.covered_need_after,
                "gained": self.gained,
                "total need": self.total_need,
                "optimal": self.optimal,
                "solver": self.solver,
            },
            frame=frame.sort_values("newly_covered", ascending=False, kind="stable"),
            frame_caption="to_frame(), newly covered first",
        )

    def __repr__(self) -> str:
        share = (lambda x: f"{x / self.total_need:.1%}") if self.total_need else (lambda x: "n/a")
        shown = ", ".join(map(repr, list(self.sites)[:5])) + (", ..." if self.k > 5 else "")
        return (
            f"SiteSelection(k={self.k} within {self.within:g}: [{shown}]; gains {share(self.gained)} of need, "
            f"covered {share(self.covered_need_before)} -> {share(self.covered_need_after)})"
        )


def select_sites(
    areas: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    k: int,
    *,
    within: float,
    need: pd.Series | DeprivationIndex,
    population: pd.Series | None = None,
    services: gpd.GeoDataFrame | None = None,
    origin: str | gpd.GeoSeries = "representative",
    geographic: str = "raise",
    direction: int = 1,
    negative: str = "raise",
    missing: str = "raise",
    time_limit: float | None = None,
) -> SiteSelection:
    r"""Choose ``k`` of the ``candidates`` that bring the most need within ``within`` of a service.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Indexed by area ID, in a projected CRS (see :func:`distance_to_services`).
    candidates : geopandas.GeoDataFrame
        Candidate site points, indexed by site ID.
    k : int
        How many new sites to open (at most the number of candidates).
    within : float
        An area is covered when its origin point lies within this distance of a site.
    need, population : pandas.Series
        By area ID: the covered need is :math:`\sum n_i p_i` over covered areas (need alone without a
        population). Needs must be non-negative: a rate, a count or a rank, or pass ``negative``.
    services : geopandas.GeoDataFrame, optional
        Existing service points: the areas they already cover count as covered and gain nothing.
    origin, geographic
        As in :func:`distance_to_services`.
    direction : {1, -1}
    negative : {"raise", "shift", "clip"}
    missing : {"raise", "exclude"}
        Which way the need runs, negative needs (z-scores) and areas with no need, as in :func:`allocate`
        (excluded areas count for nothing).
    time_limit : float, optional
        Seconds for the solver; if it stops before proving optimality the result says so
        (``optimal=False``) and a DeprivationMapWarning is issued.

    Notes
    -----
    The maximal covering location problem (Church and ReVelle 1974), solved exactly: see
    :func:`deprivation_map.allocation._covering.max_cover`. HiGHS (via :func:`scipy.optimize.milp`, already a
    dependency) is an exact branch-and-cut solver, like the CBC that PySAL's spopt drives through PuLP, but
    it needs no extra package and takes the sparse model directly. Areas with the same set of covering
    candidates are merged, which keeps national-scale models small. The problem is built in ID order, so
    the answer does not depend on the order of the rows; when several choices cover exactly the same need,
    the solver returns one of them, the same one every time.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> sites = gdf.representative_point().to_frame("geometry")
    >>> best = dm.select_sites(gdf, sites, 3, within=60_000, need=gdf["PctPov"], population=gdf["TotPop90"])
    >>> len(best.sites), best.optimal, best.gained > 0
    (3, True, True)
    """
    from scipy.spatial import cKDTree

    from ._covering import coverage_matrix, max_cover

    v.require_int(k, what="k", minimum=1)
    within = check_distance(within)
    areas, pts = to_projected(areas, {"candidates": candidates, "services": services}, geographic)
    cands = pts["candidates"].sort_index()
    if k > len(cands):
        raise ValidationError(f"k={k} is more than the {len(cands)} candidate sites; lower k or add candidates.")
    weight = _weights(need, population, areas.index, negative, missing, direction)
    order = np.argsort(areas.index.to_numpy(dtype=str), kind="stable")
    origins = origin_points(areas, origin)[order]
    w = weight.to_numpy()[order]
    before = np.zeros(len(w), dtype=bool)
    if pts["services"] is not None and len(pts["services"]):
        before = cKDTree(point_coords(pts["services"])).query(origins, k=1)[0] <= within
    cover = coverage_matrix(origins, point_coords(cands), within)
    chosen, optimal, message = max_cover(cover, np.where(before, 0.0, w), k, time_limit=time_limit)
    if not optimal:
        warnings.warn(f"The site selection is not proven optimal: {message}", DeprivationMapWarning, stacklevel=2)
    reach = cover[:, chosen]
    after = before | (np.diff(reach.indptr) > 0)
    _, near = cKDTree(point_coords(cands.iloc[chosen])).query(origins, k=1)
    nearest = np.where(after & ~before, cands.index.to_numpy()[chosen][near], None)
    canon = areas.index[order]
    back = lambda values, name: pd.Series(values, index=canon, name=name).reindex(areas.index)  # noqa: E731
    return SiteSelection(
        sites=pd.Index(sorted(cands.index[chosen]), name=cands.index.name),
        weight=weight,
        covered_before=back(before, "covered_before"),
        covered_after=back(after, "covered_after"),
        nearest_site=back(nearest, "nearest_site"),
        covered_need_before=float(w[before].sum()),
        covered_need_after=float(w[after].sum()),
        gained=float(w[after & ~before].sum()),
        total_need=float(w.sum()),
        k=k,
        within=within,
        optimal=bool(optimal),
        solver="HiGHS via scipy.optimize.milp, relative gap 0",
    )
