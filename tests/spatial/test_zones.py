"""Zones (spatial/zones.py): checked by their constraints, and against PySAL's spopt called directly.

The constraints hold for every method: each zone is contiguous in the graph (checked with scipy's connected
components), each is above its floor, every area is accounted for (in a zone or labelled why not), the seed
reproduces the zones, and the order of the rows does not change them. The reference is spopt itself, run on
the same inputs (canonical order, z-scores, the same W and seed); held-out real data: Barcelona's census
sections and Greater Manchester's LSOAs, when the shared data folder is present.
"""

# ruff: noqa: NPY002  (spopt reads NumPy's global random state: the reference runs are seeded through it)
from __future__ import annotations

import random

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.sparse.csgraph import connected_components

import deprivation_map as dm
from deprivation_map.errors import GraphError, ValidationError
from deprivation_map.spatial.zones import UNPLACED, regionalise

spopt = pytest.importorskip("spopt")
FAST = {"max_iterations_construction": 3, "max_iterations_sa": 1}
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:Warning")  # inside spopt, the reference


def adjacency(gdf) -> tuple[sparse.csr_array, pd.Index]:
    """Queen contiguity built by libpysal (independent of the library's), binary, by area ID."""
    from libpysal.graph import Graph

    graph = Graph.build_contiguity(gdf, rook=False)
    ids = pd.Index(graph.unique_ids.astype(str))
    return sparse.csr_array(graph.sparse != 0), ids


def check_constraints(zones, gdf, floor_values, floor):
    matrix, ids = adjacency(gdf)
    labels = zones.labels.reindex(ids).to_numpy()
    assert zones.labels.index.equals(pd.Index(gdf.index.astype(str)))  # every area, in the caller's order
    assert zones.labels.notna().all()
    placed = ~np.isin(labels, UNPLACED)
    for zone in np.unique(labels[placed]):
        members = np.flatnonzero(labels == zone)
        n, _ = connected_components(matrix[members][:, members], directed=False)
        assert n == 1, f"zone {zone} is not contiguous"
        assert floor_values.reindex(ids).to_numpy()[members].sum() >= floor
    assert zones.n_zones == len(np.unique(labels[placed]))


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Two labellings describe the same zones (up to the names of the zones)."""
    pairs = pd.crosstab(a, b)
    return bool(((pairs > 0).sum(axis=1) == 1).all() and ((pairs > 0).sum(axis=0) == 1).all())


def spopt_direct(gdf, attrs, method, **kwargs):
    """spopt on the same inputs: rows sorted by ID, z-scored attributes, W from libpysal's queen contiguity."""
    from libpysal.weights import W

    gdf = gdf.set_axis(gdf.index.astype(str)).sort_index()
    x = gdf[attrs].to_numpy(dtype=float)
    frame = pd.DataFrame((x - x.mean(axis=0)) / x.std(axis=0), columns=[f"x{k}" for k in range(len(attrs))])
    names = list(frame.columns)
    matrix, ids = adjacency(gdf)
    assert ids.equals(gdf.index)
    w = W({i: sorted(matrix.indices[matrix.indptr[i] : matrix.indptr[i + 1]].tolist()) for i in range(len(ids))})
    seed = kwargs.pop("seed", None)
    if method == "maxp":
        frame["floor"] = gdf[kwargs.pop("floor_col")].to_numpy()
        np.random.seed(seed)
        model = spopt.region.MaxPHeuristic(frame, w, names, "floor", kwargs.pop("floor"), **kwargs)
    elif method == "skater":
        model = spopt.region.Skater(frame, w, names, **kwargs)
    elif method == "azp":
        model = spopt.region.AZP(frame, w, names, random_state=seed, **kwargs)
    else:
        model = spopt.region.WardSpatial(frame, w, names, **kwargs)
    model.solve()
    return pd.Series(np.asarray(model.labels_), index=gdf.index)


def test_maxp_on_georgia_meets_every_constraint(georgia):
    zones = regionalise(georgia, ["PctPov", "PctBach"], floor_col="TotPop90", floor=150_000, seed=3, options=FAST)
    check_constraints(zones, georgia, georgia["TotPop90"], 150_000)
    assert not len(zones.unplaced) and zones.seed == 3 and zones.n_zones > 10


