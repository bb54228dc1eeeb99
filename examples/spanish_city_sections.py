"""Census sections of a Spanish city: a MEDEA-style deprivation index, its clusters, a map in Spanish or Catalan.

The setting: an observatory holds its city's census-section boundaries (the municipal cartography, with
district and section codes in separate columns) and a spreadsheet of indicators exported from Excel
(``;``-separated, decimal comma, Windows-1252, codes that may have lost their leading zero). It wants the
MEDEA index (first principal component of five census indicators), where it clusters, and a map.

Run it on generated data (a synthetic city coded 08019, written into ``--out``)::

    python examples/spanish_city_sections.py --out out/bcn
    python examples/spanish_city_sections.py --out out/bcn --excel --lang ca    # the .xlsx, a Catalan map

or on the real public files (Barcelona's 1,068 sections of 2019 and the published MEDEA table)::

    python examples/spanish_city_sections.py --data ../shared/data --out out/bcn

The real files hold the published MEDEA scores for 2001 and 2011 but not the five census indicators they
were computed from, so there the same PCA recipe combines the two published waves into one index of
persistent deprivation, and the correlation printed is with the published 2011 index. The MEDEA table
uses the unified 1996-2015 sectioning: only 512 of the 1,068 current sections have a value, and the
join audit says so; the other sections stay on the map as "no data".
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd

import deprivation_map as dm

sys.dont_write_bytecode = True  # no __pycache__ beside the script: everything goes into --out
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _synthetic  # noqa: E402  (the generator beside this script)

CITY = "08019"  # INE municipality code of Barcelona: province 08 keeps its leading zero


def sections_with_ine_codes(path: Path, out: Path) -> gpd.GeoDataFrame:
    """The sections indexed by their 10-digit INE code, built as municipality + district + section.

    The municipal cartography stores the district (``C_Distri``, 2 digits) and the section within it
    (``C_SecCens``, 3 digits) in separate text columns; the INE code that every statistical table uses is
    ``08019`` + district + section. We write the layer with that code to a GeoPackage and read it back with
    ``read_boundaries``, which indexes the areas by the code as text and checks the geometries.
    """
    raw = gpd.read_file(path)
    raw["seccion"] = CITY + raw["C_Distri"].str.zfill(2) + raw["C_SecCens"].str.zfill(3)
    raw = raw[["seccion", "N_Distri", "N_Barri", "Homes", "Dones", "geometry"]]
    raw.to_file(out / "secciones.gpkg", driver="GPKG")
    return dm.read_boundaries(out / "secciones.gpkg", id_col="seccion")


def _permutations(text: str) -> int | str:
    return text if text == "auto" else int(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="folder holding barcelona/ (default: generate synthetic data)")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--excel", action="store_true", help="read the indicators from the .xlsx (generated data)")
    parser.add_argument("--lang", choices=["es", "ca"], default="es", help="language of the map and report")
    parser.add_argument(
        "--permutations", type=_permutations, default="auto", help="a number, or auto: as many as FDR needs"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    folder = (args.data or _synthetic.make_spanish_city(args.out / "generated")) / "barcelona"

    # 1. Boundaries, indexed by the INE section code (text: "0801901001", never 801901001).
    sections = sections_with_ine_codes(folder / "sections.geojson", args.out)
    sections["poblacion"] = sections["Homes"] + sections["Dones"]
    print(f"Sections read: {len(sections)} (codes {sections.index[0]} ... {sections.index[-1]})")

    # 2. The published MEDEA table (all 36 cities): keep this city's rows. Municipality codes stay text.
    medea = dm.read_indicators(
        folder / "medea_deprivation_spain_cities.csv", id_col="seccion", text_cols=["cod_municipio", "nom_municipio"]
    )
    medea = medea.loc[medea["cod_municipio"] == CITY, ["privacion_2001", "privacion_2011"]]
    tables = [medea]

    # 3. The observatory's own indicator spreadsheet (generated data only). check_table reports how the file
    #    was read: separator, decimal comma and encoding are detected, and every choice is listed.
    sheet_path = folder / ("indicadores_secciones.xlsx" if args.excel else "indicadores_secciones.csv")
    indicators = list(_synthetic.SPANISH_INDICATORS)
    if sheet_path.exists():
        print("Table:", dm.check_table(sheet_path, id_col="Sección").summary())
        tables.insert(0, dm.read_indicators(sheet_path, id_col="Sección"))
    else:  # the real files: the two published waves, combined by the same recipe
        indicators = ["privacion_2001", "privacion_2011"]

    # 4. The join audit, before joining: what matches, what does not, which keys were repaired (an Excel
    #    sheet stores 801901001 for 0801901001; the repair is made only when exactly one section matches).
    joins = [dm.check_join(sections, table) for table in tables]
    for report in joins:
        print("Join:", report.summary())
    gdf = dm.join_indicators(sections, *tables, on_unmatched="keep")  # unmatched sections stay, as no data

    # 5. A MEDEA-like index: the first principal component of the indicators (correlation matrix), higher =
    #    more deprived, computed over the sections that have every indicator (the ranking universe).
    universe = gdf[indicators].notna().all(axis=1)
    index = dm.recipes.pca_index(gdf, dict.fromkeys(indicators, 1), universe=universe)
    info = index.weighting_info["index"]
    print(
        f"Index: first principal component of {len(indicators)} indicators, "
        f"{info['explained_variance']:.0%} of the variance; {int(universe.sum())} sections scored"
    )

    # 6. Compare with the published index, on the sections that have both.
    both = index.score.notna() & gdf["privacion_2011"].notna()
    pearson = index.score[both].corr(gdf.loc[both, "privacion_2011"])
    spearman = index.score[both].corr(gdf.loc[both, "privacion_2011"], method="spearman")
    print(
        f"Correlation with the published MEDEA 2011 index over {int(both.sum())} sections: "
        f"Pearson {pearson:.3f}, Spearman {spearman:.3f}"
    )

    # 7. Where it clusters: queen contiguity over all sections; the sections without a score are left out of
    #    the statistics (missing="exclude") and labelled "Undefined", and a scored section whose neighbours
    #    all lack a score is an "Isolate": neither is ever "significant".
    graph = dm.build_graph(gdf)
    stats = {"permutations": args.permutations, "seed": 0, "missing": "exclude"}
    moran = dm.global_moran(index.score, graph, **stats)
    hot = dm.local_moran(index.score, graph, **stats)
    print(f"Global Moran's I = {moran.I:.3f} (pseudo p = {moran.p_sim:.4f})")
    print("LISA clusters (FDR 5 %):", ", ".join(f"{k} {n}" for k, n in hot.counts().items() if n))

    # 8. Publish: an offline map and a report in Spanish or Catalan, and the table of results.
    names = {"N_Barri": "barrio" if args.lang == "es" else "barri"}
    shown = gdf.rename(columns=names)
    m = dm.explore(shown, index=index, hotspots=hot, name_col=names["N_Barri"], lang=args.lang)
    written = [
        dm.save_map(m, args.out / "mapa.html"),
        dm.write_results(gdf.join(index.to_frame()).join(hot.to_frame()), args.out / "secciones_indice.gpkg"),
    ]
    try:  # the report draws its maps with matplotlib, which a plain `pip install` does not bring
        written.append(
            dm.report(
                shown,
                args.out / "informe.html",
                index=index,
                hotspots=hot,
                moran=moran,
                joins=joins,
                name_col=names["N_Barri"],
                lang=args.lang,
                map_href="mapa.html",
            )
        )
    except ImportError as err:
        print("Report skipped:", err)
    print("Wrote", ", ".join(p.name for p in written))
    return 0


if __name__ == "__main__":
    sys.exit(main())
