"""The [index] section of the TOML configuration: domains, weights and treatments, validated with the key named."""

from __future__ import annotations

import numpy as np
import pytest

import deprivation_map as dm
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
