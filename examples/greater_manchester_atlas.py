"""An atlas of Greater Manchester with zones, access to libraries with their capacity and who lives where.

The setting: an observatory publishes the IoD 2025 for Greater Manchester's 1,702 LSOAs as a static atlas and
adds three pages: zones of LSOAs (max-p regions of at least 30,000 residents, alike in income and employment
deprivation) to publish counts in, access to the 141 public libraries (E2SFCA within 2 km, three kinds of
library drawn apart), where five library points hosted in community pharmacies would reach the most need, and
how many income-deprived residents live in each decile, cluster and access class, with disclosure control.

The files in ../shared/data have no population and the libraries no capacity, and the IoD file holds three
editions in long form, so the script first writes, into ``--out/inputs``:

- ``lsoas_2025.csv``: the IoD 2025 scores, with ``residents`` = 1,700 in every LSOA (LSOAs are drawn to hold
  about that many: a nominal figure, said on the pages' data source) and ``income_deprived`` = the income
  score (the share of residents who are income-deprived) times those 1,700, rounded: an estimate;
- ``libraries.gpkg``: the libraries with ``capacity`` = 1 each (no opening hours in the file);
- ``pharmacies.gpkg``: the pharmacies, candidate sites for the library points.

then writes ``--out/greater_manchester_services.toml`` (the configuration an analyst would write), runs it,
publishes the atlas in English, Spanish, Catalan and Greek into ``--out/atlas`` and prints the time and size;
``--check`` then opens every page in headless Chromium. On the real files::

    python examples/greater_manchester_atlas.py --data ../shared/data --out out/gm_atlas --check

or on generated data (300 synthetic LSOAs in four authorities, 12 libraries, 60 pharmacies, written into
``--out/generated``)::

    python examples/greater_manchester_atlas.py --out out/gm_atlas
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import deprivation_map as dm
from deprivation_map.maps import LANGS
from deprivation_map.pipeline import run

sys.dont_write_bytecode = True  # no __pycache__ beside the script: everything goes into --out
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic  # noqa: E402  (the generator beside this script)

RESIDENTS = 1_700
DOMAINS = ("income_score", "employment_score", "education_score", "health_score")
KINDS = ("Local authority run library", "Community run library", "Commissioned library")

CONFIG = """\
# Greater Manchester's LSOAs (IoD 2025) with zones, access to libraries and vulnerable groups.
[boundaries]
path = "{data}/lsoa21.geojson"
id_col = "area_code"
name_col = "area_name"
on_invalid = "fix"           # four generalised polygons self-intersect

[indicators]
path = "inputs/lsoas_2025.csv"
id_col = "lsoa_code"

[index.indicators]           # IoD 2025 domain scores: higher = more deprived
income_score = 1
employment_score = 1
education_score = 1
health_score = 1

[graph]
method = "queen"

[hotspots]
seed = 0

[districts]
column = "lad"
population_col = "residents"

[services]
path = "inputs/libraries.gpkg"
name_col = "name"
category_col = "library_type"
within = 1500                # metres
population_col = "residents"
geographic = "utm"

[access]
demand = "residents"
supply = "capacity"
max_cost = 2000              # metres: a 2 km walk, in thirds weighted 1, 0.68, 0.22 (Luo and Qi)
method = "e2sfca"
geographic = "utm"

[sites.covering]
candidates = "inputs/pharmacies.gpkg"
k = 5
within = 1000
negative = "clip"           # the index is a z-score: only the areas above the mean count as need
geographic = "utm"

[zones]
attrs = ["income_score", "employment_score"]
floor_col = "residents"
floor = 30000
seed = 0
options = {{ max_iterations_construction = 3, max_iterations_sa = 1 }}

[groups]
columns = ["income_deprived"]
population_col = "residents"
threshold = 10

