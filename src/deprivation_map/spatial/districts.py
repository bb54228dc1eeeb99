"""Summaries of deprivation and its clusters for user-chosen districts (a grouping column or a second layer).

Small areas are where deprivation is measured; districts (municipalities, wards, health areas) are where
budgets are decided. Following the English Indices of Deprivation's district summaries, each district gets
the share of its population living in the most deprived tenth of all areas (extent), how deprived its most
deprived tenth of population is (local concentration), and how many people live in High-High clusters.
"""

from __future__ import annotations

from typing import Annotated, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .. import _validation as v
from ..errors import ValidationError, format_ids
from ..index.composite import rank_most_deprived
from . import labels as lab
from .lisa import Hotspots

__all__ = ["OVERLAPS", "UNASSIGNED", "assign_districts", "district_summary"]

UNASSIGNED = ("raise", "keep")
OVERLAPS = ("warn", "raise", "largest")


def _largest_share(areas: gpd.GeoSeries, hits: pd.DataFrame, districts: gpd.GeoDataFrame) -> pd.Series:
    """For areas in several districts: the district sharing the most of the area's surface (ties: smallest name)."""
    shared = shapely.area(
        shapely.intersection(areas.values[hits["area"].to_numpy()], districts.geometry.values[hits["row"].to_numpy()])
    )
    table = hits.assign(shared=shared).groupby(["area", "name"], as_index=False)["shared"].sum()
    table = table.sort_values(["area", "shared", "name"], ascending=[True, False, True], kind="stable")
    return table.drop_duplicates("area").set_index("area")["name"]


def _report_overlaps(ids: pd.Index, names: pd.DataFrame, policy: str) -> None:
    pairs = names.groupby("area")["name"].agg(lambda n: " / ".join(sorted(map(str, n))))
    examples = ", ".join(f"{ids[a]!r} ({d})" for a, d in pairs.head(5).items())
    v.raise_or_warn(
        f"{len(pairs)} areas lie in more than one district (their representative point is inside overlapping "
        f"district polygons): {examples}{', ...' if len(pairs) > 5 else ''}. "
        + (
            "Fix the districts layer, or pass overlaps='largest' to give each area the district sharing most "
            "of its surface."
            if policy == "raise"
            else "Each went to the district sharing most of its surface (ties: the first name in alphabetical "
            "order); pass overlaps='raise' to refuse, or overlaps='largest' to accept this silently."
        ),
        policy,
        stacklevel=4,
    )


def assign_districts(
    areas: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    *,
    name_col: str,
    unassigned: Literal["raise", "keep"] = "raise",
    overlaps: Literal["warn", "raise", "largest"] = "warn",
    on_crs_mismatch: Literal["raise", "reproject"] = "raise",
) -> pd.Series:
    r"""The district of each area: the district polygon containing the area's representative point.

    A representative point always lies inside its area, so an area split by a district boundary goes to the
    district holding a point of its interior (not its centroid, which can fall outside). Areas in no
    district raise (``unassigned="raise"``, naming them) or are put in the group ``"(unassigned)"``.

    Parameters
    ----------
    areas, districts : geopandas.GeoDataFrame
        The small areas (indexed by area ID) and the district polygons, with their names in ``name_col``
        (several rows of one name form one district).
    unassigned : {"raise", "keep"}
        Areas in no district: refused (default, naming them) or grouped as ``"(unassigned)"``.
    overlaps : {"warn", "raise", "largest"}
        Areas whose point lies in several districts (overlapping polygons). Each goes to the district with the
        largest shared surface, :math:`\arg\max_d |A \cap D_d|` (ties: the first name in alphabetical
        order), never to whichever row comes first; ``"warn"`` (default) says so naming a few, ``"largest"``
        does it silently, ``"raise"`` refuses.
    on_crs_mismatch : {"raise", "reproject"}
        Districts in another CRS than the areas: refused (default), or reprojected to the areas' CRS.

    Returns
    -------
    pandas.Series
        ``district`` by area ID, in the areas' order.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> halves = gdf.dissolve(by=gdf["Longitud"] > -83.5).reset_index(names="east")
    >>> assign_districts(gdf, halves, name_col="east").value_counts().sort_index().tolist()
    [88, 71]
    """
    v.choose(unassigned, UNASSIGNED, what="unassigned-areas policy")
    v.choose(overlaps, OVERLAPS, what="overlaps policy")
    v.require_columns(districts, [name_col], what="The districts layer")
    districts = v.same_crs(districts, areas.crs, on_crs_mismatch, what="The districts", other="the areas")
    points = areas.geometry.representative_point().values
    area, row = districts.sindex.query(points, predicate="within")
    hits = pd.DataFrame({"area": area, "row": row, "name": districts[name_col].to_numpy()[row]})
    names = hits.drop_duplicates(["area", "name"])
    several = names["area"].duplicated(keep=False)
    chosen = names[~several].set_index("area")["name"]
    if several.any():
        if overlaps != "largest":
            _report_overlaps(areas.index, names[several], overlaps)
        crowded = hits[hits["area"].isin(names.loc[several, "area"])]
        chosen = pd.concat([chosen, _largest_share(areas.geometry, crowded, districts)])
    out = pd.Series(chosen.reindex(np.arange(len(areas))).to_numpy(), index=areas.index, dtype=object)
    if out.isna().any() and unassigned == "raise":
        raise ValidationError(
            f"{int(out.isna().sum())} areas lie in no district: {format_ids(out.index[out.isna()])}. Check that "
            "both layers cover the same territory, or pass unassigned='keep' to group them as '(unassigned)'."
        )
    return out.fillna("(unassigned)").rename("district")


