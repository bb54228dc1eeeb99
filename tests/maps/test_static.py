"""Static PNG maps: the classes' exact colours drawn, the legend, title and source, per language."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from PIL import Image

import deprivation_map as dm
from deprivation_map.maps.palettes import LISA_COLOURS, sequential
from deprivation_map.maps.static import save_png, scale_bar_length


def _colours(path) -> set[tuple[int, int, int]]:
    pixels = np.asarray(Image.open(path).convert("RGB")).reshape(-1, 3)
    return {tuple(map(int, c)) for c in np.unique(pixels, axis=0)}


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


def test_index_png_has_every_class_colour_title_and_source(tmp_path, georgia):
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    path = save_png(georgia, tmp_path / "index.png", index=index, lang="es", source="Censo 1990", dpi=80)
    image = Image.open(path)
    assert image.format == "PNG" and image.size == (800, 600)
    assert image.text["Title"] == "Índice de privación" and image.text["Source"] == "Fuente: Censo 1990"
    drawn = _colours(path)
    assert {_rgb(c) for c in sequential("YlOrRd", 5)} <= drawn


def test_cluster_png_uses_geoda_colours_and_hatches_no_data(tmp_path, toy_joined):
    index = dm.build_index(toy_joined, {"poverty": 1, "degree": -1}, missing="exclude")
    hot = dm.local_moran(index.score, dm.build_graph(toy_joined, islands="keep"), seed=0, missing="exclude")
    path = save_png(toy_joined, tmp_path / "clusters.png", layer="clusters", hotspots=hot, dpi=60)
    drawn = _colours(path)
    present = {lab for lab in hot.labels.astype(str) if lab != "Undefined"}
    assert {_rgb(LISA_COLOURS[lab]) for lab in present} <= drawn
    assert Image.open(path).text["Title"] == "Clusters of deprivation (local Moran)"


def test_gi_png_and_errors(tmp_path, georgia):
    gi = SimpleNamespace(
        labels=pd.Series("Hot spot (95%)", index=georgia.index).where(georgia["PctPov"] > 20, "Not significant"),
        p=pd.Series(0.01, index=georgia.index),
    )
    path = save_png(georgia, tmp_path / "gi.png", layer="gi", gi=gi, lang="el", dpi=50)
    assert _rgb("#ef8a62") in _colours(path)
    with pytest.raises(dm.errors.ValidationError, match="needs index"):
        save_png(georgia, tmp_path / "x.png")
    with pytest.raises(dm.errors.ValidationError, match="'clusters'"):
        save_png(georgia, tmp_path / "x.png", layer="lisa")


def test_scale_bar_is_a_round_fifth_of_the_width():
    for width in (1_234.0, 48_000.0, 700_000.0, 3e6):
        length = scale_bar_length(width)
        assert width / 12.5 < length <= width / 5
        assert length / 10 ** np.floor(np.log10(length)) in (1, 2, 5)


def _bar(gdf, tmp_path, monkeypatch) -> tuple[float, float, str]:
    """The scale bar save_png draws: (its length in metres on the ground, the map's width in metres, label)."""
    from matplotlib.figure import Figure

    from deprivation_map.maps import static

    drawn = {}
    savefig = Figure.savefig

    def spy(fig, *args, **kwargs):
        ax = fig.axes[0]
        bar = [p for p in ax.patches if type(p).__name__ == "Rectangle"][-2:]
        drawn["units"] = sum(p.get_width() for p in bar)
        drawn["width"] = ax.get_xlim()[1] - ax.get_xlim()[0]
        drawn["label"] = next(t.get_text() for t in ax.texts if t.get_text().endswith("m"))
        return savefig(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    static.save_png(gdf, tmp_path / "map.png", layer="index", index=dm.build_index(gdf, {"v": 1}))
    unit = static.metres_per_unit(gdf.crs)
    return drawn["units"] * unit, drawn["width"] * unit, drawn["label"]


def test_scale_bar_takes_its_units_from_the_crs(tmp_path, monkeypatch):
    """Issue 13 item 10: in a feet CRS (Illinois East, EPSG:3435, Chicago) the bar was 3.28 times too short."""
    import geopandas as gpd
    import shapely

    cells = [shapely.box(440_000 + 2_000 * i, 4_630_000, 442_000 + 2_000 * i, 4_650_000) for i in range(10)]
    utm = gpd.GeoDataFrame({"v": np.arange(10.0)}, geometry=cells, crs=26916, index=[f"c{i}" for i in range(10)])
    metres, width_m, label = _bar(utm, tmp_path, monkeypatch)
    feet, width_ft_in_m, label_ft = _bar(utm.to_crs(3435), tmp_path, monkeypatch)
    assert label == label_ft == "2 km" and metres == pytest.approx(2_000)  # 20 km wide: a bar of 2 km, a fifth ...
    assert feet == pytest.approx(2_000, rel=1e-6)  # ... drawn 6,561.7 US feet long in the feet CRS
    assert width_ft_in_m == pytest.approx(width_m, rel=0.03)  # the same ground, up to the two projections
    with pytest.raises(dm.errors.ValidationError, match="projected CRS"):
        dm.maps.static.metres_per_unit(4326)


def test_scale_bar_on_chicago_tracts_in_feet(tmp_path, monkeypatch, shared_data):
    """Real data: Chicago's 791 tracts as published, in EPSG:3435 (US survey feet), about 42 km across."""
    import geopandas as gpd

    tracts = gpd.read_file(shared_data / "chicago_sdoh" / "Chi-SDOH.shp").set_index("geoid10")
    tracts["v"] = np.arange(len(tracts), dtype=float)
    tracts = tracts.to_crs(3435)
    metres, width_m, label = _bar(tracts[["v", "geometry"]], tmp_path, monkeypatch)
    assert label == f"{metres / 1000:.0f} km" and width_m / 12.5 < metres <= width_m / 5


def _legend(monkeypatch) -> list[list[str]]:
    """The legend's texts of every PNG save_png draws while the test runs."""
    from matplotlib.figure import Figure

    legends = []
    savefig = Figure.savefig

    def spy(fig, *args, **kwargs):
        legends.append([t.get_text() for t in fig.axes[0].get_legend().get_texts()])
        return savefig(fig, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", spy)
    return legends


def test_part_of_the_areas_in_the_classes_of_all_keeps_a_true_first_class(tmp_path, georgia, monkeypatch):
    """Issue 14: a district's map in the overview's classes showed its own minimum as the first class's lower
    bound ("0.32 – -0.52", an inverted range). Hand-checked: the first class is the whole map's minimum to b1."""
    from deprivation_map.maps.classify import quantile_bins

    legends = _legend(monkeypatch)
    index = dm.build_index(georgia, {"PctPov": 1, "PctBach": -1})
    score = index.score
    bins = [float(b) for b in quantile_bins(score.to_numpy(), 5)]
    part = score.sort_values().index[100:130]  # in the 3rd to 5th classes only
    scores = SimpleNamespace(score=score.loc[part])
    common = {"index": scores, "scheme": "user_defined", "bins": bins, "dpi": 40}
    save_png(georgia.loc[part], tmp_path / "a.png", lowest=float(score.min()), **common)
    save_png(georgia.loc[part], tmp_path / "b.png", **common)
    save_png(georgia, tmp_path / "all.png", index=index, dpi=40)
    with_lowest, without, whole = legends
    assert with_lowest[0] == f"{score.min():.2f} – {bins[0]:.2f} (0)" == whole[0].replace("(32)", "(0)")
    assert without[0] == f"≤ {bins[0]:.2f} (0)"  # no lower bound known: never an inverted range

    def bounds(legend):
        return [label.rsplit(" (", 1)[0] for label in legend]

    assert with_lowest[1:] == without[1:] and bounds(with_lowest) == bounds(whole)  # the overview's classes
    counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in with_lowest]
    assert sum(counts) == len(part) and counts[:2] == [0, 0]
