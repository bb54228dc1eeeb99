"""Deterministic synthetic inputs for the example scripts, shaped like the real files in ``../shared/data/``.

Each ``make_*`` function writes files with the same names, columns and code formats as the real public
datasets (see ``../shared/data/README.md``), so an example runs the same code on generated data and, given
``--data``, on the real files. The geometry is a grid of square polygons in a projected CRS; the values
come from a smooth "deprivation surface" plus noise drawn from a fixed seed, so every run writes the same
bytes. Nothing here is real: the values only have to be plausible (shares between 0 and 100, populations
of a few hundred to a few thousand, a visible spatial pattern for the cluster statistics to find).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

SEED = 20240501


def _grid(n_rows: int, n_cols: int, *, x0: float, y0: float, side: float, crs: str) -> gpd.GeoDataFrame:
    """Square cells, row-major from the south-west corner, with their centre scaled to [0, 1]."""
    cells, u, w = [], [], []
    for r in range(n_rows):
        for c in range(n_cols):
            cells.append(box(x0 + c * side, y0 + r * side, x0 + (c + 1) * side, y0 + (r + 1) * side))
            u.append((c + 0.5) / n_cols)
            w.append((r + 0.5) / n_rows)
    return gpd.GeoDataFrame({"u": u, "w": w}, geometry=cells, crs=crs)


def _surface(u: np.ndarray, w: np.ndarray, rng: np.random.Generator, noise: float = 0.35) -> np.ndarray:
    """A standardised deprivation surface: a deprived pocket in the south-east, another in the north-west."""
    pocket = 1.6 * np.exp(-((u - 0.8) ** 2 + (w - 0.2) ** 2) / 0.05)
    pocket += 1.0 * np.exp(-((u - 0.15) ** 2 + (w - 0.85) ** 2) / 0.03)
    latent = pocket + noise * rng.standard_normal(len(u))
    return (latent - latent.mean()) / latent.std()


def _share(latent: np.ndarray, centre: float, spread: float, rng: np.random.Generator) -> np.ndarray:
    """A percentage driven by ``latent``, with its own noise, kept inside [0.5, 95] and rounded to 0.1."""
    values = centre + spread * latent + 0.6 * spread * rng.standard_normal(len(latent))
    return np.clip(values, 0.5, 95.0).round(1)


# -- a Spanish city's census sections (shaped like barcelona/sections.geojson + the MEDEA table) -----------

SPANISH_INDICATORS = {  # MEDEA's five census indicators (Domínguez-Berjón et al. 2008), as a city's sheet names them
    "Paro (%)": (12.0, 5.0),
    "Trabajadores manuales (%)": (30.0, 9.0),
    "Asalariados eventuales (%)": (25.0, 6.0),
    "Instrucción insuficiente (%)": (18.0, 7.0),
    "Instrucción insuficiente jóvenes (%)": (10.0, 4.0),
}


def make_spanish_city(folder: Path) -> Path:
    """Write ``barcelona/`` under ``folder``: 120 sections of a synthetic city coded ``08019``, in 6 districts.

    - ``sections.geojson`` (EPSG:4326): ``C_Distri``, ``N_Distri``, ``C_Barri``, ``N_Barri``, ``C_SecCens``,
      ``Homes``, ``Dones`` as in the city's cartography (the INE code is ``08019`` + district + section);
    - ``indicadores_secciones.csv``: the five MEDEA indicators per section as a Spanish spreadsheet exports
      them: ``;``-separated, decimal comma, Windows-1252, codes as text; ``indicadores_secciones.xlsx``
      holds the same sheet with the codes stored as numbers (the leading zero lost, as Excel does);
    - ``medea_deprivation_spain_cities.csv``: a "published" index for 100 of the 120 sections (the rest
      were re-drawn since, as in the real MEDEA table), in the real table's format.
    """
    rng = np.random.default_rng(SEED)
    out = folder / "barcelona"
    out.mkdir(parents=True, exist_ok=True)
    grid = _grid(10, 12, x0=426_000, y0=4_578_000, side=400, crs="EPSG:25831")  # ETRS89 / UTM 31N
    district = (grid["u"] * 3).astype(int) + 3 * (grid["w"] * 2).astype(int) + 1  # 3 x 2 blocks of 20 cells
    names = {
        1: "Ciutat Vella",
        2: "Eixample",
        3: "Sants-Montjuïc",
        4: "Les Corts",
        5: "Sarrià-Sant Gervasi",
        6: "Gràcia",
    }
    section = district.groupby(district).cumcount() + 1
    people = rng.integers(900, 2_600, len(grid))
    women = (people * rng.uniform(0.49, 0.55, len(grid))).astype(int)
    sections = gpd.GeoDataFrame(
        {
            "C_Distri": district.map("{:02d}".format),
            "N_Distri": district.map(names),
            "C_Barri": district.map("{:02d}".format),
            "N_Barri": district.map(names),
            "C_SecCens": section.map("{:03d}".format),
            "Homes": people - women,
            "Dones": women,
        },
        geometry=grid.geometry,
        crs=grid.crs,
    ).to_crs("EPSG:4326")
    sections.to_file(out / "sections.geojson", driver="GeoJSON")
    codes = "08019" + sections["C_Distri"] + sections["C_SecCens"]
    latent = _surface(grid["u"].to_numpy(), grid["w"].to_numpy(), rng)
    sheet = pd.DataFrame({"Sección": codes})
    for column, (centre, spread) in SPANISH_INDICATORS.items():
        sheet[column] = _share(latent, centre, spread, rng)
    sheet["Población"] = people
    sheet.to_csv(out / "indicadores_secciones.csv", sep=";", decimal=",", index=False, encoding="cp1252")
    sheet.assign(Sección=codes.astype(int)).to_excel(
        out / "indicadores_secciones.xlsx", sheet_name="Indicadores", index=False
    )
    published = pd.DataFrame(
        {
            "seccion": codes,
            "cod_municipio": "08019",
            "nom_municipio": "Barcelona",
            "privacion_2001": (0.8 * latent + 0.3 * rng.standard_normal(len(latent))).round(6),
            "privacion_2011": (latent + 0.25 * rng.standard_normal(len(latent))).round(6),
        }
    )
    kept = published.drop(index=published.index[::6])  # 20 sections re-drawn since: not in the table
    kept.to_csv(out / "medea_deprivation_spain_cities.csv", index=False)
    return folder


# -- Greek municipalities (shaped like western_greece/municipalities.geojson) ---------------------------------

GREEK_NAMES = (
    "Αγίου Νικολάου",
    "Ακτής Ιονίου",
    "Άνω Ορεινής",
    "Αρχαίας Ήλιδας",
    "Βόρειας Πεδιάδας",
    "Δυτικής Ακτής",
    "Ελαιώνων",
    "Ζαχάρως Νέας",
    "Ιερής Πόλης",
    "Καλαβρυτινών Χωριών",
    "Κάτω Κάμπου",
    "Λιμνοθάλασσας",
    "Μεσαίας Κοιλάδας",
    "Νότιας Πλαγιάς",
    "Ξηρομέρου Νέου",
    "Ορεινής Ναυπακτίας",
    "Παραλίας Πάτρας",
    "Πύργου Νέου",
    "Χαλανδρίτσας",
)


def make_greek_region(folder: Path) -> Path:
    """Write ``western_greece/municipalities.geojson``: 19 synthetic municipalities with Greek names.

    Columns as in the real file: ``ypes`` (the ministry's code), ``elstat_code``, ``name`` (upper case, no
    accents, as ELSTAT writes it), ``name_geodata`` (with accents), ``pop_2011``, ``pop_2021`` and
    ``pop_change_pct``. The cells (EPSG:2100, Greek Grid) form a 5 x 4 grid with one cell left as sea.
    """
    rng = np.random.default_rng(SEED + 1)
    out = folder / "western_greece"
    out.mkdir(parents=True, exist_ok=True)
    grid = _grid(4, 5, x0=230_000, y0=4_150_000, side=18_000, crs="EPSG:2100").iloc[:19]
    latent = _surface(grid["u"].to_numpy(), grid["w"].to_numpy(), rng, noise=0.5)
    pop_2011 = (18_000 * np.exp(-0.6 * latent + 0.3 * rng.standard_normal(len(grid)))).astype(int)  # sparse = deprived
    pop_2011[0] = 213_984  # one large city, as Patras dominates the real region
    change = (-3.0 - 4.0 * latent + rng.normal(0, 1.0, len(grid))).round(6)  # deprived = losing people
    pop_2021 = (pop_2011 * (1 + change / 100)).round().astype(int)
    upper = {ord(a): b for a, b in zip("άέήίόύώϊΐϋΰ", "αεηιουωιιυυ", strict=True)}
    frame = gpd.GeoDataFrame(
        {
            "ypes": [str(9100 + i) for i in range(len(grid))],
            "elstat_code": [f"37{i + 1:02d}" for i in range(len(grid))],
            "name": [n.lower().translate(upper).upper() for n in GREEK_NAMES],
            "name_geodata": list(GREEK_NAMES),
            "pop_2021": pop_2021,
            "pop_2011": pop_2011,
            "pop_change_pct": 100 * (pop_2021 - pop_2011) / pop_2011,
        },
        geometry=grid.geometry.to_numpy(),
        crs=grid.crs,
    ).to_crs("EPSG:4326")
    frame.to_file(out / "municipalities.geojson", driver="GeoJSON")
    return folder


# -- English LSOAs (shaped like greater_manchester/lsoa21.geojson) and IMD domain scores -------------------

IOD_COLUMNS = {  # the column names of MHCLG's IoD2019 File 5 (scores), and the IMD domain each one is
    "Income Score (rate)": "income",
    "Employment Score (rate)": "employment",
    "Education, Skills and Training Score": "education",
    "Health Deprivation and Disability Score": "health",
    "Crime Score": "crime",
    "Barriers to Housing and Services Score": "barriers",
    "Living Environment Score": "living_environment",
}


def make_english_lsoas(folder: Path) -> Path:
    """Write ``greater_manchester/lsoa21.geojson``: 300 synthetic LSOAs (EPSG:27700) in 4 local authorities.

    Codes ``E01090001`` ... (outside the real range), names ``<authority> 001A`` ..., column ``lad``.
    """
    out = folder / "greater_manchester"
    out.mkdir(parents=True, exist_ok=True)
    grid = _grid(15, 20, x0=370_000, y0=390_000, side=700, crs="EPSG:27700")
    lads = np.where(
        grid["u"] < 0.5,
        np.where(grid["w"] < 0.5, "Salford", "Bolton"),
        np.where(grid["w"] < 0.5, "Stockport", "Oldham"),
    )
    number = pd.Series(lads).groupby(lads).cumcount()
    names = [f"{lad} {n // 4 + 1:03d}{'ABCD'[n % 4]}" for lad, n in zip(lads, number, strict=True)]
    frame = gpd.GeoDataFrame(
        {"area_code": [f"E0109{i + 1:04d}" for i in range(len(grid))], "area_name": names, "lad": lads},
        geometry=grid.geometry,
        crs=grid.crs,
    ).to_crs("EPSG:4326")
    frame.to_file(out / "lsoa21.geojson", driver="GeoJSON")
    return folder


def make_iod_scores(areas: gpd.GeoDataFrame, path: Path) -> Path:
    """Write synthetic IoD domain scores for ``areas`` (indexed by LSOA code) in File 5's layout.

    Scores follow the published scales: income and employment are rates (0-1), the others are scores
    around 0 (education 0-100). They are driven by one spatial surface over the areas' centroids, so the
    IMD built from them clusters; they are not real deprivation figures.
    """
    rng = np.random.default_rng(SEED + 2)
    points = areas.to_crs("EPSG:27700").geometry.representative_point()
    x, y = points.x.to_numpy(), points.y.to_numpy()
    u, w = (x - x.min()) / np.ptp(x), (y - y.min()) / np.ptp(y)
    latent = _surface(u, w, rng)
    scales = {
        "income": (0.15, 0.07, 3),
        "employment": (0.12, 0.05, 3),
        "education": (25.0, 15.0, 2),
        "health": (0.5, 0.7, 3),
        "crime": (0.3, 0.6, 3),
        "barriers": (20.0, 6.0, 2),
        "living_environment": (25.0, 10.0, 2),
    }
    table = pd.DataFrame({"LSOA code (2011)": areas.index, "LSOA name (2011)": areas["area_name"].to_numpy()})
    for column, domain in IOD_COLUMNS.items():
        centre, spread, digits = scales[domain]
        values = centre + spread * (latent + 0.5 * rng.standard_normal(len(latent)))
        table[column] = (
            np.maximum(values, 0.0).round(digits) if domain in ("income", "employment") else values.round(digits)
        )
    table.to_csv(path, index=False)
    return path
