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


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(p.name for p in CONFIGS.glob("*.toml")))
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
