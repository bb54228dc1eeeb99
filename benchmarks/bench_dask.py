"""The pipeline on one process vs on dask (a LocalCluster), on synthetic grids of 1, 3 and 10 million areas.

Each run is a fresh process; peak memory is the largest sum of resident memory of the process and all its
children (the dask scheduler and workers), sampled every 0.2 s. The same configuration runs with both
engines, and the dask run's scores, LISA labels and p-values and Gi* p-values are checked equal to the local
run's (the held-out check of issue 17). The local run calls the same stages without the HTML map (which
refuses a million areas); the dask run writes partitioned GeoParquet.

    python benchmarks/bench_dask.py                      # 1M and 3M, local then dask
    python benchmarks/bench_dask.py --sizes 10000000 --engines dask --memory-limit 4GiB --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

import numpy as np

CONFIG = """
[boundaries]
path = "{path}"
id_col = "code"
[index]
normalise = "zscore"
[index.indicators]
pov = 1
edu = -1
[graph]
method = "queen"
[hotspots]
permutations = 999
seed = 7
[gi]
permutations = 999
seed = 3
[districts]
column = "district"
[output]
dir = "{out}"
"""


def make_data(n: int, folder: Path, files: int) -> None:
    """A square grid of about ``n`` unit squares with two smooth-plus-noise indicators, as one file and as parts."""
    import geopandas as gpd
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    k = np.arange(n)
    x, y = k % side, k // side
    rng = np.random.default_rng(0)
    gdf = gpd.GeoDataFrame(
        {
            "code": np.char.add("A", k.astype(str)),
            "pov": rng.normal(size=n) + np.sin(x / 40) + np.cos(y / 30),
            "edu": rng.normal(size=n) + np.cos(x / 25),
            "district": np.char.add("D", (k // 10_000).astype(str)),
        },
        geometry=shapely.box(x, y, x + 1, y + 1),
        crs=3857,
    )
    gdf.to_parquet(folder / "whole.parquet")
    (folder / "parts").mkdir()
    for i, rows in enumerate(np.array_split(k, files)):
        gdf.iloc[rows].to_parquet(folder / "parts" / f"part.{i:04d}.parquet")


def _peak_rss(stop: threading.Event, peak: list[int]) -> None:
    import psutil

    me = psutil.Process()
    while not stop.is_set():
        total = 0
        for p in [me, *me.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):  # a worker may end between listing and reading it
                total += p.memory_info().rss
        peak[0] = max(peak[0], total)
        time.sleep(0.2)


def one(engine: str, folder: Path, workers: int | None, memory_limit: str | None) -> None:
    """Run one engine on ``folder``'s data in this process and print a JSON line of its figures."""
    warnings.simplefilter("ignore")
    import deprivation_map as dm
    from deprivation_map.config import load_config
    from deprivation_map.pipeline import STAGES
    from deprivation_map.pipeline._stages import Run

    peak, stop = [0], threading.Event()
    threading.Thread(target=_peak_rss, args=(stop, peak), daemon=True).start()
    start = time.perf_counter()
    if engine == "dask":
        result = dm.pipeline.run(folder / "dask.toml", engine="dask", workers=workers, memory_limit=memory_limit)
        results, timings = result.results, result.timings
    else:
        state = Run(load_config(folder / "local.toml"))
        for stage in STAGES:
            if stage.enabled(state.config):
                with state.timed(stage.name, stage.section):
                    state.results.update(stage.run(state))
        with state.timed("save", "output"):
            frame = dm.pipeline.PipelineResult(state.config, state.results, {}, {}).to_frame()
            frame.to_parquet(folder / "local_out.parquet")
        results, timings = state.results, state.timings
    seconds = time.perf_counter() - start
    stop.set()
    time.sleep(0.3)
    keep = {"score": results["index"].score, "lisa_p": results["hotspots"].p, "gi_p": results["gi"].p,
            "lisa_label": results["hotspots"].labels.astype(str)}  # fmt: skip
    import pandas as pd

    pd.DataFrame(keep).to_parquet(folder / f"{engine}_results.parquet")
    print(json.dumps({"engine": engine, "seconds": seconds, "peak_gib": peak[0] / 2**30,
                      "stages": {k: round(s, 1) for k, s in timings.items()}}))  # fmt: skip


def compare(folder: Path) -> bool:
    """Whether the two engines' scores, labels and p-values are equal, value for value and ID for ID."""
    import pandas as pd

    a, b = (pd.read_parquet(folder / f"{e}_results.parquet") for e in ("local", "dask"))
    return a.index.equals(b.index) and a.equals(b)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 3_000_000])
    parser.add_argument("--engines", nargs="+", default=["local", "dask"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-limit", default="3GiB")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], Path(args.one[1]), args.workers, args.memory_limit)
        return
    print(f"{'areas':>11} {'engine':>6} {'seconds':>8} {'peak GiB':>8}  stages (s)")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            make_data(n, folder, files=max(4, n // 250_000))
            for engine, path in (("local", "whole.parquet"), ("dask", "parts")):
                (folder / f"{engine}.toml").write_text(CONFIG.format(path=path, out=folder / f"out_{engine}"))
            for engine in args.engines:
                command = [sys.executable, __file__, "--one", engine, str(folder), "--workers", str(args.workers),
                           "--memory-limit", args.memory_limit]  # fmt: skip
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
                if done.returncode or not lines:
                    print(f"{n:>11,} {engine:>6} did not finish (exit {done.returncode}): {done.stderr[-400:]}")
                    continue
                r = json.loads(lines[-1])
                print(f"{n:>11,} {engine:>6} {r['seconds']:>8.1f} {r['peak_gib']:>8.2f}  {r['stages']}", flush=True)
            if set(args.engines) == {"local", "dask"}:
                print(f"{n:>11,} equal scores, labels and p-values: {compare(folder)}", flush=True)


if __name__ == "__main__":
    main()
