"""Joining indicator tables to boundaries by area ID, with a full audit.

:func:`check_join` says what a join would do before it is done; :func:`join_indicators` does it under an
explicit policy for unmatched IDs. Nothing is dropped, reordered or guessed without it being reported.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr, id_list
from ..errors import DeprivationMapWarning, JoinError, format_ids

__all__ = ["JoinReport", "check_join", "join_indicators", "repair_keys"]

ON_UNMATCHED = ("raise", "warn", "keep", "drop")
KEYS = ("normalise", "exact")
STATUSES = ("matched", "missing_data", "no_boundary")


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
        Table keys that matched an area only once normalised (original key -> area ID); see
        :func:`repair_keys`. Every other field counts keys after these repairs.
    ambiguous : Mapping[str, tuple of str]
        Table keys that normalise to more than one area ID, left unrepaired (they count as ``no_boundary``).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> areas, table = dm.datasets.load_toy()
    >>> report = dm.check_join(areas, table)
    >>> report
    JoinReport(areas=13, rows=13, matched=12, missing_data=1, no_boundary=1, duplicates=0, repairs=0)
    >>> list(report.missing_data), list(report.no_boundary), report.complete  # area 012 has no row; row 099 no area
    (['012'], ['099'], False)
    >>> print(report.summary())
    12 of 13 areas matched 13 table rows
      1 areas without data: '012'
      1 table rows without an area: '099'
    """

    matched: pd.Index
    missing_data: pd.Index
    no_boundary: pd.Index
    duplicates: pd.Index
    n_areas: int
    n_rows: int
    repairs: Mapping[str, str] = field(default_factory=dict)
    ambiguous: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every area has exactly one row and every row has an area."""
        return not (len(self.missing_data) or len(self.no_boundary) or len(self.duplicates))

    def to_frame(self) -> pd.DataFrame:
        """The audit, one row per area and per table key without an area (in that order), to save or filter.

        Columns: ``status`` (``"matched"``, ``"missing_data"`` or ``"no_boundary"``), ``duplicated`` (the key
        is on several table rows) and ``repaired_from`` (the table keys repaired to it, else empty).

        Examples
        --------
        >>> import deprivation_map as dm
        >>> areas, table = dm.datasets.load_toy()
        >>> dm.check_join(areas, table).to_frame()["status"].value_counts().to_dict()
        {'matched': 12, 'missing_data': 1, 'no_boundary': 1}
        """
        groups = (self.matched, self.missing_data, self.no_boundary)  # in the order of STATUSES
        ids = groups[0].append(list(groups[1:]))
        status = np.repeat(STATUSES, [len(g) for g in groups])
        origins = pd.Series(list(self.repairs), index=list(self.repairs.values()), dtype=object)
        repaired_from = origins.groupby(level=0).agg(", ".join) if len(origins) else pd.Series(dtype=object)
        frame = pd.DataFrame(
            {"status": status, "duplicated": _isin(ids, self.duplicates)}, index=pd.Index(ids, name="id")
        )
        frame["repaired_from"] = repaired_from.reindex(frame.index).fillna("").to_numpy()
        return frame

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        frame = frame.iloc[np.argsort(frame["status"].to_numpy() == "matched", kind="stable")]  # problems first
        return html_repr(
            self,
            {
                "areas": self.n_areas,
                "table rows": self.n_rows,
                "complete": self.complete,
                "areas without data": id_list(self.missing_data),
                "table rows without an area": id_list(self.no_boundary),
                "IDs repeated in the table": id_list(self.duplicates),
                "keys repaired": len(self.repairs),
                "ambiguous keys (not repaired)": id_list(self.ambiguous),
            },
            counts=frame["status"].value_counts().reindex(STATUSES, fill_value=0),
            counts_caption="IDs per status",
            counts_head=("status", "IDs"),
            frame=frame,
            frame_caption="to_frame(), unmatched first",
        )

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
        if self.repairs:
            kinds = pd.Series([_repair_kind(k, r) for k, r in self.repairs.items()]).value_counts()
            how = ", ".join(f"{kind} {n}" for kind, n in kinds.items())
            examples = ", ".join(f"{k!r} -> {r!r}" for k, r in list(self.repairs.items())[:3])
            lines.append(f"  {len(self.repairs)} table keys repaired ({how}): {examples}")
        if self.ambiguous:
            lines.append(
                f"  {len(self.ambiguous)} table keys match several areas once normalised, not repaired: "
                f"{format_ids(self.ambiguous)}"
            )
        return "\n".join(lines)


def _string_index(index: pd.Index, *, what: str) -> pd.Index:
    return pd.Index(v.ids_as_strings(index.to_series(), what=what).to_numpy(), name=index.name)


def _id_column_hint(frame: pd.DataFrame, areas: pd.Index) -> str:
    """The column of ``frame`` holding the most of the ``areas`` IDs, as a hint, or a generic one."""
    best, hits = None, 0
    for col in frame.columns:
        dtype = frame[col].dtype
        if not (pd.api.types.is_string_dtype(dtype) or pd.api.types.is_integer_dtype(dtype)):
            continue
        found = int(_isin(frame[col].dropna().astype(str).unique(), areas).sum())
        if found > hits:
            best, hits = col, found
    if best is None:
        return "table.set_index('<code column>')"
    return f"table.set_index({best!r}) (column {best!r} holds {hits} of the {len(areas)} area IDs)"


def _require_id_index(frame: pd.DataFrame, *, what: str, areas: pd.Index | None = None) -> None:
    """Refuse a frame indexed by row position: joined, its rows would be paired with areas by position."""
    fix = _id_column_hint(frame, areas) if areas is not None else "frame.set_index('<code column>')"
    v.require_id_index(
        frame.index,
        what=what,
        fix=f"Index it by its code column: {fix}, or read it with read_indicators(path, id_col=...).",
        error=JoinError,
    )


def _isin(values: pd.Index, others: pd.Index) -> np.ndarray:
    """``values.isin(others)`` through a hash table of Python strings.

    pandas 3's Arrow-string ``isin`` builds one Arrow scalar per value (0.3 s for 100,000 IDs; this takes 0.02 s).
    """
    return pd.Index(np.asarray(values, dtype=object), dtype=object).isin(np.asarray(others, dtype=object))


def _canonical(keys: pd.Index) -> pd.Index:
    """Keys as compared once normalised: Unicode NFC, trimmed, case-folded, all-digit keys without leading zeros."""
    text = keys.str.normalize("NFC").str.strip().str.casefold()
    digits = text.str.fullmatch(r"\d+")
    return pd.Index(np.where(digits, text.str.lstrip("0").str.pad(1, fillchar="0"), text))


def _repair_kind(original: str, repaired: str) -> str:
    if unicodedata.normalize("NFC", original) == unicodedata.normalize("NFC", repaired) != original:
        return "Unicode normalisation"
    trimmed = original.strip()
    if trimmed == repaired:
        return "whitespace"
    if trimmed.isdigit() and trimmed.lstrip("0") == repaired.lstrip("0"):
        return "leading zeros"
    return "case"


def repair_keys(areas: pd.Index, keys: pd.Index) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Match table keys that are not area IDs to the one area ID they equal once normalised.

    Normalising composes accented letters (Unicode NFC: ``"i" + combining acute`` as written by macOS
    equals ``"í"``), trims whitespace, ignores case, and compares all-digit codes without their leading
    zeros, so a code that lost its zeros in a spreadsheet (``801901001``) finds its area
    (``0801901001``), padded to that area's width. A key is repaired only when exactly one area
    matches; keys matching several are returned as ambiguous. Keys that are already area IDs are untouched.

    Returns
    -------
    repairs : dict
        original key -> area ID.
    ambiguous : dict
        original key -> the area IDs it could be.

    Examples
    --------
    >>> areas = pd.Index(["0801901001", "0801901002", "E01000001"])
    >>> repair_keys(areas, pd.Index(["801901001", " 0801901002", "e01000001", "0801901002"]))
    ({'801901001': '0801901001', ' 0801901002': '0801901002', 'e01000001': 'E01000001'}, {})
    """
    unmatched = keys[~_isin(keys, areas)].unique()
    if unmatched.empty:
        return {}, {}
    by_canon = pd.Series(areas.to_numpy(), index=_canonical(areas))
    shared = by_canon.index.duplicated(keep=False)
    found = by_canon[~shared].reindex(_canonical(unmatched)).to_numpy()
    hit = pd.notna(found)
    repairs = dict(zip(unmatched[hit].astype(str), found[hit], strict=True))
    several = by_canon[shared]
    in_several = _isin(_canonical(unmatched), several.index)
    ambiguous = {
        str(k): tuple(several[[c]])
        for k, c in zip(unmatched[in_several], _canonical(unmatched[in_several]), strict=True)
    }
    return repairs, ambiguous


