"""Robust hotspots: shares over graphs and replicates, checked against the statistics run one by one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm
from deprivation_map.errors import ValidationError
from deprivation_map.spatial.robust import graph_choices, robust_hotspots


@pytest.fixture(scope="module")
def graphs(georgia):
    return graph_choices(georgia, k=5)


def test_gi_share_is_the_mean_of_the_separate_runs(georgia, graphs):
    """Gi* with normal p-values has no randomness, so the share can be recomputed run by run."""
    y = georgia["PctPov"]
    replicates = pd.DataFrame({"r0": y, "r1": y * 1.1 + 3, "r2": y.rank()})
    robust = robust_hotspots(replicates, graphs, statistic="gi", correction="none")
    hot = [
        dm.local_g(replicates[c], g, correction="none").labels.astype(str).str.startswith("Hot spot")
        for g in graphs.values()
        for c in replicates
    ]
    expected = pd.concat(hot, axis=1).mean(axis=1)
    np.testing.assert_array_equal(robust.share.to_numpy(), expected.reindex(robust.share.index).to_numpy())
    assert robust.share.index.equals(georgia.index) and 0 < robust.share.max() <= 1
    assert robust.n_runs == 9 and list(robust.by_graph.columns) == ["queen", "knn5", "distance"]
    assert (robust.tested == 9).all()


def test_lisa_share_counts_only_tested_runs_and_repeats_with_a_seed(georgia, graphs):
    y = georgia["PctPov"]
    replicates = pd.DataFrame({"a": y, "b": y.where(y.index != "13001")})
    robust = robust_hotspots(replicates, graphs, seed=3, permutations=99, missing="exclude", correction="none")
    assert robust.tested["13001"] == 3 and robust.tested.drop("13001").eq(6).all()
    assert robust.share.between(0, 1).all() and robust.seed == 3
    again = robust_hotspots(
        replicates.iloc[::-1], graphs, seed=3, permutations=99, missing="exclude", correction="none"
    )
    pd.testing.assert_frame_equal(robust.to_frame(), again.to_frame().loc[robust.share.index])
    high = y >= y.quantile(0.5)
    assert robust.share[high].mean() > robust.share[~high].mean()  # High-High needs a high value


def test_bad_input_is_refused(georgia, graphs):
    with pytest.raises(ValidationError, match="robust statistic"):
        robust_hotspots(georgia["PctPov"], graphs, statistic="geary")
    with pytest.raises(ValidationError, match="same area IDs"):
        robust_hotspots(georgia["PctPov"].iloc[1:], graphs, statistic="gi")
    with pytest.raises(ValidationError, match=">= 1 graph"):
        robust_hotspots(georgia["PctPov"], {}, statistic="gi")
    assert np.isfinite(robust_hotspots(georgia["PctPov"], {"q": graphs["queen"]}, statistic="gi").share).all()


def test_analytic_runs_computed_together_equal_one_local_moran_per_run(georgia):
    """The batched path (analytic local Moran) gives exactly the labels of one local_moran call per run."""
    rng = np.random.default_rng(4)
    replicates = pd.DataFrame(
        {f"r{i}": georgia["PctPov"] * rng.uniform(0.7, 1.3, len(georgia)) for i in range(6)}, index=georgia.index
    )
    graphs = dm.graph_choices(georgia)
    seen = []
    robust = dm.robust_hotspots(
        replicates, graphs, inference="analytic", correction="fdr", progress=lambda d, t: seen.append((d, t))
    )
    expected = sum(
        (dm.local_moran(replicates[c], g, inference="analytic").labels == "High-High").astype(int)
        for g in graphs.values()
        for c in replicates
    )
    pd.testing.assert_series_equal(robust.hits, expected.rename("hits"), check_dtype=False, check_names=False)
    assert (robust.tested == 18).all() and robust.hits.sum() > 0
    assert seen[-1] == (18, 18) and len(seen) == 18
