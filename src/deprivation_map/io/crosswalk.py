"""Crosswalks: how the areas of one boundary vintage became those of the next.

A crosswalk is a table of (old code, new code) pairs, each with the share of the old area that went to the new
one and its change type as national statistics offices publish them (ONS's ``CHGIND``): ``"U"`` unchanged,
``"S"`` split (one old area into several new ones), ``"M"`` merged (several old areas into one new one) and
``"X"`` complex (many to many). It is read from a published lookup (:func:`crosswalk_from_lookup`) or derived
from the two boundary sets by overlay (:func:`crosswalk_from_boundaries`), and used by
:func:`~deprivation_map.io.harmonisation.harmonise` to carry values across.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids

__all__ = ["CHANGE_TYPES", "Crosswalk", "crosswalk_from_boundaries", "crosswalk_from_lookup"]

CHANGE_TYPES: dict[str, str] = {"U": "unchanged", "S": "split", "M": "merged", "X": "complex"}
"""ONS's change indicator codes and their meaning."""


@dataclass(frozen=True, eq=False)
class Crosswalk:
    """Old -> new area pairs with their share and change type.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns ``old``, ``new`` (text codes), ``change`` (``"U"``, ``"S"``, ``"M"``, ``"X"``), ``share`` (the
        part of the old area's counts that goes to the new one; the shares of each old area sum to 1) and,
        when derived from boundaries, ``area`` (the area of the piece, in the CRS's units squared).
    source : str
        Where it came from (``"lookup"`` or ``"boundaries"``).

    Examples
    --------
    >>> import pandas as pd
    >>> lookup = pd.DataFrame({"old": ["a", "b", "b", "c", "d"], "new": ["A", "B1", "B2", "CD", "CD"]})
    >>> cw = crosswalk_from_lookup(lookup, old="old", new="new")
    >>> cw.table["change"].tolist(), cw.table["share"].tolist()
    (['U', 'S', 'S', 'M', 'M'], [1.0, 0.5, 0.5, 1.0, 1.0])
    >>> cw.counts().to_dict()
    {'unchanged old': 1, 'unchanged new': 1, 'split old': 1, 'split new': 2, 'merged old': 2, 'merged new': 1, 'complex old': 0, 'complex new': 0}
    """

    table: pd.DataFrame
    source: str

    @property
    def old(self) -> pd.Index:
        """The old codes, once each, in the table's order."""
        return pd.Index(self.table["old"].unique())

    @property
    def new(self) -> pd.Index:
        """The new codes, once each, in the table's order."""
        return pd.Index(self.table["new"].unique())

    def counts(self) -> pd.Series:
        """How many old and new areas each change type concerns."""
        out = {}
        for code, name in CHANGE_TYPES.items():
            rows = self.table[self.table["change"] == code]
            out[f"{name} old"] = rows["old"].nunique()
            out[f"{name} new"] = rows["new"].nunique()
        return pd.Series(out, name="areas")

    def to_frame(self) -> pd.DataFrame:
        """The table itself (a copy)."""
        return self.table.copy()

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"Crosswalk({len(self.old)} old -> {len(self.new)} new areas from {self.source}: "
            f"{c['unchanged old']} unchanged, {c['split old']} split, {c['merged new']} merged, "
            f"{c['complex old']} complex)"
        )

    def _repr_html_(self) -> str:
        return html_repr(
            self,
            {"source": self.source, "old areas": len(self.old), "new areas": len(self.new)},
            frame=self.to_frame(),
            counts=self.counts(),
            counts_head=("change", "areas"),
        )


