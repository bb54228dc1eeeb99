"""Joining indicator tables to boundaries by area ID, with a full audit.

:func:`check_join` says what a join would do before it is done; :func:`join_indicators` does it under an
explicit policy for unmatched IDs. Nothing is dropped, reordered or guessed without it being reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _validation as v
from .errors import DeprivationMapWarning, JoinError, format_ids

__all__ = ["JoinReport", "check_join", "join_indicators"]

ON_UNMATCHED = ("raise", "warn", "keep", "drop")


@dataclass(frozen=True, eq=False)
class JoinReport:
    """What joining one indicator table to the boundaries matches, and what it does not.

    Attributes
    ----------
    matched : pandas.Index
        Area IDs present in both, in the boundaries' order.
    missing_data : pandas.Index
        Areas with no row in the table (they become "no data" under ``on_unmatched="keep"``).
    no_boundary : pandas.Index
        Table rows whose ID names no area.
    duplicates : pandas.Index
        IDs that appear more than once in the table.
    repairs : Mapping[str, str]
        Keys that were normalised to match (original key -> repaired key).
    """

    matched: pd.Index
    missing_data: pd.Index
    no_boundary: pd.Index
    duplicates: pd.Index
    n_areas: int
    n_rows: int
    repairs: Mapping[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every area has exactly one row and every row has an area."""
        return not (len(self.missing_data) or len(self.no_boundary) or len(self.duplicates))

    def __repr__(self) -> str:
        return (
            f"JoinReport(areas={self.n_areas}, rows={self.n_rows}, matched={len(self.matched)}, "
            f"missing_data={len(self.missing_data)}, no_boundary={len(self.no_boundary)}, "
            f"duplicates={len(self.duplicates)}, repairs={len(self.repairs)})"
        )

    def summary(self) -> str:
        """A few lines for people: the counts, with example IDs for anything unmatched."""
        lines = [f"{len(self.matched)} of {self.n_areas} areas matched {self.n_rows} table rows"]
        for label, ids in (
            ("areas without data", self.missing_data),
            ("table rows without an area", self.no_boundary),
            ("IDs repeated in the table", self.duplicates),
        ):
            if len(ids):
                lines.append(f"  {len(ids)} {label}: {format_ids(ids)}")
        return "\n".join(lines)


def _string_index(index: pd.Index, *, what: str) -> pd.Index:
    return pd.Index(v.ids_as_strings(index.to_series(), what=what).to_numpy(), name=index.name)


def check_join(boundaries: gpd.GeoDataFrame, table: pd.DataFrame) -> JoinReport:
    """Audit the join of ``table`` to ``boundaries`` by index (area ID) without joining.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> areas, table = dm.datasets.load_toy()
    >>> dm.check_join(areas, table)
    JoinReport(areas=13, rows=13, matched=12, missing_data=1, no_boundary=1, duplicates=0, repairs=0)
    """
    areas = _string_index(boundaries.index, what="Boundaries index")
    v.require_unique_ids(areas, what="Boundaries")
    keys = _string_index(table.index, what="Indicator table index")
    return JoinReport(
        matched=areas[areas.isin(keys)],
        missing_data=areas[~areas.isin(keys)],
        no_boundary=keys[~keys.isin(areas)].unique(),
        duplicates=keys[keys.duplicated()].unique(),
        n_areas=len(areas),
        n_rows=len(keys),
    )


def _unmatched_message(report: JoinReport, position: int) -> str:
    parts = []
    if len(report.missing_data):
        parts.append(f"{len(report.missing_data)} areas have no row ({format_ids(report.missing_data)})")
    if len(report.no_boundary):
        parts.append(f"{len(report.no_boundary)} rows have no area ({format_ids(report.no_boundary)})")
    return f"Indicator table {position}: " + "; ".join(parts)


def _check_columns(boundaries: pd.DataFrame, tables: tuple[pd.DataFrame, ...]) -> None:
    seen = {c: "the boundaries" for c in boundaries.columns}
    for position, table in enumerate(tables, start=1):
        for col in table.columns:
            if col in seen:
                raise JoinError(
                    f"Column {col!r} is in both {seen[col]} and indicator table {position}; a join would have to "
                    "guess which to keep. Rename or drop one of them before joining."
                )
            seen[col] = f"indicator table {position}"


def _join(boundaries: gpd.GeoDataFrame, tables: tuple[pd.DataFrame, ...], on_unmatched: str) -> tuple[gpd.GeoDataFrame, list[JoinReport]]:
    v.choose(on_unmatched, ON_UNMATCHED, what="on_unmatched policy")
    if not tables:
        raise JoinError("join_indicators needs at least one indicator table after the boundaries.")
    _check_columns(boundaries, tables)
    reports = [check_join(boundaries, table) for table in tables]
    for position, report in enumerate(reports, start=1):
        if len(report.duplicates):
            raise JoinError(
                f"Indicator table {position} has {len(report.duplicates)} IDs on more than one row: "
                f"{format_ids(report.duplicates)}. Keep one row per area (aggregate or remove the repeats)."
            )
    unmatched = [_unmatched_message(r, p) for p, r in enumerate(reports, start=1) if not r.complete]
    if unmatched and on_unmatched == "raise":
        raise JoinError(
            "; ".join(unmatched) + ". Fix the IDs, or choose a policy: on_unmatched='keep' keeps every area "
            "(those without a row become no data), 'drop' removes them, 'warn' keeps them with a warning."
        )
    if unmatched and on_unmatched == "warn":
        warnings.warn("; ".join(unmatched) + ". Areas without a row are kept as no data.", DeprivationMapWarning, stacklevel=3)
    areas = _string_index(boundaries.index, what="Boundaries index")
    joined = boundaries.set_axis(areas)
    for table in tables:
        table = table.set_axis(_string_index(table.index, what="Indicator table index"))
        joined = joined.join(table, how="left")
    if on_unmatched == "drop":
        joined = joined.loc[np.logical_and.reduce([areas.isin(r.matched) for r in reports])]
    return joined, reports


def join_indicators(boundaries: gpd.GeoDataFrame, *tables: pd.DataFrame, on_unmatched: str = "raise") -> gpd.GeoDataFrame:
    """Join one or more indicator tables to the boundaries by area ID.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Indexed by area ID (as :func:`read_boundaries` returns it).
    *tables : pandas.DataFrame
        Indexed by area ID (as :func:`read_indicators` returns them). A column present in two inputs is refused.
    on_unmatched : {"raise", "warn", "keep", "drop"}
        What to do when an area has no row or a row has no area. ``"raise"`` (default) raises
        :class:`~deprivation_map.errors.JoinError` counting and naming them; ``"keep"`` keeps every area,
        those without a row holding missing values; ``"warn"`` does the same with a warning; ``"drop"``
        removes areas without a row. Rows without an area are never in the output (they have no geometry);
        :func:`check_join` lists them.

    Returns
    -------
    geopandas.GeoDataFrame
        The boundaries, in their order, with the tables' columns.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> areas, table = dm.datasets.load_toy()
    >>> gdf = dm.join_indicators(areas, table, on_unmatched="keep")
    >>> len(gdf) == len(areas), gdf.index.equals(areas.index)
    (True, True)
    """
    return _join(boundaries, tables, on_unmatched)[0]
