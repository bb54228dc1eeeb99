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
    missing = "drop"
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
        (("seed = 1", 'seed = "one"'), "Key 'hotspots.seed' must be a int, got 'one'"),
        (("seed = 1", 'seed = 1\n    permutations = "many"'), "Key 'hotspots.permutations': Unknown permutations"),
        (("seed = 1", "seed = 1\n    permutations = 100000000"), "more than the 10,000,000 any statistic takes"),
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


def test_missing_sections_and_files_are_named(tmp_path):
    with pytest.raises(ConfigError, match=r"needs a \[index\] table"):
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
