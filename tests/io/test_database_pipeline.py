"""A whole run from PostgreSQL/PostGIS: the configuration names a URL (never its password), reads tables, writes
the results back with their metadata, and gives what the same files give."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import sqlalchemy as sa

import deprivation_map as dm
from deprivation_map.config import load_config
from deprivation_map.errors import ConfigError
from deprivation_map.pipeline import run

pytest.importorskip("psycopg", reason='the postgis extra: pip install "deprivation-map[postgis]"')


def _without_password(url: str) -> str:
    return sa.engine.make_url(url)._replace(password=None).render_as_string(hide_password=False)


def test_a_run_from_postgis_equals_the_run_from_files(postgres, password, tmp_path, monkeypatch):
    gpd.read_file(dm.datasets.get_path("georgia_counties.gpkg")).to_postgis(
        "areas", postgres.engine, schema=postgres.schema
    )
    table = pd.read_csv(dm.datasets.get_path("georgia_indicators.csv"), dtype={"AreaKey": str})
    table.to_sql("indicators", postgres.engine, schema=postgres.schema, index=False)
    monkeypatch.setenv("PGPASSWORD", password)  # where an observatory keeps it: the environment, ~/.pgpass or a service
    url = _without_password(postgres.url)
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[boundaries]
url = "{url}"
table = "areas"
id_col = "AreaKey"
[indicators]
url = "{url}"
table = "indicators"
id_col = "AreaKey"
[index.indicators]
PctPov = 1
PctBach = -1
[hotspots]
seed = 0
[output]
database = "{url}"
database_table = "results"
""",
        encoding="utf-8",
    )
    result = run(config, out_dir=tmp_path / "out")
    files = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path / "files")
    pd.testing.assert_series_equal(result.index.score.sort_index(), files.index.score.sort_index())
    assert result.hotspots.labels.sort_index().equals(files.hotspots.labels.sort_index())
    back = dm.io.read_indicators_sql(url, table="results", id_col="AreaKey")
    assert len(back) == 159 and back["score"].round(10).equals(result.index.score.loc[back.index].round(10))
    record = dm.io.read_metadata_sql(url, table="results")
    assert password not in str(record) and password not in (tmp_path / "out" / "config.toml").read_text()
    assert "areas at postgresql://" in result.summary().splitlines()[0]


def test_a_password_in_the_configuration_is_refused(postgres, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[boundaries]\nurl = "{postgres.url}"\ntable = "areas"\nid_col = "code"\n[index.indicators]\nx = 1\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"url holds a password .*\*\*\*.*PGPASSWORD") as info:
        load_config(config)
    assert sa.engine.make_url(postgres.url).password not in str(info.value)


def test_an_input_needs_a_path_or_a_url_not_both(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[boundaries]\nid_col = "code"\n[index.indicators]\nx = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[boundaries\] needs a file .* not neither"):
        load_config(config)
