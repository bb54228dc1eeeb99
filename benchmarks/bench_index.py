"""What building an index and its uncertainty analysis cost at 1k, 10k and 100k areas.

Run from anywhere after installing the package (on the shared machine, one benchmark at a time):

    flock /tmp/bench.lock python benchmarks/bench_index.py [--sizes 1000 10000 100000] [--replicates 1000]

Each size runs in a fresh process on synthetic areas with 7 skewed indicators in 3 domains (the shape of
the English IMD), some missing values, and prints seconds per task and the process's peak memory:

- ``build_index``: z-scores, equal weights, arithmetic mean over domains, missing values imputed (mean);
- ``build_index +``: the same with automatic outlier treatment, PCA weights and the Mazziotta-Pareto mean;
- ``imd`` and ``svi``: the recipes on the 7 indicators;
- ``uncertainty``: ``--replicates`` Monte Carlo replicates over 2 normalisers x 2 aggregators x 2
  imputations with weights perturbed by 25 %, plus the one-at-a-time sensitivity table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CODE = """
import json, resource, time
import numpy as np, pandas as pd
import deprivation_map as dm

n, replicates = {n}, {replicates}
rng = np.random.default_rng(0)
cols = [f"x{{i}}" for i in range(7)]
data = pd.DataFrame(rng.lognormal(0.0, 0.8, size=(n, 7)), columns=cols, index=[f"A{{i:07d}}" for i in range(n)])
data = data.mask(rng.random((n, 7)) < 0.002)
spec = {{"income": {{"indicators": {{"x0": 1, "x1": 1}}}}, "health": {{"indicators": {{"x2": 1, "x3": 1, "x4": 1}}}},
        "living": {{"indicators": {{"x5": 1, "x6": -1}}}}}}
complete = data.fillna(data.mean())
times = {{}}

def timed(name, func):
    t = time.perf_counter()
    func()
    times[name] = time.perf_counter() - t

timed("build_index", lambda: dm.build_index(data, spec, missing="mean"))
treated = {{k: {{"indicators": {{c: {{"direction": d, "treatment": "auto"}} for c, d in v["indicators"].items()}}}}
           for k, v in spec.items()}}
timed("build_index +", lambda: dm.build_index(data, treated, missing="mean", weighting="pca",
                                              aggregate="mazziotta_pareto"))
timed("imd", lambda: dm.recipes.imd(complete, domains={{c: 1 / 7 for c in cols}}))
timed("svi", lambda: dm.recipes.svi(complete, themes={{"T1": cols[:3], "T2": cols[3:]}}))
timed("uncertainty", lambda: dm.uncertainty(data, spec, replicates=replicates, seed=0,
      normalise=["rank", ("minmax", {{"low": 1, "high": 100}})], aggregate=["mean", "geometric"],
      missing=["mean", "median"]))
times["peak MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(times))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--replicates", type=int, default=1000)
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        done = subprocess.run(
            [sys.executable, "-c", CODE.format(n=n, replicates=args.replicates)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.exit(f"size {n} failed:\n{done.stderr}")
        rows.append((n, json.loads(done.stdout.strip().splitlines()[-1])))
    names = list(rows[0][1])
    print(f"{'areas':>8} " + " ".join(f"{k:>14}" for k in names))
    for n, times in rows:
        print(f"{n:>8} " + " ".join(f"{times[k]:>14.2f}" for k in names))
    print(f"(seconds; uncertainty with {args.replicates} replicates; peak MiB = the process's maximum resident memory)")


if __name__ == "__main__":
    main()
