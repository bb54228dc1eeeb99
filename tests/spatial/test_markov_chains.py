"""Markov chains: equal to giddy's for the same options (giddy run directly here), aligned by ID."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import deprivation_map as dm

giddy = pytest.importorskip("giddy.markov")


@pytest.fixture(scope="module")
def setting(georgia):
    graph = dm.build_graph(georgia)
    rng = np.random.default_rng(11)
    base = georgia["PctPov"]
    panel = pd.DataFrame(
        {y: base * (1 + 0.05 * k) + rng.normal(0, 3, len(base)) for k, y in enumerate(range(1990, 1996))}
    )
    return graph, panel


@pytest.mark.parametrize("fixed", [True, False])
def test_spatial_markov_equals_giddy(setting, fixed):
    graph, panel = setting
    ours = dm.spatial_markov(panel, graph, classes=4, fixed=fixed)
    y = panel.reindex(graph.unique_ids).to_numpy()
    ref = giddy.Spatial_Markov(y, graph.to_W(), k=4, m=4, fixed=fixed)
    for c in range(4):
        np.testing.assert_allclose(ours.transitions[c + 1].to_numpy(), ref.P[c])
        np.testing.assert_allclose(ours.counts[c + 1].to_numpy(), ref.T[c])
    np.testing.assert_allclose(ours.global_transitions.to_numpy(), ref.p)
    assert np.isclose(ours.chi2, ref.x2) and np.isclose(ours.p_value, ref.x2_pvalue)


def test_spatial_markov_is_row_order_invariant(setting):
    graph, panel = setting
    a = dm.spatial_markov(panel, graph, classes=5)
    b = dm.spatial_markov(panel.sample(frac=1, random_state=2), graph, classes=5)
    for c in a.transitions:
        pd.testing.assert_frame_equal(a.transitions[c], b.transitions[c])


def test_markov_equals_giddy(setting):
    import mapclassify

    _, panel = setting
    ours = dm.markov(panel, classes=5)
    ids = mapclassify.Quantiles(panel.to_numpy().flatten(), k=5).yb.reshape(panel.shape)
    ref = giddy.Markov(ids, summary=False)
    np.testing.assert_allclose(ours.counts.to_numpy(), ref.transitions)
    np.testing.assert_allclose(ours.transitions.to_numpy(), ref.p)


def test_lisa_markov_equals_giddy(setting):
    graph, panel = setting
    ours = dm.lisa_markov(panel, graph)
    ref = giddy.LISA_Markov(panel.reindex(graph.unique_ids).to_numpy(), graph.to_W())
    np.testing.assert_allclose(ours.counts.to_numpy(), ref.transitions)
    assert ours.quadrants.index.equals(pd.Index(graph.unique_ids))


def test_identical_periods_never_move(setting):
    _, panel = setting
    same = pd.DataFrame(dict.fromkeys(range(3), panel.iloc[:, 0]))
    chain = dm.markov(same, classes=5)
    counts = chain.counts.to_numpy()
    assert counts.sum() == np.trace(counts) == 2 * len(same)


def test_missing_values_are_refused(setting):
    graph, panel = setting
    holed = panel.copy()
    holed.iloc[2, 1] = np.nan
    with pytest.raises(dm.errors.ValidationError, match="every period"):
        dm.spatial_markov(holed, graph)
