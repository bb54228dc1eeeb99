"""Areal interpolation: indicators moved from one boundary vintage to another (tobler, imported lazily)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ... import _validation as v
from ...errors import ValidationError, format_ids
from ._common import require, same_crs

__all__ = ["ON_UNCOVERED", "interpolate_areas"]

ON_UNCOVERED = ("raise", "keep")


def _overlapped(sources: np.ndarray, target: gpd.GeoDataFrame) -> np.ndarray:
    """Positions of the targets some source overlaps with a positive area (touching edges do not count)."""
    src, tgt = target.sindex.query(sources, predicate="intersects")
    shared = shapely.area(shapely.intersection(sources[src], target.geometry.to_numpy()[tgt]))
    return np.unique(tgt[shared > 0])


def interpolate_areas(
    source: gpd.GeoDataFrame,
    target: gpd.GeoDataFrame,
    *,
    extensive: Sequence[str] = (),
    intensive: Sequence[str] = (),
    on_crs_mismatch: str = "raise",
    on_uncovered: str = "raise",
) -> pd.DataFrame:
    r"""Estimate indicators of the ``target`` areas from those of overlapping ``source`` areas.

    Parameters
    ----------
    source : geopandas.GeoDataFrame
        The areas the values belong to (another census vintage), with the columns to move.
    target : geopandas.GeoDataFrame
        The areas to estimate, indexed by area ID.
    extensive : sequence of str
        Counts and totals (population, cases): split in proportion to the area of each piece, so totals
        are kept.
    intensive : sequence of str
        Rates, shares and means (percent in poverty): averaged over the pieces, weighted by their area.
    on_crs_mismatch : {"raise", "reproject"}
        When the source's CRS is not the target's: raise (default) or reproject the source.
    on_uncovered : {"raise", "keep"}
        Target areas that no source area overlaps: raise naming them (default), or keep them with missing
        values (tobler itself would give them 0).

    Returns
    -------
    pandas.DataFrame
        Indexed by the target's IDs, in their order, one column per variable.

    Notes
    -----
    Computed by :func:`tobler.area_weighted.area_interpolate` (``allocate_total=True``). With
    :math:`a_{ij}` the area of the intersection of source :math:`i` and target :math:`j`:

    - extensive: :math:`\hat v_j = \sum_i v_i \, a_{ij} / \sum_k a_{ik}` (each source total is shared out
      over the targets it overlaps, so :math:`\sum_j \hat v_j = \sum_i v_i` when the targets cover the sources);
    - intensive: :math:`\hat v_j = \sum_i v_i \, a_{ij} / \sum_k a_{kj}` (area-weighted mean over the part of
      :math:`j` that sources cover).

    Both assume values spread evenly over each source area. Areas need a projected CRS (areas in degrees
    are refused), ideally an equal-area one. Missing source values are refused: tobler would read them as 0.

    Examples
    --------
    Georgia's 1990 county populations moved onto a 2 x 2 grid covering the state keep their total:

    >>> import geopandas as gpd, deprivation_map as dm
    >>> from shapely.geometry import box
    >>> from deprivation_map.io.sources import interpolate_areas
    >>> counties = dm.datasets.load_georgia()
    >>> x0, y0, x1, y1 = counties.total_bounds
    >>> xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
    >>> cells = [box(x0, y0, xm, ym), box(xm, y0, x1, ym), box(x0, ym, xm, y1), box(xm, ym, x1, y1)]
    >>> grid = gpd.GeoDataFrame(geometry=cells, index=["SW", "SE", "NW", "NE"], crs=counties.crs)
    >>> out = interpolate_areas(counties, grid, extensive=["TotPop90"], intensive=["PctPov"])
    >>> bool(round(out["TotPop90"].sum()) == counties["TotPop90"].sum())
    True
    """
    require("tobler")
    from tobler.area_weighted import area_interpolate

    v.choose(on_uncovered, ON_UNCOVERED, what="on_uncovered policy")
    columns = [*extensive, *intensive]
    if not columns:
        raise ValidationError(
            "Name the variables to interpolate: extensive=[...] (counts) and/or intensive=[...] (rates)."
        )
    v.require_columns(source, columns, what="The source areas")
    v.require_numeric(source, columns, what="The source areas")
    v.require_crs(target, what="The target areas")
    source = same_crs(source, target.crs, on_crs_mismatch, what="Source areas", other="the target areas")
    if target.crs.is_geographic:
        raise ValidationError(
            f"The areas are in a geographic CRS ({target.crs.name}); areas in square degrees would distort the "
            "weights. Reproject both to a projected, ideally equal-area, CRS (e.g. target.to_crs('EPSG:3035'))."
        )
    missing = source[columns].isna().any(axis=1)
    if missing.any():
        raise ValidationError(
            f"{int(missing.sum())} source areas have missing values in {format_ids(columns)}: "
            f"{format_ids(source.index[missing.to_numpy()])}. Fill or remove them first (tobler would count them as 0)."
        )
    src = gpd.GeoDataFrame(source[columns].astype(float), geometry=source.geometry.to_numpy(), crs=source.crs)
    tgt = gpd.GeoDataFrame(geometry=target.geometry.to_numpy(), crs=target.crs, index=target.index)
    estimates = area_interpolate(
        src, tgt, extensive_variables=list(extensive) or None, intensive_variables=list(intensive) or None
    )
    out = pd.DataFrame(estimates[columns]).set_axis(target.index)
    uncovered = ~np.isin(np.arange(len(tgt)), _overlapped(src.geometry.to_numpy(), tgt))
    if uncovered.any() and on_uncovered == "raise":
        raise ValidationError(
            f"{int(uncovered.sum())} target areas overlap no source area: {format_ids(target.index[uncovered])}. "
            "Check both cover the same territory, or pass on_uncovered='keep' to give them missing values."
        )
    out.loc[uncovered] = np.nan
    return out
