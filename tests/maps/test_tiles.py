"""Vector tiles: every area in the tiles with its values, a viewer that opens offline from its folder."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest

import deprivation_map as dm
from deprivation_map.maps.browser import check_tiles_in_browser, find_chromium
from deprivation_map.maps.i18n import class_label


@pytest.fixture(scope="module")
def georgia_results():
    gdf = dm.datasets.load_georgia()
    gdf["name"] = [f"<b>County {i}</b>" for i in range(len(gdf))]  # markup in the data must be shown as text
    index = dm.build_index(gdf, {"PctPov": 1, "PctBach": -1})
    hotspots = dm.local_moran(index.score, dm.build_graph(gdf), seed=0)
    return gdf, index, hotspots


def _meta(folder: Path) -> dict:
    text = (folder / "tiles" / "meta.js").read_text(encoding="utf-8")
    return json.loads(text.removeprefix("window.DM_TILES = ").rstrip().removesuffix(";"))


def test_every_area_is_in_the_tiles_with_its_values(tmp_path, georgia_results):
    gdf, index, hotspots = georgia_results
    tiles = dm.write_tiles(gdf, tmp_path / "t", index=index, hotspots=hotspots, name_col="name", pmtiles=True)
    meta = _meta(tmp_path / "t")
    assert tiles.n_tiles == len(meta["tiles"]) > 0
    assert all((tmp_path / "t" / "tiles" / f"{key}.js").is_file() for key in meta["tiles"])
    assert [layer["key"] for layer in meta["layers"]] == ["ci", "cl"]
    # read the PMTiles archive back with GDAL at the top zoom: each area once at least, values by ID
    back = pyogrio.read_dataframe(tiles.pmtiles, layer="areas")
    assert set(back["id"]) == set(gdf.index.astype(str))
    one = back.drop_duplicates("id").set_index("id")
    assert one["score"].to_numpy() == pytest.approx(index.score.reindex(one.index).to_numpy(), abs=1e-6)
    assert (one["cluster"] == hotspots.labels.reindex(one.index)).all()
    assert (one["name"] == gdf["name"].reindex(one.index)).all()
    assert gdf.crs.to_epsg() != 3857  # the caller's data untouched (reprojected on a copy)


def test_an_existing_folder_is_not_overwritten_silently(tmp_path):
    gdf = dm.datasets.load_georgia()
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(dm.errors.ValidationError, match="overwrite=True"):
        dm.write_tiles(gdf, tmp_path)
    with pytest.raises(dm.errors.ValidationError, match="min_zoom <= max_zoom"):
        dm.write_tiles(gdf, tmp_path / "z", min_zoom=9, max_zoom=8)


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="no Chromium installed (apt-get install chromium)")
def test_viewer_opens_offline_from_its_folder_with_legend_and_tooltip(tmp_path, georgia_results):
    gdf, index, hotspots = georgia_results
    tiles = dm.write_tiles(gdf, tmp_path / "t", index=index, hotspots=hotspots, name_col="name", lang="es")
    area = gdf.index[10]
    point = gdf.to_crs(4326).representative_point()[area]
    check = check_tiles_in_browser(tiles.viewer, hover=(point.y, point.x), timeout_s=60)
    assert check.blocked == [] and check.console_errors == []
    assert check.tiles_drawn > 0 and "Índice de privación" in check.legend
    assert check.tooltip.startswith(f"<b>County 10</b> ({area})")  # escaped: the markup shows as text
    assert f"{index.score[area]:.3f}" in check.tooltip
    assert class_label(hotspots.labels[area], "es") in check.tooltip  # the cluster in the page's language


def test_a_run_whose_map_no_file_can_hold_writes_tiles_and_every_other_output(tmp_path, monkeypatch):
    import deprivation_map.maps.simplify as simplify
    from deprivation_map.pipeline import run

    monkeypatch.setattr(simplify, "AREA_FLOOR", 10**6)  # as if every area took a megabyte: no file can hold them
    with pytest.warns(dm.errors.DeprivationMapWarning, match="vector tiles instead"):
        result = run(dm.datasets.get_path("demo.toml"), out_dir=tmp_path)
    assert result.outputs["map"] == tmp_path / "map_tiles" / "index.html" and result.outputs["map"].is_file()
    assert result.outputs["geopackage"].is_file() and result.outputs["csv"].is_file()
