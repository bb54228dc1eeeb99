"""Time, size and peak memory of a published atlas, and the time to open all its pages in headless Chromium.

Run (one benchmark at a time on the shared machine):

    flock /tmp/bench.lock python benchmarks/bench_atlas.py [--sizes 35000] [--languages en es]

Two cases, each a configuration run by the pipeline, then published:

- Greater Manchester's 1,702 LSOAs (2021) with the IMD 2025 score, its 10 boroughs as districts (read from
  the shared data folder, ``DEPRIVATION_MAP_SHARED_DATA``; skipped where it is absent);
- synthetic census sections (the Voronoi areas of ``bench_maps.py``, about 40 vertices each) with a random
  indicator, grouped into districts of about 700 areas.

LISA inference is analytic, so that the run's time is not dominated by permutations. Columns: ``run`` the
pipeline, ``publish`` :func:`~deprivation_map.publish_atlas` (maps, district images, pages, data), seconds;
``MB`` the whole folder, ``MB map`` one interactive map, ``MB data`` the CSV and GeoPackage; ``files``;
``open`` seconds to open every page in Chromium (network blocked) and ``clean`` whether every page had no
console error and no outside request (and, with ``--accessibility``, no failure of axe-core's WCAG 2.1 A/AA rules); ``RSS GB`` peak memory of this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

import deprivation_map as dm
from deprivation_map.atlas.browser import check_atlas
from deprivation_map.maps.browser import find_chromium
from deprivation_map.pipeline import run

sys.path.insert(0, str(Path(__file__).parent))
from bench_maps import synthetic_areas

SHARED = Path(
    os.environ.get("DEPRIVATION_MAP_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)

CONFIG = """
[boundaries]
path = "{boundaries}"
id_col = "{id_col}"
name_col = "{name_col}"
on_invalid = "fix"
[indicators]
path = "{table}"
id_col = "{id_col}"
[index.indicators]
{indicator} = 1
[hotspots]
inference = "analytic"
[districts]
column = "{district}"
"""


def manchester(folder: Path) -> Path | None:
    """GM LSOAs 2021 with the IMD 2025 score; None where the shared data is absent."""
    gm = SHARED / "greater_manchester"
    if not gm.is_dir():
        return None
    imd = pd.read_csv(gm / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})
    imd = imd[imd["year"] == 2025][["lsoa_code", "imd_score"]].rename(columns={"lsoa_code": "area_code"})
    imd.to_csv(folder / "imd_2025.csv", index=False)
    fields = {"boundaries": gm / "lsoa21.geojson", "id_col": "area_code", "name_col": "area_name",
              "table": folder / "imd_2025.csv", "indicator": "imd_score", "district": "lad"}  # fmt: skip
    return _write(folder / "gm.toml", fields)


def synthetic(n: int, folder: Path) -> Path:
    gdf = synthetic_areas(n, 40)
    rng = np.random.default_rng(2)
    x = gdf.geometry.centroid.x.to_numpy()
    gdf["district"] = [f"District {d:02d}" for d in np.minimum((x // (600_000 / max(1, n // 700))).astype(int), 99)]
    gdf.reset_index().to_file(folder / f"areas_{n}.gpkg")
    pd.DataFrame({"code": gdf.index, "need": rng.gamma(2.0, 1.0, n) + x / 600_000}).to_csv(
        folder / f"table_{n}.csv", index=False
    )
    fields = {"boundaries": folder / f"areas_{n}.gpkg", "id_col": "code", "name_col": "name",
              "table": folder / f"table_{n}.csv", "indicator": "need", "district": "district"}  # fmt: skip
    return _write(folder / f"synthetic_{n}.toml", fields)


def _write(path: Path, fields: dict) -> Path:
    path.write_text(CONFIG.format(**fields), encoding="utf-8")
    return path


def one(name: str, config: Path, out: Path, languages: list[str], accessibility: bool = False) -> dict:
    start = time.perf_counter()
    result = run(config, out_dir=out / f"{name}_run")
    ran = time.perf_counter() - start
    start = time.perf_counter()
    home = dm.publish_atlas(result, out / f"{name}_site", languages=languages)
    published = time.perf_counter() - start
    site = home.parent
    files = [p for p in site.rglob("*") if p.is_file()]
    row = {
        "atlas": name,
        "areas": len(result.data),
        "districts": len(result.districts),
        "run s": round(ran, 1),
        "publish s": round(published, 1),
        "MB": round(sum(p.stat().st_size for p in files) / 1e6, 1),
        "MB map": round((site / "maps" / f"overview-{languages[0]}.html").stat().st_size / 1e6, 1),
        "MB data": round(sum(p.stat().st_size for p in (site / "data").glob("results.*")) / 1e6, 1),
        "files": len(files),
    }
    if find_chromium() is not None:
        start = time.perf_counter()
        checks = check_atlas(site, timeout_s=300, accessibility=accessibility)
        row |= {
            "pages": len(checks),
            "open s": round(time.perf_counter() - start, 1),
            "clean": all(c.ok for c in checks),
        }
    row["RSS GB"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[35_000])
    parser.add_argument("--languages", nargs="+", default=["en"])
    parser.add_argument("--out", default=None, help="folder for the atlases (default: a temporary one)")
    parser.add_argument("--accessibility", action="store_true", help="also run axe-core's WCAG rules on every page")
    args = parser.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="bench_atlas_"))
    out.mkdir(parents=True, exist_ok=True)
    cases = [("Greater Manchester", manchester(out))] + [(f"synthetic {n}", synthetic(n, out)) for n in args.sizes]
    rows = []
    for name, config in cases:
        if config is None:
            print(f"{name}: skipped ({SHARED} is absent)")
            continue
        rows.append(one(name.replace(" ", "_"), config, out, args.languages, args.accessibility))
        print(pd.DataFrame(rows).to_string(index=False), flush=True)
        print()
    print(f"atlases in {out}")


if __name__ == "__main__":
    main()
