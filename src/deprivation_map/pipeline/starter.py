"""A commented starting configuration written from the data (``deprivation-map init``).

:func:`starter_config` reads the boundaries (and the indicator table, if any) as the pipeline would, looks
at what it finds (numeric columns, unmatched IDs, missing values, islands, a geographic CRS) and writes a
TOML configuration that ``deprivation-map run`` accepts as written, with a comment on every choice it had
to make so that the analyst can review it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import shapely

from ..config import load_config
from ..errors import ValidationError
from ..index.composite import MISSING as INDEX_MISSING
from ..io import check_join, read_boundaries, read_indicators
from ..spatial.graph import build_graph, describe_graph

__all__ = ["starter_config"]

_UNSCORED = "exclude" if "exclude" in INDEX_MISSING else "drop"  # the index's "leave the area unscored"


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path.resolve())


def _numeric_columns(frame: pd.DataFrame) -> list[str]:
    skip = {frame.geometry.name} if hasattr(frame, "geometry") else set()
    return [c for c in frame.columns if c not in skip and pd.api.types.is_numeric_dtype(frame[c])]


def _name_column(frame: pd.DataFrame) -> str | None:
    """A text column of words (not codes or links) with a distinct value for most areas, "name" columns first."""
    found = []
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_string_dtype(values) or values.nunique() < 0.9 * len(frame) or not len(frame):
            continue
        text = values.dropna().astype(str)
        if text.str.fullmatch(r"[\d\s.,_/-]*").mean() > 0.5 or text.str.contains("://").any():
            continue  # codes and web links are not names
        found.append(str(column))
    return min(found, key=lambda c: "name" not in c.lower() and "nom" not in c.lower(), default=None)


def _boundaries_lines(areas: pd.DataFrame, path: str, id_col: str) -> list[str]:
    lines = ["[boundaries]", f"path = {_quote(path)}", f"id_col = {_quote(id_col)}"]
    invalid = int((~shapely.is_valid(areas.geometry.to_numpy())).sum())
    if invalid:
        lines.append(
            f'on_invalid = "fix"  # {invalid} polygons are invalid (self-intersections): repaired and reported'
        )
    name = _name_column(areas)
    lines += [f"name_col = {_quote(name)}  # names shown in tooltips and reports"] if name else []
    if areas.crs is not None and areas.crs.is_geographic:
        utm = areas.estimate_utm_crs()
        lines.append(
            f"# The file is in degrees ({areas.crs.to_string()}). Contiguity graphs work as they are; distance "
            f"graphs and access need metres: reproject the file, for example to {utm.to_string()} ({utm.name})."
        )
    return lines


def _table_lines(table_path: str | None, id_col: str) -> list[str]:
    if table_path is None:
        return ["# No [indicators] table: the indicators are columns of the boundaries file."]
    return ["[indicators]", f"path = {_quote(table_path)}", f"id_col = {_quote(id_col)}"]


def _index_lines(data: pd.DataFrame, columns: list[str]) -> list[str]:
    missing = {c: int(data[c].isna().sum()) for c in columns}
    lines = ["[index]"]
    if any(missing.values()):
        lines.append(f'missing = "{_UNSCORED}"  # some indicators have missing values: those areas stay unscored')
    lines += [
        "",
        "[index.indicators]",
        "# Every numeric column, with direction 1 (higher = more deprived). Set -1 where higher is better",
        "# (income, education), and delete the columns that are not indicators (population, codes, areas).",
    ]
    for c in columns:
        values = data[c]
        note = f"{values.min():.4g} to {values.max():.4g}" + (f", {missing[c]} missing" if missing[c] else "")
        lines.append(f"{_quote(c) if not c.isidentifier() else c} = 1  # {note}")
    return lines


def starter_config(
    boundaries: str | Path,
    *,
    id_col: str,
    table: str | Path | None = None,
    table_id_col: str | None = None,
    out: str | Path = "config.toml",
) -> Path:
    """Write a commented starting configuration for ``boundaries`` (and ``table``) to ``out``.

    The configuration lists the ID, every numeric column as a candidate indicator (direction 1, to review),
    and explicit policies where the data needs them: ``on_unmatched = "keep"`` when some areas have no row,
    an unscored-area policy when indicators have gaps, ``islands = "knn"`` when some areas have no neighbour.
    It is checked with :func:`~deprivation_map.config.load_config` before it is returned.

    Parameters
    ----------
    boundaries : path
        The boundaries file.
    id_col : str
        Its area code column (also the table's, unless ``table_id_col`` is given).
    table : path, optional
        An indicator table; without it, the indicators are the boundaries' numeric columns.
    table_id_col : str, optional
        The table's area code column, when it is not named ``id_col``.
    out : path
        Where to write the configuration; paths inside it are relative to its folder.

    Returns
    -------
    pathlib.Path
        ``out``.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> path = starter_config(dm.datasets.get_path("toy_areas.geojson"), id_col="code",
    ...                       table=dm.datasets.get_path("toy_indicators.csv"), out=folder / "config.toml")
    >>> text = path.read_text(encoding="utf-8")
    >>> 'on_unmatched = "keep"' in text, 'islands = "knn"' in text, "poverty = 1" in text
    (True, True, True)
    """
    out = Path(out)
    areas = read_boundaries(boundaries, id_col=id_col, on_invalid="keep")
    table_id_col = table_id_col or id_col
    data, join_lines = areas, []
    if table is not None:
        frame = read_indicators(table, id_col=table_id_col)
        report = check_join(areas, frame)
        if not report.complete:
            audit = [f"# {line.strip()}" for line in report.summary().splitlines()]
            join_lines = ["[join]", *audit, 'on_unmatched = "keep"  # areas without a row stay, as no data']
        data = areas.join(frame.drop(columns=areas.columns.intersection(frame.columns)), how="left")
    graph_lines = ["[graph]", 'method = "queen"']
    connectivity = describe_graph(build_graph(areas, islands="keep", components="keep"))
    if len(connectivity.isolates):
        n = len(connectivity.isolates)
        graph_lines.append(f'islands = "knn"  # {n} areas have no neighbour; each is linked to its nearest')
    if connectivity.n_components > 1:
        graph_lines.append(
            f'components = "keep"  # the areas form {connectivity.n_components} separate groups that no statistic '
            'links; method = "knn" would join them'
        )
    folder = out.resolve().parent
    columns = _numeric_columns(frame if table is not None else areas)
    if not columns:
        source = Path(table if table is not None else boundaries).name
        raise ValidationError(
            f"{source!r} has no numeric column to propose as an indicator. Give the table of indicators "
            "(deprivation-map init AREAS --id CODE --table TABLE), or check how its numbers are written."
        )
    gaps = bool(data[columns].isna().any().any())
    lines = [
        "# A starting configuration written by `deprivation-map init` from the data. Review every comment,",
        "# then run: deprivation-map check THIS_FILE && deprivation-map run THIS_FILE",
        "",
        *_boundaries_lines(areas, _relative(Path(boundaries), folder), id_col),
        "",
        *_table_lines(_relative(Path(table), folder) if table is not None else None, table_id_col),
        "",
        *([*join_lines, ""] if join_lines else []),
        *_index_lines(data, columns),
        "",
        *graph_lines,
        "",
        "[hotspots]",
        "seed = 0  # recorded in the outputs, so that the run can be repeated",
        *(['missing = "exclude"  # areas without a score are left out of the statistics'] if gaps else []),
        "",
        "[output]",
        'dir = "out"',
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")
    load_config(out)
    return out