@pytest.mark.parametrize(
    ("method", "options"),
    [
        ("maxp", {"floor_col": "TotPop90", "floor": 100_000, "seed": 11, **FAST}),
        ("skater", {"n_clusters": 7, "floor": 8}),
        ("azp", {"n_clusters": 7, "seed": 5}),
        ("ward", {"n_clusters": 7}),
    ],
)
def test_the_zones_are_spopts_own_on_the_same_inputs(georgia, method, options):
    expected = spopt_direct(georgia, ["PctPov", "PctBach"], method, **dict(options))
    ours = {k: v for k, v in options.items() if k not in FAST}
    ours["n_zones"] = ours.pop("n_clusters", None)
    fast = {k: v for k, v in options.items() if k in FAST}
    zones = regionalise(georgia, ["PctPov", "PctBach"], method=method, options=fast or None, **ours)
    assert same_partition(zones.labels.reindex(expected.index).to_numpy(), expected.to_numpy())


def test_the_seed_reproduces_the_zones_and_leaves_the_global_random_state_alone(georgia):
    np.random.seed(123)
    random.seed(123)
    before_np, before_py = np.random.get_state()[1].copy(), random.getstate()
    kwargs = {"floor_col": "TotPop90", "floor": 100_000, "options": FAST}
    one = regionalise(georgia, ["PctPov"], seed=7, **kwargs)
    assert (np.random.get_state()[1] == before_np).all() and random.getstate() == before_py
    two = regionalise(georgia, ["PctPov"], seed=7, **kwargs)
    assert one.labels.equals(two.labels)
    azp = [regionalise(georgia, ["PctPov"], method="azp", n_zones=6, seed=2).labels for _ in range(2)]
    assert azp[0].equals(azp[1]) and random.getstate() == before_py


def test_the_order_of_the_rows_does_not_change_the_zones(georgia):
    shuffled = georgia.sample(frac=1, random_state=4)
    kwargs = {"floor_col": "TotPop90", "floor": 120_000, "seed": 9, "options": FAST}
    one = regionalise(georgia, ["PctPov", "PctBach"], **kwargs)
    two = regionalise(shuffled, ["PctPov", "PctBach"], **kwargs)
    assert two.labels.index.equals(shuffled.index)  # returned in the caller's order
    assert one.labels.equals(two.labels.reindex(one.labels.index))  # the same names, too


def test_islands_and_small_groups_are_labelled_never_dropped(toy_joined):
    gdf = toy_joined.assign(pop=100.0, x=np.arange(13.0))  # 013 is an island
    zones = regionalise(gdf, ["x"], floor_col="pop", floor=150, seed=0)
    assert zones.labels["013"] == "Isolate" and list(zones.unplaced) == ["013"]
    check_constraints(zones, gdf, gdf["pop"], 150)
    alone = regionalise(gdf, ["x"], floor_col="pop", floor=100, seed=0)  # big enough alone: a zone of its own
    assert alone.labels["013"].startswith("Z") and (alone.labels == alone.labels["013"]).sum() == 1
    # a group of two areas cut off from the rest, 200 people in all, below a floor of 250
    cut = gdf.copy()
    cut.loc[["001", "002"], "geometry"] = cut.loc[["001", "002"], "geometry"].translate(0, -10_000)
    zones = regionalise(cut, ["x"], floor_col="pop", floor=250, seed=0)
    assert zones.labels[["001", "002"]].tolist() == ["Below floor", "Below floor"]


def test_methods_without_a_floor_of_their_own_raise_or_merge(georgia):
    with pytest.raises(ValidationError, match=r"below the floor.*undersized='merge'"):
        regionalise(georgia, ["PctPov"], method="ward", n_zones=20, floor_col="TotPop90", floor=150_000)
    merged = regionalise(
        georgia, ["PctPov"], method="ward", n_zones=20, floor_col="TotPop90", floor=150_000, undersized="merge"
    )
    check_constraints(merged, georgia, georgia["TotPop90"], 150_000)
    assert merged.n_zones < 20


