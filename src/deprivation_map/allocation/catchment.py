"""Access with capacity: two-step floating catchment scores (2SFCA, E2SFCA, gravity and Gaussian decay).

Distance to the nearest service (:mod:`~deprivation_map.allocation.access`) ignores how many people share
it. Floating catchment methods weigh each service's supply (beds, opening hours, staff) by the demand
(people) within its reach, then sum for each area the supply per person of the services it reaches.
Costs are straight-line distances in a projected CRS, or a table of costs (travel times) the user supplies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids
from ..index.composite import DeprivationIndex
from ._fca import DECAYS, euclidean_pairs, floating_catchment, step_weights
from ._need import need_values
from ._points import check_distance, crs_unit, origin_points, point_coords, to_projected

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["COST_COLUMNS", "FCA_METHODS", "Accessibility", "accessibility"]

FCA_METHODS = ("2sfca", "e2sfca", "gravity", "gaussian")
COST_COLUMNS = ("origin", "destination", "cost")
LUO_QI = (1.0, 0.68, 0.22)  # Luo and Qi (2009): weights of the 0-10, 10-20, 20-30 minute zones


@dataclass(frozen=True, eq=False)
class Accessibility:
    r"""Floating catchment accessibility, indexed by area ID (the areas' order).

    Attributes
    ----------
    scores : pandas.Series
        :math:`A_i`, the supply per person (unit of supply per unit of demand) the area reaches; 0 where it
        reaches no service.
    ratio : pandas.Series
        :math:`R_j`, each service's supply per weighted person within its reach, by service ID (missing
        where no demand is within reach).
    demand : pandas.Series
        :math:`P_i`.
    reached : pandas.Series
        How many services lie within ``max_cost`` of each area.
    method, max_cost, unit, weights
        How the scores were computed (``weights`` describes the steps or the decay).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> clinics = gdf.loc[["13121", "13051", "13245"]].representative_point().to_frame("geometry")
    >>> clinics["doctors"] = [120, 40, 30]
    >>> acc = dm.accessibility(gdf, clinics, demand="TotPop90", supply="doctors", method="2sfca", max_cost=80_000)
    >>> served = (acc.scores * acc.demand).sum()  # every doctor within reach of someone is shared out
    >>> bool(abs(served - 190) < 1e-9), int((acc.reached == 0).sum()) > 0
    (True, True)
    """

    scores: pd.Series
    ratio: pd.Series
    demand: pd.Series
    reached: pd.Series
    method: str
    max_cost: float
    unit: str
    weights: str = field(default="")

    @property
    def relative(self) -> pd.Series:
        r"""Scores over their demand-weighted mean, :math:`A_i / (\sum_k P_k A_k / \sum_k P_k)`: 1 is average."""
        mean = float((self.scores * self.demand).sum() / self.demand.sum())
        return (self.scores / mean).rename("relative")

    def underserved(self, *, below: float = 0.5) -> pd.Series:
        """Areas whose score is below ``below`` times the average (:attr:`relative`); True where nothing is reached."""
        return (self.relative < below).rename("underserved")

    def by_decile(self, need: pd.Series | DeprivationIndex, *, below: float = 0.5) -> pd.DataFrame:
        r"""Supply per person by decile of deprivation (1 = most deprived): the access gap of deprived areas.

        Returns one row per decile: ``areas``, ``demand``, ``supply_per_person``
        (:math:`\sum P_i A_i / \sum P_i` over the decile), ``relative`` (that over the overall value; below 1 the
        decile has less than its share), ``share_underserved`` (of its demand in areas under ``below`` times
        the average) and ``areas_reaching_none``.
        """
        score, decile = need_values(need)
        if decile is None:
            from ..index.composite import rank_most_deprived

            decile = rank_most_deprived(v.align(score, self.scores.index, what="The need", against="the areas"))[
                "decile"
            ]
        decile = v.align(decile, self.scores.index, what="The deciles", against="the areas")
        frame = pd.DataFrame(
            {
                "decile": decile,
                "demand": self.demand,
                "served": self.scores * self.demand,
                "under": self.demand.where(self.underserved(below=below), 0.0),
                "none": self.reached == 0,
            }
        )
        out = frame.groupby("decile").agg(
            areas=("demand", "size"), demand=("demand", "sum"), served=("served", "sum"), under=("under", "sum"),
            areas_reaching_none=("none", "sum"),
        )  # fmt: skip
        out["supply_per_person"] = out.pop("served") / out["demand"]
        out["relative"] = out["supply_per_person"] / float(frame["served"].sum() / frame["demand"].sum())
        out["share_underserved"] = out.pop("under") / out["demand"]
        return out[["areas", "demand", "supply_per_person", "relative", "share_underserved", "areas_reaching_none"]]

    def to_frame(self) -> pd.DataFrame:
        """Per area: ``access_score``, ``access_relative``, ``services_reached``, ``demand``, ``underserved``."""
        return pd.DataFrame(
            {
                "access_score": self.scores,
                "access_relative": self.relative,
                "services_reached": self.reached,
                "demand": self.demand,
                "underserved": self.underserved(),
            }
        )

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {
                "method": self.method,
                "catchment": f"{self.max_cost:g} {self.unit}",
                "weights": self.weights,
                "areas": len(self.scores),
                "services": len(self.ratio),
                "areas reaching no service": int((self.reached == 0).sum()),
                "areas under half the average": int(self.underserved().sum()),
            },
            frame=self.to_frame().sort_values("access_score"),
            frame_caption="to_frame(), least access first",
        )

    def __repr__(self) -> str:
        return (
            f"Accessibility({self.method}, {len(self.scores)} areas, {len(self.ratio)} services within "
            f"{self.max_cost:g} {self.unit}; {int((self.reached == 0).sum())} areas reach none)"
        )


def _amounts(values: str | pd.Series, layer, what: str, against: str) -> pd.Series:
    """A column of ``layer`` or a Series by ID, aligned to the layer's IDs: finite and >= 0."""
    ids = pd.Index(layer.index.astype(str))
    if isinstance(values, str):
        v.require_columns(layer, [values], what=against.capitalize())
        values = layer[values].set_axis(ids)
    fix = f"Give the {what} of every one of {against} (0 where there is none)."
    values = v.align(values, ids, what=f"The {what}", against=against, fix=fix)
    v.require_numeric(values.to_frame(what), [what], what=f"The {what}")
    bad = ~(values.to_numpy(dtype="float64", na_value=np.nan) >= 0) | np.isinf(values.to_numpy(dtype="float64"))
    if bad.any():
        raise ValidationError(f"The {what} is missing or negative for {format_ids(ids[bad])}. {fix}")
    return values.astype("float64").rename(what)


