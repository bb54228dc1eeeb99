"""Zones of census sections, and access to libraries and pharmacies with their capacity.

The setting: Barcelona publishes counts by census section, but sections hold about 1,500 people: zones of
at least 20,000 residents, contiguous and alike in their share of women and density, are a safer unit of
publication (max-p regions). Greater Manchester asks which LSOAs have least access to libraries and to
pharmacies once their capacity is counted (pharmacies by their weekly opening hours), how the most deprived
tenth fares, and where two more libraries would most shorten the journeys of the borough with least access
(p-median), and how few would bring every LSOA within 1.5 km (set covering).

Run it on generated data (written into ``--out``)::

    python examples/zones_and_access.py --out out/zones

or on the real files (Barcelona's 1,068 sections; Greater Manchester's 1,702 LSOAs, 141 libraries, 631
pharmacies and the IoD 2025 income and employment scores)::

    python examples/zones_and_access.py --data ../shared/data --out out/zones

The LSOA files hold no population: every LSOA counts as 1,700 residents (LSOAs are drawn to hold about
that many), and the script says so.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import deprivation_map as dm

sys.dont_write_bytecode = True  # no __pycache__ beside the script: everything goes into --out
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic  # noqa: E402  (the generator beside this script)

RESIDENTS = 1_700  # per LSOA, by design of the LSOA geography
DAYS = [f"opening_hours_{d}" for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")]
INTERVAL = re.compile(r"(\d\d):(\d\d)-(\d\d):(\d\d)")


def weekly_hours(text: str) -> float:
    """Hours open in one day's text ('08:30-13:00,14:00-17:30', 'CLOSED')."""
    total = 0.0
    for h0, m0, h1, m1 in INTERVAL.findall(str(text)):
        total += ((int(h1) * 60 + int(m1) - int(h0) * 60 - int(m0)) % (24 * 60)) / 60
    return total


def barcelona(folder: Path, out: Path) -> None:
    sections = gpd.read_file(folder / "barcelona" / "sections.geojson").to_crs("EPSG:25831")
    sections.index = pd.Index("08019" + sections["C_Distri"] + sections["C_SecCens"], name="section")
    people = sections["Homes"] + sections["Dones"]
    data = sections.assign(
        people=people, women=sections["Dones"] / people, density=np.log(people / (sections.area / 1e6))
    )
    fast = {"max_iterations_construction": 5, "max_iterations_sa": 1}  # spopt's defaults (99, 10) take minutes
    zones = dm.regionalise(data, ["women", "density"], floor_col="people", floor=20_000, seed=1, options=fast)
    print(
        f"Barcelona: {len(data)} sections in {zones.n_zones} zones of at least 20,000 people "
        f"(largest {int(zones.totals().max()):,}); {len(zones.unplaced)} sections unplaced"
    )
    shapes = zones.dissolve(data).join(zones.aggregate(data[["Homes", "Dones"]]).drop(columns="areas"))
    dm.write_results(shapes, out / "zones_barcelona.gpkg")


