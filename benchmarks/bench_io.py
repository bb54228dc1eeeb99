"""Reading, checking and joining at several sizes, up to national scale (100,000 areas).

Run from anywhere after installing the package (one size at a time, in a fresh process each):

    flock /tmp/bench.lock python benchmarks/bench_io.py [--sizes 1000 10000 100000] [--profile]

For each size it writes, in a temporary folder, a grid of square areas (GeoPackage, with 10-digit codes
that start with a zero) and an indicator table as a Spanish spreadsheet exports it (``;``, decimal comma,
thousands dots, cp1252 with accented names, codes stored as numbers so every key needs a leading-zero
repair), then times in a new process:

- ``read_boundaries`` of the GeoPackage;
- ``read_indicators`` of the CSV, detecting everything (encoding, separator, decimal, thousands);
- ``check_join`` (with the n leading-zero repairs) and ``join_indicators``;
- ``write_results`` to GeoPackage and GeoParquet with the metadata record;

and prints seconds per step and the process's peak resident memory. ``--profile`` prints the ten
costliest functions of each step at the largest size instead. ``--sources`` also times
``sources.zonal_stats`` (mean and sum over a raster of 10 m cells, 100 per area) and
``sources.count_points`` (20 points per area) on the same grids.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CHILD = """
import cProfile, json, pstats, resource, sys, time, warnings
import deprivation_map as dm
folder, profile = sys.argv[1], sys.argv[2] == "1"
steps = {
    "read_boundaries": lambda: dm.read_boundaries(folder + "/areas.gpkg", id_col="code"),
    "read_indicators": lambda: dm.read_indicators(folder + "/table.csv", id_col="code"),
}
times, out = {}, {}
def step(name, func):
    if profile:
        prof = cProfile.Profile()
        out[name] = prof.runcall(func)
        print(f"== {name}", file=sys.stderr)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(12)
        return
    start = time.perf_counter()
    out[name] = func()
    times[name] = time.perf_counter() - start
step("read_boundaries", steps["read_boundaries"])
step("read_indicators", steps["read_indicators"])
areas, table = out["read_boundaries"], out["read_indicators"]
step("check_join", lambda: dm.check_join(areas, table))
step("join_indicators", lambda: dm.join_indicators(areas, table))
joined = out["join_indicators"]
step("write_gpkg", lambda: dm.write_results(joined, folder + "/out.gpkg"))
step("write_parquet", lambda: dm.write_results(joined, folder + "/out.parquet"))
assert len(out["check_join"].repairs) == len(areas) == len(joined)
times["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(times))
"""

STEPS = ("read_boundaries", "read_indicators", "check_join", "join_indicators", "write_gpkg", "write_parquet")
NAMES = ("Lleida", "Sant Martí", "Gràcia", "León", "Pátra", "Aigió")


def make_inputs(folder: Path, n: int, seed: int = 0) -> None:
    """A grid of n squares with codes 0800000001... and a messy table of 5 indicators for every area."""
    import geopandas as gpd
    import pandas as pd
    import shapely

    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x, y = (i % side) * 100.0, (i // side) * 100.0
    codes = np.char.zfill((800000001 + i).astype(str), 10)
    areas = gpd.GeoDataFrame({"code": codes}, geometry=shapely.box(x, y, x + 100, y + 100), crs="EPSG:25831")
    areas.to_file(folder / "areas.gpkg", engine="pyogrio")
    rng = np.random.default_rng(seed)
    table = pd.DataFrame({"code": 800000001 + i, "name": np.array(NAMES)[i % len(NAMES)]})
    for k in range(4):
        table[f"rate_{k}"] = rng.uniform(0, 100, n).round(2)
    table["population"] = rng.integers(500, 2_000_000, n)
    text = table.to_csv(sep=";", decimal=",", index=False)
    # thousands dots in the population, as a Spanish spreadsheet writes it
    lines = text.splitlines()
    body = [
        ";".join([*parts[:-1], f"{int(parts[-1]):,}".replace(",", ".")])
        for parts in (line.split(";") for line in lines[1:])
    ]
    (folder / "table.csv").write_bytes(("\n".join([lines[0], *body]) + "\n").encode("cp1252"))


SOURCES = """
import json, sys, time, warnings
import geopandas as gpd, numpy as np, rasterio, shapely
from rasterio.transform import from_origin
import deprivation_map as dm
from deprivation_map.io.sources import count_points, zonal_stats
warnings.simplefilter("ignore", PendingDeprecationWarning)
folder = sys.argv[1]
areas = dm.read_boundaries(folder + "/areas.gpkg", id_col="code")
x0, y0, x1, y1 = areas.total_bounds
width, height = int((x1 - x0) / 10), int((y1 - y0) / 10)
with rasterio.open(folder + "/grid.tif", "w", driver="GTiff", width=width, height=height, count=1, dtype="float32",
                   crs=areas.crs, transform=from_origin(x0, y1, 10, 10), nodata=-1) as dst:
    dst.write(np.random.default_rng(0).random((height, width), dtype=np.float32), 1)
xy = np.column_stack([a.ravel() for a in np.meshgrid(np.linspace(1, 99, 5), np.linspace(1, 99, 4))])
points = gpd.GeoDataFrame(geometry=shapely.points((areas.bounds[["minx", "miny"]].to_numpy()[:, None, :] + xy).reshape(-1, 2)), crs=areas.crs)
t0 = time.perf_counter(); zonal_stats(areas, folder + "/grid.tif", stats=("mean", "sum"))
t1 = time.perf_counter(); count_points(areas, points)
t2 = time.perf_counter()
print(json.dumps({"zonal_stats": t1 - t0, "count_points": t2 - t1}))
"""


def sources(folder: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", SOURCES, str(folder)], capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(folder: Path, *, profile: bool) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(folder), "1" if profile else "0"], capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(done.stderr)
    if profile:
        print(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--profile", action="store_true", help="profile each step at the largest size")
    parser.add_argument("--sources", action="store_true", help="also time zonal_stats and count_points")
    args = parser.parse_args()
    rows, extra = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            make_inputs(folder, n)
            if args.profile and n == max(args.sizes):
                run(folder, profile=True)
            rows.append((n, run(folder, profile=False)))
            if args.sources:
                extra.append((n, sources(folder)))
    header = f"{'areas':>8} " + " ".join(f"{s:>16}" for s in STEPS) + f" {'peak RSS MiB':>13}"
    print("seconds per step (fresh process per size)\n" + header)
    for n, t in rows:
        print(f"{n:>8,} " + " ".join(f"{t[s]:>16.3f}" for s in STEPS) + f" {t['peak_rss_mib']:>13.0f}")
    if extra:
        print(f"\n{'areas':>8} {'zonal_stats':>12} {'count_points':>13}   (raster of 100 cells and 20 points per area)")
        for n, t in extra:
            print(f"{n:>8,} {t['zonal_stats']:>12.3f} {t['count_points']:>13.3f}")


if __name__ == "__main__":
    main()
