"""Vulnerable groups: how many children, older people, unemployed ... live in deprived, clustered, under-served areas.

Counts of several population groups per area are summed by decile of deprivation, by LISA cluster and by
access class, with their rates; every published count respects the disclosure threshold, with
complementary suppression (:func:`~deprivation_map.io.disclosure.suppress_table`) so that no suppressed
count can be recovered from the groups' published totals. Per area, rates are smoothed by Empirical Bayes
where counts are small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError, format_ids
from ..index.composite import DeprivationIndex, rank_most_deprived
from ..io.disclosure import SuppressedTable, suppress_table
from ..spatial.lisa import eb_rates
from ._need import need_values
from .access import ServiceAccess
from .catchment import Accessibility

if TYPE_CHECKING:
    from ..spatial.lisa import Hotspots

__all__ = ["NO_SCORE", "VulnerableGroups", "eb_smoothed_rates", "vulnerable_groups"]

NO_SCORE = "No score"


@dataclass(frozen=True, eq=False)
class VulnerableGroups:
    """Where vulnerable groups live, in tables safe to publish.

    Attributes
    ----------
    by_decile, by_cluster, by_access : pandas.DataFrame or None
        One row per class (decile 1 = most deprived, and ``"No score"``; LISA label; ``"Under-served"`` /
        ``"Served"``): ``areas``, ``population``, then per group its count, ``<group>_rate`` (per ``per``
        people) and ``<group>_share`` (of the group's total living there). A count below ``threshold``, or
        one suppressed to protect it, is missing, and so are its rate and share. None when not asked for.
    rates : pandas.DataFrame
        Per area and group: ``<group>_count`` and ``<group>_rate`` (missing below the threshold),
        ``<group>_rate_eb`` (Empirical Bayes smoothed rate, per ``per``) and ``<group>_eb_z`` (the EB
        standardised rate of :func:`~deprivation_map.spatial.lisa.eb_rates`).
    suppression : dict
        The :class:`~deprivation_map.io.disclosure.SuppressedTable` behind each table, for an audit.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> counts = (gdf[["PctPov", "PctEld"]].mul(gdf["TotPop90"], axis=0) / 100).round().astype(int)
    >>> groups = dm.vulnerable_groups(counts.set_axis(["poor", "older"], axis=1), gdf["TotPop90"], index=gdf["PctPov"])
    >>> int(groups.by_decile["poor"].sum()) == int(counts["PctPov"].sum())  # nothing below the threshold here
    True
    """

    by_decile: pd.DataFrame | None
    by_cluster: pd.DataFrame | None
    by_access: pd.DataFrame | None
    rates: pd.DataFrame
    groups: tuple[str, ...]
    threshold: int
    per: float
    suppression: dict[str, SuppressedTable]

    def to_frame(self) -> pd.DataFrame:
        """The per-area table (:attr:`rates`)."""
        return self.rates

    def _repr_html_(self) -> str:
        tables = {
            f"{name} (suppressed cells missing)": table
            for name, table in (
                ("by decile", self.by_decile),
                ("by cluster", self.by_cluster),
                ("by access", self.by_access),
            )
            if table is not None
        }
        return html_repr(
            self,
            {"groups": ", ".join(self.groups), "threshold": self.threshold, "rates per": self.per},
            tables=tables,
            frame=self.rates,
        )

    def __repr__(self) -> str:
        parts = [
            n
            for n, t in (("decile", self.by_decile), ("cluster", self.by_cluster), ("access", self.by_access))
            if t is not None
        ]
        cells = sum(int(s.suppressed.sum().sum()) for s in self.suppression.values())
        return (
            f"VulnerableGroups({len(self.groups)} groups in {len(self.rates)} areas, by {', '.join(parts) or 'area'}; "
            f"threshold {self.threshold}, {cells} cells suppressed)"
        )


def eb_smoothed_rates(events: np.ndarray, population: np.ndarray) -> np.ndarray:
    r"""Global Empirical Bayes smoothed rates (Marshall 1991), as esda's ``Empirical_Bayes``.

    Notes
    -----
    With :math:`r_i = e_i / b_i`, :math:`\beta = \sum e / \sum b`, :math:`s^2 = \sum b_i (r_i - \beta)^2 / \sum b`
    and :math:`\alpha = \max(0, s^2 - \beta / \bar b)`:

    .. math:: \hat r_i = \beta + w_i (r_i - \beta), \qquad w_i = \frac{\alpha}{\alpha + \beta / b_i}

    A rate from a small population (small :math:`w_i`) is pulled towards the overall rate :math:`\beta`.
    esda leaves a negative :math:`\alpha` as it is (its weights then fall below 0 and push rates past the
    mean); here, as in Marshall (1991), it is set to 0: rates that vary no more than chance become the mean.

    Examples
    --------
    >>> import numpy as np
    >>> smoothed = eb_smoothed_rates(np.array([0, 10, 1]), np.array([10, 1000, 5]))
    >>> bool(smoothed[0] > 0), bool(abs(smoothed[1] - 0.01) < 0.002)  # 0 of 10 is not a rate of 0
    (True, True)
    """
    events, population = np.asarray(events, dtype="float64"), np.asarray(population, dtype="float64")
    rate = events / population
    beta = events.sum() / population.sum()
    s2 = (population * (rate - beta) ** 2).sum() / population.sum()
    alpha = max(0.0, s2 - beta / population.mean())
    if beta == 0:
        return np.zeros_like(rate)
    weight = alpha / (alpha + beta / population)
    return beta + weight * (rate - beta)


def _counts(counts: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(counts, pd.DataFrame) or counts.shape[1] == 0:
        raise ValidationError("counts must be a DataFrame by area ID with one column of counts per group.")
    v.require_unique_ids(counts.index, what="The counts")
    v.require_numeric(counts, counts.columns, what="The counts")
    values = counts.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(values).all(axis=1) | (values < 0).any(axis=1) | (values != np.round(values)).any(axis=1)
    if bad.any():
        raise ValidationError(
            f"The counts must be whole numbers >= 0 in every area and group; not in {format_ids(counts.index[bad])}."
        )
    return counts.set_axis(counts.index.astype(str)).astype("int64")


def _population(population: pd.Series, ids: pd.Index) -> pd.Series:
    fix = "Give the population of every area (rates need it > 0)."
    people = v.align(population, ids, what="The population", against="the counts", fix=fix)
    v.require_numeric(people.to_frame("population"), ["population"], what="The population")
    bad = ~(people.to_numpy(dtype="float64", na_value=np.nan) > 0)
    if bad.any():
        raise ValidationError(f"The population must be > 0 in every area; not in {format_ids(ids[bad])}. {fix}")
    return people.astype("float64")


def _deciles(index, ids: pd.Index) -> tuple[pd.Series, list]:
    score, decile = need_values(index)
    fix = "Give the index for every area of the counts (missing scores are counted as 'No score')."
    if decile is None:
        decile = rank_most_deprived(v.align(score, ids, what="The index", against="the counts", fix=fix))["decile"]
    decile = v.align(decile, ids, what="The index", against="the counts", fix=fix)
    return decile.astype(object).where(decile.notna(), NO_SCORE), [*range(1, 11), NO_SCORE]


def _clusters(hotspots, ids: pd.Index) -> tuple[pd.Series, list]:
    labels = getattr(hotspots, "labels", hotspots)
    fix = "Compute the hotspots over the same areas as the counts."
    labels = v.align(labels, ids, what="The hotspot labels", against="the counts", fix=fix)
    order = list(labels.cat.categories) if isinstance(labels.dtype, pd.CategoricalDtype) else []
    return labels, order


def _access_classes(access, ids: pd.Index, below: float) -> tuple[pd.Series, list]:
    if isinstance(access, Accessibility):
        flag = access.underserved(below=below)
    elif isinstance(access, ServiceAccess):
        flag = access.beyond
    elif isinstance(access, pd.Series) and pd.api.types.is_bool_dtype(access):
        flag = access
    else:
        raise ValidationError(
            "access must be an Accessibility (dm.accessibility), a ServiceAccess (dm.distance_to_services) or a "
            f"boolean Series by area ID (True = under-served), got {type(access).__name__}."
        )
    flag = v.align(flag, ids, what="The access classes", against="the counts", fix="Compute access for every area.")
    return flag.map({True: "Under-served", False: "Served"}), ["Under-served", "Served"]


def _class_table(
    counts, population, classes: pd.Series, order, *, threshold, per
) -> tuple[pd.DataFrame, SuppressedTable]:
    """Counts by class and group, suppressed with the groups' totals published; population, rates and shares."""
    present = [c for c in order if c in set(classes)] + sorted(set(classes) - set(order), key=str)
    table = counts.groupby(classes).sum().reindex(present)
    safe = suppress_table(table, threshold=threshold, margins="columns")
    people = population.groupby(classes).sum().reindex(present)
    out = pd.DataFrame({"areas": classes.value_counts().reindex(present), "population": people})
    for group in counts.columns:
        shown = safe.published[group]
        out[group] = shown
        out[f"{group}_rate"] = (shown.astype("Float64") / people * per).astype("Float64")
        total = counts[group].sum()
        out[f"{group}_share"] = (shown.astype("Float64") / total) if total else pd.NA
    return out.rename_axis(classes.name), safe


def _area_rates(counts: pd.DataFrame, population: pd.Series, *, threshold: int, per: float) -> pd.DataFrame:
    out = {}
    for group in counts.columns:
        small = counts[group] < threshold
        out[f"{group}_count"] = counts[group].astype("Int64").mask(small)
        out[f"{group}_rate"] = (counts[group] / population * per).mask(small)
        out[f"{group}_rate_eb"] = pd.Series(
            eb_smoothed_rates(counts[group].to_numpy(), population.to_numpy()) * per, index=counts.index
        )
        out[f"{group}_eb_z"] = eb_rates(counts[group], population)
    return pd.DataFrame(out, index=counts.index)


def vulnerable_groups(
    counts: pd.DataFrame,
    population: pd.Series,
    *,
    index: pd.Series | DeprivationIndex | None = None,
    hotspots: Hotspots | pd.Series | None = None,
    access: Accessibility | ServiceAccess | pd.Series | None = None,
    threshold: int = 10,
    per: float = 1000,
    underserved_below: float = 0.5,
) -> VulnerableGroups:
    r"""How many people of each group live in each decile of deprivation, cluster type and access class.

    Parameters
    ----------
    counts : pandas.DataFrame
        By area ID, one column of whole counts per group (``children``, ``over_75``, ``unemployed`` ...).
        Groups may overlap: each is summed on its own.
    population : pandas.Series
        Residents by area ID (> 0), the denominator of the rates.
    index : DeprivationIndex or pandas.Series, optional
        The index (its deciles) or a score (higher = more deprived, ranked into deciles, 1 = most deprived).
    hotspots : Hotspots or pandas.Series, optional
        LISA results (their ``labels``) or cluster labels by area ID.
    access : Accessibility, ServiceAccess or pandas.Series of bool, optional
        Under-served areas: floating catchment scores under ``underserved_below`` times the average, areas
        beyond the distance of :func:`~deprivation_map.allocation.access.distance_to_services`, or a flag.
    threshold : int
        The disclosure threshold: no published count is below it (default 10).
    per : float
        Rates per this many people (default 1,000).

    Returns
    -------
    VulnerableGroups

    Notes
    -----
    Each table is the class x group matrix of summed counts, suppressed by
    :func:`~deprivation_map.io.disclosure.suppress_table` with ``margins="columns"``: the total of each group
    may be published, and no suppressed count can be recovered from it. Rates :math:`100 \cdot n / P` and
    shares are suppressed with their counts, as they would reveal them. The tables are protected one by
    one: publishing several tables of the same counts can still reveal a cell by differencing them.

    Per area, the crude rate is published only where the count reaches the threshold; the Empirical Bayes
    smoothed rate (:func:`eb_smoothed_rates`) is given for every area: it is not a count, but it is an
    invertible function of the count given the populations and the global moments, so publish it rounded.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> counts = (gdf[["PctPov"]].mul(gdf["TotPop90"], axis=0) / 100 / 50).round().astype(int)  # small counts
    >>> out = dm.vulnerable_groups(counts, gdf["TotPop90"], index=gdf["PctPov"], threshold=10)
    >>> bool(out.rates["PctPov_count"].dropna().min() >= 10), out.by_decile.index.tolist()[:3]
    (True, [1, 2, 3])
    >>> bool(out.by_decile["PctPov"].dropna().min() >= 10)  # no published count below the threshold
    True
    """
    threshold = v.require_int(threshold, what="threshold", minimum=1)
    counts = _counts(counts)
    ids = pd.Index(counts.index)
    people = _population(population, ids)
    tables: dict[str, pd.DataFrame | None] = {}
    audits: dict[str, SuppressedTable] = {}
    classes = {
        "decile": (index, lambda x: _deciles(x, ids)),
        "cluster": (hotspots, lambda x: _clusters(x, ids)),
        "access": (access, lambda x: _access_classes(x, ids, underserved_below)),
    }
    for name, (given, to_classes) in classes.items():
        if given is None:
            tables[name] = None
            continue
        labels, order = to_classes(given)
        labels = labels.astype(object).rename(name)
        tables[name], audits[name] = _class_table(counts, people, labels, order, threshold=threshold, per=per)
    return VulnerableGroups(
        by_decile=tables["decile"],
        by_cluster=tables["cluster"],
        by_access=tables["access"],
        rates=_area_rates(counts, people, threshold=threshold, per=per),
        groups=tuple(map(str, counts.columns)),
        threshold=threshold,
        per=float(per),
        suppression=audits,
    )
