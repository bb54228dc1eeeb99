"""Time of the rich HTML reprs (what Jupyter calls to show a result) and the size of the HTML, at 1k-1M areas.

Run from anywhere after installing the package (one job at a time on a shared machine):

    flock /tmp/bench.lock python benchmarks/bench_repr.py [--sizes 1000 10000 100000 1000000] [--repeat 3]

Synthetic areas with IDs as text and three indicators ~ Gamma(2, 1). Each size runs in a fresh process
(``--repeat`` times, median shown) and times ``_repr_html_`` of:

- index: a z-score / equal / mean DeprivationIndex (its repr sorts the areas by rank);
- lisa: a Hotspots object with random quadrants and p-values (built directly: the statistic is not timed);
- join: the JoinReport of a table missing 1 % of the areas (its repr puts unmatched IDs first);
- allocation: a proportional Allocation with its Equity table.

The HTML shows 5 rows of each frame whatever the size, so its length must not grow with the areas.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, time
import numpy as np, pandas as pd
import deprivation_map as dm
from deprivation_map.local_moran import Hotspots
n, seed = N, SEED
rng = np.random.default_rng(seed)
ids = pd.Index([f"{k:07d}" for k in range(n)], name="id")
data = pd.DataFrame(rng.gamma(2.0, size=(n, 3)), index=ids, columns=["a", "b", "c"])
index = dm.build_index(data, {"a": 1, "b": 1, "c": -1})
q = pd.Series(rng.integers(1, 5, n), index=ids, dtype="Int64")
p = pd.Series(rng.uniform(0.001, 1, n), index=ids)
labels = pd.Series(np.where(p < 0.05, q.map({1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}),
                   "Not significant"), index=ids, dtype="category")
hot = Hotspots(Is=p, p=p, q=q, labels=labels, z=p, lag=p, alpha=0.05, alternative="two-sided", permutations=999,
               seed=seed, p_adjusted=p)
table = data.iloc[: n - n // 100]
join = dm.check_join(data, table)
alloc = dm.allocate(data["a"], 1_000_000, population=data["b"] * 1000)
objects = {"index": index, "lisa": hot, "join": join, "allocation": alloc}
out = {}
for name, obj in objects.items():
    t = time.perf_counter()
    page = obj._repr_html_()
    out[name] = time.perf_counter() - t
    out[name + " bytes"] = len(page)
print(json.dumps(out))
"""

NAMES = ("index", "lisa", "join", "allocation")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("_repr_html_ seconds (HTML kilobytes), median of", args.repeat, "runs\n")
    header = f"{'areas':>9} " + " ".join(f"{name:>17}" for name in NAMES)
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        runs = []
        for r in range(args.repeat):
            code = CHILD.replace("N, SEED", f"{n}, {r}")
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        cells = []
        for name in NAMES:
            seconds = statistics.median(run[name] for run in runs)
            kb = statistics.median(run[name + " bytes"] for run in runs) / 1000
            cells.append(f"{seconds:>9.4f} ({kb:>4.1f} kB)")
        print(f"{n:>9} " + " ".join(cells))


if __name__ == "__main__":
    main()
