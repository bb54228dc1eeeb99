"""LISA inference (issue 13): analytic moments checked against R's spdep and by hand, "auto" permutations on a
national-size map, the significance levels, and the invariants of every inference (the folded p-value and
z_sim are checked against esda in test_lisa.py)."""

from __future__ import annotations

import shutil
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import deprivation_map as dm
from deprivation_map.errors import DeprivationMapWarning, ValidationError

SPDEP = """
suppressMessages(library(spdep))
args <- commandArgs(TRUE)
nb <- read.gal(args[1], override.id = TRUE)
x <- read.csv(args[2], colClasses = c("character", "numeric"))
ids <- attr(nb, "region.id")
res <- localmoran(x[[2]][match(ids, x[[1]])], nb2listw(nb, style = "W", zero.policy = TRUE), zero.policy = TRUE)
out <- data.frame(id = ids, Ii = res[, 1], E = res[, 2], V = res[, 3], Z = res[, 4], P = res[, 5])
write.csv(format(out, digits = 17), args[3], row.names = FALSE)
"""


def _has_spdep() -> bool:
    if shutil.which("Rscript") is None:
        return False
    return subprocess.run(["Rscript", "-e", "library(spdep)"], capture_output=True).returncode == 0


def _write_gal(path, neighbours: dict[str, list[str]]) -> None:
    lines = [f"0 {len(neighbours)} areas id"]
    for area, linked in neighbours.items():
        lines += [f"{area} {len(linked)}", " ".join(linked)]
    path.write_text("\n".join(lines) + "\n")


def _spdep_localmoran(tmp_path, gal, values: pd.Series) -> pd.DataFrame:
    script, data, out = tmp_path / "lm.R", tmp_path / "values.csv", tmp_path / "spdep.csv"
    script.write_text(SPDEP)
    values.rename_axis("id").rename("x").to_csv(data)
    subprocess.run(["Rscript", str(script), str(gal), str(data), str(out)], check=True, capture_output=True)
    return pd.read_csv(out, dtype={"id": str}, skipinitialspace=True).set_index("id").astype(float)


def _compare_with_spdep(hot, ref: pd.DataFrame, tested: pd.Index) -> float:
    """Largest difference over the tested areas; spdep's I_i is n / (n - 1) times esda's, which is ours."""
    n = len(ref)
    scale = {"Is": "Ii", "EI": "E", "VI": "V", "ZI": "Z", "p": "P"}
    factor = {"Is": (n - 1) / n, "EI": (n - 1) / n, "VI": ((n - 1) / n) ** 2, "ZI": 1.0, "p": 1.0}
    worst = 0.0
    for ours, theirs in scale.items():
        diff = getattr(hot, ours)[tested] - ref.loc[tested, theirs] * factor[ours]
        worst = max(worst, float(diff.abs().max()))
    return worst


@pytest.mark.skipif(not _has_spdep(), reason="R's spdep is not installed (apt-get install r-cran-spdep)")
@pytest.mark.parametrize("dataset", ["columbus", "georgia", "columbus with an isolate"])
def test_analytic_moments_equal_r_spdep_localmoran(tmp_path, columbus, georgia, dataset):
    """spdep::localmoran with its defaults (conditional = TRUE, mlvar = TRUE, two-sided) on the same GAL file:
    I_i, E[I_i], Var[I_i], Z and p agree to 1e-10 (measured: 2e-15)."""
    gdf, column = (georgia, "PctPov") if dataset == "georgia" else (columbus, "CRIME")
    graph = dm.build_graph(gdf)
    neighbours = {area: [str(j) for j in graph.neighbors[area]] for area in map(str, graph.unique_ids)}
    if dataset.endswith("isolate"):  # spdep's zero.policy: the isolate has no test; the others are unchanged
        neighbours = {a: [j for j in linked if j != "1"] for a, linked in neighbours.items()}
        neighbours["1"] = []
    gal = tmp_path / "graph.gal"
    _write_gal(gal, neighbours)
    values = gdf[column].astype(float)
    hot = dm.local_moran(values, gal, inference="analytic", correction="none")
    ref = _spdep_localmoran(tmp_path, gal, values)
    tested = hot.p.dropna().index
    assert len(tested) == len(gdf) - dataset.endswith("isolate")
    assert _compare_with_spdep(hot, ref, tested) < 1e-10
    if dataset.endswith("isolate"):
        assert hot.labels["1"] == "Isolate" and np.isnan(hot.ZI["1"]) and np.isnan(hot.p["1"])


