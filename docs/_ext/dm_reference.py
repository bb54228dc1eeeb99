"""The CLI and configuration references, generated from the code so that they cannot drift from it.

- ``.. dm-config-reference::`` writes one table per section of :class:`deprivation_map.config.Config`: every
  key with its type, default and allowed values read from the dataclasses (the same schema
  :func:`~deprivation_map.config.load_config` validates against), and its description from
  :data:`DESCRIPTIONS` below. A key without a description, or a description of a key that no longer
  exists, is a Sphinx warning, so the ``-W`` build (and ``tests/test_docs.py``) fails until they agree.
- ``.. dm-cli-reference::`` writes the help of ``deprivation-map`` and of each of its commands, as the
  argparse parser in :mod:`deprivation_map.cli` prints it, with a table of the options.
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import types
import typing
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

DESCRIPTIONS = {
    "boundaries": "The area boundaries (:func:`~deprivation_map.read_boundaries`).",
    "boundaries.path": "GeoPackage, GeoJSON, Shapefile (or a ``.zip`` holding one), FlatGeobuf or GeoParquet. "
    "Relative to the configuration's folder; ``bundled:NAME`` names a bundled file.",
    "boundaries.id_col": "The column holding the area code; it becomes the index, as text.",
    "boundaries.layer": "The layer of a multi-layer file (a GeoPackage or zip with several layers needs it).",
    "boundaries.crs": "The CRS to use when the file has none or a wrong one (anything pyproj accepts, "
    'e.g. ``"EPSG:25831"``).',
    "boundaries.name_col": "A column of area names shown in the map's tooltips and the report.",
    "indicators": "The indicator table (:func:`~deprivation_map.read_indicators`). Options left out are "
    "detected from the file and reported in the run's summary.",
    "indicators.path": "CSV (also ``.tsv``, ``.txt``), Excel (``.xlsx``, ``.xlsm``) or Parquet; relative to "
    "the configuration's folder, or ``bundled:NAME``.",
    "indicators.id_col": "The column holding the area code, read as text (leading zeros kept).",
    "indicators.sep": "The field separator of a CSV (``,`` ``;`` tab ``|``); detected when left out.",
    "indicators.decimal": "The decimal mark of numbers stored as text (``.`` or ``,``); detected when left out.",
    "indicators.encoding": "The text encoding (``utf-8``, ``cp1252``, ``cp1253`` ...); detected when left out.",
    "indicators.thousands": 'The thousands separator; detected when left out, ``""`` for none.',
    "indicators.sheet": "The sheet of an Excel workbook with several sheets.",
    "join": "How the table is joined to the boundaries (:func:`~deprivation_map.join_indicators`).",
    "join.on_unmatched": "Areas without a row or rows without an area: raise (naming them), warn and keep, "
    "keep as no data, or drop the areas without a row.",
    "join.keys": "``normalise`` repairs keys that lost leading zeros, whitespace or case when exactly one "
    "area matches (each repair reported); ``exact`` matches keys as they are.",
    "index": "The composite index (:func:`~deprivation_map.build_index`).",
    "index.indicators": "``column = direction`` (``1``: higher is more deprived, ``-1``: less), or nested "
    "tables with ``direction``, ``weight`` and ``treatment``, or domains with ``weight`` and "
    "``indicators`` (see :doc:`/guide/index-building`).",
    "index.normalise": "The normaliser applied to every oriented indicator.",
    "index.weighting": "The weighting scheme, applied at every level (indicators in a domain, domains).",
    "index.aggregate": "The aggregator, applied at every level.",
    "index.missing": "Missing indicator values: raise (naming the areas), leave the areas unscored, or "
    "impute them (``neighbours`` uses the ``[graph]``).",
    "index.min_available": "With an imputing policy, areas with a smaller share of available indicators "
    "are left unscored.",
    "graph": "The spatial graph (:func:`~deprivation_map.build_graph`).",
    "graph.method": "Contiguity (``queen``, ``rook``), ``knn``, ``distance`` band or ``kernel`` weights "
    "(the last three need a projected CRS).",
    "graph.islands": "Areas without neighbours: raise, link each to its nearest area, or keep them as "
    "isolates (never significant).",
    "graph.k": "``knn`` and adaptive ``kernel``: the number of neighbours (``knn`` default 6).",
    "graph.threshold": "``distance``: the band; ``kernel``: the bandwidth; in CRS units.",
    "graph.kernel": "``kernel``: the kernel function (libpysal's names, e.g. ``gaussian``, ``triangular``).",
    "graph.components": "Areas with neighbours forming separate groups: warn, raise, or keep silently.",
    "hotspots": "Global Moran's I and the LISA clusters (:func:`~deprivation_map.global_moran`, "
    ":func:`~deprivation_map.local_moran`).",
    "hotspots.permutations": "Random permutations for the pseudo p-values: ``auto`` runs as many as the "
    "correction needs to reach ``alpha`` over the areas (within a budget of about 10 s), or a number.",
    "hotspots.seed": "The random seed; recorded in the outputs. Left out: a fresh one, also recorded.",
    "hotspots.alpha": "Significance level of the cluster labels (after the correction).",
    "hotspots.alternative": "The alternative hypothesis of the p-values (``folded``: GeoDa's and esda's ``p_sim``).",
    "hotspots.inference": "``permutation`` (pseudo p-values) or ``analytic`` (normal p-values from the exact "
    "moments under randomisation; no permutations).",
    "hotspots.missing": "Areas without a score: raise, or exclude them (labelled ``Undefined``).",
    "hotspots.correction": "Multiple-testing correction of the local p-values.",
    "map": "The interactive map (:func:`~deprivation_map.explore`).",
    "map.scheme": "Classification of the index into colour classes.",
    "map.k": "Number of classes (3 to 9).",
    "map.palette": "A colour-blind-safe ColorBrewer ramp.",
    "map.tiles": "A folium basemap name; none by default, so the saved map needs no network.",
    "map.lang": "Language of the map's and the report's labels and number format.",
    "allocation": "Share a budget by need after the clusters (:func:`~deprivation_map.allocate`); the amounts "
    "reach the outputs, the map, the report and the summary. Without this table nothing is allocated.",
    "allocation.budget": "The total to share.",
    "allocation.need": "``index`` (the composite score) or a column of the joined data (a rate, a count ...).",
    "allocation.population_col": "A column of the joined data holding the population: shares are need x "
    "population, and amounts per person are reported.",
    "allocation.method": "``proportional``, ``progressive`` (need to the power ``power``) or ``threshold`` "
    "(only the areas past ``threshold`` share the budget).",
    "allocation.floor": "The least an area receives.",
    "allocation.cap": "The most an area receives; what caps remove goes to the others in proportion.",
    "allocation.power": "``progressive``: the exponent of the need (default 2).",
    "allocation.threshold": '``threshold``: ``"decile"`` (the most deprived decile, default), '
    '``"hotspots"`` (High-High areas) or a need value.',
    "allocation.negative": "Negative needs, as z-scores of the index have: raise, ``shift`` (subtract the "
    "lowest need) or ``clip`` (count them as 0).",
    "allocation.missing": "Areas without a need: raise, or ``exclude`` them (they receive nothing).",
    "allocation.units": "Whole units (places, staff) instead of amounts in cents.",
    "output": "What is written, and where.",
    "output.dir": "The output folder (relative to the configuration's folder); the CLI's ``--out`` overrides it.",
    "output.map": "The interactive map's file name.",
    "output.geopackage": "The results as a GeoPackage (with a metadata record).",
    "output.csv": "The results as CSV (with a ``.metadata.json`` sidecar).",
    "output.report": "Also write the HTML report under this name (needs matplotlib, the ``report`` extra).",
}


def _type_name(hint: object) -> str:
    names = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "table", Path: "path"}
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    shown = [names.get(a, getattr(a, "__name__", str(a))) for a in args if a is not type(None)]
    return " or ".join(shown) + (" (optional)" if type(None) in args else "")


def _section_class(hint: object) -> type:
    """The dataclass of a section, also when the section is optional (``AllocationConfig | None``)."""
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    return next(a for a in args if dataclasses.is_dataclass(a))


def _default(f: dataclasses.Field) -> str:
    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
        return "**required**"
    value = f.default if f.default is not dataclasses.MISSING else f.default_factory()
    if value is None:
        return "(none)"
    if isinstance(value, Path):
        return f'``"{value}"``'
    return f"``{value!r}``".replace("'", '"')


def _choices(f: dataclasses.Field) -> str:
    choices = f.metadata.get("choices")
    return ", ".join(f'``"{c}"``' for c in choices) if choices else ""


def config_tables() -> tuple[list[str], set[str]]:
    """RST for every section of the configuration schema, and the keys it documents."""
    from deprivation_map.config import Config

    lines: list[str] = []
    keys: set[str] = set()
    hints = typing.get_type_hints(Config)
    for section in dataclasses.fields(Config):
        if section.name == "source":  # set by load_config, not a key of the file
            continue
        cls = _section_class(hints[section.name])
        required = section.default is dataclasses.MISSING
        keys.add(section.name)
        title = f"[{section.name}]"
        lines += [
            title,
            "~" * len(title),
            "",
            DESCRIPTIONS.get(section.name, ""),
            "This section is required." if required else "This section is optional.",
            "",
        ]
        lines += [
            ".. list-table::",
            "   :header-rows: 1",
            "   :widths: 14 14 14 22 36",
            "",
            "   * - key",
            "     - type",
            "     - default",
            "     - allowed values",
            "     - meaning",
        ]
        field_hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            key = f"{section.name}.{f.name}"
            keys.add(key)
            lines += [
                f"   * - ``{f.name}``",
                f"     - {_type_name(field_hints[f.name])}",
                f"     - {_default(f)}",
                f"     - {_choices(f)}",
                f"     - {DESCRIPTIONS.get(key, '')}",
            ]
        lines.append("")
    return lines, keys


class ConfigReference(SphinxDirective):
    """Every section and key of the pipeline configuration, from :class:`deprivation_map.config.Config`."""

    def run(self) -> list[nodes.Node]:
        lines, keys = config_tables()
        for key in sorted(keys - set(DESCRIPTIONS)):
            logger.warning(
                "configuration key %r has no description in docs/_ext/dm_reference.py",
                key,
                location=self.get_location(),
            )
        for key in sorted(set(DESCRIPTIONS) - keys):
            logger.warning(
                "docs/_ext/dm_reference.py describes %r, which is not a configuration key",
                key,
                location=self.get_location(),
            )
        return self._parse(lines)

    def _parse(self, lines: list[str]) -> list[nodes.Node]:
        container = nodes.section()
        container.document = self.state.document
        self.state.nested_parse(
            StringList(lines, source="dm-config-reference"), self.content_offset, container, match_titles=True
        )
        return container.children


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help(parser: argparse.ArgumentParser) -> list[str]:
    parser.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=100)
    return [".. code-block:: text", ""] + ["   " + line for line in parser.format_help().splitlines()] + [""]


def _options_table(parser: argparse.ArgumentParser) -> list[str]:
    rows = [a for a in parser._actions if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)]
    if not rows:
        return []
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 25 15 60",
        "",
        "   * - argument",
        "     - default",
        "     - meaning",
    ]
    for a in rows:
        name = ", ".join(a.option_strings) or a.dest
        default = "" if a.default in (None, argparse.SUPPRESS) or a.required else f"``{a.default}``"
        lines += [f"   * - ``{name}``", f"     - {default}", f"     - {a.help or ''}"]
    return [*lines, ""]


def cli_sections() -> list[str]:
    """RST for ``deprivation-map`` and each of its commands, from the parser itself."""
    from deprivation_map.cli import _parser

    parser = _parser()
    lines = ["``deprivation-map``", "~~~~~~~~~~~~~~~~~~~~~", "", *_help(parser), *_options_table(parser)]
    for name, sub in _subcommands(parser).items():
        title = f"``deprivation-map {name}``"
        lines += [title, "~" * len(title), "", *_help(sub), *_options_table(sub)]
    return lines


class CliReference(ConfigReference):
    """The help of ``deprivation-map`` and each command, from :func:`deprivation_map.cli._parser`."""

    def run(self) -> list[nodes.Node]:
        return self._parse(cli_sections())


class ModuleDocstring(ConfigReference):
    """The docstring of a module, parsed as RST, without declaring the module as an object.

    For modules hidden by a function of the same name (``deprivation_map.maps.report``): declaring both would be
    a duplicate object description.
    """

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        import importlib
        import inspect

        doc = inspect.getdoc(importlib.import_module(self.arguments[0])) or ""
        return self._parse(doc.splitlines())


def describe_constant(app, what, name, obj, options, lines) -> None:
    """Say what a module constant holds, from its value: a registry's names, a policy's choices, a number.

    The pages then show what the code accepts without printing function reprs (``<function zscore at 0x..>``).
    """
    if what not in ("data", "attribute") or not name.startswith("deprivation_map."):
        return
    if type(obj).__doc__ and "\n".join(lines).strip() == inspect.cleandoc(type(obj).__doc__).strip():
        del lines[:]  # a constant without a docstring of its own gets its type's ("Built-in immutable sequence")

    def names(keys) -> str:
        keys = list(keys)
        shown = ", ".join(f'``"{k}"``' for k in keys[:12])
        return shown + (f", … ({len(keys)} in all)" if len(keys) > 12 else "")

    def is_function(v) -> bool:  # a registry's entry: a function, or a tuple led by one (allocation.METHODS)
        return callable(v) or (isinstance(v, tuple) and bool(v) and callable(v[0]))

    if isinstance(obj, dict) and obj and all(is_function(v) for v in obj.values()):
        text = f"Registry of the names accepted: {names(obj)}."
    elif isinstance(obj, dict) and obj and all(isinstance(k, str) for k in obj):
        text = f"Keys: {names(obj)}."
    elif isinstance(obj, tuple) and obj and all(isinstance(v, str) for v in obj):
        text = f"Values: {names(obj)}."
    elif isinstance(obj, int | float | str) and not isinstance(obj, bool):
        text = f"Value: ``{obj!r}``."
    else:
        return
    lines += ["", text] if lines else [text]  # first when there is no docstring: autosummary's table shows it


def setup(app):
    app.connect("autodoc-process-docstring", describe_constant, priority=400)  # before numpydoc (500)
    app.add_directive("dm-config-reference", ConfigReference)
    app.add_directive("dm-cli-reference", CliReference)
    app.add_directive("dm-module-docstring", ModuleDocstring)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
