"""The [change] stage: a panel of one value by area and period, carried to the run's areas, and what changed.

Every step is a public function called with the options of its key: the values per period are read (a long
table, one table per period, or columns), the periods on older areas are harmonised
(:func:`~deprivation_map.harmonise` through a crosswalk from a lookup or from the two boundary sets), the
panel is built on the run's areas (:func:`~deprivation_map.build_panel`), optionally normalised on one scale
(:func:`~deprivation_map.normalise_panel`), turned so that higher means more deprived, then ranked
(:func:`~deprivation_map.panel_ranks`), compared (:func:`~deprivation_map.mobility`,
:func:`~deprivation_map.panel_change`, :func:`~deprivation_map.persistently_deprived`) and searched for
space-time clusters (:func:`~deprivation_map.emerging_hotspots`, the Markov chains). Rows of the values whose
area is not one of the run's are never dropped silently: they are listed in ``outside``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids

__all__ = ["ChangeResults", "change_data", "change_stage", "change_tables", "write_change_maps"]


@dataclass(frozen=True, eq=False)
class ChangeResults:
    """What a run's [change] produced (``result.change``).

    Attributes
    ----------
    values : pandas.DataFrame
        The value of each of the run's areas (rows, in the data's order) in each period (columns), after
        harmonisation, as read (NaN where a period has none).
    panel : pandas.DataFrame
        The same, normalised when ``[change] normalise`` is set and multiplied by ``direction``: higher is
        more deprived. Everything below is computed from it.
    harmonised : dict
        For each period on the old areas, its :class:`~deprivation_map.io.harmonisation.Harmonised`.
    crosswalk : Crosswalk or None
    outside : pandas.DataFrame
        Rows of the values whose area is not one of the run's (``period``, ``id``): listed, not used.
    ranks : pandas.DataFrame
        The decile (or quintile) of each area in each period (1 = most deprived).
    mobility : pandas.DataFrame
        Areas by class at ``start`` (rows) and ``end`` (columns).
    persistent : pandas.Series of bool
        In the most deprived class at every period.
    change : pandas.DataFrame
        :func:`~deprivation_map.panel_change` from ``start`` to ``end`` (column ``change``: positive = more
        deprived).
    emerging : EmergingHotspots
    markov : dict
        The chains fitted by name (``"markov"``, ``"spatial"``, ``"lisa"``); empty without ``[change.markov]``.
    classes, start, end, direction, normalise, reference
        The settings used.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from deprivation_map.config import Config
    >>> from deprivation_map.pipeline import run
    >>> raw = {"boundaries": {"path": "bundled:georgia_counties.gpkg", "id_col": "AreaKey"},
    ...        "indicators": {"path": "bundled:georgia_indicators.csv", "id_col": "AreaKey"},
    ...        "index": {"indicators": {"PctPov": 1}}, "hotspots": {"inference": "analytic"},
    ...        "change": {"columns": {"1990": "PctPov", "2000": "PctPov"}, "classes": "quintile"}}
    >>> change = run(Config.from_dict(raw, base_dir=Path(".")), out_dir=tempfile.mkdtemp()).change
    >>> change.periods, bool((change.change["change"] == 0).all()), int(change.persistent.sum())  # nothing moved
    ([1990, 2000], True, 32)
    """

    values: pd.DataFrame
    panel: pd.DataFrame
    harmonised: dict
    crosswalk: Any
    outside: pd.DataFrame
    ranks: pd.DataFrame
    mobility: pd.DataFrame
    persistent: pd.Series
    change: pd.DataFrame
    emerging: Any
    markov: dict = field(default_factory=dict)
    classes: str = "decile"
    start: Any = None
    end: Any = None
    direction: int = 1
    normalise: str | None = None
    reference: Any = "pooled"

    @property
    def periods(self) -> list:
        """The periods, in time order."""
        return list(self.panel.columns)

    @property
    def audit(self) -> pd.DataFrame:
        """Every harmonised period's audit, one row per (period, new area); empty without harmonisation."""
        frames = {p: h.audit for p, h in self.harmonised.items()}
        return _stacked(frames, ["change", "sources", "estimated", "complete"])

    @property
    def uncarried(self) -> pd.DataFrame:
        """The rows of each harmonised period whose old area the crosswalk does not know."""
        return _stacked({p: h.uncarried for p, h in self.harmonised.items()}, [])

    def to_frame(self) -> pd.DataFrame:
        """One row per area: the value and class of each period, the change, persistence and emerging category."""
        frame = self.panel.set_axis([str(p) for p in self.panel.columns], axis=1)
        ranks = self.ranks.set_axis([f"{self.classes}_{p}" for p in self.ranks.columns], axis=1)
        return pd.concat(
            [frame, ranks, self.change["change"].rename("difference"), self.persistent.rename("persistent"),
             self.emerging.to_frame()],
            axis=1,
        )  # fmt: skip

    def __repr__(self) -> str:
        return (
            f"ChangeResults({len(self.panel)} areas x {self.panel.shape[1]} periods, {self.start} -> {self.end}: "
            f"{int(self.persistent.sum())} persistently in the most deprived {self.classes}, "
            f"{len(self.harmonised)} periods harmonised)"
        )

    def _repr_html_(self) -> str:
        from .._repr import html_repr

        summary = {"periods": ", ".join(map(str, self.periods)), "classes": self.classes, "start": self.start,
                   "end": self.end, "direction": self.direction, "normalise": self.normalise or "none"}  # fmt: skip
        return html_repr(self, summary, frame=self.to_frame(), counts=self.emerging.counts(),
                         tables={"mobility": self.mobility})  # fmt: skip

    def summary_lines(self) -> list[str]:
        """A few lines for the run's summary."""
        periods = ", ".join(map(str, self.periods))
        lines = [(f"Change over {periods}: {int(self.values.notna().all(axis=1).sum())} of {len(self.values)} "
                 "areas with a value in every period")]  # fmt: skip
        if self.crosswalk is not None:
            c = self.crosswalk.counts()
            estimated = ", ".join(f"{p}: {int(h.audit['estimated'].sum())}" for p, h in self.harmonised.items())
            lines.append(
                f"Harmonised ({self.crosswalk.source}): {c['unchanged old']} areas unchanged, {c['split old']} split "
                f"into {c['split new']}, {c['merged old']} merged into {c['merged new']}, {c['complex old']} "
                f"complex; estimated {estimated}; {len(self.uncarried)} rows not carried"
            )
        if len(self.outside):
            lines.append(f"Change: {len(self.outside)} rows of areas outside the run's areas, not used (listed)")
        stayed = int(pd.Series(self.mobility.to_numpy().diagonal()).sum())
        lines.append(
            f"Mobility {self.start} -> {self.end}: {stayed} of {int(self.mobility.to_numpy().sum())} areas in the same "
            f"{self.classes}; persistently in the most deprived {self.classes}: {int(self.persistent.sum())}"
        )
        counts = self.emerging.counts()
        lines.append("Emerging hot spots: " + ", ".join(f"{k} {n}" for k, n in counts[counts > 0].items()))
        if "spatial" in self.markov:
            sm = self.markov["spatial"]
            lines.append(f"Spatial Markov: chi2 = {sm.chi2:.4g}, p = {sm.p_value:.3g} (transitions vs neighbours)")
        return lines