def test_analytic_moments_by_hand_on_four_areas_in_a_row():
    """Areas a-b-c-d in a row, values 1, 2, 3, 6, row-standardised: worked by hand.

    Mean 3, population variance 3.5, z = (-2, -1, 0, 3) / sqrt(3.5), so sum z^2 = 4 and I_i = 3 z_i lag_i / 4.
    Area a: lag = z_b, so I_a = 3 (2 / 3.5) / 4 = 3/7. Its one neighbour is drawn from {z_b, z_c, z_d} =
    {-1, 0, 3} / sqrt(3.5): mean 2 / (3 sqrt(3.5)), variance 10 / 10.5 - 4 / 31.5 = 26 / 31.5. So
    E[I_a] = (3/4) z_a 2 / (3 sqrt(3.5)) = -2/7 and Var[I_a] = (3/4)^2 z_a^2 26 / 31.5, which is also the
    closed form (3/4)^2 z^2 n/(n-2) (W2 - W^2/(n-1)) (1 - z^2/(n-1)) with n = 4 and W = W2 = 1.
    """
    from libpysal.graph import Graph

    ids = ["a", "b", "c", "d"]
    graph = Graph.from_dicts({"a": ["b"], "b": ["a", "c"], "c": ["b", "d"], "d": ["c"]})
    hot = dm.local_moran(pd.Series([1.0, 2, 3, 6], index=ids), graph, inference="analytic", correction="none")
    z_a = -2 / np.sqrt(3.5)
    assert hot.Is["a"] == pytest.approx(3 / 7, abs=1e-12)
    assert hot.EI["a"] == pytest.approx(-2 / 7, abs=1e-12)
    var_a = (3 / 4) ** 2 * z_a**2 * 26 / 31.5
    assert hot.VI["a"] == pytest.approx(var_a, abs=1e-12)
    assert hot.VI["a"] == pytest.approx((3 / 4) ** 2 * z_a**2 * 2 * (1 - 1 / 3) * (1 - z_a**2 / 3), abs=1e-12)
    assert hot.ZI["a"] == pytest.approx((3 / 7 + 2 / 7) / np.sqrt(var_a), abs=1e-12)
    assert hot.EI["c"] == 0 and hot.VI["c"] == 0 and hot.ZI["c"] == 0 and hot.p["c"] == 1  # z_c = 0: no spread


def _national(n: int = 3085) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """As many Voronoi areas as US counties (GeoDa's natregimes), with a skewed, clustered variable like a rate."""
    rng = np.random.default_rng(n)
    side = np.sqrt(n) * 1000.0
    square = shapely.box(0, 0, side, side)
    points = shapely.multipoints(shapely.points(rng.uniform(0, side, size=(n, 2))))
    cells = shapely.intersection(shapely.get_parts(shapely.voronoi_polygons(points, extend_to=square)), square)
    gdf = gpd.GeoDataFrame(geometry=cells, index=[f"{i:04d}" for i in range(n)], crs="EPSG:3857")
    x, y = gdf.centroid.x.to_numpy(), gdf.centroid.y.to_numpy()
    rate = np.exp(np.sin(x / 8000) * np.cos(y / 8000) + rng.normal(scale=0.6, size=n))
    return gdf, pd.Series(rate, index=gdf.index)


@pytest.fixture(scope="module")
def national():
    gdf, rate = _national()
    return dm.build_graph(gdf), rate


def test_auto_permutations_find_clusters_that_999_cannot_show_on_a_national_map(national):
    """3,085 areas: FDR needs p <= 0.05 / 3,085 for the strongest area, below 999 permutations' smallest
    two-sided p (0.002). "auto" runs 129,999 and finds clusters; 999 warns, giving the numbers."""
    graph, rate = national
    hot = dm.local_moran(rate, graph, seed=0)
    assert hot.permutations == 129_999
    significant = hot.labels.isin(["High-High", "Low-Low", "Low-High", "High-Low"])
    assert significant.sum() > 50 and (hot.p_adjusted[significant] <= 0.05).all()
    assert hot.p.min() == pytest.approx(2 / 130_000)
    with pytest.warns(DeprivationMapWarning, match=r"999 permutations.*3,085 areas.*123,399 permutations"):
        few = dm.local_moran(rate, graph, seed=0, permutations=999)
    assert few.p.min() == pytest.approx(0.002)