def test_clear_errors(georgia):
    with pytest.raises(ValidationError, match="expected one of 'maxp', 'skater'"):
        regionalise(georgia, ["PctPov"], method="spenc", n_zones=3)
    with pytest.raises(ValidationError, match="needs a floor"):
        regionalise(georgia, ["PctPov"])
    with pytest.raises(ValidationError, match="finds the number of zones itself"):
        regionalise(georgia, ["PctPov"], floor=10, n_zones=5)
    gappy = georgia.copy()
    gappy.loc["13001", "PctPov"] = np.nan
    with pytest.raises(ValidationError, match="'13001'"):
        regionalise(gappy, ["PctPov"], floor=10, seed=0)
    with pytest.raises(GraphError, match="same area IDs"):
        regionalise(georgia.iloc[1:], ["PctPov"], floor=10, graph=dm.build_graph(georgia), seed=0)
    assert georgia["PctPov"].notna().all()  # the caller's data untouched


def test_summary_aggregate_and_dissolve(georgia):
    zones = regionalise(georgia, ["PctPov"], floor_col="TotPop90", floor=200_000, seed=1, options=FAST)
    summary = zones.summary(georgia["PctPov"], population=georgia["TotPop90"])
    expected = dm.district_summary(georgia["PctPov"], zones.labels, population=georgia["TotPop90"])
    pd.testing.assert_frame_equal(summary, expected.rename_axis("zone"))
    table = zones.aggregate(georgia[["TotPop90", "PctPov"]].round(), threshold=200_000)
    assert table["areas"].sum() == len(georgia)
    assert (table["TotPop90"] >= 200_000).all()  # the floor column never falls below the floor
    assert table["PctPov"].isna().all()  # every zone's sum of percentages is below 200,000: suppressed
    shapes = zones.dissolve(georgia)
    assert len(shapes) == zones.n_zones and shapes["total"].equals(zones.totals().reindex(shapes.index))
    assert "Zones(maxp: 159 areas" in repr(zones) and "Zones" in zones._repr_html_()


# --- held-out real data -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def barcelona(shared_data):
    gdf = gpd.read_file(shared_data / "barcelona" / "sections.geojson").to_crs(25831)
    gdf.index = "08019" + gdf["C_Distri"].astype(str).str.zfill(2) + gdf["C_SecCens"].astype(str).str.zfill(3)
    gdf["pop"] = gdf["Homes"] + gdf["Dones"]
    return gdf.assign(women=gdf["Dones"] / gdf["pop"], area_km2=gdf.area / 1e6)


def test_barcelona_maxp_equals_spopt_and_keeps_the_floor(barcelona):
    attrs = ["women", "area_km2"]
    zones = regionalise(barcelona, attrs, floor_col="pop", floor=20_000, seed=2, options=FAST)
    check_constraints(zones, barcelona, barcelona["pop"], 20_000)
    direct = spopt_direct(barcelona, attrs, "maxp", floor_col="pop", floor=20_000, seed=2, **FAST)
    assert same_partition(zones.labels.reindex(direct.index).to_numpy(), direct.to_numpy())


def test_greater_manchester_skater_equals_spopt(shared_data):
    lsoas = gpd.read_file(shared_data / "greater_manchester" / "lsoa11.geojson").set_index("area_code")
    imd = pd.read_csv(shared_data / "greater_manchester" / "imd_2015_2019_2025.csv", dtype={"lsoa_code": str})
    imd = imd[imd["year"] == 2019].set_index("lsoa_code")
    gdf = lsoas.join(imd[["income_score", "employment_score"]]).to_crs(27700)
    gdf["geometry"] = gdf.buffer(0)  # three rings self-intersect
    attrs = ["income_score", "employment_score"]
    zones = regionalise(gdf, attrs, method="skater", n_zones=30, floor=20)
    check_constraints(zones, gdf, pd.Series(1.0, index=gdf.index), 20)
    direct = spopt_direct(gdf, attrs, "skater", n_clusters=30, floor=20)
    assert same_partition(zones.labels.reindex(direct.index).to_numpy(), direct.to_numpy())
