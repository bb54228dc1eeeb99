"""What building an index and its uncertainty analysis cost at 1k, 10k and 100k areas.

Run from anywhere after installing the package (on the shared machine, one benchmark at a time):

    flock /tmp/bench.lock python benchmarks/bench_index.py [--sizes 1000 10000 100000] [--replicates 1000]
                                                           [--tasks uncertainty ...]

Every task at every size runs in its own fresh process, on synthetic areas with 7 skewed indicators in 3
domains (the shape of the English IMD) and some missing values; each prints its seconds (wall clock, and the
process's CPU time, which another job on a shared machine inflates less) and the process's peak resident
memory (interpreter, imports and data included: ``base MiB`` is that before the task runs).

- ``build_index``: z-scores, equal weights, arithmetic mean over domains, missing values imputed (mean);
- ``build_index +``: the same with automatic outlier treatment, PCA weights and the Mazziotta-Pareto mean;
- ``imd`` and ``svi``: the recipes on the 7 indicators;
- ``uncertainty``: ``--replicates`` Monte Carlo replicates over 2 normalisers x 2 aggregators x 2
  imputations with weights perturbed by 25 %, plus the one-at-a-time sensitivity table;
- ``uncertainty + scores``: the same, then every replicate's score read (``.scores``, one float per area and
  replicate).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

PRELUDE = """
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
treated = {{k: {{"indicators": {{c: {{"direction": d, "treatment": "auto"}} for c, d in v["indicators"].items()}}}}
           for k, v in spec.items()}}

def alternatives():
    return dm.uncertainty(data, spec, replicates=replicates, seed=0,
                          normalise=["rank", ("minmax", {{"low": 1, "high": 100}})], aggregate=["mean", "geometric"],
                          missing=["mean", "median"])

peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = peak()
t, cpu = time.perf_counter(), time.process_time()
"""

TASKS = {
    "build_index": 'dm.build_index(data, spec, missing="mean")',
    "build_index +": 'dm.build_index(data, treated, missing="mean", weighting="pca", aggregate="mazziotta_pareto")',
    "imd": "dm.recipes.imd(complete, domains={c: 1 / 7 for c in cols})",
    "svi": 'dm.recipes.svi(complete, themes={"T1": cols[:3], "T2": cols[3:]})',
    "uncertainty": "alternatives()",
    "uncertainty + scores": "float(alternatives().scores.to_numpy().sum())",
}

EPILOGUE = """
print(json.dumps({"s": time.perf_counter() - t, "cpu": time.process_time() - cpu, "MiB": peak(), "base MiB": base}))
"""


def run(task: str, n: int, replicates: int) -> dict:
    """Seconds and peak MiB of ``task`` at ``n`` areas, measured in a fresh Python process."""
    code = PRELUDE.format(n=n, replicates=replicates) + TASKS[task] + EPILOGUE
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"{task} at {n} areas failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--tasks", nargs="+", choices=list(TASKS), default=list(TASKS))
    args = parser.parse_args()
    print(f"{'task':<22} {'areas':>8} {'seconds':>9} {'CPU s':>7} {'peak MiB':>9} {'base MiB':>9}")
    for task in args.tasks:
        for n in args.sizes:
            out = run(task, n, args.replicates)
            row = f"{task:<22} {n:>8} {out['s']:>9.2f} {out['cpu']:>7.2f} {out['MiB']:>9.0f} {out['base MiB']:>9.0f}"
            print(row, flush=True)
    print(f"(uncertainty with {args.replicates} replicates; peak MiB = the process's maximum resident memory)")


if __name__ == "__main__":
    main()