def _stacked(frames: dict, columns: list[str]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=["period", *columns])
    parts = [f.assign(period=p)[["period", *(c for c in f.columns if c != "period")]] for p, f in frames.items()]
    return pd.concat(parts)


def _read_long(path: Path, id_col: str) -> pd.DataFrame:
    """A table with repeated area codes (one row per area and period), its code column read as text."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame = pd.read_parquet(path)
    elif suffix in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype={id_col: str})
    else:
        frame = pd.read_csv(path, dtype={id_col: str}, sep="\t" if suffix == ".tsv" else None, engine="python")
    v.require_columns(frame, [id_col], what=f"The long table {path.name!r}")
    frame[id_col] = v.ids_as_strings(frame[id_col], what=f"The long table {path.name!r} column {id_col!r}")
    return frame


def _frames(run: Any) -> dict[object, pd.DataFrame]:
    """The rows of each period, indexed by area code: a long table, one table per period, or columns."""
    from ..io import read_indicators

    c = run.config.change
    if c.tables is not None:
        return {p: read_indicators(path, id_col=c.id_col) for p, path in c.tables.items()}
    if c.columns is not None:
        wide = run["data"] if c.path is None else read_indicators(c.path, id_col=c.id_col)
        v.require_columns(wide, list(c.columns.values()), what="[change] columns: the table")
        return {p: wide.drop(columns=["value"], errors="ignore").rename(columns={col: "value"})
                for p, col in c.columns.items()}  # fmt: skip
    long = _read_long(c.path, c.id_col)
    v.require_columns(long, [c.period, c.value], what=f"The long table {c.path.name!r}")
    if long[c.period].isna().any():
        bad = long.loc[long[c.period].isna(), c.id_col]
        raise ValidationError(f"The long table {c.path.name!r} has rows without a {c.period!r}: {format_ids(bad)}.")
    return {p: rows.set_index(c.id_col) for p, rows in long.groupby(c.period, sort=True)}


def _chosen(frames: dict, years: list | None) -> dict:
    if years is None:
        return frames
    missing = [y for y in years if y not in frames]
    if missing:
        raise ValidationError(f"Periods {missing} of [change] years are not in the values; found {list(frames)}.")
    return {y: frames[y] for y in years}


def _crosswalk(run: Any) -> Any:
    from ..io import read_boundaries
    from ..io.crosswalk import crosswalk_from_boundaries, crosswalk_from_lookup

    h = run.config.change.harmonisation
    if h.method == "lookup":
        codes = {h.old: str, h.new: str}
        lookup = (
            pd.read_csv(h.lookup, dtype=codes) if h.lookup.suffix.lower() != ".parquet" else pd.read_parquet(h.lookup)
        )
        return crosswalk_from_lookup(lookup, old=h.old, new=h.new, change=h.change, share=h.share)
    old = read_boundaries(h.old_boundaries, id_col=h.old_id_col, on_invalid=h.on_invalid)
    return crosswalk_from_boundaries(old, run["data"], tolerance=h.tolerance)


def _harmonised(run: Any, frames: dict, value: str) -> tuple[dict, dict, Any]:
    """Each period on the old areas carried to the run's areas: the new values and their Harmonised."""
    from ..io.harmonisation import harmonise

    h = run.config.change.harmonisation
    if h is None:
        return frames, {}, None
    missing = [y for y in h.years if y not in frames]
    if missing:
        raise ValidationError(f"Periods {missing} of [change.harmonisation] years are not in the values; found "
                              f"{list(frames)}.")  # fmt: skip
    crosswalk = _crosswalk(run)
    out, audits = dict(frames), {}
    for period in h.years:
        rows = frames[period]
        weights: Any = h.weights
        if weights not in (None, "area"):
            v.require_columns(rows, [weights], what=f"[change.harmonisation] weights, the rows of {period}")
            weights = rows[weights]
        carried = harmonise(rows[[value]], crosswalk, **{h.kind: [value]}, weights=weights)
        audits[period], out[period] = carried, carried.values
    return out, audits, crosswalk