def test_analytic_p_values_mislead_for_skewed_values_as_documented(national):
    """The docstring's caveat, measured: for a right-skewed variable the normal approximation calls many
    more High-High areas and far fewer Low-Low ones than the exact permutation distribution does."""
    graph, rate = national
    perm, exact = dm.local_moran(rate, graph, seed=0), dm.local_moran(rate, graph, inference="analytic")
    assert exact.counts()["High-High"] > 2 * perm.counts()["High-High"]
    assert exact.counts()["Low-Low"] < perm.counts()["Low-Low"] / 2
    symmetric = np.log(rate)  # the same clusters on a symmetric scale: the two inferences agree far better
    perm_log = dm.local_moran(symmetric, graph, seed=0)
    exact_log = dm.local_moran(symmetric, graph, inference="analytic")
    agree = (perm_log.labels == exact_log.labels).mean()
    assert agree > 0.97 and agree > (perm.labels == exact.labels).mean()


@pytest.mark.parametrize("inference", ["permutation", "analytic"])
def test_invariants_of_every_inference(toy_joined, georgia, inference):
    """p in (0, 1]; isolates and areas without a value never significant, with no statistic; row-order
    invariance; same seed, same result."""
    graph = dm.build_graph(toy_joined, islands="keep")
    for hot in (
        dm.local_moran(toy_joined["poverty"], graph, seed=0, missing="exclude", inference=inference, alpha=0.99),
        dm.local_moran_bv(
            toy_joined["poverty"],
            toy_joined["degree"],
            graph,
            seed=0,
            missing="exclude",
            inference=inference,
            alpha=0.99,
        ),
    ):
        assert hot.labels["013"] == "Isolate" and hot.labels["012"] == "Undefined"
        assert hot.p[["012", "013"]].isna().all() and hot.ZI[["012", "013"]].isna().all()
        tested = hot.p.dropna()
        assert ((tested > 0) & (tested <= 1)).all()
    georgia_graph = dm.build_graph(georgia)
    first = dm.local_moran(georgia["PctPov"], georgia_graph, seed=5, inference=inference)
    shuffled = georgia.sample(frac=1, random_state=1)
    again = dm.local_moran(shuffled["PctPov"], dm.build_graph(shuffled), seed=5, inference=inference)
    pd.testing.assert_frame_equal(first.to_frame(), again.to_frame().loc[first.to_frame().index])
    pd.testing.assert_series_equal(first.ZI, again.ZI.loc[first.ZI.index], rtol=1e-12)


def test_significance_gives_geoda_s_levels_of_the_p_values_the_labels_use(georgia):
    hot = dm.local_moran(georgia["PctPov"], dm.build_graph(georgia), seed=0, correction="none")
    levels = hot.significance()
    assert list(levels.cat.categories) == [
        "p <= 0.001",
        "p <= 0.01",
        "p <= 0.05",
        "Not significant",
        "Isolate",
        "Undefined",
    ]
    p = hot.p_adjusted
    expected = np.select(
        [p <= 0.001, p <= 0.01, p <= 0.05], ["p <= 0.001", "p <= 0.01", "p <= 0.05"], "Not significant"
    )
    assert (levels.astype(str).to_numpy() == expected).all()
    assert ((levels != "Not significant") == (hot.labels != "Not significant")).all()  # alpha = 0.05
    assert hot.significance((0.1,)).cat.categories[0] == "p <= 0.1"


def test_rate_lisa_with_no_events_is_refused(georgia):
    """Issue 13: with zero events every EB rate was 0/0, so every area was labelled "High-Low" with p = 0.002."""
    graph = dm.build_graph(georgia)
    with pytest.raises(ValidationError, match="no events"):
        dm.local_moran_rate(georgia["PctPov"] * 0, georgia["TotPop90"], graph, seed=0)
    with pytest.raises(ValidationError, match="no events"):
        dm.eb_rates(georgia["PctPov"] * 0, georgia["TotPop90"])
    same_rate = georgia["TotPop90"] * 0.1  # every area the same rate: no variation either
    with pytest.raises(ValidationError, match="all equal"):
        dm.local_moran_rate(same_rate, georgia["TotPop90"], graph, seed=0)
