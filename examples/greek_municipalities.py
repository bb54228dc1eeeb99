"""Greek municipalities: an index of demographic decline, a regional fund shared by need, a map in Greek.

The setting: a regional observatory (Western Greece) shares a fund among its municipalities in proportion
to need and population, with a floor so that no municipality gets less than a minimum, and wants to see the
result on a map its colleagues can read, with the municipalities' Greek names in the tooltips.

The index combines what the census publishes for every municipality: the population change 2011-2021
(losing people = more need) and the population density (sparse, remote areas = more need). Min-max
normalised and averaged, it is 0 for the least and 1 for the most in need, which the allocation can use
directly as a (non-negative) need.

Run it on generated data (19 synthetic municipalities with Greek names, written into ``--out``)::

    python examples/greek_municipalities.py --out out/gr

or on the real boundaries and ELSTAT populations of the 19 municipalities of Western Greece::

    python examples/greek_municipalities.py --data ../shared/data --out out/gr
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import deprivation_map as dm

sys.dont_write_bytecode = True  # no __pycache__ beside the script: everything goes into --out
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic  # noqa: E402  (the generator beside this script)

GREEK_GRID = "EPSG:2100"  # GGRS87 / Greek Grid: areas in square metres
CHANGE = "Μεταβολή πληθυσμού 2011-2021 (%)"  # population change
DENSITY = "Πυκνότητα (κάτοικοι/km²)"  # population density, residents per km²


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder holding western_greece/ (default: generate synthetic data)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--budget", type=int, default=2_000_000, help="the fund to share, in euros")
    parser.add_argument("--floor", type=int, default=40_000, help="the least a municipality receives, in euros")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(encoding="utf-8")  # Greek names print on any terminal locale
    args.out.mkdir(parents=True, exist_ok=True)
    folder = (args.data or _synthetic.make_greek_region(args.out / "generated")) / "western_greece"

    # 1. The municipalities, indexed by the ministry's code (ΥΠΕΣ) as text. The names are UTF-8 with
    #    accents ("name_geodata"); they go into the tooltips HTML-escaped.
    gdf = dm.read_boundaries(folder / "municipalities.geojson", id_col="ypes")
    #    The indicators get Greek names too: the map's tooltips list the ones adding most to each score.
    gdf["Δήμος"] = gdf["name_geodata"]
    gdf[CHANGE] = gdf["pop_change_pct"]
    gdf[DENSITY] = gdf["pop_2021"] / (gdf.to_crs(GREEK_GRID).area / 1e6)
    print(f"Municipalities read: {len(gdf)}; population 2021: {int(gdf['pop_2021'].sum()):,}")

    # 2. The index: losing population and low density both mean more need (direction -1), min-max
    #    normalised to [0, 1] and averaged. diagnose() shows whether the two indicators agree.
    spec = {CHANGE: -1, DENSITY: -1}
    index = dm.build_index(gdf, spec, normalise="minmax")
    print(
        f"Index: minmax / equal / mean of {', '.join(f'{c} {d:+d}' for c, d in spec.items())}; "
        f"correlation of the oriented indicators {dm.diagnose(gdf, spec).correlation.iloc[0, 1]:+.2f}"
    )
    top = index.score.sort_values(ascending=False).index[:3]
    print("Most in need:", ", ".join(f"{gdf.loc[i, 'Δήμος']} ({index.score[i]:.2f})" for i in top))

    # 3. The fund: proportional to need x population, at least the floor each; amounts in cents, rounded
    #    by the largest remainder so that they add up to the budget exactly.
    alloc = dm.allocate(index, args.budget, population=gdf["pop_2021"], floor=args.floor)
    total = alloc.minor_units.sum() / 100
    eq = alloc.equity
    print(
        f"Allocated {total:,.2f} EUR of {args.budget:,} EUR to {len(alloc.amounts)} municipalities "
        f"({int((alloc.bound == 'floor').sum())} at the floor of {args.floor:,} EUR)"
    )
    print(
        f"Equity vs equal per person: concentration index {eq.concentration:+.3f} "
        f"(baseline {round(eq.concentration_baseline, 3) + 0.0:+.3f}), Gini {eq.gini:.3f}"
    )

    # 4. Publish in Greek: the map (index and allocation per person as layers, Greek names in the tooltips),
    #    the report, and the table of amounts (file names transliterated: χάρτης, έκθεση, κατανομή).
    m = dm.explore(gdf, index=index, allocation=alloc, name_col="Δήμος", lang="el", k=4)
    table = gdf[["Δήμος", "pop_2011", "pop_2021", CHANGE, DENSITY]].join(index.to_frame()).join(alloc.to_frame())
    written = [
        dm.save_map(m, args.out / "chartis.html"),
        dm.write_results(table, args.out / "katanomi.csv"),
    ]
    try:  # the report draws its maps with matplotlib, which a plain `pip install` does not bring
        written.append(
            dm.report(
                gdf,
                args.out / "ekthesi.html",
                index=index,
                allocation=alloc,
                name_col="Δήμος",
                lang="el",
                map_href="chartis.html",
                k=4,
            )
        )
    except ImportError as err:
        print("Report skipped:", err)
    print("Wrote", ", ".join(p.name for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