[output]
dir = "run"
"""


def _generated(folder: Path) -> tuple[pd.DataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Synthetic IoD 2025 scores, libraries of three kinds and pharmacies on ``folder``'s synthetic LSOAs."""
    lsoas = gpd.read_file(folder / "lsoa21.geojson").set_index("area_code")
    path = _synthetic.make_iod_scores(lsoas, folder / "synthetic_iod_scores.csv")
    names = {column: f"{domain}_score" for column, domain in _synthetic.IOD_COLUMNS.items()}
    imd = pd.read_csv(path, dtype={"LSOA code (2011)": str}).rename(columns={"LSOA code (2011)": "lsoa_code", **names})
    points = lsoas.representative_point()
    rng = np.random.default_rng(7)
    libraries = gpd.GeoDataFrame(geometry=points.sample(12, random_state=1).to_numpy(), crs=lsoas.crs)
    libraries["name"] = [f"Library {k}" for k in range(len(libraries))]
    libraries["library_type"] = rng.choice(KINDS, len(libraries), p=[0.7, 0.2, 0.1])
    pharmacies = gpd.GeoDataFrame(geometry=points.sample(60, random_state=2).to_numpy(), crs=lsoas.crs)
    pharmacies["name"] = [f"Pharmacy {k}" for k in range(len(pharmacies))]
    return imd, libraries, pharmacies


def prepare(data: Path, out: Path, *, real: bool = True) -> Path:
    """Write the derived inputs and the configuration into ``out``; return the configuration's path.

    ``data`` holds ``lsoa21.geojson`` and, when ``real``, the IoD file, the libraries and the pharmacies.
    """
    inputs = out / "inputs"
    inputs.mkdir(parents=True, exist_ok=True)
    if real:
        imd = pd.read_csv(data / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})
        imd = imd[imd["year"] == 2025]
        libraries = gpd.read_file(data / "libraries.geojson")
        pharmacies = gpd.read_file(data / "pharmacies.geojson")
    else:
        imd, libraries, pharmacies = _generated(data)
    imd = imd[["lsoa_code", *DOMAINS]].copy()  # the LSOAs' file names their authority
    imd["residents"] = RESIDENTS
    imd["income_deprived"] = (imd["income_score"] * RESIDENTS).round().astype("Int64")
    imd.to_csv(inputs / "lsoas_2025.csv", index=False)
    libraries[["name", "library_type", "geometry"]].assign(capacity=1.0).to_file(inputs / "libraries.gpkg")
    pharmacies[["name", "geometry"]].to_file(inputs / "pharmacies.gpkg")
    path = out / "greater_manchester_services.toml"
    path.write_text(CONFIG.format(data=data.resolve().as_posix()), encoding="utf-8")
    return path


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, help="the shared data folder, holding greater_manchester/ (default: generate)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--check", action="store_true", help="open every page in headless Chromium")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.data is None:
        _synthetic.make_english_lsoas(args.out / "generated")
    folder = (args.data or args.out / "generated") / "greater_manchester"
    config = prepare(folder, args.out, real=args.data is not None)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", dm.errors.DeprivationMapWarning)
        result = run(config)
    for warning in caught:
        print("Note:", warning.message)
    ran = time.perf_counter() - start
    print(result.summary())
    start = time.perf_counter()
    source = "MHCLG IoD 2025, ONS, DCMS, NHSBSA (OGL v3); residents nominal (1,700 per LSOA)"
    if args.data is None:
        source = "generated data (examples/_synthetic.py); residents nominal (1,700 per LSOA)"
    home = dm.publish_atlas(result, args.out / "atlas", languages=LANGS, source=source, licence="OGL v3")
    published = time.perf_counter() - start
    pages = len(list(home.parent.rglob("*.html")))
    print(f"Run {ran:.1f} s; atlas {published:.1f} s, {pages} HTML files, {_size(home.parent) / 1e6:.1f} MB")
    if args.check:
        from deprivation_map.atlas.browser import check_atlas

        checks = check_atlas(home.parent, screenshots=args.out / "screenshots", accessibility=True)
        bad = [c for c in checks if not c.ok]
        print(
            f"Chromium: {len(checks)} pages opened, {len(bad)} with a console error, an outside request or an accessibility failure"
        )
        for c in bad:
            print(" ", c.page, c.blocked[:3], c.console_errors[:3], c.violations[:3])
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