def _table_pairs(cost: pd.DataFrame, areas: pd.Index, services: pd.Index, max_cost: float):
    """Positions and costs of the rows of a cost table within ``max_cost``, checked."""
    v.require_columns(cost, COST_COLUMNS, what="The cost table")
    origin, destination = cost["origin"].astype(str), cost["destination"].astype(str)
    for ids, known, what in ((origin, areas, "origins (areas)"), (destination, services, "destinations (services)")):
        unknown = ~ids.isin(known)
        if unknown.any():
            raise ValidationError(
                f"The cost table has {int(unknown.sum())} rows whose {what} are not among them: "
                f"{format_ids(ids[unknown].unique())}. Subset the table, or check the IDs' leading zeros."
            )
    pair = origin + "\x00" + destination
    if pair.duplicated().any():
        raise ValidationError(f"The cost table repeats {int(pair.duplicated().sum())} origin-destination pairs.")
    values = pd.to_numeric(cost["cost"], errors="coerce").to_numpy(dtype="float64")
    if not (values >= 0).all():
        raise ValidationError("Every cost in the cost table must be a number >= 0; leave unreachable pairs out.")
    keep = values <= max_cost
    return (
        areas.get_indexer(origin[keep]).astype(np.int64),
        services.get_indexer(destination[keep]).astype(np.int64),
        values[keep],
    )


