"""The configurations in examples/configs/ run the observatories' analyses on the real data (../shared/data).

Each file is checked and then run as written, with only the data folder and the output folder moved (the
files name ``../../../shared/data`` relative to themselves, as the repository's layout has it); the test then
checks the figures each run must reproduce from the published files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from deprivation_map.pipeline import check, run

CONFIGS = Path(__file__).resolve().parents[1] / "examples" / "configs"


def _moved(name: str, shared: Path, tmp_path: Path) -> Path:
    text = (CONFIGS / name).read_text(encoding="utf-8")
    assert "../../../shared/data" in text
    text = text.replace("../../../shared/data", shared.as_posix()).replace('dir = "../../out/', 'dir = "out/')
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# GM's boundary files have a few self-intersecting rings, repaired as the configuration asks (and warned about)
_REPAIRED = pytest.mark.filterwarnings("ignore:Boundaries 'lsoa.*repaired:deprivation_map.errors.DeprivationMapWarning")


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(p.name, marks=[_REPAIRED] if p.name.startswith("greater_manchester") else [])
        for p in sorted(CONFIGS.glob("*.toml"))
    ],
)
def test_each_example_configuration_checks_and_runs(name, shared_data, tmp_path):
    path = _moved(name, shared_data, tmp_path)
    found = check(path)
    assert found.ok, found.problems
    result = run(path)
    assert {"map", "csv", "geopackage", "config"} <= set(result.outputs)
    written = pd.read_csv(result.outputs["csv"], dtype={0: str})
    assert len(written) == found.n_read  # every area is in the results, scored or not


def test_barcelona_keeps_every_section_and_scores_the_medea_ones(shared_data, tmp_path):
    """Published MEDEA 2011: 512 of Barcelona's 1,068 current sections have a value (shared data README)."""
    result = run(_moved("barcelona.toml", shared_data, tmp_path))
    assert len(result.data) == 1068 and result.data.index.str.match(r"^08019\d{5}$").all()
    assert int(result.results["index"].score.notna().sum()) == 512
    assert result.results["hotspots"].labels.loc[result.results["index"].score.isna()].eq("Undefined").all()


@pytest.mark.slow
@_REPAIRED
def test_greater_manchester_change_matches_the_api_and_the_published_boundary_changes(shared_data, tmp_path):
    """IoD 2015/2019 (2011 LSOAs) carried to 2021 LSOAs: 31 split into 63, 6 merged into 3 (shared data README)."""
    import deprivation_map as dm

    result = run(_moved("greater_manchester.toml", shared_data, tmp_path))
    c = result.results["change"]
    counts = c.crosswalk.counts()
    assert (counts["unchanged old"], counts["split old"], counts["split new"]) == (1636, 31, 63)
    assert (counts["merged old"], counts["merged new"], counts["complex old"]) == (6, 3, 0)
    assert len(c.uncarried) == 0 and c.audit["complete"].all() and len(c.outside) == 0
    # the same analysis by direct API calls
    gm = shared_data / "greater_manchester"
    old = dm.read_boundaries(gm / "lsoa11.geojson", id_col="area_code", on_invalid="fix")
    imd = pd.read_csv(gm / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})
    crosswalk = dm.crosswalk_from_boundaries(old, result.data)
    scores = {}
    for year in (2015, 2019):
        table = imd[imd["year"] == year].set_index("lsoa_code")
        scores[year] = dm.harmonise(table[["imd_score"]], crosswalk, intensive=["imd_score"], weights="area").values[
            "imd_score"
        ]
    scores[2025] = imd[imd["year"] == 2025].set_index("lsoa_code")["imd_score"]
    panel = dm.build_panel(scores).reindex(result.data.index)
    persistent = dm.persistently_deprived(panel)
    assert int(c.persistent.sum()) == int(persistent.sum()) > 50
    pd.testing.assert_frame_equal(c.mobility, dm.mobility(panel, 2015, 2025))
    ehsa = dm.emerging_hotspots(panel, result.graph, alpha=0.05, correction="fdr")
    pd.testing.assert_series_equal(c.emerging.categories, ehsa.categories)
    assert {"change_periods", "change_map", "change_emerging", "change_audit"} <= set(result.outputs)


@pytest.mark.slow
def test_barcelona_change_compares_the_two_medea_waves(shared_data, tmp_path):
    """512 sections have both MEDEA waves; the other 556 are never ranked or given a category."""
    import deprivation_map as dm

    result = run(_moved("barcelona_change.toml", shared_data, tmp_path))
    c = result.results["change"]
    assert int(c.values.notna().all(axis=1).sum()) == 512 and c.harmonised == {}
    panel = result.data[["privacion_2001", "privacion_2011"]].set_axis([2001, 2011], axis=1)
    assert int(c.persistent.sum()) == int(dm.persistently_deprived(panel, classes="quintile").sum())
    assert int(c.mobility.to_numpy().sum()) == 512
    assert c.emerging.categories[c.values.isna().any(axis=1)].eq("Undefined").all()
