"""The ``deprivation-map`` command: argument parsing and printing only; the work is in :mod:`.pipeline`.

deprivation-map demo --out demo/        run the bundled demo (Georgia's counties) and write a map
deprivation-map run config.toml         run the pipeline a TOML configuration describes
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ._version import __version__
from .errors import DeprivationMapError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="deprivation-map",
        description="Build a deprivation index, find where it clusters, and write maps and tables.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the bundled demo (Georgia's 159 counties) and write a map")
    demo.add_argument("--out", default="demo", help="output folder (default: demo)")
    run = commands.add_parser("run", help="run the pipeline described by a TOML configuration")
    run.add_argument("config", help="the configuration file (TOML)")
    run.add_argument("--out", default=None, help="output folder (default: [output] dir of the configuration)")
    return parser


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
    from . import pipeline
    from .datasets import get_path

    config = get_path("demo.toml") if args.command == "demo" else args.config
    try:
        result = pipeline.run(config, out_dir=args.out)
    except DeprivationMapError as err:  # a configuration lists every problem it has, one per line
        for line in str(err).splitlines():
            print(f"deprivation-map: error: {line}", file=sys.stderr)
        return 2
    except OSError as err:
        print(f"deprivation-map: error: {err.strerror or err}: {err.filename or ''}", file=sys.stderr)
        return 2
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