def _weight_function(method: str, max_cost: float, steps, decay, min_cost: float):
    """The weight of a cost, and a description of it."""
    if method in ("2sfca", "e2sfca") and decay is not None:
        raise ValidationError(f"decay is for method='gravity' or 'gaussian', not {method!r}; use steps for E2SFCA.")
    if method != "e2sfca" and steps is not None:
        raise ValidationError(f"steps are for method='e2sfca', not {method!r}.")
    if method == "2sfca":
        return (lambda cost: np.ones_like(cost)), "1 within the catchment"
    if method == "e2sfca":
        if steps is None:
            steps = dict(zip((max_cost / 3, 2 * max_cost / 3, max_cost), LUO_QI, strict=True))
        pairs = tuple(sorted((float(b), float(w)) for b, w in dict(steps).items()))
        if not pairs or any(b <= 0 or not w >= 0 for b, w in pairs):
            raise ValidationError(
                f"steps must map upper costs > 0 to weights >= 0, e.g. {{10: 1, 20: 0.68}}; got {steps!r}."
            )
        return step_weights(pairs), ", ".join(f"<= {b:g}: {w:g}" for b, w in pairs)
    if decay is None or isinstance(decay, bool) or not isinstance(decay, int | float) or not decay > 0:
        what = "beta, the exponent of the power decay" if method == "gravity" else "sigma, the Gaussian's width"
        raise ValidationError(f"method={method!r} needs decay={what} (a number > 0), got {decay!r}.")
    text = f"max(cost, {min_cost:g})^-{decay:g}" if method == "gravity" else f"exp(-cost^2 / (2 x {decay:g}^2))"
    return DECAYS[method](float(decay), min_cost), text


