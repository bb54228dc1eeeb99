"""The checks of [change] that span several keys: where the values come from, periods, harmonisation.

Each key is checked alone by the schema (:mod:`._schema`); what depends on several keys (a long table needs
its value and ID columns, a reference period must be one of the periods, a lookup needs its columns) is
checked here, once the keys are valid, still before anything runs. Periods written as TOML keys
(``columns = {2001 = ...}``) are text: those made of digits become integers, as the years of a table are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._schema import Settings

__all__ = ["check_change", "period_of"]

_SOURCES = ("path", "columns", "tables")


def period_of(key: str) -> int | str:
    """A period written as a TOML key: ``"2001"`` is the year 2001; other text stays text.

    Examples
    --------
    >>> period_of("2001"), period_of("2015-16")
    (2001, '2015-16')
    """
    return int(key) if key.isdigit() else key


def _source(c: Settings, base_dir: Path) -> tuple[list[str], dict[str, Any]]:
    """Exactly one way to give the values; the tables' paths resolved against the configuration's folder."""
    errors: list[str] = []
    changed: dict[str, Any] = {}
    if c.tables is not None:
        if c.path is not None or c.columns is not None:
            errors.append("[change] takes one table per period (tables) or a long table (path), or columns; not both.")
        tables = {}
        for key, value in c.tables.items():
            if not isinstance(value, str):
                errors.append(f"Key 'change.tables.{key}' must be the path of a table, got {value!r}.")
                continue
            path = (base_dir / value).resolve()
            if not path.is_file():
                errors.append(f"Key 'change.tables.{key}': no file at {str(path)!r} (relative to {str(base_dir)!r}).")
            tables[period_of(key)] = path
        changed["tables"] = tables
        missing = [k for k in ("value", "id_col") if c[k] is None]
        errors += [f"[change] tables needs '{k}', the column of the {_WHAT[k]} in each table." for k in missing]
    elif c.columns is not None:
        bad = [f"{k} = {x!r}" for k, x in c.columns.items() if not isinstance(x, str)]
        if bad:
            errors.append(f"Key 'change.columns' maps each period to a column name; got {', '.join(bad)}.")
        changed["columns"] = {period_of(k): x for k, x in c.columns.items()}
        if c.path is not None and c.id_col is None:
            errors.append("[change] columns of the table at path need 'id_col', the column of the area code.")
        if c.value is not None:
            errors.append("[change] value names the column of a long table or of tables; with columns, leave it out.")
    elif c.path is not None:
        missing = [k for k in ("value", "id_col") if c[k] is None]
        errors += [f"[change] path (a long table) needs '{k}', the column of the {_WHAT[k]}." for k in missing]
    else:
        errors.append(
            "[change] needs its values: path (a long table, with value, id_col and period), columns (one column "
            "per period: of the joined data, or of the table at path) or tables (one table per period)."
        )
    return errors, changed


_WHAT = {"value": "value (indicator or score)", "id_col": "area code"}


def _periods(c: Settings, periods: list | None) -> list[str]:
    errors = []
    years = c.years
    if years is not None and (len(years) < 2 or list(years) != sorted(set(years))):
        errors.append(f"Key 'change.years' must list at least 2 periods, each once, in time order; got {years}.")
    known = years if years is not None else periods
    if c.direction not in (1, -1):
        errors.append(f"Key 'change.direction' must be 1 (higher = more deprived) or -1, got {c.direction!r}.")
    if isinstance(c.reference, str) and c.reference != "pooled":
        errors.append(f"Key 'change.reference' must be \"pooled\" or a period, got {c.reference!r}.")
    elif c.normalise is None and c.reference != "pooled":
        errors.append("Key 'change.reference' sets the normalisation's reference period: give normalise as well.")
    for name in ("reference", "start", "end"):
        x = c[name]
        if known is not None and isinstance(x, int) and x not in known:
            errors.append(f"Key 'change.{name}' must be one of the periods {list(known)}, got {x!r}.")
    if c.start is not None and c.end is not None and c.start >= c.end:
        errors.append(f"Keys 'change.start' ({c.start}) and 'change.end' ({c.end}) must be in time order.")
    return errors


def _harmonisation(h: Settings | None, years: list | None) -> list[str]:
    if h is None:
        return []
    needs = {"lookup": ("lookup", "old", "new"), "areal": ("old_boundaries", "old_id_col")}
    errors = [
        f"[change.harmonisation] method = {h.method!r} needs '{k}' ({h.section.key(k).doc})."
        for k in needs[h.method]
        if h[k] is None
    ]
    other = next(m for m in needs if m != h.method)
    errors += [
        f"[change.harmonisation] '{k}' belongs to method = {other!r}, not {h.method!r}: remove it."
        for k in (*needs[other], *(("share", "change") if other == "lookup" else ()))
        if h[k] is not None
    ]
    if h.method == "lookup" and h.weights == "area":
        errors.append('[change.harmonisation] weights = "area" needs the boundaries (method = "areal").')
    if h.kind == "extensive" and h.weights is not None:
        errors.append("[change.harmonisation] weights average an intensive value; counts (extensive) take none.")
    if years is not None and set(h.years) - set(years):
        errors.append(f"Key 'change.harmonisation.years' must be among the periods {list(years)}, got {h.years}.")
    if not h.years:
        errors.append("Key 'change.harmonisation.years' must name at least one period on the old areas.")
    return errors


def check_change(c: Settings, base_dir: Path, errors: list[str]) -> Settings:
    """[change] checked across its keys (problems appended to ``errors``), with its periods and paths resolved.

    Examples
    --------
    >>> from pathlib import Path
    >>> from deprivation_map.config import sections
    >>> section = next(x for x in sections() if x.name == "change")
    >>> raw = Settings(section, {**{k.name: k.default for k in section.keys}, "columns": {"2001": "a", "2011": "b"},
    ...                          "harmonisation": None, "emerging": None, "markov": None})
    >>> found: list[str] = []
    >>> check_change(raw, Path("."), found).columns, found
    ({2001: 'a', 2011: 'b'}, [])
    """
    found, changed = _source(c, base_dir)
    given = changed.get("columns") or changed.get("tables")
    found += _periods(c, list(given) if given else None)
    found += _harmonisation(c.harmonisation, c.years or (list(given) if given else None))
    if c.harmonisation is not None and c.columns is not None and c.path is None:
        found.append(
            "[change.harmonisation] carries values from older areas, but columns of the joined data are on the "
            "run's areas already: give the table on the older areas (path) or leave harmonisation out."
        )
    if c.markov is not None and len(set(c.markov.chains)) != len(c.markov.chains):
        found.append(f"Key 'change.markov.chains' names a chain twice: {c.markov.chains}.")
    errors.extend(found)
    return Settings(c.section, {**dict(c.items()), **changed}, c.where)
