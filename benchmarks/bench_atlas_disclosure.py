"""Time and peak memory of the atlas's joint disclosure check (atlas/_disclosure.py) as areas and cells grow.

Run (one benchmark at a time on the shared machine):

    flock /tmp/bench.lock python benchmarks/bench_atlas_disclosure.py [--sizes 1700 10000 35000]

Synthetic areas with a small count of one group each (Poisson, mean 1.5), classed as the atlas classes them: a
decile (10), a cluster type (5), an access class (2) and a zone of 5 areas (so that many zones fall below the threshold). Each table is suppressed by
:func:`~deprivation_map.io.disclosure.suppress_table` with the group's total published (as
:func:`~deprivation_map.vulnerable_groups` does), then :func:`pinned_cells` bounds every suppressed cell over
all four tables at once (one pair of linear programmes per cell). Columns: ``areas``; ``atoms`` (distinct
cross-classes, the unknowns); ``hidden`` suppressed cells; ``suppress`` seconds for the four tables;
``check`` seconds for the joint check; ``pinned`` cells it found; ``RSS GB`` peak memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from deprivation_map.atlas._disclosure import pinned_cells
from deprivation_map.io.disclosure import suppress_table


def case(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ids = pd.Index([f"A{i:06d}" for i in range(n)])
    classes = pd.DataFrame(
        {
            "decile": rng.integers(1, 11, n).astype(str),
            "cluster": rng.choice(
                ["High-High", "Low-Low", "Low-High", "High-Low", "Not significant"], n, p=[0.05, 0.05, 0.01, 0.01, 0.88]
            ),
            "access": rng.choice(["Under-served", "Served"], n, p=[0.2, 0.8]),
            "zone": (np.arange(n) // 5).astype(str),
        },
        index=ids,
    )
    counts = pd.DataFrame({"group": rng.poisson(1.5, n)}, index=ids)
    return classes, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_700, 10_000, 35_000])
    args = parser.parse_args()
    print(f"{'areas':>7} {'atoms':>7} {'hidden':>7} {'suppress':>9} {'check':>8} {'pinned':>7} {'RSS GB':>7}")
    for n in args.sizes:
        classes, counts = case(n)
        start = time.perf_counter()
        tables = {
            kind: suppress_table(counts.groupby(classes[kind]).sum(), threshold=10, margins="columns").published
            for kind in classes.columns
        }
        suppressed = time.perf_counter() - start
        start = time.perf_counter()
        pinned = pinned_cells(tables, classes, counts)
        checked = time.perf_counter() - start
        atoms = len(classes.drop_duplicates())
        hidden = sum(int(t.isna().sum().sum()) for t in tables.values())
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(f"{n:>7,} {atoms:>7,} {hidden:>7,} {suppressed:>9.1f} {checked:>8.1f} {len(pinned):>7} {rss:>7.2f}")


if __name__ == "__main__":
    main()
