"""Harmonisation: carry one vintage's indicators to another vintage's areas, with an audit of every estimate.

Counts are extensive (split in proportion to the crosswalk's shares, summed where areas merge: totals are
conserved); rates and scores are intensive (copied to the parts of a split area, averaged with the weights
the user chooses where areas merge). The crosswalk comes from a published lookup or from an overlay of the
two boundary sets (:mod:`~deprivation_map.io.crosswalk`); with an overlay and no sliver tolerance this is
areal interpolation (tobler's ``area_interpolate``). Nothing is dropped: areas of the data that the crosswalk
does not know are returned in ``uncarried``, and new areas whose sources lack a value stay, with NaN, flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids
from .crosswalk import Crosswalk

__all__ = ["Harmonised", "harmonise"]


@dataclass(frozen=True, eq=False)
class Harmonised:
    """Values carried to the new areas, with the audit of how each one was obtained.

    Attributes
    ----------
    values : pandas.DataFrame
        One row per new area (every area of the crosswalk), the extensive then intensive columns.
    audit : pandas.DataFrame
        Per new area: ``change`` (``U``/``S``/``M``/``X``), ``sources`` (the old codes, joined by ``" + "``),
        ``estimated`` (True unless the area is unchanged) and ``complete`` (False where a source had no value
        or no row, so the new value is NaN).
    uncarried : pandas.DataFrame
        The rows of the data whose area the crosswalk does not know: listed, never dropped silently.
    totals : pandas.DataFrame
        For each extensive column, the total of the old areas carried and of the new areas (equal: conserved).
    weights : str
        How intensive values were averaged where areas merge.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.io.crosswalk import crosswalk_from_lookup
    >>> cw = crosswalk_from_lookup(pd.DataFrame({"old": ["a", "b", "b", "c", "d"],
    ...                                          "new": ["A", "B1", "B2", "CD", "CD"]}), old="old", new="new")
    >>> data = pd.DataFrame({"people": [10.0, 20, 30, 40], "rate": [0.1, 0.2, 0.3, 0.5]}, index=["a", "b", "c", "d"])
    >>> out = harmonise(data, cw, extensive=["people"], intensive=["rate"], weights=data["people"])
    >>> out.values.round(4).to_dict("index")
    {'A': {'people': 10.0, 'rate': 0.1}, 'B1': {'people': 10.0, 'rate': 0.2}, 'B2': {'people': 10.0, 'rate': 0.2}, 'CD': {'people': 70.0, 'rate': 0.4143}}
    >>> out.audit.loc["CD", "sources"], bool(out.audit.loc["B1", "estimated"])
    ('c + d', True)
    """

    values: pd.DataFrame
    audit: pd.DataFrame
    uncarried: pd.DataFrame
    totals: pd.DataFrame
    weights: str

    def to_frame(self) -> pd.DataFrame:
        """The values with the audit columns."""
        return self.values.join(self.audit)

    def __repr__(self) -> str:
        est = int(self.audit["estimated"].sum())
        incomplete = int((~self.audit["complete"]).sum())
        return (
            f"Harmonised({len(self.values)} areas, {self.values.shape[1]} columns: {est} estimated, "
            f"{incomplete} incomplete, {len(self.uncarried)} old areas not carried)"
        )

    def _repr_html_(self) -> str:
        counts = self.audit["change"].value_counts()
        return html_repr(
            self,
            {"weights": self.weights, "uncarried": ", ".join(map(str, self.uncarried.index[:5])) or "none"},
            frame=self.to_frame(),
            counts=counts,
            counts_head=("change", "new areas"),
            tables={"totals": self.totals},
        )


def _weights(weights, table: pd.DataFrame) -> tuple[np.ndarray, str]:
    """The weight of each piece in an intensive average: ``w_i s_ij``."""
    if weights is None:
        return table["share"].to_numpy(), "equal (each old area by its share)"
    if isinstance(weights, str):
        if weights != "area" or "area" not in table:
            raise ValidationError(
                f"weights must be a Series of the old areas' population (or other size), None, or 'area' with a "
                f"crosswalk derived from boundaries; got {weights!r}."
            )
        return table["area"].to_numpy(), "area"
    w = pd.Series(weights).copy()
    w.index = w.index.astype(str)
    w = w.reindex(table["old"]).to_numpy(dtype=float)
    return w * table["share"].to_numpy(), f"by {getattr(weights, 'name', None) or 'the given weights'}"


def harmonise(
    data: pd.DataFrame,
    crosswalk: Crosswalk,
    *,
    extensive: Sequence[str] = (),
    intensive: Sequence[str] = (),
    weights: pd.Series | Literal["area"] | None = None,
) -> Harmonised:
    r"""Carry ``data`` (indexed by old area code) to the crosswalk's new areas.

    Parameters
    ----------
    data : pandas.DataFrame
        Indexed by the old area codes.
    crosswalk : Crosswalk
        From :func:`~deprivation_map.io.crosswalk.crosswalk_from_lookup` or
        :func:`~deprivation_map.io.crosswalk.crosswalk_from_boundaries` (with ``tolerance=0`` for areal
        interpolation).
    extensive : list of str
        Counts (people, households): split by share, summed over merges.
    intensive : list of str
        Rates and scores: copied to the parts of a split, averaged over merges with ``weights``.
    weights : pandas.Series, "area" or None
        The size of each old area in the intensive averages: a Series indexed by old code (the population
        the rate is a share of: the right choice for rates), ``"area"`` (land area, with a crosswalk from
        boundaries: tobler's intensive interpolation), or None (each old area counts by its share alone).

    Notes
    -----
    With :math:`s_{ij}` the crosswalk share of old area :math:`i` going to new area :math:`j` and
    :math:`w_i` the weight of :math:`i`:

    .. math:: y_j = \sum_i s_{ij} x_i \quad\text{(extensive)}, \qquad
              y_j = \frac{\sum_i w_i s_{ij} x_i}{\sum_i w_i s_{ij}} \quad\text{(intensive)}

    Since :math:`\sum_j s_{ij} = 1`, :math:`\sum_j y_j = \sum_i x_i` for counts. A new area with a source
    missing from ``data`` or missing a value gets NaN (never a partial sum) and ``complete = False``.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.io.crosswalk import crosswalk_from_lookup
    >>> cw = crosswalk_from_lookup(pd.DataFrame({"old": ["a", "b", "b"], "new": ["A", "B1", "B2"]}), old="old", new="new")
    >>> out = harmonise(pd.DataFrame({"n": [4.0, 6.0, 1.0]}, index=["a", "b", "zz"]), cw, extensive=["n"])
    >>> out.values["n"].tolist(), out.uncarried.index.tolist(), out.totals.loc["n"].tolist()
    ([4.0, 3.0, 3.0], ['zz'], [10.0, 10.0])
    """
    columns = [*extensive, *intensive]
    if not columns:
        raise ValidationError("harmonise needs the columns to carry: extensive=[counts] and/or intensive=[rates].")
    if set(extensive) & set(intensive):
        raise ValidationError(
            f"Columns {format_ids(set(extensive) & set(intensive))} are both extensive and intensive."
        )
    v.require_columns(data, columns, what="The data to harmonise")
    v.require_numeric(data, columns, what="The data to harmonise")
    v.require_id_index(data.index, what="The data to harmonise", fix="Index it by the old area codes.")
    frame = data[columns].copy()
    frame.index = frame.index.astype(str)
    v.require_unique_ids(frame.index, what="The data to harmonise")
    table = crosswalk.table
    x = frame.reindex(table["old"]).to_numpy(dtype=float)  # one row per piece; NaN where the source is absent
    new = table["new"].to_numpy()
    order = pd.Index(crosswalk.new)
    codes = order.get_indexer(new)

    def per_new(values: np.ndarray) -> np.ndarray:
        out = np.zeros((len(order), values.shape[1]))
        np.add.at(out, codes, values)
        return out

    bad = per_new(np.isnan(x).astype(float)) > 0
    share = table["share"].to_numpy()[:, None]
    ext = per_new(np.nan_to_num(x[:, : len(extensive)]) * share)
    w, how = _weights(weights, table)
    w = w[:, None]
    x_int = np.nan_to_num(x[:, len(extensive) :])
    w_ok = np.where(np.isnan(w), 0.0, w)
    denominator = per_new(np.repeat(w_ok, x_int.shape[1], axis=1))
    intensive_values = per_new(w_ok * x_int) / np.where(denominator > 0, denominator, np.nan)
    values = np.hstack([ext, intensive_values])
    if intensive and np.isnan(w).any():
        raise ValidationError(f"The weights have no value for old areas {format_ids(table['old'][np.isnan(w[:, 0])])}.")
    values[bad] = np.nan
    result = pd.DataFrame(values, index=order, columns=columns)
    grouped = table.groupby("new", sort=False)
    audit = pd.DataFrame(
        {
            "change": grouped["change"].first(),
            "sources": grouped["old"].agg(" + ".join),
        }
    ).reindex(order)
    audit["estimated"] = audit["change"] != "U"
    audit["complete"] = ~bad.any(axis=1)
    carried = frame.index.isin(table["old"])
    totals = pd.DataFrame(
        {"old areas": frame.loc[carried, list(extensive)].sum(), "new areas": result[list(extensive)].sum()},
        index=pd.Index(list(extensive)),
    )
    return Harmonised(values=result, audit=audit, uncarried=data.loc[~carried], totals=totals, weights=how)