def change_types(old: pd.Series, new: pd.Series) -> np.ndarray:
    """The change type of each (old, new) pair, from how many partners each side has.

    ``U`` where both codes appear once; ``S`` where the old code has several new ones, each coming only from
    it; ``M`` where the new code has several old ones, each going only to it; ``X`` otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> change_types(pd.Series(["a", "b", "b", "c", "d", "e", "e", "f"]),
    ...              pd.Series(["A", "B", "C", "D", "D", "E", "F", "F"])).tolist()
    ['U', 'S', 'S', 'M', 'M', 'X', 'X', 'X']
    """
    old, new = pd.Series(np.asarray(old)), pd.Series(np.asarray(new))
    n_new = old.map(old.value_counts())  # partners of each row's old code
    n_old = new.map(new.value_counts())
    # every partner of a split's old code has one old code; every partner of a merge's new code has one new code
    children_single = (n_old == 1).groupby(old).transform("all")
    parents_single = (n_new == 1).groupby(new).transform("all")
    out = np.full(len(old), "X", dtype=object)
    out[(n_new > 1) & children_single] = "S"
    out[(n_old > 1) & parents_single] = "M"
    out[(n_new == 1) & (n_old == 1)] = "U"
    return out


def _finish(table: pd.DataFrame, source: str) -> Crosswalk:
    table = table.reset_index(drop=True)
    table["old"], table["new"] = table["old"].astype(str), table["new"].astype(str)
    pairs = pd.MultiIndex.from_frame(table[["old", "new"]])
    if pairs.duplicated().any():
        dup = pairs[pairs.duplicated()]
        raise ValidationError(f"The crosswalk lists these (old, new) pairs more than once: {format_ids(dup)}.")
    bad = table.index[~np.isfinite(table["share"]) | (table["share"] < 0)]
    if len(bad):
        raise ValidationError(
            f"Crosswalk shares must be finite and non-negative; not for old codes {format_ids(table.loc[bad, 'old'])}."
        )
    total = table.groupby("old")["share"].sum()
    off = total.index[~np.isclose(total, 1.0)]
    if len(off):
        raise ValidationError(
            f"The shares of each old area must sum to 1; they do not for {format_ids(off)} "
            f"(sums {format_ids(total[off].round(4))})."
        )
    return Crosswalk(table=table, source=source)


def crosswalk_from_lookup(
    lookup: pd.DataFrame,
    *,
    old: str,
    new: str,
    change: str | None = None,
    share: str | None = None,
) -> Crosswalk:
    """Read a published lookup of old -> new codes (such as ONS's LSOA 2011 -> 2021 lookup).

    Parameters
    ----------
    lookup : pandas.DataFrame
        One row per (old, new) pair.
    old, new : str
        The columns of the old and new codes (e.g. ``"LSOA11CD"``, ``"LSOA21CD"``).
    change : str, optional
        The column of the published change indicator (``U``/``S``/``M``/``X``); checked against the
        pairs' structure. Without it, the type is derived from the pairs (:func:`change_types`).
    share : str, optional
        A column with the part of each old area that went to each new one (population or area shares). Without
        it, a split old area is divided equally between its new areas.

    Examples
    --------
    >>> import pandas as pd
    >>> lookup = pd.DataFrame({"LSOA11CD": ["a", "b", "b"], "LSOA21CD": ["A", "B1", "B2"], "CHGIND": ["U", "S", "S"]})
    >>> crosswalk_from_lookup(lookup, old="LSOA11CD", new="LSOA21CD", change="CHGIND").table["change"].tolist()
    ['U', 'S', 'S']
    """
    v.require_columns(lookup, [c for c in (old, new, change, share) if c is not None], what="The lookup")
    missing = lookup.index[lookup[[old, new]].isna().any(axis=1).to_numpy()]
    if len(missing):
        raise ValidationError(
            f"The lookup has {len(missing)} rows without an old or new code (rows {format_ids(missing)})."
        )
    table = pd.DataFrame({"old": lookup[old].astype(str).to_numpy(), "new": lookup[new].astype(str).to_numpy()})
    table["change"] = change_types(table["old"], table["new"])
    if change is not None:
        published = lookup[change].astype(str).str.upper().str.strip().to_numpy()
        unknown = sorted(set(published) - set(CHANGE_TYPES))
        if unknown:
            raise ValidationError(f"Column {change!r} has change codes {unknown}; expected {list(CHANGE_TYPES)}.")
        differ = table.index[published != table["change"].to_numpy()]
        if len(differ):
            raise ValidationError(
                f"The published change codes of {len(differ)} pairs disagree with the pairs themselves, e.g. old "
                f"{format_ids(table.loc[differ, 'old'])} (published {format_ids(published[differ])}, found "
                f"{format_ids(table.loc[differ, 'change'])}). Check the lookup for missing or extra rows."
            )
    if share is None:
        table["share"] = 1.0 / table.groupby("old")["new"].transform("size")
    else:
        raw = pd.to_numeric(lookup[share], errors="coerce").to_numpy(dtype=float)
        table["share"] = raw / pd.Series(raw).groupby(table["old"]).transform("sum").to_numpy()
    return _finish(table, "lookup")


