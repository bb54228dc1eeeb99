"""The NumPy kernels for small problems give the numba kernels' draws, counts and sums (the numba kernels are
the reference here; they are checked against esda and by hand in test_lisa.py and test_global_stats.py)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from deprivation_map.spatial import _global_kernel, _lisa_kernel, _numpy_kernels


def _graph(n: int, seed: int) -> sparse.csr_array:
    rng = np.random.default_rng(seed)
    w = sparse.random_array((n, n), density=min(1.0, 6 / n), random_state=rng, format="csr")
    w = sparse.csr_array(w + w.T)
    w.setdiag(0)
    w.eliminate_zeros()
    w.sort_indices()
    return w


@pytest.mark.parametrize(("n_positions", "k_max", "seed"), [(158, 10, 0), (2000, 7, 2**64 - 1), (50, 28, 3)])
def test_the_draw_table_is_the_numba_kernels(n_positions, k_max, seed):
    ours = _numpy_kernels.draw_table(n_positions, k_max, 300, seed)
    np.testing.assert_array_equal(ours, _lisa_kernel.draw_table(n_positions, k_max, 300, np.uint64(seed)))
    assert all(len(set(row)) == k_max for row in ours.tolist())  # no repeat within a row


def test_a_dense_draw_table_is_left_to_numba():
    with pytest.raises(ValueError, match="sparse graphs only"):
        _numpy_kernels.draw_table(20, 19, 10, 0)


def test_local_counts_are_the_numba_kernels():
    rng = np.random.default_rng(5)
    off = _graph(300, 1)
    off.data = rng.uniform(size=off.nnz)
    off.data[off.indptr[7] : off.indptr[8]] = 0  # an isolate: zero counts
    off.eliminate_zeros()
    pool, fixed, factor = rng.normal(size=300), rng.normal(size=300), rng.normal(size=300)
    observed = factor * (fixed + off @ pool)
    k_max = int(np.diff(off.indptr).max())
    draws = _lisa_kernel.draw_table(299, k_max, 999, np.uint64(9))
    args = (pool, off.indptr.astype(np.int64), off.data, fixed, factor, observed, draws)
    ours, theirs = _numpy_kernels.local_counts(*args), _lisa_kernel.local_counts(*args)
    for got, want in zip(ours[:2], theirs[:2], strict=True):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(ours[2:], theirs[2:], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-9)
    assert ours[0][7] == ours[1][7] == 0


@pytest.mark.parametrize("case", ["same", "two arrays", "x fixed"])
def test_permuted_sums_are_the_numba_kernels_exactly(case):
    rng = np.random.default_rng(6)
    w = _graph(400, 2)
    w.data = rng.uniform(size=w.nnz)
    y = rng.normal(size=400)
    x = {"same": y, "two arrays": y.copy(), "x fixed": rng.normal(size=400)}[case]
    margins = rng.uniform(size=400)
    permute_x, same = case != "x fixed", case == "same"
    ours = _numpy_kernels.permuted_sums(x, y, w.indptr, w.indices, w.data, margins, permute_x, 99, 17, same)
    theirs = _global_kernel.permuted_sums(
        x, y, np.arange(400), w.indptr.astype(np.int64), w.indices, w.data, margins, permute_x, 99,
        np.uint64(17), same, 2,
    )  # fmt: skip
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


def test_shuffles_are_permutations():
    rows = _numpy_kernels.shuffles(30, 200, 1)
    assert (np.sort(rows, axis=1) == np.arange(30)).all()
    assert len({tuple(r) for r in rows.tolist()}) == 200


@pytest.mark.slow
def test_a_small_run_loads_no_numba_kernel():
    """The demo's size (159 counties): global Moran and LISA with their default permutations, no kernel loaded."""
    import subprocess
    import sys

    code = (
        "import sys, deprivation_map as dm; g = dm.datasets.load_georgia(); graph = dm.build_graph(g); "
        "dm.global_moran(g['PctPov'], graph, seed=0); dm.local_moran(g['PctPov'], graph, seed=0); "
        "dm.local_g(g['PctPov'], graph, seed=0, inference='permutation', permutations=999, correction='none'); "
        "print(sorted(m for m in sys.modules if m.startswith('deprivation_map') and m.endswith('_kernel')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