def manchester_inputs(folder: Path, real: bool, out: Path):
    """LSOAs with their income and employment scores, libraries and pharmacies (generated where not real)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", dm.errors.DeprivationMapWarning)
        lsoas = dm.read_boundaries(folder / "lsoa21.geojson", id_col="area_code", on_invalid="fix").to_crs(27700)
    for warning in caught:
        print("Note:", warning.message)
    if real:
        imd = pd.read_csv(folder / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})  # long: one row per year
        imd = imd[imd["year"] == 2025].set_index("lsoa_code")  # the edition on 2021 LSOAs
        scores = imd[["income_score", "employment_score"]].set_axis(["income", "employment"], axis=1)
        libraries = gpd.read_file(folder / "libraries.geojson").set_index("name").to_crs(27700)
        pharmacies = gpd.read_file(folder / "pharmacies.geojson").set_index("ods_code").to_crs(27700)
    else:
        path = _synthetic.make_iod_scores(lsoas, out / "synthetic_iod_scores.csv")
        scores = dm.read_indicators(path, id_col="LSOA code (2011)", usecols=list(_synthetic.IOD_COLUMNS))
        scores = scores.rename(columns=_synthetic.IOD_COLUMNS)[["income", "employment"]]
        rng = np.random.default_rng(5)
        points = lsoas.representative_point()
        libraries = gpd.GeoDataFrame({"lad": lsoas["lad"]}, geometry=points).sample(12, random_state=1)
        libraries.index = [f"Library {k}" for k in range(len(libraries))]
        pharmacies = gpd.GeoDataFrame(geometry=points.sample(60, random_state=2).to_numpy(), crs=lsoas.crs)
        pharmacies.index = [f"F{k:04d}" for k in range(len(pharmacies))]
        for day in DAYS:
            pharmacies[day] = rng.choice(["09:00-13:00,14:00-18:00", "08:00-22:00", "CLOSED"], len(pharmacies))
    return dm.join_indicators(lsoas, scores, on_unmatched="keep"), libraries, pharmacies


def manchester(folder: Path, real: bool, out: Path) -> None:
    gdf, libraries, pharmacies = manchester_inputs(folder, real, out)
    gdf["people"] = float(RESIDENTS)
    print(f"Greater Manchester: {len(gdf)} LSOAs, {len(libraries)} libraries, {len(pharmacies)} pharmacies")
    print(f"Demand: every LSOA counts as {RESIDENTS:,} residents (the files hold no population)")
    index = dm.build_index(gdf, {"income": 1, "employment": 1}, missing="exclude")
    libraries = libraries.assign(capacity=1.0)
    pharmacies = pharmacies.assign(hours=pharmacies[DAYS].map(weekly_hours).sum(axis=1))
    steps = {700: 1.0, 1400: 0.68, 2000: 0.22}  # metres: the thirds of a 2 km walk, weighted as Luo and Qi
    books = dm.accessibility(gdf, libraries, demand="people", supply="capacity", max_cost=2000, steps=steps)
    drugs = dm.accessibility(gdf, pharmacies, demand="people", supply="hours", max_cost=2000, steps=steps)
    for name, acc in (("libraries", books), ("pharmacy hours", drugs)):
        table = acc.by_decile(index)
        print(
            f"Access to {name} (E2SFCA, 2 km): decile 1 {table.loc[1, 'relative']:.2f} x the average, decile 10 "
            f"{table.loc[10, 'relative']:.2f}; {int((acc.reached == 0).sum())} LSOAs reach none"
        )
    least = books.scores.groupby(gdf["lad"]).mean().idxmin()
    inside = gdf[gdf["lad"] == least]
    candidates = inside.representative_point().to_frame("geometry")
    existing = libraries[libraries.within(inside.union_all())][["geometry"]]
    best = dm.p_median(inside, candidates, 2, weight="people", services=existing)
    cover = dm.set_cover(inside, candidates, within=1500, services=existing)
    print(
        f"{least}: two more libraries at {', '.join(best.sites)} (mean distance {best.cost.mean():,.0f} m); "
        f"{int(cover.objective)} more would bring every LSOA within 1.5 km"
    )
    frame = books.to_frame().add_prefix("library_").join(drugs.to_frame().add_prefix("pharmacy_"))
    dm.write_results(frame.join(index.to_frame()), out / "access_lsoas.csv")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, help="folder holding barcelona/ and greater_manchester/ (default: generate)"
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.data is None:
        generated = args.out / "generated"
        _synthetic.make_spanish_city(generated)
        _synthetic.make_english_lsoas(generated)
    folder = args.data or generated
    barcelona(folder, args.out)
    manchester(folder / "greater_manchester", args.data is not None, args.out)
    print("Wrote zones_barcelona.gpkg, access_lsoas.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