def _panel(run: Any) -> tuple[pd.DataFrame, pd.DataFrame, dict, Any]:
    from ..io.panel import build_panel

    c = run.config.change
    value = c.value or "value"
    frames = _chosen(_frames(run), c.years)
    frames, audits, crosswalk = _harmonised(run, frames, value)
    panel = build_panel({p: f[value] for p, f in frames.items()}, period=c.period)
    ids = pd.Index(run["data"].index.astype(str))
    extra = panel.index.difference(ids)
    outside = panel.loc[extra].stack().dropna().rename(value).rename_axis(["id", "period"]).reset_index()
    return panel.reindex(ids), outside, audits, crosswalk


def _normalised(panel: pd.DataFrame, c: Any) -> pd.DataFrame:
    from ..index.panel import normalise_panel

    if c.normalise is None:
        return panel
    tables = {p: panel[[p]].set_axis(["value"], axis=1) for p in panel.columns}
    scaled = normalise_panel(tables, c.normalise, reference=c.reference)
    return pd.DataFrame({p: scaled[p]["value"] for p in panel.columns}).rename_axis(columns=panel.columns.name)


def _chains(panel: pd.DataFrame, graph: Any, m: Any) -> dict:
    from ..spatial.markov_chains import lisa_markov, markov, spatial_markov

    if m is None:
        return {}
    fitted = {
        "markov": lambda: markov(panel, classes=m.classes, fixed=m.fixed),
        "spatial": lambda: spatial_markov(panel, graph, classes=m.classes, fixed=m.fixed, permutations=m.permutations),
        "lisa": lambda: lisa_markov(panel, graph),
    }
    return {name: fitted[name]() for name in m.chains}


