"""Graph building and hotspot statistics at national scale, each measured in a fresh process.

Run (on a shared machine, one benchmark at a time):

    flock /tmp/bench.lock python benchmarks/bench_hotspots.py [--sizes 10000 100000 1000000] [--esda]
    flock /tmp/bench.lock python benchmarks/bench_hotspots.py --auto [--sizes 159 3085 100000]

Synthetic Voronoi areas (random points in a square, clipped to it) are generated once per size and cached
in ``--cache`` as WKB. Each timing runs in a new Python process with 2 numba threads, so module import and
numba's cache load are included (the numba cache is warmed first by a small run; ``first run`` shows the cost
with an empty cache, paid once per installation). Peak resident memory is the child's ``ru_maxrss``.

Measured per size:

- ``queen graph``: :func:`deprivation_map.build_graph` (vectorised shared-vertex contiguity + Graph);
- ``LISA 999``: :func:`deprivation_map.local_moran` with 999 permutations (graph given; given explicitly,
  since the default is ``permutations="auto"``);
- ``graph + LISA``: both, in one process, from geometries to labels (the defaults: ``permutations="auto"``);
- ``Moran 999``: :func:`deprivation_map.global_moran` with 999 permutations (``inference="permutation"``);
- ``Moran default``: :func:`deprivation_map.global_moran` with its defaults (``inference="auto"``: analytic from
  50,000 areas);
- with ``--esda`` (up to 100,000 areas): libpysal's ``Graph.build_contiguity(rook=False)``, esda's
  ``Moran`` and ``Moran_Local`` (999 permutations, ``n_jobs=1``, compile time included as a CLI pays it);
- thread independence: LISA p-values with 1 and 2 numba threads must be identical.

With ``--auto`` (default sizes 159, 3,085 and 100,000 areas: Georgia's counties, GeoDa's natregimes, a
national small-area map), the defaults of :func:`deprivation_map.local_moran` instead: ``LISA auto``
(``permutations="auto"``, FDR, two-sided: the permutations chosen, the seconds, and the kernel's cost per area x
permutation x neighbour step, from which ``deprivation_map.spatial.inference.AUTO_WORK`` is set) and
``LISA analytic`` (``inference="analytic"``).

With ``--robust`` (default sizes 1,000 and 10,000 areas), :func:`deprivation_map.robust_hotspots` over 1,500 runs
(3 graphs of :func:`deprivation_map.graph_choices` x 500 replicate scores), analytic local Moran (the runs of
a graph computed together), graphs given.

    flock /tmp/bench.lock python benchmarks/bench_hotspots.py --robust [--sizes 1000 10000]

With ``--tasks``, only the tasks named (e.g. ``--tasks "queen graph" "Moran 999"``). With ``--fixed``, the fixed
costs of a fresh process instead (CPU seconds, user + system, as well as wall seconds: less sensitive to other
load on a shared machine): ``import deprivation_map``; the first graph of 100,000 areas (``import + first
graph``: the import, then :func:`deprivation_map.build_graph`, whose libpysal import is paid here); and
``deprivation-map demo`` with an empty numba cache and no bytecode (``PYTHONPYCACHEPREFIX`` a new folder: every
module compiled again, as after an install without bytecode), with an empty numba cache only, and again (warm).

    flock /tmp/bench.lock python benchmarks/bench_hotspots.py --fixed
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PRELUDE = """
import json, resource, time, warnings
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import numpy as np, pandas as pd, geopandas as gpd, shapely
geoms = shapely.from_wkb(np.load(PATH, allow_pickle=True))
gdf = gpd.GeoDataFrame(geometry=geoms, index=pd.Index([f"A{i:07d}" for i in range(len(geoms))]), crs="EPSG:3857")
rng = np.random.default_rng(0)
cx = gdf.geometry.centroid.x.to_numpy()
y = pd.Series(np.sin(cx / 2e4) + rng.normal(size=len(gdf)), index=gdf.index)
def done(out):
    out["peak GiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(json.dumps(out))
"""

TASKS = {
    "queen graph": """
import deprivation_map as dm
t = time.perf_counter(); dm.build_graph(gdf, components="keep"); done({"s": time.perf_counter() - t})
""",
    "LISA 999": """
import deprivation_map as dm
graph = dm.build_graph(gdf, components="keep")
t = time.perf_counter(); dm.local_moran(y, graph, seed=0, permutations=999); done({"s": time.perf_counter() - t})
""",
    "graph + LISA": """
import deprivation_map as dm
t = time.perf_counter(); dm.local_moran(y, dm.build_graph(gdf, components="keep"), seed=0)
done({"s": time.perf_counter() - t})
""",
    "Moran 999": """
import deprivation_map as dm
graph = dm.build_graph(gdf, components="keep")
t = time.perf_counter(); dm.global_moran(y, graph, seed=0, inference="permutation", permutations=999)
done({"s": time.perf_counter() - t})
""",
    "Moran default": """
import deprivation_map as dm
graph = dm.build_graph(gdf, components="keep")
t = time.perf_counter(); dm.global_moran(y, graph, seed=0); done({"s": time.perf_counter() - t})
""",
    "robust 1500 analytic": """
import deprivation_map as dm
graphs = dm.graph_choices(gdf)
reps = pd.DataFrame(y.to_numpy()[:, None] + rng.normal(scale=0.3, size=(len(y), 500)), index=y.index)
t = time.perf_counter(); dm.robust_hotspots(reps, graphs, inference="analytic"); done({"s": time.perf_counter() - t})
""",
    "LISA auto": """
import deprivation_map as dm
graph = dm.build_graph(gdf, components="keep")
steps = int(graph.cardinalities.sum())
t = time.perf_counter(); hot = dm.local_moran(y, graph, seed=0); s = time.perf_counter() - t
done({"s": s, "permutations": hot.permutations, "ns per step": s / (hot.permutations * steps) * 1e9,
      "significant": int((hot.labels.astype(str) != "Not significant").sum())})
""",
    "LISA analytic": """
import deprivation_map as dm
graph = dm.build_graph(gdf, components="keep")
t = time.perf_counter(); hot = dm.local_moran(y, graph, inference="analytic"); s = time.perf_counter() - t
done({"s": s, "permutations": 0, "ns per step": float("nan"),
      "significant": int((hot.labels.astype(str) != "Not significant").sum())})
""",
    "threads": """
import hashlib, numba, deprivation_map as dm
graph = dm.build_graph(gdf, components="keep")
numba.set_num_threads(THREADS)
p = dm.local_moran(y, graph, seed=0).p.to_numpy()
done({"s": 0.0, "hash": hashlib.sha256(p.tobytes()).hexdigest()[:16]})
""",
    "libpysal queen": """
from libpysal.graph import Graph
t = time.perf_counter(); Graph.build_contiguity(gdf, rook=False); done({"s": time.perf_counter() - t})
""",
    "esda Moran 999": """
import esda, deprivation_map as dm
w = dm.build_graph(gdf, components="keep")
t = time.perf_counter(); esda.Moran(y.to_numpy(), w, permutations=999); done({"s": time.perf_counter() - t})
""",
    "esda Moran_Local 999": """
import esda, deprivation_map as dm
w = dm.build_graph(gdf, components="keep").to_W()
t = time.perf_counter(); esda.Moran_Local(y.to_numpy(), w, permutations=999, n_jobs=1, seed=0)
done({"s": time.perf_counter() - t})
""",
}
FIXED = {
    "import deprivation_map": [sys.executable, "-c", "import deprivation_map"],
    "import + first graph": [sys.executable, "-c", PRELUDE.split("t0 =")[0] + "import numpy as np, pandas as pd, "
        "geopandas as gpd, shapely\nimport deprivation_map as dm\ngeoms = shapely.from_wkb(np.load(PATH, allow_pickle"
        "=True))\ngdf = gpd.GeoDataFrame(geometry=geoms, index=pd.Index([f'A{i:07d}' for i in range(len(geoms))]), "
        "crs='EPSG:3857')\nt = time.perf_counter(); dm.build_graph(gdf, components='keep')\n"
        "print(json.dumps({'graph s': time.perf_counter() - t}))"],
}  # fmt: skip
ESDA = ("libpysal queen", "esda Moran 999", "esda Moran_Local 999")
AUTO = ("LISA auto", "LISA analytic")
ROBUST = ("robust 1500 analytic",)


def voronoi(n: int, cache: Path) -> Path:
    """Cached WKB of ``n`` Voronoi areas in a square of side ``sqrt(n)`` km (about 1 km^2 each)."""
    path = cache / f"voronoi_{n}.npy"
    if not path.exists():
        import numpy as np
        import shapely

        side = np.sqrt(n) * 1000.0
        points = shapely.points(np.random.default_rng(n).uniform(0, side, size=(n, 2)))
        box = shapely.box(0, 0, side, side)
        cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box))
        cells = shapely.intersection(cells, box)
        np.save(path, shapely.to_wkb(cells), allow_pickle=True)
    return path


def child(task: str, path: Path, cache_dir: str, threads: int = 2) -> dict:
    code = PRELUDE.replace("PATH", repr(str(path))) + TASKS[task].replace("THREADS", str(threads))
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "NUMBA_CACHE_DIR": cache_dir, "OMP_NUM_THREADS": "2"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=3600)
    if out.returncode:
        raise RuntimeError(f"{task} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--esda", action="store_true", help="also time libpysal/esda (sizes <= 100,000)")
    parser.add_argument("--auto", action="store_true", help="time the defaults: permutations='auto', analytic")
    parser.add_argument("--robust", action="store_true", help="time robust_hotspots over 1,500 runs")
    parser.add_argument("--tasks", nargs="+", help="only these tasks")
    parser.add_argument("--fixed", action="store_true", help="fixed costs: import, first graph, cold demo")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dm_bench_voronoi")
    args = parser.parse_args()
    default = [1_000, 10_000] if args.robust else [159, 3085, 100_000] if args.auto else [10_000, 100_000, 1_000_000]
    args.sizes = args.sizes or default
    args.cache.mkdir(exist_ok=True)
    if args.fixed:
        return fixed(voronoi(100_000, args.cache))
    numba_cache = tempfile.mkdtemp(prefix="dm_numba_")
    small = voronoi(min(args.sizes), args.cache)
    first = {task: child(task, small, numba_cache)["s"] for task in ("LISA 999", "Moran 999")}  # fills the cache
    print(
        f"first run (empty numba cache, {min(args.sizes):,} areas, compile included): "
        + ", ".join(f"{task} {s:.2f} s" for task, s in first.items())
        + "\n"
    )
    if args.auto:
        return auto(args.sizes, args.cache, numba_cache)
    print(f"{'areas':>10} | {'task':<22} | {'seconds':>8} | {'peak GiB':>8}")
    print("-" * 58)
    for n in args.sizes:
        path = voronoi(n, args.cache)
        tasks = list(ROBUST) if args.robust else [t for t in TASKS if t not in ESDA + AUTO + ROBUST and t != "threads"]
        tasks += [t for t in ESDA if args.esda and n <= 100_000]
        tasks = [t for t in tasks if not args.tasks or t in args.tasks]
        for task in tasks:
            r = child(task, path, numba_cache)
            print(f"{n:>10,} | {task:<22} | {r['s']:>8.2f} | {r['peak GiB']:>8.2f}", flush=True)
        if args.robust or args.tasks:
            continue
        one, two = (child("threads", path, numba_cache, threads=t)["hash"] for t in (1, 2))
        print(f"{n:>10,} | {'1 vs 2 threads':<22} | {'same' if one == two else 'DIFFER':>8} |", flush=True)


def _timed(command: list[str], env: dict) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child: user + system, its last line of output)."""
    before = os.times()
    start = time.perf_counter()
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - start
    if out.returncode:
        raise RuntimeError(f"{command} failed:\n{out.stderr[-2000:]}")
    after = os.times()
    cpu = after.children_user - before.children_user + after.children_system - before.children_system
    return wall, cpu, (out.stdout.strip().splitlines() or [""])[-1]


def fixed(path: Path) -> None:
    """Fixed costs of a fresh process: import, the first graph of 100,000 areas, the demo cold and warm."""
    env = {**os.environ, "NUMBA_NUM_THREADS": "2", "NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="dm_numba_")}
    print(f"{'task':<42} | {'wall s':>7} | {'CPU s':>6} | detail")
    print("-" * 72)
    for task, command in FIXED.items():
        wall, cpu, last = _timed([c.replace("PATH", repr(str(path))) for c in command], env)
        print(f"{task:<42} | {wall:>7.2f} | {cpu:>6.2f} | {last}", flush=True)
    demo = [sys.executable, "-c", "from deprivation_map.cli import main; main()", "--quiet", "demo"]
    out = tempfile.mkdtemp(prefix="dm_demo_")
    runs = {
        "demo: no numba cache, no bytecode": {
            "NUMBA_CACHE_DIR": tempfile.mkdtemp(),
            "PYTHONPYCACHEPREFIX": out + "/pyc",
        },
        "demo: no numba cache": {"NUMBA_CACHE_DIR": tempfile.mkdtemp(prefix="dm_numba_")},
    }
    runs["demo: again (warm)"] = runs["demo: no numba cache"]
    for task, extra in runs.items():
        wall, cpu, _ = _timed([*demo, "--out", out], {**env, **extra})
        print(f"{task:<42} | {wall:>7.2f} | {cpu:>6.2f} |", flush=True)


def auto(sizes: list[int], cache: Path, numba_cache: str) -> None:
    """The defaults' table: permutations chosen by "auto", their time and cost per step; analytic inference."""
    head = f"{'areas':>10} | {'task':<14} | {'permutations':>12} | {'seconds':>8} | {'ns/step':>7} | {'peak GiB':>8} | {'signif.':>7}"
    print(head + "\n" + "-" * len(head))
    for n in sizes:
        path = voronoi(n, cache)
        for task in AUTO:
            r = child(task, path, numba_cache)
            print(
                f"{n:>10,} | {task:<14} | {r['permutations']:>12,} | {r['s']:>8.2f} | {r['ns per step']:>7.2f} | "
                f"{r['peak GiB']:>8.2f} | {r['significant']:>7,}",
                flush=True,
            )


if __name__ == "__main__":
    main()
