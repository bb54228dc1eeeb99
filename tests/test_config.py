"""The [index] section of the TOML configuration: domains, weights and treatments, validated with the key named."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

import deprivation_map as dm
from deprivation_map.cli import main
from deprivation_map.config import load_config
from deprivation_map.errors import ConfigError

HEAD = """
[boundaries]
path = "bundled:georgia_counties.gpkg"
id_col = "AreaKey"
[indicators]
path = "bundled:georgia_indicators.csv"
id_col = "AreaKey"
"""


def _config(tmp_path, body: str):
    path = tmp_path / "index.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return load_config(path)


def test_domains_weights_and_treatments_from_toml(tmp_path, georgia):
    config = _config(
        tmp_path,
        """
[index]
weighting = "explicit"
[index.indicators.economy]
weight = 3
indicators = { PctPov = 1, PctBach = { direction = -1, treatment = "winsorise" } }
[index.indicators.people]
indicators = { PctEld = 1 }
""",
    )
    index = dm.build_index(georgia, config.index.indicators, weighting=config.index.weighting)
    assert index.level_weights["index"].to_dict() == {"economy": 0.75, "people": 0.25}
    assert index.spec.treatments == {"PctBach": "winsorise"}
    assert np.isfinite(index.score).all()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "[index.indicators.economy]\nindicators = { PctPov = 2 }\n",
            r"'index.indicators'.*economy.PctPov.*direction 2",
        ),
        ("[index.indicators.economy]\nweight = -1\nindicators = { PctPov = 1 }\n", r"'index.indicators'.*weight -1"),
        ("[index.indicators.PctPov]\ndirection = 1\ntreatment = 'trim'\n", r"Unknown treatment.*'winsorise'"),
        ("[index.indicators.PctPov]\ndirection = 1\nweigth = 2\n", r"PctPov.*unknown settings \['weigth'\]"),
    ],
)
def test_bad_index_sections_name_the_key(tmp_path, body, message):
    with pytest.raises(ConfigError, match=message):
        _config(tmp_path, body)


def _write(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


TOY = """
    [boundaries]
    path = "bundled:toy_areas.geojson"
    id_col = "code"
    name_col = "name"
    [indicators]
    path = "bundled:toy_indicators.csv"
    id_col = "code"
    [join]
    on_unmatched = "keep"
    [index]
    missing = "exclude"
    [index.indicators]
    poverty = 1
    degree = -1
    [graph]
    islands = "keep"
    [hotspots]
    seed = 1
    missing = "exclude"
