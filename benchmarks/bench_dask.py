"""The pipeline on one process vs on dask (a LocalCluster), on synthetic grids of 1, 3 and 10 million areas.

Each run is a fresh process; peak memory is the largest sum of resident memory of the process and all its
children (the dask scheduler and workers), sampled every 0.2 s. The same configuration runs with both
engines, and the dask run's scores, LISA labels and p-values and Gi* p-values are checked equal to the local
run's (the held-out check of issue 17). The local run calls the same stages without the HTML map (which
refuses a million areas); the dask run writes partitioned GeoParquet.

    python benchmarks/bench_dask.py                      # 1M and 3M, local then dask
    python benchmarks/bench_dask.py --sizes 10000000 --engines dask --memory-limit 5GiB --cap-gib 16  # 486 s, 14.5 GiB

Peak memory is also given stage by stage, for the client (this process) and the workers (its children),
the stages taken end to end from their timings. ``--data DIR`` keeps the generated grids (``DIR/grid_N``)
for another run; the parts are written file by file, so generating 10 million areas needs little memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

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


ROWS_PER_FILE = 250_000


def make_parts(n: int, folder: Path) -> None:
    """A square grid of ``n`` unit squares with two smooth-plus-noise indicators, written file by file.

    Files of :data:`ROWS_PER_FILE` rows (rows of the grid in order), each generated alone with its own
    random stream, so 10 million areas never sit in memory at once.
    """
    import geopandas as gpd
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    folder.mkdir(parents=True)
    for i, start in enumerate(range(0, n, ROWS_PER_FILE)):
        k = np.arange(start, min(n, start + ROWS_PER_FILE))
        x, y = k % side, k // side
        rng = np.random.default_rng([0, i])
        gpd.GeoDataFrame(
            {
                "code": np.char.add("A", k.astype(str)),
                "pov": rng.normal(size=len(k)) + np.sin(x / 40) + np.cos(y / 30),
                "edu": rng.normal(size=len(k)) + np.cos(x / 25),
                "district": np.char.add("D", (k // 10_000).astype(str)),
            },
            geometry=shapely.box(x, y, x + 1, y + 1),
            crs=3857,
        ).to_parquet(folder / f"part.{i:04d}.parquet")


def make_data(n: int, folder: Path, whole: bool) -> None:
    """The parts (for the dask engine) and, if ``whole``, the same areas as one file (for the local engine)."""
    import geopandas as gpd
    import pandas as pd

    if not (folder / "parts").exists():
        make_parts(n, folder / "parts")
    if whole and not (folder / "whole.parquet").exists():
        parts = sorted((folder / "parts").glob("*.parquet"))
        pd.concat([gpd.read_parquet(p) for p in parts], ignore_index=True).to_parquet(folder / "whole.parquet")
    for engine, path in (("local", "whole.parquet"), ("dask", "parts")):
        (folder / f"{engine}.toml").write_text(CONFIG.format(path=path, out=folder / f"out_{engine}"))


def _rss(process: Any) -> int:
    with contextlib.suppress(Exception):  # a worker may end between listing and reading it
        return process.memory_info().rss
    return 0


def _sample(stop: threading.Event, samples: list[tuple[float, int, int]], cap: float, now: list[str]) -> None:
    """Every 0.2 s: (time, resident memory of this process, of all its children: the scheduler and workers).

    Above ``cap`` bytes in all, the run is stopped (its workers ended by process id) and where it stood is
    printed: the machine is shared, and the kernel's out-of-memory killer could end another user's process.
    """
    import psutil

    me = psutil.Process()
    while not stop.is_set():
        children = me.children(recursive=True)
        used = sum(_rss(p) for p in children)
        samples.append((time.perf_counter(), _rss(me), used))
        if samples[-1][1] + used > cap:
            print(json.dumps({"stopped": now[-1] if now else "start", "client_gib": samples[-1][1] / 2**30,
                              "workers_gib": used / 2**30, "cap_gib": cap / 2**30}), flush=True)  # fmt: skip
            for p in children:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            os._exit(3)
        time.sleep(0.2)


def by_stage(samples: list[tuple[float, int, int]], spans: list[tuple[str, float, float]]) -> dict[str, list]:
    """The peak memory (GiB) of the client and of the workers during each stage (its start and end times)."""
    peaks = {}
    for name, start, end in spans:
        inside = [(c, w) for t, c, w in samples if start <= t <= end] or [(0, 0)]
        peaks[name] = [round(max(c for c, _ in inside) / 2**30, 2), round(max(w for _, w in inside) / 2**30, 2)]
    return peaks


def _record_spans(run_class: Any, spans: list[tuple[str, float, float]], now: list[str]) -> None:
    """Make ``run_class.timed`` also note each stage's start and end, for :func:`by_stage`, and the stage running."""
    timed = run_class.timed

    @contextlib.contextmanager
    def noted(self: Any, stage: str, section: str) -> Any:
        now.append(stage)
        start = time.perf_counter()
        with timed(self, stage, section):
            yield
        spans.append((stage, start, time.perf_counter()))

    run_class.timed = noted