def crosswalk_from_boundaries(
    old: pd.DataFrame,
    new: pd.DataFrame,
    *,
    tolerance: float = 0.05,
) -> Crosswalk:
    r"""Derive a crosswalk by overlaying two boundary sets (GeoDataFrames indexed by area code).

    Parameters
    ----------
    old, new : geopandas.GeoDataFrame
        The two boundary vintages, indexed by area code; reprojected to ``old``'s CRS (an equal-area or
        projected CRS gives true areas; a geographic one is projected to its UTM zone first).
    tolerance : float
        Pieces smaller than this share of both their old and their new area are slivers (boundaries drawn
        or generalised differently, not a real change) and are left out; 0 keeps every piece, as areal
        interpolation does.

    Notes
    -----
    With :math:`a_{ij}` the area of the intersection of old area :math:`i` and new area :math:`j`, the pieces
    kept are those with :math:`a_{ij}/a_i \ge t` or :math:`a_{ij}/a_j \ge t`, and the share is

    .. math:: s_{ij} = \frac{a_{ij}}{\sum_{k \text{ kept}} a_{ik}}

    so the shares of each old area sum to 1. The change type follows from the kept pairs
    (:func:`change_types`).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> old = gpd.GeoDataFrame(geometry=[box(0, 0, 2, 1), box(2, 0, 3, 1)], index=["a", "b"], crs=3857)
    >>> new = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
    ...                        index=["a1", "a2", "b"], crs=3857)
    >>> crosswalk_from_boundaries(old, new).table[["old", "new", "change", "share"]].values.tolist()
    [['a', 'a1', 'S', 0.5], ['a', 'a2', 'S', 0.5], ['b', 'b', 'U', 1.0]]
    """
    import geopandas as gpd

    for frame, name in ((old, "old"), (new, "new")):
        if not isinstance(frame, gpd.GeoDataFrame):
            raise ValidationError(f"The {name} boundaries must be a GeoDataFrame indexed by area code.")
        v.require_crs(frame, what=f"The {name} boundaries")
        v.require_unique_ids(frame.index, what=f"The {name} boundaries")
    crs = old.crs if not old.crs.is_geographic else old.estimate_utm_crs()
    a = gpd.GeoDataFrame({"old": old.index.astype(str)}, geometry=old.geometry.make_valid().to_crs(crs).values)
    b = gpd.GeoDataFrame({"new": new.index.astype(str)}, geometry=new.geometry.make_valid().to_crs(crs).values)
    pieces = gpd.overlay(a, b, how="intersection", keep_geom_type=True)
    pieces["area"] = pieces.geometry.area
    pieces = pieces[pieces["area"] > 0].groupby(["old", "new"], sort=False, as_index=False)["area"].sum()
    of_old = pieces["area"] / pieces["old"].map(a.set_index("old").area)
    of_new = pieces["area"] / pieces["new"].map(b.set_index("new").area)
    kept = pieces[(of_old >= tolerance) | (of_new >= tolerance)].copy()
    for side, frame in (("old", a), ("new", b)):
        lost = frame[side][~frame[side].isin(kept[side])]
        if len(lost):
            raise ValidationError(
                f"{side.capitalize()} areas {format_ids(lost)} overlap no {'new' if side == 'old' else 'old'} "
                "area: the two boundary sets do not cover the same ground. Check their CRS and extent."
            )
    kept["share"] = kept["area"] / kept.groupby("old")["area"].transform("sum")
    kept["change"] = change_types(kept["old"], kept["new"])
    kept = kept.sort_values(["old", "new"])
    return _finish(kept[["old", "new", "change", "share", "area"]], "boundaries")
