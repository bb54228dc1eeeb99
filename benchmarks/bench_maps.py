"""Map build time, file size before and after simplification, and time to interactive in headless Chromium.

Run (one benchmark at a time on the shared machine):

    flock /tmp/bench.lock python benchmarks/bench_maps.py [--sizes 1000 10000 35000 100000] [--vertices 40]

Synthetic areas that look like census sections: a Voronoi tessellation of random points in a 600 km square
(ETRS89 / UTM 30N), each border cut into short segments and bent by a smooth displacement of the plane (the
same function moves a shared vertex the same way in both areas, so the areas still tile the square), about
``--vertices`` vertices per area. Each map has the index (random scores), LISA-like clusters and tooltips, and
is written self-contained. Columns:

- ``build``: ``dm.explore`` (classes, tooltips, geometry fitted to the size budget), seconds;
- ``save``: ``dm.save_map``, seconds;
- ``MB raw``: the page with coordinates rounded to 5 decimals and no simplification (not written);
- ``MB file``: the file written; ``tol m``/``dec``: simplification tolerance and decimals used;
- ``open``: seconds from navigation until Leaflet has drawn every area (two animation frames after load),
  in headless Chromium with the network blocked; ``drawn``: areas drawn (canvas renderer's layers);
- ``hover``: whether the tooltip appeared over an area; ``RSS``: peak memory of this process, GB.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import deprivation_map as dm
from deprivation_map.maps.browser import check_in_browser

SIDE = 600_000.0  # metres


def synthetic_areas(n: int, vertices: int, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` Voronoi areas tiling a square, with wiggly shared borders of about ``vertices`` vertices each."""
    rng = np.random.default_rng(seed)
    points = shapely.multipoints(rng.uniform(0, SIDE, size=(n, 2)))
    box = shapely.box(0, 0, SIDE, SIDE)
    cells = shapely.get_parts(shapely.voronoi_polygons(points, extend_to=box))
    cells = shapely.intersection(cells, box)
    size = SIDE / np.sqrt(n)  # typical cell width
    cells = shapely.segmentize(cells, 3.7 * size / vertices)  # a cell of area size² has a perimeter of ~3.7 size
    amplitude, wave = size / 40, size / 4

    def bend(xy: np.ndarray) -> np.ndarray:  # |gradient| = 2 pi amplitude / wave < 1: a smooth bijection of the plane
        x, y = xy[:, 0], xy[:, 1]
        inside = (x > 0) & (x < SIDE) & (y > 0) & (y < SIDE)  # keep the outer square straight
        dx = amplitude * np.sin(2 * np.pi * y / wave) * inside
        dy = amplitude * np.sin(2 * np.pi * x / wave) * inside
        return np.column_stack([x + dx, y + dy])

    cells = shapely.transform(cells, bend)
    ids = pd.Index([f"{i:08d}" for i in range(len(cells))], name="code")
    return gpd.GeoDataFrame({"name": [f"Section {i}" for i in range(len(cells))]}, geometry=cells, index=ids, crs=25830)


class _Index:
    """What explore reads from a DeprivationIndex: to_frame() and contributions."""

    def __init__(self, ids: pd.Index, rng: np.random.Generator):
        parts = pd.DataFrame(
            rng.normal(size=(len(ids), 3)) / 3, index=ids, columns=["unemployment", "income", "education"]
        )
        self.contributions = parts
        self.score = parts.sum(axis=1)
        from deprivation_map.index.composite import rank_most_deprived

        self._frame = self.score.to_frame("score").join(rank_most_deprived(self.score))

    def to_frame(self) -> pd.DataFrame:
        return self._frame


class _Hotspots:
    def __init__(self, ids: pd.Index, rng: np.random.Generator):
        labels = rng.choice(
            ["High-High", "Low-Low", "Low-High", "High-Low", "Not significant"],
            size=len(ids),
            p=[0.1, 0.1, 0.02, 0.02, 0.76],
        )
        self.labels = pd.Series(labels, index=ids)
        self.p = pd.Series(rng.integers(1, 1000, size=len(ids)) / 1000, index=ids)


def one(n: int, vertices: int, out: Path) -> dict:
    gdf = synthetic_areas(n, vertices)
    rng = np.random.default_rng(1)
    index, hot = _Index(gdf.index, rng), _Hotspots(gdf.index, rng)
    start = time.perf_counter()
    m = dm.explore(gdf, index=index, hotspots=hot, name_col="name", lang="es")
    build = time.perf_counter() - start
    start = time.perf_counter()
    path = dm.save_map(m, out / f"map_{n}.html")
    save = time.perf_counter() - start
    point = gdf.geometry.iloc[[n // 2]].to_crs(4326).representative_point().iloc[0]
    check = check_in_browser(path, hover=(point.y, point.x), timeout_s=300)
    size = m.dm_size
    return {
        "areas": n,
        "vertices": size.vertices_before,
        "build s": round(build, 2),
        "save s": round(save, 2),
        "MB raw": round(size.bytes_before / 1e6, 1),
        "MB file": round(path.stat().st_size / 1e6, 1),
        "tol m": round(size.tolerance_m, 1),
        "dec": size.precision,
        "vertices after": size.vertices_after,
        "open s": round(check.seconds, 2),
        "drawn": check.areas_drawn,
        "hover": check.tooltip is not None,
        "errors": len(check.console_errors) + len(check.blocked),
        "RSS GB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 35_000, 100_000])
    parser.add_argument("--vertices", type=int, default=40, help="about this many vertices per area")
    parser.add_argument("--out", default=None, help="folder for the maps (default: a temporary one)")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="bench_maps_"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(one(n, args.vertices, out))
        print(pd.DataFrame(rows).to_string(index=False), flush=True)
        print()
    print(f"maps in {out}")


if __name__ == "__main__":
    main()