def check_join(boundaries: gpd.GeoDataFrame, table: pd.DataFrame, *, keys: str = "normalise") -> JoinReport:
    """Audit the join of ``table`` to ``boundaries`` by index (area ID) without joining.

    Parameters
    ----------
    boundaries : geopandas.GeoDataFrame
        Indexed by area ID.
    table : pandas.DataFrame
        Indexed by area ID.
    keys : {"normalise", "exact"}
        ``"normalise"`` (default) repairs table keys that match exactly one area once Unicode composition
        (NFC against NFD), whitespace, case and lost leading zeros are set aside (:func:`repair_keys`), and reports every repair in ``repairs``;
        ``"exact"`` matches keys as they are.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> areas, table = dm.datasets.load_toy()
    >>> dm.check_join(areas, table)
    JoinReport(areas=13, rows=13, matched=12, missing_data=1, no_boundary=1, duplicates=0, repairs=0)
    """
    return _check(boundaries, table, keys)[0]


def _check(boundaries: gpd.GeoDataFrame, table: pd.DataFrame, keys: str) -> tuple[JoinReport, pd.Index]:
    """The report and the table's index after repairs."""
    v.choose(keys, KEYS, what="keys policy")
    _require_id_index(boundaries, what="The boundaries frame")
    areas = _string_index(boundaries.index, what="Boundaries index")
    _require_id_index(table, what="The indicator table", areas=areas)
    v.require_unique_ids(areas, what="Boundaries")
    original = _string_index(table.index, what="Indicator table index")
    repairs, ambiguous = repair_keys(areas, original) if keys == "normalise" else ({}, {})
    if repairs:
        as_series = original.to_series()
        repaired = pd.Index(as_series.map(repairs).fillna(as_series).to_numpy(), name=original.name)
    else:
        repaired = original
    has_row = _isin(areas, repaired)
    report = JoinReport(
        matched=areas[has_row],
        missing_data=areas[~has_row],
        no_boundary=repaired[~_isin(repaired, areas)].unique(),
        duplicates=repaired[repaired.duplicated()].unique(),
        n_areas=len(areas),
        n_rows=len(repaired),
        repairs=repairs,
        ambiguous=ambiguous,
    )
    return report, repaired


