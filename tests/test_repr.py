"""Rich HTML representations (``_repr_html_``) of the result objects, as Jupyter shows them.

The contract test iterates over ``deprivation_map.__all__``: every public class with ``to_frame`` must render,
so a new result class cannot be forgotten. Every object is built from data whose most deprived area ID and
one column name are HTML that a browser would run or draw; none of it may reach the page unescaped. The
figures the HTML must show are computed here independently (by hand, with collections.Counter, or esda).
"""

from __future__ import annotations

import html
import inspect
import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map._repr import fmt, html_repr

EVIL_ID = "<script>alert('id')</script>"
EVIL_COL = "Pov<img src=x onerror=alert(1)>"
SPEC = {EVIL_COL: 1, "PctBach": -1, "PctEld": 1}


def _text(page: str) -> str:
    """The visible text of a repr: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _result_classes() -> list[str]:
    return sorted(n for n in dm.__all__ if inspect.isclass(getattr(dm, n)) and hasattr(getattr(dm, n), "to_frame"))


@pytest.fixture(scope="module")
def evil():
    """Georgia with the most deprived county (by poverty) renamed to a script, and a column named as an image."""
    gdf = dm.datasets.load_georgia().rename(columns={"PctPov": EVIL_COL})
    target = gdf[EVIL_COL].idxmax()
    return gdf.rename(index={target: EVIL_ID}).rename_axis(gdf.index.name)


@pytest.fixture(scope="module")
def built(evil, tmp_path_factory):
    """One object of every result class, built from the hostile data (cheap settings: this is about display)."""
    graph = dm.build_graph(evil)
    index = dm.build_index(evil, SPEC)
    hot = dm.local_moran(index.score, graph, seed=1)
    u = dm.uncertainty(evil, SPEC, replicates=20, seed=2, normalise=["zscore", "minmax"])
    services = evil.loc[[EVIL_ID, "13051"]].representative_point().to_frame("geometry")
    candidates = evil.representative_point().to_frame("geometry").iloc[::8]
    areas, table = dm.datasets.load_toy()
    areas = areas.rename(index={"012": EVIL_ID}).rename_axis(areas.index.name)
    csv = tmp_path_factory.mktemp("repr") / "table.csv"
    evil[[EVIL_COL, "PctBach"]].rename_axis("code").to_csv(csv)
    allocation = dm.allocate(evil[EVIL_COL], 1_000_000, population=evil["TotPop90"], hotspots=hot)
    panel = pd.DataFrame({EVIL_COL: evil[EVIL_COL], "y2": evil[EVIL_COL] * 1.1 + evil["PctBach"] * 0.1})
    lookup = pd.DataFrame({"o": [EVIL_ID, "b", "b"], "n": [EVIL_ID, "b1", "b2"]})
    crosswalk = dm.crosswalk_from_lookup(lookup, old="o", new="n")
    return {
        "Crosswalk": crosswalk,
        "Harmonised": dm.harmonise(
            pd.DataFrame({EVIL_COL: [1.0, 2.0]}, index=[EVIL_ID, "b"]), crosswalk, extensive=[EVIL_COL]
        ),
        "Trend": dm.mann_kendall(panel),
        "EmergingHotspots": dm.emerging_hotspots(panel, graph),
        "MarkovChain": dm.markov(panel, classes=4),
        "SpatialMarkov": dm.spatial_markov(panel, graph, classes=3),
        "LisaMarkov": dm.lisa_markov(panel, graph),
        "DeprivationIndex": index,
        "Diagnostics": dm.diagnose(evil, SPEC),
        "Uncertainty": u,
        "GlobalMoran": dm.global_moran(index.score, graph, permutations=99, seed=3),
        "GlobalStatistic": dm.geary(index.score, graph, permutations=99, seed=4),
        "Hotspots": hot,
        "GiHotspots": dm.local_g(evil[EVIL_COL], graph),
        "RobustHotspots": dm.robust_hotspots(u.scores.iloc[:, :2], dm.graph_choices(evil), seed=5),
        "JoinReport": dm.check_join(areas, table),
        "TableReport": dm.check_table(csv, id_col="code"),
        "Allocation": allocation,
        "Equity": allocation.equity,
        "ServiceAccess": dm.distance_to_services(
            evil, services, within=50_000, need=index, population=evil["TotPop90"]
        ),
        "Zones": dm.regionalise(evil, [EVIL_COL, "PctBach"], method="ward", n_zones=6),
        "SuppressedTable": dm.suppress_table(
            pd.DataFrame({EVIL_COL: [3, 40, 25], "b": [30, 12, 18]}, index=[EVIL_ID, "b", "c"]), threshold=10
        ),
        "Accessibility": dm.accessibility(
            evil, services.assign(beds=[5, 9]), demand="TotPop90", supply="beds", max_cost=80_000
        ),
        "VulnerableGroups": dm.vulnerable_groups(
            (evil[[EVIL_COL]] * 10).round().astype(int), evil["TotPop90"], index=index, hotspots=hot
        ),
        "Locations": dm.p_median(evil, candidates, 2, weight="TotPop90"),
        "SiteSelection": dm.select_sites(
            evil, candidates, 2, within=50_000, need=evil[EVIL_COL], population=evil["TotPop90"], services=services
        ),
    }


@pytest.mark.parametrize("name", sorted(set(_result_classes()) | {"Diagnostics"}))
def test_every_public_result_class_renders_escaped_html(name, built):
    assert name in built, f"dm.{name} has to_frame(): give it a _repr_html_ and add it to `built` in this test"
    obj = built[name]
    assert type(obj) is getattr(dm, name)
    page = obj._repr_html_()
    assert isinstance(page, str) and page.startswith("<div class='dm-repr'>") and page.endswith("</div>")
    assert "<style" not in page and " style=" not in page.replace('<tr style="text-align: right;">', "")
    for raw in ("<script", "<img", "onerror=alert(1)>"):  # the hostile strings appear only escaped
        assert raw not in page, name
    assert html.escape(repr(obj)) in page  # the short text repr is the caption, unchanged
    assert "\n" not in repr(obj) and len(repr(obj)) < 400  # and stays short


def test_the_hostile_id_and_column_are_shown_escaped(built):
    index = built["DeprivationIndex"]
    page = index._repr_html_()
    assert html.escape(EVIL_ID, quote=False) in page and html.escape(EVIL_COL, quote=False) in page
    assert EVIL_ID in _text(page) and EVIL_COL in _text(page)  # readable once decoded, not dropped
    assert EVIL_ID in _text(built["JoinReport"]._repr_html_())  # the toy area without data
    assert EVIL_COL in _text(built["TableReport"]._repr_html_())


def test_index_shows_its_settings_weights_and_most_deprived_area_first(evil, built):
    # by hand: z-scores (sample standard deviation) of the oriented indicators, equal weights, arithmetic mean
    x = evil[list(SPEC)] * pd.Series(SPEC)
    score = ((x - x.mean()) / x.std(ddof=1)).mean(axis=1)
    top = score.sort_values(ascending=False)
    text = _text(built["DeprivationIndex"]._repr_html_())
    assert "normalise zscore" in text and "weighting equal" in text and "aggregate mean" in text
    assert f"areas {len(evil)} areas scored {len(evil)} indicators 3" in text
    assert f"most deprived {top.index[0]}" in text
    assert f"{top.index[0]} {fmt(top.iloc[0])} 1 1 1" in text  # the first row of the frame: rank 1, decile 1
    assert f"{top.index[1]} {fmt(top.iloc[1])} 2 1 1" in text
    assert "first 5 of 159 rows" in text
    for col in SPEC:
        assert f"{col} {fmt(1 / 3)} {SPEC[col]}" in text


def test_hotspots_show_the_counts_of_every_label_and_the_correction(built):
    hot = built["Hotspots"]
    counts = Counter(hot.labels.astype(str))
    text = _text(hot._repr_html_())
    for label in ("High-High", "Low-Low", "Low-High", "High-Low", "Not significant", "Isolate", "Undefined"):
        assert f" {label} {counts.get(label, 0)} " in text
    assert "correction FDR (Benjamini-Hochberg)" in text and f"permutations {fmt(hot.permutations)} seed 1" in text
    gi = built["GiHotspots"]
    hot_spots = sum(str(lab).startswith("Hot spot") for lab in gi.labels)
    counts_part = _text(gi._repr_html_()).split("Areas per label", 1)[1].split("to_frame()", 1)[0]
    shown = re.findall(r"Hot spot \((\d+)%\) (\d+)", counts_part)
    assert sum(int(n) for _, n in shown) == hot_spots and len(shown) == 3


def test_global_moran_shows_the_statistic_esda_computes(evil, built):
    esda = pytest.importorskip("esda")
    from libpysal.graph import Graph

    moran = built["GlobalMoran"]
    score = built["DeprivationIndex"].score
    w = Graph.build_contiguity(evil, rook=False).transform("r").to_W()
    reference = esda.Moran(score.reindex(w.id_order).to_numpy(), w, permutations=0)
    text = _text(moran._repr_html_())
    assert f"I {fmt(reference.I)} EI {fmt(reference.EI)}" in text
    assert "seed 3" in text and "areas 159" in text


def test_join_report_lists_unmatched_ids_first(toy, built):
    areas, table = toy
    text = _text(built["JoinReport"]._repr_html_())
    no_boundary = sorted(set(table.index) - set(areas.index))  # '099'
    assert no_boundary and all(f"'{i}'" in text for i in no_boundary)
    assert f"matched {len(set(areas.index) & set(table.index))} " in text
    frame_rows = text.split("unmatched first", 1)[1]
    assert frame_rows.index("missing_data") < frame_rows.index(" matched ")


def test_allocation_and_equity_show_the_budget_and_the_equity_summary(evil, built):
    alloc = built["Allocation"]
    text = _text(alloc._repr_html_())
    assert "budget 1,000,000 method proportional areas 159" in text
    amounts = evil[EVIL_COL] * evil["TotPop90"] / (evil[EVIL_COL] * evil["TotPop90"]).sum() * 1_000_000
    first = evil.index[0]
    assert f"{first} {fmt(evil.at[first, EVIL_COL])} {fmt(evil.at[first, 'TotPop90'])}" in text
    assert fmt(round(amounts[first], 2)) in text
    gini = alloc.equity.gini
    assert f"gini {fmt(gini)}" in text and f"gini {fmt(gini)}" in _text(built["Equity"]._repr_html_())


def test_service_access_shows_the_farthest_area_and_the_count_beyond(evil, built):
    acc = built["ServiceAccess"]
    points = evil.representative_point()
    services = evil.loc[[EVIL_ID, "13051"]].representative_point()
    distance = np.min([points.distance(s) for s in services], axis=0)
    text = _text(acc._repr_html_())
    assert f"areas beyond {int((distance > 50_000).sum())}" in text
    assert f"largest distance {fmt(distance.max())}" in text
    assert (
        f"farthest first (first 5 of 159 rows) distance nearest_service beyond decile population AreaKey "
        f"{evil.index[int(np.argmax(distance))]} " in text
    )


def test_counts_below_a_disclosure_threshold_are_never_shown():
    page = html_repr(object(), {"areas": 12}, counts=pd.Series({"a": 3, "b": 0, "c": 10, "d": 9}), min_count=10)
    text = _text(page)
    assert " a < 10 b < 10 c 10 d < 10" in text
    assert not re.search(r"\b[0-9]\b", text.split("label areas", 1)[1].replace("< 10", ""))


@pytest.mark.parametrize(
    "value, shown",
    [
        (0.5, "0.5"),
        (1234567.0, "1,234,567"),
        (3, "3"),
        (np.int64(3), "3"),
        (1e-5, "1.000e-05"),
        (np.nan, ""),
        (pd.NA, ""),
        (None, ""),
        (True, "True"),
    ],
)
def test_fmt(value, shown):
    assert fmt(value) == shown
