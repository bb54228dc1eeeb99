"""Greater Manchester's atlas with zones, library access, sites and groups (examples/greater_manchester_atlas.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from deprivation_map.atlas import publish_atlas
from deprivation_map.pipeline import run

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "greater_manchester_atlas.py"


@pytest.mark.slow
def test_the_example_configuration_runs_and_publishes_the_three_pages(shared_data, tmp_path):
    spec = importlib.util.spec_from_file_location("gm_atlas", EXAMPLE)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    config = example.prepare(shared_data / "greater_manchester", tmp_path)
    with pytest.warns(Warning, match="repaired 4 invalid geometries"):
        result = run(config)
    assert result.access.scores.index.equals(result.data.index) and len(result.service_points) == 141
    assert result.zones.totals().min() >= 30_000 and len(result.sites.sites) == 5
    home = publish_atlas(result, tmp_path / "atlas", languages=["en", "el"], district_maps=False)
    for page in ("zones.html", "groups.html", "access.html", "el/zones.html", "el/groups.html", "el/access.html"):
        assert (home.parent / page).is_file()
    access = (home.parent / "access.html").read_text(encoding="utf-8")
    assert "Local authority run library" in (home.parent / "maps" / "access-en.html").read_text(encoding="utf-8")
    assert "141 services" in access
    by_decile = result.groups.by_decile["income_deprived"]
    assert int(by_decile.sum()) == int(result.data["income_deprived"].sum())  # nothing is small enough to hide
    assert by_decile.loc[1] > by_decile.loc[10]  # income deprivation concentrates in the most deprived decile
    frame = pd.read_csv(home.parent / "data" / "results.csv", dtype={"area_code": str})
    assert "income_deprived" not in frame.columns and len(frame) == 1702
