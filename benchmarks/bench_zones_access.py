"""Speed and memory of zones (max-p, SKATER) and of floating catchment accessibility (E2SFCA).

Run from anywhere after installing the package with the zones extra (one job at a time on a shared machine):

    flock /tmp/bench.lock python benchmarks/bench_zones_access.py zones [--sizes 1000 2500 10000]
    flock /tmp/bench.lock python benchmarks/bench_zones_access.py access [--sizes 10000 100000] [--services 1000]

Each size runs in a fresh process; peak RSS is the process's maximum resident set (interpreter and imports
included, about 200 MB).

- zones: an s x s grid of 1 km squares with two attributes ~ N(0, 1) and population ~ U(500, 3000); max-p
  with a floor of 20,000 people (about 12 areas a zone), spopt's solver with ``--construction`` construction
  and ``--sa`` annealing iterations (spopt's defaults are 99 and 10); SKATER into n / 12 zones, only up to
  ``--skater-max`` areas (spopt's SKATER scores every cut of the spanning tree: 459 s at 1,000 areas here). spopt's
  max-p holds a dense n x n matrix of attribute distances (8 n^2 bytes: 800 MB at 10,000 areas).
- access: the same grid with ``--services`` service points (capacity ~ U(1, 50)) at random, E2SFCA with a
  10 km catchment and the 1 / 0.68 / 0.22 steps; the pairs within reach come from a k-d tree, so memory
  grows with the pairs (about n x 0.3 services here), never with n x services.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

GRID = """
import json, resource, time
import numpy as np, pandas as pd, geopandas as gpd, shapely
import deprivation_map as dm
n = N
rng = np.random.default_rng(0)
side = int(np.ceil(np.sqrt(n)))
i = np.arange(n)
x, y = (i % side) * 1000.0, (i // side) * 1000.0
ids = pd.Index([f"{k:07d}" for k in range(n)], name="id")
areas = gpd.GeoDataFrame(
    {"a": rng.normal(size=n), "b": rng.normal(size=n), "pop": rng.uniform(500, 3000, n).round()},
    geometry=shapely.box(x, y, x + 1000, y + 1000), index=ids, crs="EPSG:25831",
)
out = {}
"""

ZONES = """
graph = dm.build_graph(areas)
t = time.perf_counter()
zones = dm.regionalise(areas, ["a", "b"], floor_col="pop", floor=20_000, graph=graph, seed=0,
                       options={"max_iterations_construction": CONSTRUCTION, "max_iterations_sa": SA})
out["maxp s"] = time.perf_counter() - t
out["maxp zones"] = zones.n_zones
out["min total"] = float(zones.totals().min())
if n <= SKATER_MAX:
    t = time.perf_counter()
    sk = dm.regionalise(areas, ["a", "b"], method="skater", n_zones=max(n // 12, 2), graph=graph)
    out["skater s"] = time.perf_counter() - t
else:
    out["skater s"] = float("nan")
out["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

ACCESS = """
m = SERVICES
k = rng.choice(n, size=m, replace=False)
services = gpd.GeoDataFrame({"cap": rng.uniform(1, 50, m).round()}, geometry=shapely.points(x[k] + 300, y[k] + 700),
                            index=[f"s{j}" for j in range(m)], crs=areas.crs)
t = time.perf_counter()
acc = dm.accessibility(areas, services, demand="pop", supply="cap", max_cost=10_000)
out["e2sfca s"] = time.perf_counter() - t
out["pairs"] = int(acc.reached.sum())
out["served %"] = 100 * float((acc.reached > 0).mean())
out["peak MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def run(code: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["zones", "access"])
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--construction", type=int, default=3)
    parser.add_argument("--sa", type=int, default=1)
    parser.add_argument("--skater-max", type=int, default=1000, help="SKATER only up to this many areas (slow)")
    args = parser.parse_args()
    if args.what == "zones":
        sizes = args.sizes or [1000, 2500, 10_000]
        print(
            f"zones: max-p (construction {args.construction}, annealing {args.sa}) and SKATER, one fresh process each"
        )
        keys = ("maxp s", "maxp zones", "min total", "skater s", "peak MB")
        body = ZONES.replace("CONSTRUCTION", str(args.construction)).replace("SA}", f"{args.sa}}}")
        body = body.replace("SKATER_MAX", str(args.skater_max))
    else:
        sizes = args.sizes or [10_000, 100_000]
        print(f"access: E2SFCA, {args.services} services, 10 km catchment, one fresh process each")
        keys = ("e2sfca s", "pairs", "served %", "peak MB")
        body = ACCESS.replace("SERVICES", str(args.services))
    print(f"{'areas':>8} " + " ".join(f"{k:>11}" for k in keys))
    for n in sizes:
        result = run(GRID.replace("N\n", f"{n}\n", 1) + body)
        if "error" in result:
            print(f"{n:>8} failed: {result['error']}")
            continue
        print(f"{n:>8} " + " ".join(f"{result[k]:>11.4g}" for k in keys), flush=True)


if __name__ == "__main__":
    main()
