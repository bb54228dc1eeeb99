"""Speed and memory of allocation with caps, access distances and the exact covering model, at 1k-100k areas.

Run from anywhere after installing the package (one job at a time on a shared machine):

    flock /tmp/bench.lock python benchmarks/bench_allocation.py [--sizes 1000 10000 100000] [--repeat 3]

Synthetic areas: an s x s grid of 1 km square cells (a projected CRS, metres) with need ~ Gamma(2, 1) and
population ~ Uniform(100, 5000). Each size runs in a fresh process (``--repeat`` times, median shown):

- allocate: proportional to need x population with a floor of 0.2x and a cap of 3x the mean amount
  (about a tenth of the areas end at the cap), equity diagnostics included;
- distances: nearest of n / 500 existing services from every area's representative point;
- covering: choose k = 10 of n / 50 candidate sites (a 5 km reach), existing services counted, solved to
  proven optimality with HiGHS (scipy.optimize.milp).

Peak RSS is the process's maximum resident set (interpreter and imports included, about 200 MB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

CHILD = """
import json, resource, time
import numpy as np, pandas as pd, geopandas as gpd, shapely
import deprivation_map as dm
n, seed = N, SEED
rng = np.random.default_rng(seed)
side = int(np.ceil(np.sqrt(n)))
i = np.arange(n)
x, y = (i % side) * 1000.0, (i // side) * 1000.0
ids = pd.Index([f"{k:07d}" for k in range(n)], name="id")
areas = gpd.GeoDataFrame(geometry=shapely.box(x, y, x + 1000, y + 1000), index=ids, crs="EPSG:25831")
need = pd.Series(rng.gamma(2.0, size=n), index=ids)
people = pd.Series(rng.uniform(100, 5000, size=n).round(), index=ids)
def pts(m, prefix):
    k = rng.choice(n, size=m, replace=False)
    names = [f"{prefix}{j}" for j in range(m)]
    return gpd.GeoDataFrame(geometry=shapely.points(x[k] + 500, y[k] + 500), index=names, crs=areas.crs)
services, candidates = pts(max(n // 500, 1), "s"), pts(n // 50, "c")
budget = 10 * n * 1000
dm.allocate(need.iloc[:50], 100, population=people.iloc[:50], cap=5)  # warm up pandas and numpy paths
out = {}
t = time.perf_counter()
alloc = dm.allocate(need, budget, population=people, floor=0.2 * budget / n, cap=3 * budget / n)
out["allocate"] = time.perf_counter() - t
out["at cap"] = int((alloc.bound == "cap").sum())
assert int(alloc.minor_units.sum()) == budget * 100
t = time.perf_counter()
acc = dm.distance_to_services(areas, services, within=5000)
out["distances"] = time.perf_counter() - t
t = time.perf_counter()
best = dm.select_sites(areas, candidates, 10, within=5000, need=need, population=people, services=services)
out["covering"] = time.perf_counter() - t
out["optimal"] = best.optimal
out["gained %"] = 100 * best.gained / best.total_need
out["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("allocation with floors and caps, distances and exact covering (k=10), median of", args.repeat, "runs\n")
    header = (
        f"{'areas':>8} {'allocate s':>11} {'at cap':>7} {'distances s':>12} {'covering s':>11} {'optimal':>8} "
        f"{'gained %':>9} {'peak MB':>8}"
    )
    print(header)
    print("-" * len(header))
    for n in args.sizes:
        runs = []
        for r in range(args.repeat):
            code = CHILD.replace("N, SEED", f"{n}, {r}")
            done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        keys = ("allocate", "distances", "covering", "peak MB", "at cap", "gained %")
        med = {k: statistics.median(run[k] for run in runs) for k in keys}
        optimal = all(run["optimal"] for run in runs)
        print(
            f"{n:>8} {med['allocate']:>11.3f} {med['at cap']:>7.0f} {med['distances']:>12.3f} "
            f"{med['covering']:>11.3f} {optimal!s:>8} {med['gained %']:>9.2f} {med['peak MB']:>8.0f}"
        )


if __name__ == "__main__":
    main()
