"""Publish a run as a static atlas: an overview, a page per district, methods, data, search, languages.

The folder works from any web server or opened from disk (``file://``): every page, map, image and script is
a file beside the others, Leaflet is inlined in each map, the search index is a script, and nothing is
requested from the network unless the configuration's ``[map] tiles`` asks for an online basemap.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ValidationError
from ..maps.i18n import LANGS, check_lang, text
from ._change import CHANGE_PAGE, change_body, write_change_data, write_change_maps
from ._html import CSS, Site, page
from ._methods import methods_body
from ._pages import district_body, overview_body, weighted
from ._search import SEARCH_JS, search_index
from ._services import methods_section, pages_of, search_pages, service_pages, withheld
from ._words import word

__all__ = ["publish_atlas"]

MARKER = ".deprivation-atlas"  # written in every atlas folder: only such a folder is ever emptied
_OURS = ("index.html", "methods.html", "change.html", "zones.html", "groups.html", "access.html", "assets", "maps",
         "img", "data", "districts")  # fmt: skip


def _result(result_or_config: Any) -> Any:
    from ..pipeline import PipelineResult, run

    if isinstance(result_or_config, PipelineResult):
        return result_or_config
    with tempfile.TemporaryDirectory(prefix="dm-atlas-run-") as scratch:  # the run's own files are not the atlas's
        return run(result_or_config, out_dir=scratch)


def _prepare(out: Path) -> None:
    """Create ``out``, or empty a previous atlas there; refuse a folder holding anything else."""
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ValidationError(
                f"The folder {out} is not empty and holds no atlas ({MARKER} is missing). Publish into a new or "
                "empty folder, or into one a previous publish_atlas wrote, which is then replaced."
            )
        for name in (*_OURS, *LANGS):  # any language a previous atlas had
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.is_file():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("Written by deprivation_map.publish_atlas; replaced on the next publish.\n")


def _areas(result: Any) -> pd.DataFrame:
    """One row per area, in the data's order: name, district, score, rank, decile, cluster, Gi*, robustness."""
    data, name_col = result.data, result.config.boundaries.name_col
    frame = result.index.to_frame()[["score", "rank", "decile"]]
    frame.insert(0, "name", data[name_col].astype(object) if name_col else None)
    frame.insert(1, "district", result.results.get("district_of"))
    frame["cluster"] = result.hotspots.labels.astype(object)
    if result.gi is not None:
        frame["gi"] = result.gi.labels.astype(object)
    if result.robust is not None:
        frame["robust"] = result.robust.share
    if result.uncertainty is not None:
        frame["rank_low"], frame["rank_high"] = result.uncertainty.rank_low, result.uncertainty.rank_high
    return frame.reindex(data.index)


def _slugs(names: Sequence[str]) -> dict[str, str]:
    """A safe, unique file name per district: its position and its name in ASCII (``03-sant-andreu``)."""
    width = len(str(len(names)))
    slugs = {}
    for position, name in enumerate(names, start=1):
        ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode().lower()
        slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40]
        slugs[name] = f"{position:0{width}d}" + (f"-{slug}" if slug else "")
    return slugs


def _write_data(result: Any, out: Path) -> dict[str, str]:
    """The results as CSV and GeoPackage with their metadata, the districts' table and the configuration."""
    from ..io import write_results
    from ..pipeline import run_metadata

    metadata = run_metadata(result)
    folder = out / "data"
    frame = result.to_frame().drop(columns=withheld(result))  # groups' counts by area: only in suppressed tables
    write_results(frame, folder / "results.csv", metadata=metadata)
    write_results(frame, folder / "results.gpkg", metadata=metadata)
    files = {"csv": "data/results.csv", "gpkg": "data/results.gpkg", "metadata": "data/results.csv.metadata.json"}
    if result.districts is not None:
        write_results(result.districts, folder / "districts.csv", metadata=metadata)
        files["districts_csv"] = "data/districts.csv"
    return files


def _district_image(result: Any, ids: pd.Index, path: Path, *, lang: str, name: str, source: str, classes) -> None:
    """The district's areas coloured by the classes of the whole map (``classes``), so both read alike."""
    from types import SimpleNamespace

    from ..maps.static import save_png

    scores = SimpleNamespace(score=result.index.score.loc[ids])  # save_png reads .score, aligned to the areas drawn
    save_png(
        result.data.loc[ids], path, layer="index", index=scores, lang=lang, title=str(name), source=source,
        scheme="user_defined", size=(7.0, 5.5), dpi=100, **classes,
    )  # fmt: skip