def one(engine: str, folder: Path, workers: int | None, memory_limit: str | None, cap_gib: float) -> None:
    """Run one engine on ``folder``'s data in this process and print a JSON line of its figures."""
    warnings.simplefilter("ignore")
    import deprivation_map as dm
    from deprivation_map.config import load_config
    from deprivation_map.pipeline import STAGES
    from deprivation_map.pipeline._stages import Run

    samples: list[tuple[float, int, int]] = []
    spans: list[tuple[str, float, float]] = []
    now: list[str] = []
    _record_spans(Run, spans, now)
    stop = threading.Event()
    threading.Thread(target=_sample, args=(stop, samples, cap_gib * 2**30, now), daemon=True).start()
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
    peak = max(c + w for _, c, w in samples)
    print(json.dumps({"engine": engine, "seconds": seconds, "peak_gib": peak / 2**30,
                      "stages": {k: round(s, 1) for k, s in timings.items()},
                      "memory": by_stage(samples, spans)}))  # fmt: skip


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
    parser.add_argument("--cap-gib", type=float, default=14.0, help="stop a run above this memory, in all")
    parser.add_argument("--data", type=Path, help="keep the generated data under this folder (one per size)")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], Path(args.one[1]), args.workers, args.memory_limit, args.cap_gib)
        return
    print(
        f"{'areas':>11} {'engine':>6} {'seconds':>8} {'peak GiB':>8}  stages (s); peak GiB by stage [client, workers]"
    )
    for n in args.sizes:
        with contextlib.ExitStack() as stack:
            root = args.data if args.data else Path(stack.enter_context(tempfile.TemporaryDirectory()))
            folder = root / f"grid_{n}"
            make_data(n, folder, whole="local" in args.engines)
            for engine in args.engines:
                command = [sys.executable, __file__, "--one", engine, str(folder), "--workers", str(args.workers),
                           "--memory-limit", args.memory_limit, "--cap-gib", str(args.cap_gib)]  # fmt: skip
                done = subprocess.run(command, capture_output=True, text=True, check=False)
                lines = [x for x in done.stdout.splitlines() if x.startswith("{")]
                if lines and "stopped" in lines[-1]:
                    print(f"{n:>11,} {engine:>6} stopped above the cap: {lines[-1]}", flush=True)
                    continue
                if done.returncode or not lines:
                    print(f"{n:>11,} {engine:>6} did not finish (exit {done.returncode}): {done.stderr[-3000:]}")
                    continue
                r = json.loads(lines[-1])
                print(f"{n:>11,} {engine:>6} {r['seconds']:>8.1f} {r['peak_gib']:>8.2f}  {r['stages']}", flush=True)
                print(f"{'':>11} {'':>6} {'':>8} {'':>8}  {r['memory']}", flush=True)
            if set(args.engines) == {"local", "dask"}:
                print(f"{n:>11,} equal scores, labels and p-values: {compare(folder)}", flush=True)


if __name__ == "__main__":
    main()
