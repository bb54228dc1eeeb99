"""Zonal statistics on rasters built here, checked by hand and against rasterstats."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from deprivation_map.errors import ValidationError
from deprivation_map.io.sources import zonal_stats

rasterio = pytest.importorskip("rasterio")
from rasterio.transform import from_origin  # noqa: E402

NODATA = -9999.0


def write_raster(path, values, *, crs="EPSG:25831", nodata=NODATA, origin=(0.0, 4.0), size=1.0):
    values = np.asarray(values, dtype="float64")
    profile = {
        "driver": "GTiff",
        "height": values.shape[0],
        "width": values.shape[1],
        "count": 1,
        "dtype": "float64",
        "crs": crs,
        "transform": from_origin(*origin, size, size),
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
    return path


@pytest.fixture
def grid(tmp_path):
    """A 4 x 4 raster over [0, 4] x [0, 4] holding 1..16 row by row from the top; the cell holding 6 is nodata."""
    values = np.arange(1, 17, dtype=float).reshape(4, 4)
    values[1, 1] = NODATA
    return write_raster(tmp_path / "grid.tif", values)


@pytest.fixture
def halves():
    geoms = [box(0, 0, 2, 4), box(2, 0, 4, 4), box(0.2, 0.2, 1.8, 1.8)]
    return gpd.GeoDataFrame(geometry=geoms, index=pd.Index(["W", "E", "S"], name="code"), crs="EPSG:25831")


def test_mean_sum_share_and_nodata_by_hand(grid, halves):
    out = zonal_stats(halves, grid, stats=("mean", "sum", "min", "max", "share_above"), threshold=9)
    assert out.index.equals(halves.index)
    # W: cells 1 2 5 [6 nodata] 9 10 13 14; E: 3 4 7 8 11 12 15 16; S: the centres (0.5|1.5, 0.5|1.5): 9 10 13 14
    assert out.loc["W"].tolist() == pytest.approx([54 / 7, 54, 1, 14, 3 / 7, 7, 1])
    assert out.loc["E"].tolist() == pytest.approx([9.5, 76, 3, 16, 0.5, 8, 0])
    assert out.loc["S"].tolist() == pytest.approx([11.5, 46, 9, 14, 0.75, 4, 0])


def test_an_extra_nodata_value_and_nan_cells_are_missing(tmp_path, halves):
    values = np.arange(1, 17, dtype=float).reshape(4, 4)
    values[0, 0], values[3, 3] = np.nan, 0.0
    path = write_raster(tmp_path / "r.tif", values, nodata=None)
    out = zonal_stats(halves, path, stats=("sum",), nodata=0.0)
    assert out.loc["W", ["sum", "cells", "nodata_cells"]].tolist() == [59, 7, 1]  # 2+5+6+9+10+13+14; NaN missing
    assert out.loc["E", ["sum", "cells", "nodata_cells"]].tolist() == [60, 7, 1]  # 76 - 16 (marked nodata)


def test_areas_without_cells_raise_or_stay_missing(grid, halves):
    far = pd.concat(
        [halves, gpd.GeoDataFrame(geometry=[box(10, 10, 11, 11)], index=pd.Index(["far"], name="code"), crs=halves.crs)]
    )
    with pytest.raises(ValidationError, match=r"1 areas have no valid raster cell .*'far'.*on_empty='keep'"):
        zonal_stats(far, grid)
    out = zonal_stats(far, grid, on_empty="keep")
    assert np.isnan(out.loc["far", "mean"]) and out.loc["far", "cells"] == 0


def test_crs_mismatch_raises_or_reprojects_the_areas(grid, halves):
    elsewhere = halves.to_crs("EPSG:4326")
    with pytest.raises(ValidationError, match=r"on_crs_mismatch='reproject'"):
        zonal_stats(elsewhere, grid)
    back = zonal_stats(elsewhere, grid, stats=("mean", "sum"), on_crs_mismatch="reproject")
    pd.testing.assert_frame_equal(back, zonal_stats(halves, grid, stats=("mean", "sum")))


def test_options_are_checked(grid, halves):
    with pytest.raises(ValidationError, match="needs threshold="):
        zonal_stats(halves, grid, stats=("share_above",))
    with pytest.raises(ValidationError, match="Unknown zonal statistic 'median'"):
        zonal_stats(halves, grid, stats=("median",))


def test_agrees_with_rasterstats_on_random_polygons(tmp_path):
    """rasterstats is an independent implementation of the same cell-centre rule."""
    rasterstats = pytest.importorskip("rasterstats")
    rng = np.random.default_rng(3)
    values = rng.normal(size=(40, 50))
    values[rng.random(values.shape) < 0.1] = NODATA
    path = write_raster(tmp_path / "r.tif", values, origin=(100.0, 200.0), size=0.5)
    centres = rng.uniform([101, 182], [124, 199], size=(30, 2))
    geoms = [
        box(x, y, x + w, y + h).buffer(0.3)
        for (x, y), (w, h) in zip(centres, rng.uniform(0.5, 4, size=(30, 2)), strict=True)
    ]
    areas = gpd.GeoDataFrame(geometry=geoms, index=pd.Index([f"{i:02d}" for i in range(30)]), crs="EPSG:25831")
    ours = zonal_stats(areas, path, stats=("mean", "sum", "min", "max"), on_empty="keep")
    theirs = pd.DataFrame(rasterstats.zonal_stats(geoms, str(path), stats=["mean", "sum", "min", "max", "count"]))
    np.testing.assert_allclose(
        ours[["mean", "sum", "min", "max"]].to_numpy(float), theirs[["mean", "sum", "min", "max"]].to_numpy(float)
    )
    assert ours["cells"].tolist() == theirs["count"].tolist()


def test_a_partition_is_labelled_at_once_with_the_same_cells(grid, halves, monkeypatch):
    import deprivation_map.io.sources.rasters as rasters

    partition = halves.loc[["W", "E"]]
    assert not rasters._interiors_overlap(partition.geometry.to_numpy()) and rasters._interiors_overlap(
        halves.geometry.to_numpy()
    )
    at_once = zonal_stats(partition, grid, stats=("mean", "sum", "min", "max", "share_above"), threshold=9)
    assert at_once.loc["W"].tolist() == pytest.approx([54 / 7, 54, 1, 14, 3 / 7, 7, 1])
    assert at_once.loc["E"].tolist() == pytest.approx([9.5, 76, 3, 16, 0.5, 8, 0])
    monkeypatch.setattr(rasters, "_WHOLE_RASTER_CELLS", 0)  # forces the one-window-per-area path
    pd.testing.assert_frame_equal(
        zonal_stats(partition, grid, stats=("mean", "sum", "min", "max", "share_above"), threshold=9), at_once
    )


def test_voronoi_partition_agrees_with_rasterstats_and_the_window_path(tmp_path, monkeypatch):
    import shapely

    import deprivation_map.io.sources.rasters as rasters

    rasterstats = pytest.importorskip("rasterstats")
    rng = np.random.default_rng(5)
    values = rng.normal(size=(60, 80))
    values[rng.random(values.shape) < 0.05] = NODATA
    path = write_raster(tmp_path / "r.tif", values, origin=(0.0, 60.0), size=1.0)
    cells = shapely.voronoi_polygons(
        shapely.multipoints(rng.uniform([0, 0], [80, 60], size=(40, 2))), extend_to=box(0, 0, 80, 60)
    )
    geoms = [g.intersection(box(0, 0, 80, 60)) for g in shapely.get_parts(cells)]
    areas = gpd.GeoDataFrame(geometry=geoms, index=pd.Index([f"v{i}" for i in range(len(geoms))]), crs="EPSG:25831")
    assert not rasters._interiors_overlap(areas.geometry.to_numpy())
    ours = zonal_stats(areas, path, stats=("mean", "sum", "min", "max"))
    theirs = pd.DataFrame(rasterstats.zonal_stats(geoms, str(path), stats=["mean", "sum", "min", "max", "count"]))
    np.testing.assert_allclose(
        ours[["mean", "sum", "min", "max"]].to_numpy(float), theirs[["mean", "sum", "min", "max"]].to_numpy(float)
    )
    assert (
        ours["cells"].tolist() == theirs["count"].tolist()
        and ours["cells"].sum() + ours["nodata_cells"].sum() == 60 * 80
    )
    monkeypatch.setattr(rasters, "_WHOLE_RASTER_CELLS", 0)
    pd.testing.assert_frame_equal(zonal_stats(areas, path, stats=("mean", "sum", "min", "max")), ours)
