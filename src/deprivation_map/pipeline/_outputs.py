"""The last stages of a run: the map, then every output file with the same metadata record.

The results by area go to the GeoPackage and CSV (and the Excel, GeoParquet or GeoJSON files asked for);
results by district, zone, group or site go to their own CSV files; the configuration as run is saved
beside them, so that it runs again as it is.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DeprivationMapWarning, MapTooLargeError
from ..io import write_results
from ..io.writers import build_metadata
from ..maps import explore, save_map, write_tiles
from ._change import change_tables, write_change_maps
from ._result import PipelineResult

__all__ = ["draw_map", "run_metadata", "save_outputs", "tables_of"]

_FILES = ("geopackage", "csv", "excel", "parquet", "geojson")


def draw_map(results: dict[str, Any], config: Any, *, lang: str | None = None) -> Any:
    """The interactive map of the results, with the options of ``[map]`` (in ``lang`` if given).

    When one HTML file cannot hold the areas (:class:`~deprivation_map.errors.MapTooLargeError`, decided from a
    cheap estimate before any map work), returns None and warns: :func:`save_outputs` then writes vector tiles.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> draw_map(result.results, result.config, lang="ca").dm_lang
    'ca'
    """
    try:
        return _explore(results, config, lang)
    except MapTooLargeError as err:
        warnings.warn(f"{err} Writing the map as vector tiles instead.", DeprivationMapWarning, stacklevel=3)
        return None


def _explore(results: dict[str, Any], config: Any, lang: str | None) -> Any:
    points = results.get("service_points")
    options = config.map.api_options() | ({"lang": lang} if lang is not None else {})
    return explore(
        results["data"],
        index=results["index"],
        hotspots=results["hotspots"],
        gi=results.get("gi"),
        allocation=results.get("allocation"),
        services=points,
        name_col=config.boundaries.name_col,
        services_name_col=config.services.name_col if points is not None else None,
        **options,
    )


def tables_of(result: PipelineResult) -> dict[str, pd.DataFrame]:
    """Results that are not one row per area, each as a frame to write as CSV."""
    tables: dict[str, Any] = {"districts": result.districts, "sites": result.sites}
    if result.groups is not None:
        g = result.groups
        tables |= {"groups_by_decile": g.by_decile, "groups_by_cluster": g.by_cluster, "groups_by_access": g.by_access}
    if result.zones is not None:
        tables["zones"] = result.zones.summary(result.index.score, hotspots=result.hotspots)
    if result.uncertainty is not None:
        tables["uncertainty_sensitivity"] = result.uncertainty.sensitivity
    frames = {k: (x.to_frame() if hasattr(x, "to_frame") else x) for k, x in tables.items() if x is not None}
    if result.change is not None:
        frames |= change_tables(result.change)
    return {k: x for k, x in frames.items() if isinstance(x, pd.DataFrame)}


def _input(settings: Any) -> Any:
    """A file's path, or a database source as a mapping (its URL redacted by build_metadata)."""
    if settings.url is None:
        return settings.path
    return {"url": settings.url, "table": settings.table, "query": settings.query}


def run_metadata(result: PipelineResult, boundaries: list[Any] | None = None) -> dict:
    """The metadata record of a run's outputs: its inputs with checksums, the configuration, seeds used.

    ``boundaries`` lists the input records of a folder of partitions (the dask engine), in place of the one file.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> record = run_metadata(run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp()))
    >>> record["inputs"][0]["name"], record["options"]["run"]["seeds"]["hotspots"]
    ('georgia_counties.gpkg', 0)
    """
    c = result.config
    inputs = [*(boundaries or [_input(c.boundaries)]), *(_input(i) for i in c.indicators)]
    options = c.to_dict()
    seeds = {n: getattr(r, "seed", None) for n, r in result.results.items() if getattr(r, "seed", None) is not None}
    ran = {n: r.permutations for n, r in result.results.items() if isinstance(getattr(r, "permutations", None), int)}
    options["run"] = {"seeds": seeds, "permutations": ran}  # what fresh seeds and "auto" chose
    return build_metadata(inputs=inputs, options=options, seed=result.moran.seed)


def save_outputs(result: PipelineResult, m: Any, out: Path) -> dict[str, Path | str]:
    """Write every output of ``result`` into ``out``; returns their paths by kind."""
    o = result.config.output
    frame = result.to_frame()
    metadata = run_metadata(result)
    if m is not None:
        map_path = save_map(m, out / o.map)
    else:  # too large for one file: a tile folder beside the other outputs, its viewer page as the map
        folder = out / (Path(o.map).stem + "_tiles")
        tiles = write_tiles(
            result.data,
            folder,
            index=result.index,
            hotspots=result.hotspots,
            name_col=result.config.boundaries.name_col,
            lang=result.config.map.lang,
            overwrite=True,
        )
        map_path = tiles.viewer
    outputs: dict[str, Path | str] = {"map": map_path}
    for kind in _FILES:
        if o[kind] is not None:
            outputs[kind] = write_results(frame, out / o[kind], metadata=metadata)
    if o.tables:
        for name, table in tables_of(result).items():
            outputs[name] = write_results(table, out / f"{name}.csv", metadata=metadata)
    if result.change is not None:
        outputs |= write_change_maps(result, out)
    if o.database is not None:
        from ..io import write_results_sql

        table = write_results_sql(frame, o.database, table=o.database_table, if_exists=o.if_exists, metadata=metadata)
        outputs["database"] = table  # "schema.table", not a file
    if o.report:
        from ..maps.report import report_from_result

        hrefs = {k: p.relative_to(out).as_posix() for k, p in outputs.items() if k.startswith("change_") and
                 isinstance(p, Path) and p.suffix == ".html"}  # fmt: skip
        outputs["report"] = report_from_result(
            result, out / o.report, lang=result.config.map.lang, map_href=map_path.relative_to(out).as_posix(),
            change_hrefs=hrefs,
        )  # fmt: skip
    if result.config.source is not None:
        config_path = out / "config.toml"
        config_path.write_text(result.config.to_toml(out), encoding="utf-8")
        outputs["config"] = config_path
    return outputs
