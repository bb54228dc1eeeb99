"""Time of the rich HTML reprs (what Jupyter calls to show a result) and the size of the HTML, at 1k-1M areas.

Run from anywhere after installing the package (one job at a time on a shared machine):

    flock /tmp/bench.lock python benchmarks/bench_repr.py [--sizes 1000 10000 100000 1000000] [--repeat 3]

Synthetic areas with IDs as text and three indicators ~ Gamma(2, 1). For each size the objects are built
once, then ``_repr_html_`` of each is timed ``--repeat`` times (median shown), as Jupyter would call it:

- index: a z-score / equal / mean DeprivationIndex (its repr sorts the areas by rank);
- lisa: a Hotspots object with random quadrants and p-values (built directly: the statistic is not timed);
- join: the JoinReport of a table missing 1 % of the areas (its repr puts unmatched IDs first);
- allocation: a proportional Allocation with its Equity table.

The HTML shows 5 rows of each frame whatever the size, so its length must not grow with the areas.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

import deprivation_map as dm
from deprivation_map.spatial.lisa import Hotspots

NAMES = ("index", "lisa", "join", "allocation")


def results(n: int, seed: int = 0) -> dict[str, object]:
    """One object of each kind for ``n`` synthetic areas."""
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"{k:07d}" for k in range(n)], name="id")
    data = pd.DataFrame(rng.gamma(2.0, size=(n, 3)), index=ids, columns=["a", "b", "c"])
    q = pd.Series(rng.integers(1, 5, n), index=ids, dtype="Int64")
    p = pd.Series(rng.uniform(0.001, 1, n), index=ids)
    quadrant = q.map({1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"})
    labels = pd.Series(np.where(p < 0.05, quadrant, "Not significant"), index=ids, dtype="category")
    return {
        "index": dm.build_index(data, {"a": 1, "b": 1, "c": -1}),
        "lisa": Hotspots(
            Is=p,
            p=p,
            q=q,
            labels=labels,
            z=p,
            lag=p,
            alpha=0.05,
            alternative="two-sided",
            permutations=999,
            seed=seed,
            p_adjusted=p,
        ),
        "join": dm.check_join(data, data.iloc[: n - n // 100]),
        "allocation": dm.allocate(data["a"], 1_000_000, population=data["b"] * 1000),
    }


def timed(obj: object, repeat: int) -> tuple[float, int]:
    """Median seconds of ``repeat`` calls of ``obj._repr_html_()`` and the length of the HTML."""
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        page = obj._repr_html_()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), len(page)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("_repr_html_ seconds (HTML kilobytes), median of", args.repeat, "calls\n")
    header = f"{'areas':>9} " + " ".join(f"{name:>17}" for name in NAMES)
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        cells = [timed(obj, args.repeat) for obj in results(n).values()]
        print(f"{n:>9} " + " ".join(f"{s:>9.4f} ({b / 1000:>4.1f} kB)" for s, b in cells))


if __name__ == "__main__":
    main()