def _concentration(rank: np.ndarray, pop: np.ndarray) -> float:
    """Population-weighted mean national rank of the most deprived areas holding 10 % of the population."""
    order = np.argsort(rank, kind="stable")
    rank, pop = rank[order], pop[order]
    target = 0.1 * pop.sum()
    before = np.cumsum(pop) - pop
    take = np.clip(target - before, 0, pop)
    return float((rank * take).sum() / take.sum()) if take.sum() > 0 else np.nan


def _reason(scored: int, areas: int, people: float, coverage: float, min_coverage: float) -> str:
    """Why a district's extent is not reported (empty when it is)."""
    if scored == 0:
        return "no scored area"
    if not people > 0:
        return "its scored areas have no population"
    if coverage < min_coverage:
        return f"only {scored} of {areas} areas scored ({coverage:.0%} of the population, below min_coverage)"
    return ""


def district_summary(
    score: pd.Series,
    districts: pd.Series,
    *,
    population: pd.Series | None = None,
    hotspots: Hotspots | None = None,
    min_coverage: Annotated[float, v.Bounds(0, 1)] = 0.5,
) -> pd.DataFrame:
    r"""Deprivation and clusters per district.

    Parameters
    ----------
    score : pandas.Series
        The deprivation score by area ID, higher = more deprived; missing scores are left out of the ranking.
    districts : pandas.Series
        The district of each area, by area ID (a grouping column, or :func:`assign_districts` for a second
        boundary layer). Every scored area needs one.
    population : pandas.Series, optional
        Residents by area ID; without it every area counts as one person.
    hotspots : Hotspots, optional
        LISA results; adds the population in High-High clusters and the count of areas per label.
    min_coverage : float
        The share of a district's population living in scored areas below which its ``extent`` and
        ``local_concentration`` are not reported (NaN, with the ``reason``): a district with one scored area
        of five is not known to be 100 % deprived. Default 0.5; 0 reports them whenever one area is scored.

    Returns
    -------
    pandas.DataFrame
        One row per district: ``areas``, ``population``, ``areas_scored``, ``population_scored``, their
        shares ``coverage_areas`` and ``coverage_population``, ``extent`` (share of the population in the most
        deprived decile of all areas), ``local_concentration`` (population-weighted mean national rank,
        1 = most deprived, of its most deprived areas holding 10 % of its population),
        ``reason`` (why they are NaN: no scored area, or coverage below ``min_coverage``; empty otherwise),
        ``population_high_high`` and ``share_high_high``, and ``n_<label>`` per LISA label.

    Notes
    -----
    Coverage is :math:`\sum_{i \in d, \text{scored}} p_i / \sum_{i \in d} p_i` (``coverage_population``;
    every area counts as one person without ``population``). Areas are ranked over all scored areas, :math:`r_i = 1` for the most deprived; the most deprived decile
    is decile 1 of :func:`~deprivation_map.index.composite.rank_most_deprived`, :math:`\lceil 10 r_i / n \rceil = 1`, that is
    :math:`r_i \le n/10`. With the district's areas sorted by rank and :math:`P` its
    population, local concentration is :math:`\sum_i r_i t_i / \sum_i t_i` with
    :math:`t_i = \min(p_i, \max(0, 0.1P - \sum_{j<i} p_j))`, the population taken up to exactly :math:`0.1P`
    (the English Indices of Deprivation 2019 measure; the area straddling 10 % counts in part).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> half = (gdf["Longitud"] > -83.5).map({True: "east", False: "west"})
    >>> out = district_summary(gdf["PctPov"], half, population=gdf["TotPop90"])
    >>> out.loc[["east", "west"], "areas"].tolist()
    [71, 88]
    """
    ids = pd.Index(score.index.astype(str))
    score = score.set_axis(ids)
    group = v.align(districts, ids, what="The districts")
    pop = v.align(population, ids, what="The population") if population is not None else pd.Series(1.0, index=ids)
    if group.isna().any():
        raise ValidationError(f"{int(group.isna().sum())} areas have no district: {format_ids(ids[group.isna()])}.")
    min_coverage = v.Bounds(0, 1).check(min_coverage, what="min_coverage (a share of the population)")
    ranks = rank_most_deprived(score)  # the library's one definition of rank and decile (IMD's)
    frame = pd.DataFrame(
        {
            "district": group,
            "pop": pop.astype(float),
            "rank": ranks["rank"].astype("float64"),
            "top": ranks["decile"] == 1,
        }
    )
    rows = {}
    for name, part in frame.groupby("district", sort=True):
        known = part[part["rank"].notna()]
        total, scored = part["pop"].sum(), known["pop"].sum()
        coverage = scored / total if total > 0 else float(len(known) > 0)
        reason = _reason(len(known), len(part), scored, coverage, min_coverage)
        rows[name] = {
            "areas": len(part),
            "population": total,
            "areas_scored": len(known),
            "population_scored": scored,
            "coverage_areas": len(known) / len(part),
            "coverage_population": coverage,
            "extent": np.nan if reason else known.loc[known["top"].astype(bool), "pop"].sum() / scored,
            "local_concentration": np.nan
            if reason
            else _concentration(known["rank"].to_numpy(), known["pop"].to_numpy()),
            "reason": reason,
        }
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("district")
    if hotspots is not None:
        labels = v.align(hotspots.labels, ids, what="The hotspots").astype(str)
        high = frame["pop"].where(labels == lab.HIGH_HIGH, 0.0).groupby(frame["district"]).sum()
        out["population_high_high"] = high
        out["share_high_high"] = (high / out["population"]).where(out["population"] > 0)
        counts = pd.crosstab(frame["district"], labels).reindex(columns=list(lab.LISA_LABELS), fill_value=0)
        out = out.join(counts.add_prefix("n_"))
    return out