def _unmatched_message(report: JoinReport, position: int) -> str:
    parts = []
    if len(report.missing_data):
        parts.append(f"{len(report.missing_data)} areas have no row ({format_ids(report.missing_data)})")
    if len(report.no_boundary):
        parts.append(f"{len(report.no_boundary)} rows have no area ({format_ids(report.no_boundary)})")
    return f"Indicator table {position}: " + "; ".join(parts)


def _check_columns(boundaries: pd.DataFrame, tables: tuple[pd.DataFrame, ...]) -> None:
    seen = dict.fromkeys(boundaries.columns, "the boundaries")
    for position, table in enumerate(tables, start=1):
        for col in table.columns:
            if col in seen:
                raise JoinError(
                    f"Column {col!r} is in both {seen[col]} and indicator table {position}; a join would have to "
                    "guess which to keep. Rename or drop one of them before joining."
                )
            seen[col] = f"indicator table {position}"


def join_with_reports(
    boundaries: gpd.GeoDataFrame, tables: tuple[pd.DataFrame, ...], on_unmatched: str, keys: str = "normalise"
) -> tuple[gpd.GeoDataFrame, list[JoinReport]]:
    v.choose(on_unmatched, ON_UNMATCHED, what="on_unmatched policy")
    if not tables:
        raise JoinError("join_indicators needs at least one indicator table after the boundaries.")
    _check_columns(boundaries, tables)
    checked = [_check(boundaries, table, keys) for table in tables]
    reports = [report for report, _ in checked]
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
        warnings.warn(
            "; ".join(unmatched) + ". Areas without a row are kept as no data.", DeprivationMapWarning, stacklevel=3
        )
    areas = _string_index(boundaries.index, what="Boundaries index")
    joined = boundaries.set_axis(areas)
    for table, (_, repaired) in zip(tables, checked, strict=True):
        joined = joined.join(table.set_axis(repaired), how="left")
    if on_unmatched == "drop":
        joined = joined.loc[np.logical_and.reduce([_isin(areas, r.matched) for r in reports])]
    return joined, reports


def join_indicators(
    boundaries: gpd.GeoDataFrame, *tables: pd.DataFrame, on_unmatched: str = "raise", keys: str = "normalise"
) -> gpd.GeoDataFrame:
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
    keys : {"normalise", "exact"}
        How table keys are matched to area IDs (see :func:`check_join`); repairs are listed by
        :func:`check_join` and never produce a guess: a key matching several areas is left unmatched.

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
    return join_with_reports(boundaries, tables, on_unmatched, keys)[0]