def _with_values(data: Any, values: pd.DataFrame, c: Any) -> Any:
    """The data with each period's value as a column (for [index]): ``<value>_<period>``, or the name in columns.

    Columns of the joined data are there already.
    """
    if c.columns is not None and c.path is None:
        return data
    names = c.columns if c.columns is not None else {p: f"{c.value}_{p}" for p in values.columns}
    taken = [n for n in names.values() if n in data.columns]
    if taken:
        raise ValidationError(
            f"The panel's values join the data as {format_ids(names.values())}, but the data has columns "
            f"{format_ids(taken)} already. Rename them in the indicator table."
        )
    return data.join(values.set_axis(list(names.values()), axis=1))


def change_data(run: Any) -> Any:
    """The data with the panel's values as columns, as the stage adds them: what ``check`` reads, computing nothing."""
    values = _panel(run)[0]
    return _with_values(run["data"], values, run.config.change)


def change_stage(run: Any) -> dict[str, Any]:
    """The [change] stage: every result of the change over time (:class:`ChangeResults`), and the data.

    The data gains the panel's values as columns ``<value>_<period>``, so that [index] can score a period.
    """
    from ..index.panel import mobility, panel_change, panel_ranks, persistently_deprived
    from ..spatial.emerging import emerging_hotspots

    c = run.config.change
    values, outside, audits, crosswalk = _panel(run)
    panel = _normalised(values, c) * c.direction
    start = c.start if c.start is not None else panel.columns[0]
    end = c.end if c.end is not None else panel.columns[-1]
    options = c.emerging.api_options()
    options["seed"] = v.resolve_seed(options["seed"]) if options["inference"] == "permutation" else options["seed"]
    return {
        "data": _with_values(run["data"], values, c),
        "change": ChangeResults(
            values=values,
            panel=panel,
            harmonised=audits,
            crosswalk=crosswalk,
            outside=outside,
            ranks=panel_ranks(panel, classes=c.classes),
            mobility=mobility(panel, start, end, classes=c.classes),
            persistent=persistently_deprived(panel, classes=c.classes),
            change=panel_change(panel, start, end),
            emerging=emerging_hotspots(panel, run["graph"], **options),
            markov=_chains(panel, run["graph"], c.markov),
            classes=c.classes,
            start=start,
            end=end,
            direction=c.direction,
            normalise=c.normalise,
            reference=c.reference,
        ),
    }


def change_tables(change: ChangeResults) -> dict[str, pd.DataFrame]:
    """The tables a run writes for [change]: audit, uncarried and outside rows, categories, mobility, persistent."""
    tables = {
        "change_panel": change.to_frame(),
        "change_mobility": change.mobility,
        "change_persistent": change.to_frame().loc[change.persistent, [str(p) for p in change.periods]],
        "change_emerging_counts": change.emerging.counts().rename_axis("category").to_frame("areas"),
    }
    if change.harmonised:
        tables |= {"change_audit": change.audit, "change_uncarried": change.uncarried}
    if len(change.outside):
        tables["change_outside"] = change.outside.set_index("id")
    for name, chain in change.markov.items():
        tables[f"change_markov_{name}"] = chain.global_transitions if name == "spatial" else chain.transitions
    return tables


def write_change_maps(result: Any, out: Path) -> dict[str, Path | str]:
    """The period map (a slider between periods), the change map and the emerging hot spots map, in ``[map] lang``."""
    from ..maps.change import change_map, emerging_map, period_map
    from ..maps.i18n import text

    change, gdf, lang = result.change, result.data, result.config.map.lang
    title = text("change_between", lang, start=change.start, end=change.end)
    difference = change.change["change"].rename(f"{change.start}-{change.end}")
    return {
        "change_periods": period_map(gdf, change.panel, out / "change_periods.html", lang=lang),
        "change_map": change_map(gdf, difference, out / "change_map.html", title=title, lang=lang),
        "change_emerging": emerging_map(gdf, change.emerging, out / "change_emerging.html", lang=lang),
    }