def _overview_classes(result: Any) -> dict[str, Any]:
    """The overview map's classes of the index (its scheme, ``k``, palette) as bounds for the district maps."""
    from ..maps.classify import SCHEMES

    options = result.config.map
    valid = result.index.score.dropna().to_numpy(dtype="float64")
    bins = SCHEMES[options.scheme](valid, options.k, None)
    return {"bins": [float(b) for b in bins], "lowest": float(valid.min()), "palette": options.palette}


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def _district_pages(result, areas, site: Site, out: Path, slugs: dict, *, maps: bool) -> None:
    classes = _overview_classes(result)
    people = weighted(result)
    for name, summary in result.districts.iterrows():
        members = areas[areas["district"] == name]
        for lang in site.languages:
            image = f"img/{slugs[name]}-{lang}.png"
            if maps:
                _district_image(
                    result, members.index, out / image, lang=lang, name=name, source=site.source, classes=classes
                )
            folder = site.folder(lang)
            root = "../" * (1 + folder.count("/"))
            body = district_body(
                str(name), summary, members, lang, image=root + image, overview="../index.html", people=people
            )
            here = f"districts/{slugs[name]}.html"
            html_text = page(site, lang, title=str(name), body=body, here=here, root=root, depth_root="../")
            _write(out / folder / here, html_text)


def _overview_map(result: Any, site: Site, lang: str) -> Any:
    """The map of ``[map]`` with, as further layers, GeoDa's significance map and the robustness of the hot spots.

    Gi* hot and cold spots are drawn by the pipeline's map when ``[gi]`` is configured; the attribution is the
    atlas's source and licence unless ``[map] attribution`` gives one.
    """
    from ..errors import MapTooLargeError
    from ..pipeline import draw_map

    options = result.config.map
    layers = dict(options.layers or {})
    if result.robust is not None:
        layers[word("robust_layer", lang)] = 100 * result.robust.share
    licence = f" {word('licence', lang, licence=site.licence)}." if site.licence else ""
    attribution = options.attribution or f"{text('source', lang, source=site.source)}.{licence}"
    m = draw_map(
        result.results, result.config, lang=lang, significance=True, layers=layers or None, attribution=attribution
    )
    if m is None:
        raise MapTooLargeError(
            f"The overview map of {len(result.data):,} areas is too large for one HTML page even at the strongest "
            "simplification, and the atlas shows its map in a page: raise [map] max_mb, or publish fewer, larger "
            "areas (the run's own map falls back to vector tiles: deprivation-map run)."
        )
    return m


def _language_pages(result, areas, site: Site, out: Path, lang: str, *, files: dict, slugs: dict) -> None:
    """The overview, its interactive map and the methods page in ``lang``."""
    from ..maps import save_map

    save_map(_overview_map(result, site, lang), out / "maps" / f"overview-{lang}.html")
    folder = site.folder(lang)
    root = "../" if folder else ""
    links = {
        "files": {k: root + href for k, href in files.items()},
        "districts": {n: f"districts/{s}.html" for n, s in slugs.items()} if site.has_districts else None,
        "scored": areas.groupby("district")["score"].count() if site.has_districts else None,
    }
    map_src = f"{root}maps/overview-{lang}.html"
    body = overview_body(result, areas, lang, title=site.title_in(lang), map_src=map_src, links=links)
    common = {"root": root, "depth_root": ""}
    _write(
        out / folder / "index.html",
        page(site, lang, title=word("overview", lang), body=body, here="index.html", **common),
    )
    config_toml = (out / "data" / "config.toml").read_text(encoding="utf-8")
    body = methods_body(result, lang, config_toml=config_toml) + methods_section(result, lang)
    _write(
        out / folder / "methods.html",
        page(site, lang, title=word("methods", lang), body=body, here="methods.html", **common),
    )
    for here, title, body in service_pages(result, out, lang, root=root):
        _write(out / folder / here, page(site, lang, title=title, body=body, here=here, **common))


def _options(config: Any, given: dict[str, Any]) -> dict[str, Any]:
    """The options given, each one left as None taken from ``[atlas]`` (None where that is absent too)."""
    section = getattr(config, "atlas", None)
    defaults = section.api_options() if section is not None else {}
    return {k: x if x is not None else defaults.get(k) for k, x in given.items()}


