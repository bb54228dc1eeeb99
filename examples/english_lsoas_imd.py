"""English LSOAs: the Index of Multiple Deprivation from its seven domains, its hot spots, a map and a report.

The setting: a city-region (Greater Manchester) ranks its Lower Layer Super Output Areas with the English
IMD method (each domain ranked, transformed to an exponential distribution, weighted 22.5/22.5/13.5/13.5/
9.3/9.3/9.3 %, summed, ranked into deciles), then asks where the most deprived areas cluster (Getis-Ord
Gi*) and how each local authority fares (the IoD's "extent" and "local concentration" measures).

The domain scores come in the layout of MHCLG's IoD2019 File 5 ("LSOA code (2011)", "Income Score (rate)",
...). Note the *ranking universe*: ranked within the city-region, decile 1 is the most deprived tenth of
these LSOAs, not of England (pass every LSOA of England to reproduce the national deciles).

Run it on generated data (300 synthetic LSOAs in four authorities, written into ``--out``)::

    python examples/english_lsoas_imd.py --out out/gm

or on the real 1,702 LSOAs (2021) of Greater Manchester, with the IoD2019 File 5 scores if you have them::

    python examples/english_lsoas_imd.py --data ../shared/data --domains File_5_IoD2019_Scores.csv --out out/gm

Without ``--domains`` the real run uses synthetic domain scores on the real boundaries, and says so: the
shared data holds the LSOA boundaries but not the IoD scores. IoD2019 is keyed by 2011 LSOA codes; the join
audit lists the 2021 LSOAs that changed and keeps them as "no data".
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import deprivation_map as dm

sys.dont_write_bytecode = True  # no __pycache__ beside the script: everything goes into --out
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic  # noqa: E402  (the generator beside this script)


def _permutations(text: str) -> int | str:
    return text if text == "auto" else int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder holding greater_manchester/ (default: generate)")
    parser.add_argument("--domains", type=Path, help="IoD domain scores in File 5's layout (default: synthetic)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument(
        "--permutations",
        type=_permutations,
        default="auto",
        help="Gi* permutations: a number, auto (as many as FDR needs) or 0 (normal p-values)",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    folder = (args.data or _synthetic.make_english_lsoas(args.out / "generated")) / "greater_manchester"

    # 1. The LSOAs, indexed by their code (E01...), with their name and local authority. The generalised
    #    ONS boundaries hold a few self-intersecting rings: on_invalid="fix" repairs them and warns, naming them.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", dm.errors.DeprivationMapWarning)
        lsoas = dm.read_boundaries(folder / "lsoa21.geojson", id_col="area_code", on_invalid="fix")
    for warning in caught:
        print("Note:", warning.message)
    print(f"LSOAs read: {len(lsoas)} in {lsoas['lad'].nunique()} local authorities")

    # 2. The domain scores, joined with an audit. Synthetic ones are written into --out first.
    domains_path = args.domains
    if domains_path is None:
        domains_path = _synthetic.make_iod_scores(lsoas, args.out / "synthetic_iod_scores.csv")
        print(f"Domain scores: SYNTHETIC ({domains_path.name}), not the published IoD")
    scores = dm.read_indicators(domains_path, id_col="LSOA code (2011)", usecols=list(_synthetic.IOD_COLUMNS))
    scores = scores.rename(columns=_synthetic.IOD_COLUMNS)  # short domain names: income, employment, ...
    join = dm.check_join(lsoas, scores)
    print("Join:", join.summary())
    gdf = dm.join_indicators(lsoas, scores, on_unmatched="keep")

    # 3. The IMD recipe with the published 2019 weights, ranked among the LSOAs that have every domain.
    universe = gdf[list(dm.recipes.IMD_2019_WEIGHTS)].notna().all(axis=1)
    index = dm.recipes.imd(gdf, domains=dm.recipes.IMD_2019_WEIGHTS, universe=universe)
    first = index.rank.idxmin()
    print(
        f"IMD: {int(universe.sum())} LSOAs ranked; most deprived {first} ({gdf.loc[first, 'area_name']}), "
        f"score {index.score[first]:.1f}; decile 1 holds {int((index.decile == 1).sum())} LSOAs"
    )

    # 4. Where the most deprived cluster: Gi* over queen contiguity (binary weights, the area itself
    #    included), FDR-corrected; areas without a score are left out and labelled "Undefined".
    graph = dm.build_graph(gdf, islands="knn")  # an LSOA touching no other gets its nearest neighbour
    inference = "analytic" if args.permutations == 0 else "permutation"
    gi = dm.local_g(index.score, graph, inference=inference, permutations=args.permutations, seed=0, missing="exclude")
    print("Gi* (FDR):", ", ".join(f"{k} {n}" for k, n in gi.counts().items() if n))

    # 5. Each local authority: share of its LSOAs in decile 1 (extent, unweighted here: no population) and
    #    the mean rank of its most deprived tenth (local concentration; 1 = most deprived).
    by_lad = dm.district_summary(index.score, gdf["lad"])
    worst = by_lad["extent"].idxmax()
    print(
        f"Local authority with the largest extent: {worst} ({by_lad.loc[worst, 'extent']:.0%} of its LSOAs in decile 1)"
    )

    # 6. Publish: the offline map (the IMD score in quintiles, Gi* hot spots), the report and the tables.
    m = dm.explore(gdf, index=index, gi=gi, name_col="area_name", lang="en", k=5)
    written = [
        dm.save_map(m, args.out / "imd_map.html"),
        dm.write_results(gdf.join(index.to_frame()).join(gi.to_frame()), args.out / "imd_lsoas.gpkg"),
        dm.write_results(by_lad, args.out / "imd_local_authorities.csv"),
    ]
    try:  # the report draws its maps with matplotlib, which a plain `pip install` does not bring
        written.append(
            dm.report(
                gdf,
                args.out / "imd_report.html",
                index=index,
                gi=gi,
                joins=[join],
                name_col="area_name",
                lang="en",
                map_href="imd_map.html",
                choices={"ranking universe": f"{int(universe.sum())} LSOAs of the files given"},
            )
        )
    except ImportError as err:
        print("Report skipped:", err)
    print("Wrote", ", ".join(p.name for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
