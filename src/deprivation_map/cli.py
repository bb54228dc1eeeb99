"""The ``deprivation-map`` command: argument parsing and printing only; the work is in :mod:`.pipeline`.

deprivation-map demo --out demo/                        run the bundled demo (Georgia's counties), write a map
deprivation-map init AREAS --id CODE [--table TABLE]    write a commented starting configuration from the data
deprivation-map check config.toml                       read, join and build the graph; report every problem
deprivation-map run config.toml                         run the pipeline a TOML configuration describes
deprivation-map run config.toml --engine dask           the same on dask (--scheduler, --workers, --memory-limit)
deprivation-map publish config.toml --out site/         run it and publish a static atlas of the results

Exit statuses: 0 success; 2 a problem with the input or the configuration (one line each on standard
error, never a traceback), also when ``check`` finds one; 1 an unexpected internal error (a bug: please
report it; ``--traceback`` shows where it happened); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import traceback
import warnings
from collections.abc import Sequence
from typing import Any

from ._version import __version__
from .errors import DeprivationMapError, DeprivationMapWarning

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deprivation-map",
        description="Build a deprivation index, find where it clusters, and write maps and tables.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress, no summary)")
    parser.add_argument("--traceback", action="store_true", help="show the traceback of an internal error")
    demo = commands.add_parser("demo", help="run the bundled demo (Georgia's 159 counties) and write a map")
    demo.add_argument("--out", default="demo", help="output folder (default: demo)")
    init = commands.add_parser("init", help="write a commented starting configuration from the data")
    init.add_argument("boundaries", help="the boundaries file")
    init.add_argument("--id", required=True, dest="id_col", help="the column holding the area code")
    init.add_argument("--table", default=None, help="an indicator table (default: indicators in the boundaries)")
    init.add_argument("--table-id", default=None, help="the table's code column, if not named as --id")
    init.add_argument("--out", default="config.toml", help="where to write it (default: config.toml)")
    check = commands.add_parser("check", help="check a configuration and its data without computing statistics")
    check.add_argument("config", help="the configuration file (TOML)")
    run = commands.add_parser("run", help="run the pipeline described by a TOML configuration")
    run.add_argument("config", help="the configuration file (TOML)")
    run.add_argument("--out", default=None, help="output folder (default: [output] dir of the configuration)")
    run.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where to compute: this process (default) or a dask cluster (the [dask] extra)",
    )
    run.add_argument(
        "--scheduler", default=None, help="with --engine dask: a scheduler's address (default: a LocalCluster)"
    )
    run.add_argument(
        "--workers", type=int, default=None, help="with --engine dask: the LocalCluster's worker processes"
    )
    run.add_argument("--memory-limit", default=None, help="with --engine dask: memory per LocalCluster worker (4GiB)")
    publish = commands.add_parser(
        "publish",
        help="run a configuration and publish a static atlas of its results",
        description="Run a configuration and publish a static atlas. Each option not given here is taken from the "
        "configuration's [atlas] section, if it has one.",
    )
    publish.add_argument("config", help="the configuration file (TOML)")
    publish.add_argument("--out", required=True, help="the atlas's folder (new, empty, or a previous atlas)")
    publish.add_argument(
        "--lang",
        action="append",
        dest="languages",
        help="a language of the atlas (repeat for several; default: [atlas] languages, or [map] lang); the first is at the root",
    )
    publish.add_argument(
        "--title", default=None, help='the title of every page (default: [atlas] title, or "Deprivation atlas")'
    )
    publish.add_argument("--source", default=None, help="the data's source (default: the input files' names)")
    publish.add_argument("--licence", default=None, help='the licence of the published data, e.g. "CC BY 4.0"')
    publish.add_argument("--date", default=None, help="the publication date shown (default: today)")
    publish.add_argument(
        "--no-district-maps",
        action="store_false",
        default=None,
        dest="district_maps",
        help="no static map on the district pages (faster; needs no matplotlib)",
    )
    return parser


def _publish(args: argparse.Namespace) -> int:
    from .atlas import publish_atlas
    from .pipeline import run

    with tempfile.TemporaryDirectory(prefix="dm-publish-") as scratch:  # the run's own files are not the atlas's
        result = run(args.config, out_dir=scratch, progress=not args.quiet)
    options = {k: getattr(args, k) for k in ("languages", "title", "source", "licence", "date", "district_maps")}
    home = publish_atlas(result, args.out, **options)  # each option not given: the configuration's [atlas]
    if not args.quiet:
        print(result.summary().rsplit("\n", 1)[0])
        print(f"Published the atlas: {home} (open it in a browser, or copy the folder {home.parent} to a web server)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from . import pipeline
    from .datasets import get_path

    config = get_path("demo.toml") if args.command == "demo" else args.config
    engine: dict[str, Any] = {k: getattr(args, k, None) for k in ("scheduler", "workers", "memory_limit")}
    if getattr(args, "engine", "local") == "dask":
        engine["engine"] = "dask"
    elif any(x is not None for x in engine.values()):
        raise DeprivationMapError("--scheduler, --workers and --memory-limit go with --engine dask.")
    else:
        engine = {}
    result = pipeline.run(config, out_dir=args.out, progress=not args.quiet, **engine)
    if not args.quiet:
        print(result.summary())
        print("Stage times: " + ", ".join(f"{k} {s:.2f} s" for k, s in result.timings.items()), file=sys.stderr)
    return 0


def _check(args: argparse.Namespace) -> int:
    from . import pipeline

    found = pipeline.check(args.config)
    if not args.quiet or not found.ok:
        print(found.summary(), file=sys.stdout if found.ok else sys.stderr)
    return 0 if found.ok else 2


def _init(args: argparse.Namespace) -> int:
    from .pipeline.starter import starter_config

    path = starter_config(
        args.boundaries, id_col=args.id_col, table=args.table, table_id_col=args.table_id, out=args.out
    )
    if not args.quiet:
        print(f"Wrote {path}: review its comments, then `deprivation-map check {path}`.")
    return 0


COMMANDS = {"demo": _run, "run": _run, "check": _check, "init": _init, "publish": _publish}


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as one line of the command's own, without the library's file and line."""
    print(f"deprivation-map: warning: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 success, 2 bad input or configuration).

    Examples
    --------
    >>> import contextlib, io, tempfile
    >>> printed = io.StringIO()
    >>> with contextlib.redirect_stdout(printed):
    ...     status = main(["demo", "--out", tempfile.mkdtemp()])
    >>> status, printed.getvalue().splitlines()[-1].startswith("Wrote ")
    (0, True)
    >>> with contextlib.redirect_stderr(io.StringIO()) as errors:
    ...     status = main(["run", "no-such-config.toml"])
    >>> status, errors.getvalue().startswith("deprivation-map: error: No configuration file")
    (2, True)
    """
    args = _parser().parse_args(argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", DeprivationMapWarning)  # each one said, as a line of the command
            warnings.showwarning = _show_warning
            return COMMANDS[args.command](args)
    except DeprivationMapError as err:  # a configuration lists every problem it has, one per line
        for line in str(err).splitlines():
            print(f"deprivation-map: error: {line}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"deprivation-map: error: {err.strerror or err}: {err.filename or ''}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("deprivation-map: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # a bug: one line, the traceback on request
        if args.traceback:
            traceback.print_exc()
        print(
            f"deprivation-map: internal error: {type(err).__name__}: {err}. This is a bug; please report it "
            "(run again with --traceback to see where it happened).",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
