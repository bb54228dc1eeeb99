"""Point records counted per area, with rates per population and small counts suppressed."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import _validation as v
from ...errors import DeprivationMapWarning, ValidationError, format_ids
from ._common import same_crs

__all__ = ["ON_OUTSIDE", "count_points"]

ON_OUTSIDE = ("raise", "warn")


def _area_of_each_point(areas: gpd.GeoSeries, points: gpd.GeoSeries) -> np.ndarray:
    """The position of the area holding each point (-1: none).

    A point on an edge shared by several areas goes to the one whose ID sorts first, so the counts do not
    depend on the order of the rows.
    """
    pairs = shapely.STRtree(areas.to_numpy()).query(points.to_numpy(), predicate="intersects")
    by_id = np.argsort(areas.index.to_numpy(dtype=str), kind="stable")  # rank -> position
    rank = np.empty(len(areas), dtype=np.int64)
    rank[by_id] = np.arange(len(areas))
    holder = np.full(len(points), len(areas), dtype=np.int64)
    np.minimum.at(holder, pairs[0], rank[pairs[1]])
    found = holder < len(areas)
    out = np.full(len(points), -1, dtype=np.int64)
    out[found] = by_id[holder[found]]
    return out


def _population(areas: gpd.GeoDataFrame, population: str | pd.Series) -> pd.Series:
    if isinstance(population, str):
        v.require_columns(areas, [population], what="Areas")
        values = areas[population]
    else:
        values = population.set_axis(population.index.astype(str))
        v.require_unique_ids(values.index, what="The population")
        missing = areas.index.difference(values.index)
        if len(missing):
            raise ValidationError(f"The population has no value for {len(missing)} areas: {format_ids(missing)}.")
        values = values.reindex(areas.index)
    values = pd.to_numeric(values, errors="coerce")
    bad = values.isna() | ~(values > 0)
    if bad.any():
        raise ValidationError(
            f"A rate needs a positive population in every area, but {int(bad.sum())} areas have none: "
            f"{format_ids(values.index[bad.to_numpy()])}. Fix the population or compute counts only (population=None)."
        )
    return values.astype(float)


def count_points(
    areas: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    population: str | pd.Series | None = None,
    per: float = 1000,
    threshold: int = 10,
    name: str = "points",
    on_crs_mismatch: str = "raise",
    on_outside: str = "raise",
) -> pd.DataFrame:
    r"""Count point records per area, with rates, suppressing every count below ``threshold``.

    Parameters
    ----------
    areas : geopandas.GeoDataFrame
        Indexed by area ID.
    points : geopandas.GeoDataFrame or GeoSeries
        One point per record (a geocoded service user, a case).
    population : str or pandas.Series, optional
        A column of ``areas``, or a Series indexed by area ID, holding the population for rates. Every
        area needs a positive value.
    per : float
        Rates are per this many people (default 1,000).
    threshold : int
        Counts below it (0 included) are suppressed: the count and its rate become missing and the area is
        flagged, so no small count leaves the library. At least 1; default 10.
    name : str
        Prefix of the columns.
    on_crs_mismatch : {"raise", "reproject"}
        When the points' CRS is not the areas': raise (default), or reproject the points.
    on_outside : {"raise", "warn"}
        Points in no area (or without a geometry): raise counting and naming them (default), or warn.

    Returns
    -------
    pandas.DataFrame
        Indexed by the areas' IDs, in their order: ``{name}_count`` (nullable integer), ``{name}_rate``
        (with ``population``) and ``{name}_suppressed`` (bool).

    Notes
    -----
    A point on the edge shared by two areas (or a vertex shared by several) is counted once, in the area whose
    ID sorts first (as text), so the counts do not depend on the order of the rows.
    The rate of area :math:`j` is :math:`n_j / P_j \times` ``per``. Suppression is primary only: whoever
    also publishes the total of the counts can recover a single suppressed cell from it.

    Examples
    --------
    >>> import geopandas as gpd, deprivation_map as dm
    >>> from deprivation_map.io.sources import count_points
    >>> georgia = dm.datasets.load_georgia()
    >>> users = gpd.GeoDataFrame(geometry=georgia.representative_point().repeat([12] + [3] * 158).to_numpy(), crs=georgia.crs)
    >>> out = count_points(georgia, users, population="TotPop90", per=10_000)
    >>> out.iloc[:2]  # doctest: +NORMALIZE_WHITESPACE
             points_count  points_rate  points_suppressed
    AreaKey
    13001              12     7.621951              False
    13003            <NA>          NaN               True
    """
    threshold = v.require_int(threshold, what="threshold", minimum=1)
    v.choose(on_outside, ON_OUTSIDE, what="on_outside policy")
    points = points if isinstance(points, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=points)
    points = same_crs(points, areas.crs, on_crs_mismatch, what="Points", other="the areas")
    holder = _area_of_each_point(areas.geometry, points.geometry)
    outside = holder < 0
    if outside.any():
        message = (
            f"{int(outside.sum())} of {len(points)} points are in no area (or have no geometry): "
            f"{format_ids(points.index[outside])}."
        )
        if on_outside == "raise":
            raise ValidationError(message + " Check their CRS and coordinates, or pass on_outside='warn'.")
        warnings.warn(message + " They are not counted.", DeprivationMapWarning, stacklevel=2)
    counts = np.bincount(holder[~outside], minlength=len(areas))
    suppressed = counts < threshold
    out = pd.DataFrame({f"{name}_count": pd.array(counts, dtype="Int64")}, index=areas.index)
    if population is not None:
        out[f"{name}_rate"] = counts / _population(areas, population).to_numpy() * per
    out.loc[suppressed, out.columns] = pd.NA
    out[f"{name}_suppressed"] = suppressed
    return out
