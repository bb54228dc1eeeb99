"""Every script in examples/ runs from a clean process, on generated data and on the real data when present.

Each script is run as a user would run it (``python examples/x.py --out DIR``) in a fresh process whose
working directory is an empty folder, so the test also proves that it writes nothing outside ``--out``.
What each script must write and print is listed in ``EXPECTED``; a new script in examples/ is picked up by
the glob and fails until its expectations are added there.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(p for p in EXAMPLES.glob("*.py") if not p.name.startswith("_"))
sys.path.insert(0, str(EXAMPLES))
import _synthetic  # noqa: E402  (the generator the examples use, for the names it writes)

pytestmark = pytest.mark.slow

BUDGET = 2_000_000  # greek_municipalities.py's default fund, in euros
FLOOR = 40_000

# script -> (files it writes into --out, printed lines that must appear: generated data, real data, and the
# options of the generated run)
EXPECTED = {
    "spanish_city_sections.py": (
        ["mapa.html", "informe.html", "secciones_indice.gpkg"],
        [
            r"Sections read: 120 \(codes 0801901001 ",
            r"Join: 100 of 120 areas matched 100 table rows",
            r"sep ';' \(detected",
            r"decimal ',' \(detected",
            r"encoding 'cp1252' \(detected",
        ],
        [
            r"Sections read: 1068 \(codes 0801901001 ",
            r"Join: 512 of 1068 areas matched 512 table rows",
            r"Undefined 556",
        ],
        ["--lang", "ca"],
    ),
    "greek_municipalities.py": (
        ["chartis.html", "ekthesi.html", "katanomi.csv"],
        [r"Municipalities read: 19;", rf"Allocated {BUDGET:,}\.00 EUR of {BUDGET:,} EUR to 19 municipalities"],
        [r"Municipalities read: 19;", rf"Allocated {BUDGET:,}\.00 EUR of {BUDGET:,} EUR to 19 municipalities"],
        [],
    ),
    "zones_and_access.py": (
        ["zones_barcelona.gpkg", "access_lsoas.csv"],
        [
            r"Barcelona: 120 sections in \d+ zones of at least 20,000 people",
            r"Greater Manchester: 300 LSOAs, 12 libraries",
        ],
        [
            r"Barcelona: 1068 sections in \d+ zones of at least 20,000 people",
            r"Greater Manchester: 1702 LSOAs, 141 libraries, 631 pharmacies",
        ],
        [],
    ),
    "change_over_time.py": (
        ["gm_imd_by_edition.html", "gm_emerging_hotspots.html", "gm_deciles.csv", "bcn_medea_change.html"],
        [
            r"LSOAs 2011 -> 2021: 290 -> 300; 280 unchanged, 10 split into 20",
            r"IoD 2015 carried: 20 LSOAs estimated, 0 not carried, 0 incomplete",
            r"Barcelona MEDEA: 100 of 120 sections with both waves",
        ],
        [
            r"LSOAs 2011 -> 2021: 1673 -> 1702; 1636 unchanged, 31 split into 63, 6 merged into 3",
            r"IoD 2019 carried: 66 LSOAs estimated, 0 not carried, 0 incomplete",
            r"Barcelona MEDEA: 512 of 1068 sections with both waves",
        ],
        [],
    ),
    "greater_manchester_atlas.py": (
        [
            "atlas/index.html",
            "atlas/zones.html",
            "atlas/groups.html",
            "atlas/access.html",
            "atlas/data/zone_counts.csv",
            "greater_manchester_services.toml",
        ],
        [r"Areas read: 300 \(lsoa21", r"Zones: \d+ \(maxp\)", r"atlas [\d.]+ s, 48 HTML files"],
        [
            r"Note: Boundaries 'lsoa21.geojson': repaired 4 invalid geometries",
            r"Areas read: 1702 \(lsoa21",
            r"Zones: \d+ \(maxp\)",
            r"atlas [\d.]+ s, 72 HTML files",
        ],
        [],
    ),
    "english_lsoas_imd.py": (
        ["imd_map.html", "imd_report.html", "imd_lsoas.gpkg", "imd_local_authorities.csv"],
        [r"LSOAs read: 300 in 4 local authorities", r"300 LSOAs ranked", r"decile 1 holds 30 LSOAs"],
        [r"LSOAs read: 1702 in 10 local authorities", r"1702 LSOAs ranked", r"decile 1 holds 170 LSOAs"],
        [],
    ),
}


def run_examples(tmp: Path, *args: str, options: bool = False) -> dict[str, tuple[str, Path]]:
    """Run every script at once, each in a fresh process from an empty folder: {name: (stdout, --out folder)}.

    The processes run side by side (they spend most of their time importing and drawing), and each is then
    checked: exit code 0, no traceback or warning, nothing written outside ``--out``.
    """
    beside = set(EXAMPLES.rglob("*"))
    procs = {}
    for script in SCRIPTS:
        cwd, out = tmp / script.stem / "cwd", tmp / script.stem / "out"
        cwd.mkdir(parents=True)
        extra = EXPECTED.get(script.name, ((), (), (), ()))[3] if options else ()
        procs[script.name] = (
            subprocess.Popen(
                [sys.executable, str(script), "--out", str(out), *args, *extra],
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            ),
            cwd,
            out,
        )
    results = {}
    for name, (proc, cwd, out) in procs.items():
        stdout, stderr = proc.communicate(timeout=300)
        results[name] = (proc.returncode, stdout, stderr, cwd, out)
    assert set(EXAMPLES.rglob("*")) == beside, "an example wrote into examples/"
    return results


def check_run(script: Path, run, lines: list[str]) -> tuple[str, Path]:
    if script.name not in EXPECTED:
        pytest.fail(f"{script.name} has no entry in EXPECTED")
    code, stdout, stderr, cwd, out = run[script.name]
    assert code == 0, f"{script.name} failed:\n{stdout}\n{stderr}"
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    assert list(cwd.iterdir()) == [], f"{script.name} wrote outside --out: {list(cwd.iterdir())}"
    files = EXPECTED[script.name][0]
    for pattern in lines:
        assert re.search(pattern, stdout), f"{script.name} did not print {pattern!r}:\n{stdout}"
    for name in files:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, f"{script.name} did not write {name}"
    for page in (out / name for name in files if name.endswith(".html")):
        assert "https://cdn" not in page.read_text(encoding="utf-8"), f"{page.name} loads files from a CDN"
    return stdout, out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return run_examples(tmp_path_factory.mktemp("examples"), options=True)


@pytest.fixture(scope="module")
def real(tmp_path_factory, shared_data):
    return run_examples(tmp_path_factory.mktemp("examples_real"), "--data", str(shared_data))


def test_every_example_has_expectations():
    assert SCRIPTS, "no example scripts found"
    missing = sorted({p.name for p in SCRIPTS} - set(EXPECTED))
    assert not missing, f"add the outputs and printed lines of {missing} to EXPECTED in tests/test_examples.py"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_runs_on_generated_data(script, generated):
    check_run(script, generated, EXPECTED.get(script.name, [None, []])[1])


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_example_runs_on_the_real_data(script, real):
    _stdout, out = check_run(script, real, EXPECTED.get(script.name, [None, None, []])[2])
    assert not (out / "generated").exists(), "with --data, nothing is generated"


# -- what the generated runs compute, checked against the data they were generated from -----------------------


def _printed(pattern: str, stdout: str) -> str:
    match = re.search(pattern, stdout)
    assert match, f"{pattern!r} not in:\n{stdout}"
    return match.group(1)


def test_spanish_codes_keep_their_leading_zero_and_the_index_recovers_the_published_one(generated):
    stdout, out = check_run(EXAMPLES / "spanish_city_sections.py", generated, [])
    result = gpd.read_file(out / "secciones_indice.gpkg")
    codes = result["seccion"]
    assert len(result) == 120 and codes.str.fullmatch(r"08019\d{5}").all() and codes.is_unique
    # The generated sheet and the "published" index both derive from one latent surface (examples/_synthetic.py):
    # the first principal component of the five indicators must rank the sections as that index does.
    spearman = float(_printed(r"Spearman (-?[0-9.]+)", stdout))
    assert spearman > 0.8
    published = pd.read_csv(
        out / "generated" / "barcelona" / "medea_deprivation_spain_cities.csv", dtype={"seccion": str}
    )
    both = result.set_index("seccion")["score"].reindex(published["seccion"])
    assert both.corr(published.set_index("seccion")["privacion_2011"], method="spearman") == pytest.approx(
        spearman, abs=1e-3
    )
    assert 'lang="ca"' in (out / "mapa.html").read_text(encoding="utf-8")


def test_spanish_excel_sheet_lost_its_leading_zeros_and_the_join_repairs_them(tmp_path):
    # what `spanish_city_sections.py --excel` reads: the same sheet with the codes stored as numbers
    import deprivation_map as dm

    folder = _synthetic.make_spanish_city(tmp_path) / "barcelona"
    raw = pd.read_excel(folder / "indicadores_secciones.xlsx")
    assert raw["Sección"].dtype.kind == "i" and raw["Sección"].iloc[0] == 801901001
    sheet = dm.read_indicators(folder / "indicadores_secciones.xlsx", id_col="Sección")
    csv = dm.read_indicators(folder / "indicadores_secciones.csv", id_col="Sección")
    pd.testing.assert_frame_equal(sheet.set_axis(csv.index), csv, check_dtype=False)  # same numbers either way
    sections = gpd.read_file(folder / "sections.geojson")
    sections.index = "08019" + sections["C_Distri"] + sections["C_SecCens"]
    report = dm.check_join(sections, sheet)
    assert len(report.matched) == 120 and len(report.repairs) == 120 and report.repairs["801901001"] == "0801901001"


def test_greek_allocation_sums_exactly_and_the_names_reach_the_map(generated):
    stdout, out = check_run(EXAMPLES / "greek_municipalities.py", generated, [])
    table = pd.read_csv(out / "katanomi.csv", dtype={"ypes": str})
    assert round(table["amount"].sum(), 2) == BUDGET and (table["amount"] >= FLOOR).all()
    assert set(table["Δήμος"]) == set(_synthetic.GREEK_NAMES)
    page = (out / "chartis.html").read_text(encoding="utf-8")
    assert 'lang="el"' in page and all(name in page for name in _synthetic.GREEK_NAMES)
    assert "Δείκτης αποστέρησης" in page  # the Greek legend
    most = _printed(r"Most in need: ([^(]+) \(", stdout).strip()
    assert most == table.loc[table["score"].idxmax(), "Δήμος"]


def test_english_imd_deciles_and_scores_follow_the_recipe(generated):
    stdout, out = check_run(EXAMPLES / "english_lsoas_imd.py", generated, [])
    result = gpd.read_file(out / "imd_lsoas.gpkg").set_index("area_code")
    assert (result["decile"].value_counts().sort_index() == 30).all()  # 300 LSOAs: 30 per decile, 1 = most deprived
    # the exponential transform maps every domain into [0, 100] and the 2019 weights sum to 0.999
    assert result["score"].between(0, 99.9 + 1e-9).all()
    first = _printed(r"most deprived (E\d{8})", stdout)
    assert result["rank"].idxmin() == first and result.loc[first, "rank"] == 1
    assert "Hot spot" in stdout


def test_an_example_runs_from_a_plain_install_without_matplotlib(tmp_path):
    # `pip install -e .` has no matplotlib (the "report" extra): the examples then skip the report, saying why
    script = EXAMPLES / "greek_municipalities.py"
    code = (
        "import runpy, sys; sys.modules['matplotlib'] = None; "
        f"sys.argv = ['x', '--out', {str(tmp_path)!r}]; runpy.run_path({str(script)!r}, run_name='__main__')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert (
        "Report skipped: Static maps and reports need matplotlib: pip install 'deprivation-map[report]'." in proc.stdout
    )
    assert (tmp_path / "chartis.html").is_file() and not (tmp_path / "ekthesi.html").exists()


@pytest.mark.parametrize(
    "make",
    [_synthetic.make_spanish_city, _synthetic.make_greek_region, _synthetic.make_english_lsoas],
    ids=lambda f: f.__name__,
)
def test_generated_data_is_the_same_on_every_run(make, tmp_path):
    first, second = make(tmp_path / "a"), make(tmp_path / "b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.suffix in (".csv", ".geojson"))
    assert files, "nothing generated"
    for name in files:  # (.xlsx files carry a timestamp: their cells are compared by the Excel test above)
        assert (first / name).read_bytes() == (second / name).read_bytes(), f"{name} differs between two runs"
