"""What a cold ``deprivation-map demo`` costs, stage by stage, in fresh processes.

Run from anywhere after installing the package:

    python benchmarks/bench_pipeline.py [--repeat 3]

Three settings, each in new Python processes (``--repeat`` times; the median is shown):

- first run: an empty numba cache (``NUMBA_CACHE_DIR`` points at a new folder), as on a fresh install;
- later runs: the cache filled by an earlier process, as every run after the first;
- esda: ``esda.Moran_Local`` on the same data and graph in a fresh process, for comparison (it compiles
  its numba kernels in every process).

Also times the whole ``deprivation-map demo`` command (interpreter start and imports included).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

STAGE_CODE = """
import json, time
t0 = time.perf_counter()
import deprivation_map as dm
from deprivation_map.pipeline import run
t1 = time.perf_counter()
result = run(dm.datasets.get_path("demo.toml"), out_dir=OUT_DIR)
print(json.dumps({"import": t1 - t0, **result.timings}))
"""

ESDA_CODE = """
import json, time, warnings
import deprivation_map as dm
gdf = dm.datasets.load_georgia()
score = dm.build_index(gdf, {"PctPov": 1, "PctBach": -1}).score
w = dm.build_graph(gdf).to_W()
import esda
t0 = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    esda.Moran_Local(score.to_numpy(), w, permutations=999, seed=0)
print(json.dumps({"esda Moran_Local": time.perf_counter() - t0}))
"""


def _child(code: str, cache_dir: str) -> dict[str, float]:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _command(out: str, cache_dir: str) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    start = time.perf_counter()
    subprocess.run(["deprivation-map", "demo", "--out", out], env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    first, later, esda, cmd_first, cmd_later = [], [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeat):
            empty = tempfile.mkdtemp(dir=tmp)
            first.append(_child(STAGE_CODE.replace("OUT_DIR", repr(f"{tmp}/out")), empty))
            later.append(_child(STAGE_CODE.replace("OUT_DIR", repr(f"{tmp}/out")), empty))  # the cache is now filled
            esda.append(_child(ESDA_CODE, tempfile.mkdtemp(dir=tmp)))
            cmd_first.append(_command(f"{tmp}/cmd", tempfile.mkdtemp(dir=tmp)))
            cmd_later.append(_command(f"{tmp}/cmd", empty))
    median = statistics.median
    print(f"deprivation-map demo, Georgia (159 areas, 999 permutations), median of {args.repeat} fresh processes\n")
    print(f"{'stage':<22}{'first run (s)':>15}{'later runs (s)':>16}")
    for stage in first[0]:
        print(f"{stage:<22}{median(f[stage] for f in first):>15.3f}{median(x[stage] for x in later):>16.3f}")
    print(
        f"{'sum of stages':<22}{median(sum(f.values()) for f in first):>15.3f}{median(sum(x.values()) for x in later):>16.3f}"
    )
    print(f"{'whole command':<22}{median(cmd_first):>15.3f}{median(cmd_later):>16.3f}")
    print(
        f"\nfor comparison, esda.Moran_Local alone in a fresh process: {median(e['esda Moran_Local'] for e in esda):.2f} s"
    )


if __name__ == "__main__":
    main()
