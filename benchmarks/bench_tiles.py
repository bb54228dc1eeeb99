"""A national tile set: build time, size, and time to first draw in headless Chromium, offline from its folder.

Run (one benchmark at a time on the shared machine; 1 million areas need about 10 GB):

    flock /tmp/bench.lock python benchmarks/bench_tiles.py [--sizes 100000 1000000] [--vertices 40]

The areas are bench_maps.py's synthetic census sections (a wiggly Voronoi tiling of a 600 km square), with an
index (random scores) and LISA-like clusters. Columns: ``areas``; ``explore``: what ``dm.explore`` says
(``refused`` when its cheap estimate finds no HTML file can hold the map) and the seconds it took to say it;
``build s``: ``dm.write_tiles``; ``zoom``; ``tiles``; ``MB``: the folder; ``first draw s``: from navigation until
every tile in view is drawn; ``tooltip``: whether hovering an area shows its tooltip; ``errors``: console
errors plus blocked requests; ``RSS GB``: peak memory of this process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from bench_maps import _Hotspots, _Index, synthetic_areas

import deprivation_map as dm
from deprivation_map.maps.browser import check_tiles_in_browser


def one(n: int, vertices: int, out: Path) -> dict:
    gdf = synthetic_areas(n, vertices)
    rng = np.random.default_rng(1)
    index, hot = _Index(gdf.index, rng), _Hotspots(gdf.index, rng)
    start = time.perf_counter()
    try:
        dm.explore(gdf, index=index, hotspots=hot, name_col="name")
        verdict = "fits"
    except dm.errors.MapTooLargeError:
        verdict = "refused"
    explore_s = time.perf_counter() - start
    start = time.perf_counter()
    tiles = dm.write_tiles(gdf, out / f"tiles_{n}", index=index, hotspots=hot, name_col="name", overwrite=True)
    build = time.perf_counter() - start
    # the viewer opens on the whole extent: hover the area nearest the centre of the square
    point = gdf.geometry.iloc[[n // 2]].to_crs(4326).representative_point().iloc[0]
    check = check_tiles_in_browser(tiles.viewer, hover=(point.y, point.x), timeout_s=600)
    return {
        "areas": n,
        "explore": f"{verdict} in {explore_s:.1f} s",
        "build s": round(build, 1),
        "zoom": f"{tiles.min_zoom}-{tiles.max_zoom}",
        "tiles": tiles.n_tiles,
        "MB": round(tiles.n_bytes / 1e6, 1),
        "first draw s": round(check.seconds, 2),
        "tooltip": check.tooltip is not None,
        "errors": len(check.console_errors) + len(check.blocked),
        "RSS GB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--vertices", type=int, default=40, help="about this many vertices per area")
    parser.add_argument("--out", default=None, help="folder for the tile sets (default: a temporary one)")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="bench_tiles_"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(one(n, args.vertices, out))
        print(pd.DataFrame(rows).to_string(index=False), flush=True)
        print()
    print(f"tile sets in {out}")


if __name__ == "__main__":
    main()
