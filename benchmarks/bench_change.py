"""Speed and memory of emerging hot spots (Gi* per period, Mann-Kendall, Esri's categories).

Run from anywhere after installing the package (one job at a time on a shared machine):

    flock /tmp/bench.lock python benchmarks/bench_change.py [--cases 1000x10 100000x5]

Synthetic panel: an s x s rook lattice (built as a libpysal Graph from arrays, no geometry) with a smooth
spatial field plus, in every period, a drift in one corner and Normal noise, so that every category can
occur. Each case runs in a fresh process; the time is that of ``dm.emerging_hotspots`` alone (analytic
p-values, FDR), and the peak RSS the process's maximum resident set (interpreter and imports included).
Targets (issue 15): 1,000 areas x 10 periods under 2 s, 100,000 x 5 under 30 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, time
import numpy as np, pandas as pd
from libpysal.graph import Graph
import deprivation_map as dm
n, periods = N, T
side = int(np.sqrt(n))
n = side * side
rng = np.random.default_rng(0)
i = np.arange(n)
r, c = i // side, i % side
focal, neighbor = [], []
for dr, dc in ((0, 1), (0, -1), (1, 0), (-1, 0)):
    ok = (r + dr >= 0) & (r + dr < side) & (c + dc >= 0) & (c + dc < side)
    focal.append(i[ok]); neighbor.append(((r + dr) * side + c + dc)[ok])
ids = np.array([f"{k:07d}" for k in range(n)])
focal, neighbor = np.concatenate(focal), np.concatenate(neighbor)
order = np.lexsort((neighbor, focal))
graph = Graph.from_arrays(ids[focal[order]], ids[neighbor[order]], np.ones(len(order)))
field = np.sin(r / side * 6) + np.cos(c / side * 4)
panel = pd.DataFrame({2000 + t: field + 0.3 * t * (r + c < side / 2) + rng.normal(0, 0.5, n) for t in range(periods)},
                     index=pd.Index(ids))
t0 = time.perf_counter()
out = dm.emerging_hotspots(panel, graph)
elapsed = time.perf_counter() - t0
counts = out.counts()
print(json.dumps({"areas": n, "periods": periods, "seconds": elapsed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "patterns": int(counts.drop(["No Pattern Detected", "Undefined"]).sum())}))
"""


def run(n: int, periods: int) -> dict:
    code = CHILD.replace("N, T", f"{n}, {periods}")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=["1000x10", "100000x5"])
    args = parser.parse_args()
    print(f"{'areas':>8} {'periods':>7} {'seconds':>8} {'peak MB':>8} {'patterns':>8}")
    for case in args.cases:
        n, periods = (int(part) for part in case.split("x"))
        r = run(n, periods)
        print(f"{r['areas']:>8,} {r['periods']:>7} {r['seconds']:>8.2f} {r['peak_mb']:>8.0f} {r['patterns']:>8,}")


if __name__ == "__main__":
    main()