def accessibility(
    areas: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    *,
    demand: str | pd.Series,
    supply: str | pd.Series,
    max_cost: float,
    cost: pd.DataFrame | None = None,
    method: str = "e2sfca",
    steps: Mapping[float, float] | None = None,
    decay: float | None = None,
    min_cost: float = 0.0,
    origin: str | gpd.GeoSeries = "centroid",
    geographic: str = "raise",
) -> Accessibility:
    r"""Two-step floating catchment accessibility of each area to services with a capacity.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Indexed by area ID, in a projected CRS (unless ``cost`` is given, when any frame indexed by area ID).
    services : geopandas.GeoDataFrame
        Service points indexed by service ID (any frame indexed by service ID with ``cost``).
    demand : str or pandas.Series
        People (or patients, pupils) per area: a column of ``areas`` or a Series by area ID, >= 0.
    supply : str or pandas.Series
        Capacity per service (doctors, opening hours, 1 each for a count): a column of ``services`` or a
        Series by service ID, >= 0.
    max_cost : float
        The catchment: pairs farther apart (in the CRS's units, or the cost table's) do not count.
    cost : pandas.DataFrame, optional
        A cost table with columns ``origin`` (area ID), ``destination`` (service ID) and ``cost`` (e.g.
        minutes); pairs it leaves out are unreachable. Without it, the straight-line distance from each
        area's ``origin`` point to each service.
    method : {"2sfca", "e2sfca", "gravity", "gaussian"}
        The weight :math:`f(c)` of a pair at cost :math:`c \le` ``max_cost``: 1 (Luo and Wang 2003);
        ``steps`` (Luo and Qi 2009; default thirds of ``max_cost`` weighted 1, 0.68, 0.22 as their
        10/20/30-minute zones); :math:`\max(c, c_0)^{-\beta}` with ``decay`` :math:`=\beta` and ``min_cost``
        :math:`=c_0` (gravity, Wang 2012); :math:`e^{-c^2/2\sigma^2}` with ``decay`` :math:`=\sigma`.
    steps : dict, optional
        Upper cost -> weight, for ``"e2sfca"`` (``{10: 1, 20: 0.68, 30: 0.22}``); beyond the last, 0.
    origin, geographic
        Where areas are measured from (default the centroid, as access's ``centroid_o``) and the policy
        for a geographic CRS, as in :func:`~deprivation_map.allocation.access.distance_to_services`.

    Returns
    -------
    Accessibility

    Notes
    -----
    With :math:`w_{ij} = f(c_{ij})` for :math:`c_{ij} \le` ``max_cost`` (0 otherwise), demand :math:`P_i`
    and supply :math:`S_j`:

    .. math:: R_j = \frac{S_j}{\sum_i w_{ij} P_i}, \qquad A_i = \sum_j w_{ij} R_j

    so :math:`\sum_i P_i A_i = \sum_j S_j` over the services with demand in reach: supply is shared out,
    never created. A service with no demand within reach has no ratio and adds nothing. These are PySAL
    access's ``two_stage_fca`` and ``enhanced_two_stage_fca`` (equal to them on the same costs; areas
    reaching nothing get 0 here, NaN there), computed on a sparse matrix of the pairs within
    ``max_cost`` found by a k-d tree, so memory grows with the pairs, not with areas x services.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> gp = gdf.loc[["13121", "13051"]].representative_point().to_frame("geometry")
    >>> costs = pd.DataFrame({"origin": ["13121", "13089", "13051"], "destination": ["13121", "13121", "13051"],
    ...                       "cost": [5.0, 20.0, 8.0]})  # minutes, from a routing engine
    >>> acc = dm.accessibility(gdf, gp, demand="TotPop90", supply=pd.Series({"13121": 50, "13051": 10}),
    ...                        cost=costs, max_cost=30, steps={10: 1.0, 30: 0.5})
    >>> pop = gdf["TotPop90"]
    >>> ratio = 50 / (pop["13121"] * 1.0 + pop["13089"] * 0.5)  # by hand: doctors per weighted person in reach
    >>> bool(abs(acc.scores["13121"] - ratio) < 1e-15), bool(abs(acc.scores["13089"] - 0.5 * ratio) < 1e-15)
    (True, True)
    >>> float(acc.scores["13001"]), int(acc.reached["13001"])  # reaches no doctor in the table
    (0.0, 0)
    """
    v.choose(method, FCA_METHODS, what="floating catchment method")
    max_cost = check_distance(max_cost, what="max_cost")
    min_cost = check_distance(min_cost, what="min_cost")
    weight, text = _weight_function(method, max_cost, steps, decay, min_cost)
    unit = "cost"
    if cost is None:
        areas, pts = to_projected(areas, {"services": services}, geographic)
        services = pts["services"]
        i, j, c = euclidean_pairs(origin_points(areas, origin), point_coords(services), max_cost)
        unit = crs_unit(areas.crs)
    else:
        v.require_unique_ids(areas.index, what="The areas")
        v.require_unique_ids(services.index, what="The services")
        i, j, c = _table_pairs(cost, pd.Index(areas.index.astype(str)), pd.Index(services.index.astype(str)), max_cost)
    if method == "gravity" and min_cost == 0 and (c == 0).any():
        raise ValidationError(
            "A gravity weight is infinite at cost 0: pass min_cost (e.g. the smallest area's radius)."
        )
    people = _amounts(demand, areas, "demand", "the areas")
    capacity = _amounts(supply, services, "supply", "the services")
    scores, ratio, _ = floating_catchment(i, j, weight(c), people.to_numpy(), capacity.to_numpy())
    return Accessibility(
        scores=pd.Series(scores, index=people.index, name="access_score"),
        ratio=pd.Series(ratio, index=capacity.index, name="ratio"),
        demand=people,
        reached=pd.Series(np.bincount(i, minlength=len(people)), index=people.index, name="services_reached"),
        method=method,
        max_cost=max_cost,
        unit=unit,
        weights=text,
    )
