"""Change over time: is deprivation getting better, and where?

Two settings. Greater Manchester's English Indices of Deprivation for 2015 and 2019 (on 2011 LSOAs) and
2025 (on 2021 LSOAs, after LSOAs were split and merged): the 2011 scores are carried to the 2021 LSOAs by a
crosswalk derived from the two boundary sets, with an audit of every estimated area; then deciles per
edition, the decile mobility matrix, the persistently most deprived LSOAs, emerging hot spots and a map
with one layer per edition. Barcelona's MEDEA index for 2001 and 2011 (same sections): the change on a
map centred on no change, and the quintile mobility.

Run it on generated data (written into ``--out``)::

    python examples/change_over_time.py --out out/change

or on the real files::

    python examples/change_over_time.py --data ../shared/data --out out/change

The IoD is relative: editions are compared by rank within Greater Manchester, never by score difference.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import deprivation_map as dm

sys.dont_write_bytecode = True  # no __pycache__ beside the script: everything goes into --out
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic  # noqa: E402  (the generator beside this script)


def synthetic_manchester(folder: Path) -> None:
    """Synthetic LSOAs as the 2021 vintage; pairs of the first 20 merged as the 2011 one; IoD-like scores."""
    _synthetic.make_english_lsoas(folder)
    gm = folder / "greater_manchester"
    new = gpd.read_file(gm / "lsoa21.geojson")
    old_code = new["area_code"].where(new.index >= 20, new["area_code"].iloc[(new.index // 2) * 2].to_numpy())
    old = new.assign(area_code=old_code).dissolve("area_code", as_index=False)[["area_code", "lad", "geometry"]]
    old.to_file(gm / "lsoa11.geojson", driver="GeoJSON")
    rng = np.random.default_rng(15)
    rows = []
    for year, frame, drift in ((2015, old, 0.0), (2019, old, 0.3), (2025, new, 0.6)):
        c = frame.to_crs(27700).centroid
        latent = np.sin(c.x / 2000) + np.cos(c.y / 3000) + drift * (c.x > c.x.median()) + rng.normal(0, 0.3, len(c))
        rows.append(pd.DataFrame({"lsoa_code": frame["area_code"], "year": year, "imd_score": 30 + 10 * latent}))
    pd.concat(rows).to_csv(gm / "imd_2015_2019_2025.csv", index=False)


def manchester(folder: Path, out: Path) -> None:
    gm = folder / "greater_manchester"
    old = gpd.read_file(gm / "lsoa11.geojson").set_index("area_code")
    new = gpd.read_file(gm / "lsoa21.geojson").set_index("area_code")
    imd = pd.read_csv(gm / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})
    crosswalk = dm.crosswalk_from_boundaries(old, new)
    c = crosswalk.counts()
    print(
        f"LSOAs 2011 -> 2021: {len(crosswalk.old)} -> {len(crosswalk.new)}; {c['unchanged old']} unchanged, "
        f"{c['split old']} split into {c['split new']}, {c['merged old']} merged into {c['merged new']}"
    )
    scores = {}
    for year in (2015, 2019):
        table = imd[imd["year"] == year].set_index("lsoa_code")
        carried = dm.harmonise(table, crosswalk, intensive=["imd_score"])  # no population here: equal weights
        scores[year] = carried.values["imd_score"]
        print(
            f"IoD {year} carried: {int(carried.audit['estimated'].sum())} LSOAs estimated, "
            f"{len(carried.uncarried)} not carried, {int((~carried.audit['complete']).sum())} incomplete"
        )
    scores[2025] = imd[imd["year"] == 2025].set_index("lsoa_code")["imd_score"]
    panel = dm.build_panel(scores).reindex(new.index.astype(str))
    deciles = dm.panel_ranks(panel, classes="decile")
    moves = dm.mobility(panel, 2015, 2025)
    stayed = int(np.trace(moves.to_numpy()))
    print(f"Deciles within GM: {stayed} of {int(moves.to_numpy().sum())} LSOAs in the same decile in 2015 and 2025")
    persistent = dm.persistently_deprived(panel)
    print(f"Persistently in GM's most deprived decile (2015, 2019, 2025): {int(persistent.sum())} LSOAs")
    graph = dm.build_graph(new)
    ehsa = dm.emerging_hotspots(-deciles.astype(float), graph)  # decile 1 = most deprived: hot = deprived
    counts = ehsa.counts()
    print("Emerging hot spots of deprivation: " + ", ".join(f"{k} {v}" for k, v in counts[counts > 0].items()))
    dm.period_map(new, panel, out / "gm_imd_by_edition.html", title="IMD score by edition (2021 LSOAs)")
    dm.emerging_map(new, ehsa, out / "gm_emerging_hotspots.html")
    deciles.to_csv(out / "gm_deciles.csv")


def barcelona(folder: Path, out: Path) -> None:
    bcn = folder / "barcelona"
    sections = gpd.read_file(bcn / "sections.geojson")
    sections.index = pd.Index("08019" + sections["C_Distri"] + sections["C_SecCens"], name="section")
    medea = pd.read_csv(bcn / "medea_deprivation_spain_cities.csv", dtype={"seccion": str}).set_index("seccion")
    medea = medea[medea.index.isin(sections.index)]
    panel = dm.build_panel({2001: medea["privacion_2001"], 2011: medea["privacion_2011"]})
    moves = dm.mobility(panel, 2001, 2011, classes="quintile")
    print(
        f"Barcelona MEDEA: {len(panel)} of {len(sections)} sections with both waves; "
        f"{int(np.trace(moves.to_numpy()))} in the same quintile in 2001 and 2011, "
        f"{int(dm.persistently_deprived(panel, classes='quintile').sum())} in the most deprived quintile in both"
    )
    change = dm.panel_change(panel, 2001, 2011)["change"].rename("MEDEA 2011 - 2001")
    dm.change_map(sections.loc[panel.index], change, out / "bcn_medea_change.html", title="MEDEA change 2001-2011")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="the shared data folder (default: generate data)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    folder = args.data
    if folder is None:
        folder = args.out / "generated"
        _synthetic.make_spanish_city(folder)
        synthetic_manchester(folder)
    manchester(folder, args.out)
    barcelona(folder, args.out)


if __name__ == "__main__":
    main()