"""


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("normalise", "normalize"), "Unknown key 'normalize' in [index]. Did you mean 'normalise'?"),
        (('path = "bundled:toy_areas.geojson"', 'path = "nowhere.gpkg"'), "Key 'boundaries.path': no file at"),
        (("poverty = 1", "povrty = 1"), "[index] The data has no column 'povrty'"),
        (("seed = 1", 'seed = "one"'), "Key 'hotspots.seed' must be an integer, got 'one'"),
        (("seed = 1", 'seed = 1\n    permutations = "many"'), "Unknown value for 'hotspots.permutations' 'many'"),
        (
            ("seed = 1", "seed = 1\n    permutations = 100000000"),
            "Key 'hotspots.permutations' must be an integer in [1, 1e+07]",
        ),
        (("seed = 1", "seed = -1"), "Key 'hotspots.seed' must be an integer in [0, 1.84467e+19]"),
        (("seed = 1", 'seed = 1\n    inference = "exact"'), "Unknown value for 'hotspots.inference' 'exact'"),
        (('islands = "keep"', 'islands = "drop"'), "Unknown value for 'graph.islands' 'drop'"),
        (('on_unmatched = "keep"', 'on_unmatched = "raise"'), "[join] Indicator table 1: 1 areas have no row ('012')"),
    ],
)
def test_config_mistakes_get_one_clear_message(tmp_path, capsys, edit, message):
    text = TOY.replace("[index]\n    missing", "[index]\n    normalise = 'zscore'\n    missing")
    path = _write(tmp_path, text.replace(*edit))
    assert main(["run", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_the_former_name_of_a_choice_still_works_with_a_deprecation_warning(tmp_path):
    path = _write(tmp_path, TOY.replace('[index]\n    missing = "exclude"', '[index]\n    missing = "drop"'))
    with pytest.warns(DeprecationWarning, match="'index.missing': 'drop' is deprecated; write 'exclude'"):
        config = load_config(path)
    assert config.index.missing == "exclude"


def test_missing_sections_and_files_are_named(tmp_path):
    with pytest.raises(ConfigError, match=r"needs \[index.indicators\].*or a recipe"):
        load_config(
            _write(
                tmp_path,
                "[boundaries]\npath='bundled:toy_areas.geojson'\nid_col='code'\n"
                "[indicators]\npath='bundled:toy_indicators.csv'\nid_col='code'\n",
            )
        )
    with pytest.raises(ConfigError, match="No configuration file"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[boundaries\n"))


def test_every_problem_of_a_configuration_is_reported_at_once(tmp_path, capsys):
    text = TOY.replace('islands = "keep"', 'islands = "drop"').replace("seed = 1", 'seed = "one"')
    text = text.replace("[index]\n    missing", "[index]\n    normalize = 'zscore'\n    missing")
    with pytest.raises(ConfigError) as info:
        load_config(_write(tmp_path, text))
    lines = str(info.value).splitlines()
    assert len(lines) == 3
    assert any("'graph.islands'" in line for line in lines)
    assert any("'hotspots.seed'" in line for line in lines)
    assert any("Unknown key 'normalize' in [index]" in line for line in lines)
    assert main(["run", str(_write(tmp_path, text))]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("deprivation-map: error: ") for line in err)


def test_defaults_are_the_api_s_own():
    """Every key that feeds an API parameter has that parameter's default (none is retyped in config.py)."""
    import inspect

    from deprivation_map.config import sections

    checked = 0
    for section in sections():
        if section.api is None:
            continue
        params = inspect.signature(section.api).parameters
        for key in section.keys:
            if (
                key.param is not None
                and key.param in params
                and params[key.param].default is not inspect.Parameter.empty
            ):
                assert key.default == params[key.param].default, f"{section.name}.{key.name}"
                checked += 1
    assert checked > 30


def test_choices_are_the_api_s_registries():
    from deprivation_map.config import sections
    from deprivation_map.index.normalise import NORMALISERS
    from deprivation_map.spatial.graph import BUILDERS

    by_name = {s.name: s for s in sections()}
    assert list(by_name["index"].key("normalise").choices) == list(NORMALISERS)
    assert list(by_name["graph"].key("method").choices) == list(BUILDERS)


def test_indicators_can_come_from_the_boundaries_file(tmp_path):
    areas = dm.datasets.load_georgia()
    areas.reset_index().to_file(tmp_path / "areas.gpkg")
    config = _write(
        tmp_path,
        """
        [boundaries]
        path = "areas.gpkg"
        id_col = "AreaKey"
        [index.indicators]
        PctPov = 1
        [hotspots]
        seed = 0
        """,
    )
    from deprivation_map.pipeline import run

    result = run(config, out_dir=tmp_path / "out")
    assert list(result.reports) == [] and list(result.table_reports) == []
    expected = dm.build_index(areas, {"PctPov": 1}).score
    assert result.index.score.equals(expected.loc[result.index.score.index])


def test_the_saved_configuration_runs_again_and_writes_beside_itself(tmp_path):
    from deprivation_map.pipeline import run

    first = run(_write(tmp_path, TOY), out_dir=tmp_path / "first")
    saved = first.outputs["config"]
    assert 'dir = "."' in saved.read_text(encoding="utf-8")
    again = run(saved)
    assert again.outputs["map"].parent == saved.parent  # not a nested copy such as first/first/
    assert again.index.score.equals(first.index.score)
    assert again.hotspots.labels.equals(first.hotspots.labels)


def test_the_reference_page_in_the_repository_is_the_code_s():
    """docs/reference/config.rst holds tables generated from the schema; regenerate with the script it names."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "dm_reference.py"
    spec = importlib.util.spec_from_file_location("dm_reference", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    page = module.PAGE.read_text(encoding="utf-8")
    assert page == module.config_page(), "run `python docs/_ext/dm_reference.py` to regenerate the page"
    for section in ("[boundaries]", "[index]", "[hotspots]", "[allocation]", "[output]"):
        assert section in page
    assert "The layer of a multi-layer file" in page  # meanings come from the API's own docstrings
