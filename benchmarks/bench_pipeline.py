"""What a cold ``deprivation-map demo`` costs, stage by stage, in fresh processes.

Run from anywhere after installing the package:

    python benchmarks/bench_pipeline.py [--repeat 3]

Three settings, each in new Python processes (``--repeat`` times; the median is shown):

- first run: an empty numba cache (``NUMBA_CACHE_DIR`` points at a new folder), as on a fresh install;
- later runs: the cache filled by an earlier process, as every run after the first;
- esda: ``esda.Moran_Local`` on the same data and graph in a fresh process, for comparison (it compiles
  its numba kernels in every process).

Also times the whole ``deprivation-map demo`` command (interpreter start and imports included).

``--areas N`` measures a national run instead: N synthetic census sections (bench_maps.py's wiggly Voronoi
tiling, about 47 vertices an area) with three indicators, written as a GeoPackage and a CSV, then
``deprivation-map``'s pipeline (read, join, index, queen graph, Moran and LISA, map, outputs) in one fresh
process, numba's cache warm; it prints each stage's seconds, the total and the peak memory (RSS). At 1 million
areas the map is written as vector tiles (one HTML file cannot hold it).
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


def _child(code: str, cache_dir: str) -> dict:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _command(out: str, cache_dir: str) -> float:
    env = {**os.environ, "NUMBA_CACHE_DIR": cache_dir}
    start = time.perf_counter()
    subprocess.run(["deprivation-map", "demo", "--out", out], env=env, capture_output=True, check=True)
    return time.perf_counter() - start


NATIONAL_CODE = """
import json, resource, time
t0 = time.perf_counter()
from deprivation_map.pipeline import run
result = run(CONFIG)
timings = {"import": 0.0, **result.timings}
timings["import"] = time.perf_counter() - t0 - sum(result.timings.values())
print(json.dumps({**timings, "RSS GB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                  "map file": str(result.outputs["map"])}))
"""


def _national_inputs(n: int, folder: str) -> str:
    """Synthetic areas and indicators in ``folder``, and the configuration that runs on them."""
    import numpy as np
    import pandas as pd

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_maps import synthetic_areas

    gdf = synthetic_areas(n, 40)
    gdf.to_file(f"{folder}/areas.gpkg", engine="pyogrio")
    rng = np.random.default_rng(0)
    table = {"code": gdf.index, "unemployment": rng.gamma(2, 5, n), "income": rng.normal(2e4, 4e3, n)}
    pd.DataFrame({**table, "education": rng.uniform(0, 60, n)}).to_csv(f"{folder}/indicators.csv", index=False)
    config = f"""
[boundaries]
path = "{folder}/areas.gpkg"
id_col = "code"
name_col = "name"
on_invalid = "fix"  # a few cells along the square's edge
[indicators]
path = "{folder}/indicators.csv"
id_col = "code"
[index.indicators]
unemployment = 1
income = -1
education = -1
[graph]
method = "queen"
[hotspots]
seed = 0
[output]
dir = "{folder}/out"
"""
    path = f"{folder}/run.toml"
    with open(path, "w", encoding="utf-8") as f:
        f.write(config)
    return path


def national(n: int) -> None:
    """One national run in a fresh process (after a first run that fills numba's cache), stage by stage."""
    with tempfile.TemporaryDirectory() as tmp:
        code = NATIONAL_CODE.replace("CONFIG", repr(_national_inputs(n, tmp)))
        cache = tempfile.mkdtemp(dir=tmp)
        _child(code, cache)  # fills numba's cache
        start = time.perf_counter()
        timings = _child(code, cache)
        wall = time.perf_counter() - start
    print(f"deprivation-map pipeline, {n:,} synthetic areas (~47 vertices each), one fresh process\n")
    for stage, value in timings.items():
        print(f"{stage:<12}{value:>10.2f}" if isinstance(value, float) else f"{stage:<12}{value:>10}")
    print(f"{'process':<12}{wall:>10.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--areas", type=int, default=None, help="a national run of this many synthetic areas")
    args = parser.parse_args()
    if args.areas:
        national(args.areas)
        return
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
