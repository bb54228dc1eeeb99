"""Progress bars for long work, shown on a terminal only when asked for; silent otherwise.

Functions that can run for minutes (robust hotspots, uncertainty, a whole pipeline) take ``progress=False``.
``True`` draws a bar on standard error with tqdm when it is a terminal, and nothing in a notebook's log, a
pipe or CI; a callable receives ``(done, total)`` instead, for observatory tools that show progress their
own way.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Progress", "progress_bar"]

Progress = bool | Callable[[int, int], None]  # what a long-running function's ``progress=`` accepts


@contextmanager
def progress_bar(progress: Progress, total: int, *, desc: str) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n=1)``, which moves the bar (or calls ``progress(done, total)``) by ``n`` steps.

    Examples
    --------
    >>> seen = []
    >>> with progress_bar(lambda done, total: seen.append((done, total)), 3, desc="runs") as advance:
    ...     for _ in range(3):
    ...         advance()
    >>> seen
    [(1, 3), (2, 3), (3, 3)]
    >>> with progress_bar(False, 3, desc="runs") as advance:  # off: nothing is drawn
    ...     advance(3)
    """
    if callable(progress):
        done = 0

        def call(n: int = 1) -> None:
            nonlocal done
            done += n
            progress(done, total)

        yield call
    elif progress and sys.stderr.isatty():
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
            yield bar.update
    else:
        yield _ignore


def _ignore(n: int = 1) -> None:
    """Advance nothing: the bar when progress is off."""