def publish_atlas(
    result_or_config: Any,
    out: str | Path,
    *,
    languages: Sequence[str] | None = None,
    title: str | None = None,
    source: str | None = None,
    licence: str | None = None,
    date: str | None = None,
    district_maps: bool | None = None,
) -> Path:
    r"""Write a static atlas of a run into the folder ``out``; returns the path of its ``index.html``.

    Parameters
    ----------
    result_or_config : PipelineResult, Config or path
        A :func:`~deprivation_map.pipeline.run` result, or a configuration (TOML file) to run first.
    out : path
        The atlas's folder: created, or replaced if a previous atlas is there; any other non-empty folder
        is refused.
    languages : sequence of {"en", "es", "ca", "el"}, optional
        The atlas's languages, the first at the root (``index.html``), each other in its folder
        (``es/index.html``), with a switch between them on every page. Default: ``[map] lang``.
    title : str, optional
        The atlas's title on every page. Default: "Deprivation atlas" in each language.
    source : str, optional
        The data's source, shown on every page and in each image. Default: the input files' names.
    licence : str, optional
        The licence of the published data (e.g. "CC BY 4.0"), shown on every page; none by default.
    date : str, optional
        The publication date shown. Default: today (ISO 8601).
    district_maps : bool, optional
        Draw a static map (PNG, needs matplotlib) on each district's page. Default: True.

    Each option left as None takes its value from the configuration's ``[atlas]`` section, if it has one,
    else the default said here: an argument given here overrides the configuration (as the command line's
    options do for ``deprivation-map publish``).

    Returns
    -------
    pathlib.Path
        ``out/index.html``. Beside it: ``methods.html``; ``districts/<n>-<name>.html`` when the run has
        districts; ``maps/overview-<lang>.html`` (the interactive map, Leaflet inlined); ``img/`` (the
        district maps); ``data/`` (``results.csv`` with formulas neutralised, ``results.gpkg``, their metadata,
        ``districts.csv``); ``assets/`` (style, search script and search index).

    Notes
    -----
    The pages state, for each district (as in :func:`~deprivation_map.district_summary`), the share of
    its areas that were scored, its extent (share of its population in the most deprived decile of all
    areas, :math:`r_i \le n/10`) and its local concentration (the population-weighted mean rank of its most
    deprived areas holding 10 % of its population). Every text from the data (names, codes, labels) is
    HTML-escaped where it is written, and the search index is JSON with ``<`` escaped.

    Examples
    --------
    >>> import tempfile, deprivation_map as dm
    >>> from deprivation_map.pipeline import run
    >>> result = run(dm.datasets.get_path("demo.toml"), out_dir=tempfile.mkdtemp())
    >>> home = publish_atlas(result, tempfile.mkdtemp() + "/atlas", languages=["en", "es"], licence="CC BY 4.0")
    >>> home.name, (home.parent / "es" / "index.html").is_file(), (home.parent / "data" / "results.gpkg").is_file()
    ('index.html', True, True)
    """
    from ..pipeline import source_name

    result = _result(result_or_config)
    config = result.config
    given = {"languages": languages, "title": title, "source": source, "licence": licence, "date": date}
    options = _options(config, given | {"district_maps": district_maps})
    languages, title, source, licence, date = (options[k] for k in given)
    district_maps = options["district_maps"] is not False
    languages = tuple(dict.fromkeys(check_lang(x) for x in (languages or [config.map.lang])))
    out = Path(out)
    _prepare(out)
    source = source or ", ".join(source_name(x) for x in (config.boundaries, *config.indicators))
    has_districts = result.districts is not None
    site = Site(title or "", languages, date or _dt.date.today().isoformat(), source, licence, has_districts,
                has_change=result.change is not None, pages=pages_of(result))  # fmt: skip
    areas = _areas(result)
    slugs = _slugs(list(result.districts.index)) if has_districts else {}
    pages = areas["district"].map(lambda d: f"districts/{slugs[d]}.html") if has_districts else search_pages(result)
    files = _write_data(result, out)
    (out / "data" / "config.toml").write_text(config.to_toml(out / "data"), encoding="utf-8")
    _write(out / "assets" / "atlas.css", CSS)
    _write(out / "assets" / "atlas.js", SEARCH_JS)
    _write(out / "assets" / "areas.js", search_index(areas, pages))
    for lang in languages:
        _language_pages(result, areas, site, out, lang, files=files, slugs=slugs)
    if has_districts:
        _district_pages(result, areas, site, out, slugs, maps=district_maps)
    if site.has_change:
        _change_pages(result, site, out)
    return out / "index.html"


def _change_pages(result: Any, site: Site, out: Path) -> None:
    """The change page and its three maps in every language, and the change of every area as CSV."""
    from ..pipeline import run_metadata

    data_href = write_change_data(result, out, run_metadata(result))
    for lang in site.languages:
        maps = write_change_maps(result, out, lang)
        folder = site.folder(lang)
        root = "../" if folder else ""
        body = change_body(result, lang, maps=maps, root=root, data_href=data_href)
        html_text = page(site, lang, title=text("change_section", lang), body=body, here=CHANGE_PAGE, root=root,
                         depth_root="")  # fmt: skip
        _write(out / folder / CHANGE_PAGE, html_text)
