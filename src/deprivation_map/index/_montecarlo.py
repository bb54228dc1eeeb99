"""Kernels of the Monte Carlo analysis of an index: replicates as a plan, ranks, and summaries in blocks.

A :class:`Plan` holds what each replicate draws (the normalised matrix of its missing-value policy and
normaliser, its aggregator, its weights at every level); its scores are evaluated a block of replicates at a
time, so that memory stays proportional to the block and the rank matrix, never to every replicate's scores.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregate import Aggregator
from .engine import Weigh, evaluate
from .spec import Node, levels

__all__ = ["Plan", "Rows", "Shift", "blocks", "draw_weights", "populated", "rank_rows", "rank_summary", "shift"]

Rows = np.ndarray | slice
"""The positions of a matrix's rows among all areas (``slice(None)``: every area, in order)."""

BLOCK_VALUES = 2**21  # scores evaluated at a time: 16 MiB of float64, replicates per block = this / areas
# (Memory is reused, never mapped afresh per block: a fresh page costs more than the arithmetic done in it.)


_POPULATE_WRITE = 23  # Linux's MADV_POPULATE_WRITE (5.14+): map every page of a range in one call


def populated(shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """An uninitialised array whose memory is mapped at once, rather than page by page as it is first written.

    A large result written once (the ranks of every replicate) otherwise takes one page fault per 4 KiB,
    which on a virtual machine costs more than computing what is written (1.3 s for 400 MB here, 0.2 s
    mapped at once). Where the system cannot do this, a plain :func:`numpy.empty` array.
    """
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size < 2**26:  # below 64 MiB the faults cost little
        return np.empty(shape, dtype=dtype)
    try:
        memory = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
        memory.madvise(_POPULATE_WRITE)
    except (AttributeError, OSError, ValueError):  # not Linux, or a kernel before 5.14
        return np.empty(shape, dtype=dtype)
    return np.frombuffer(memory, dtype=dtype).reshape(shape)


@dataclass(frozen=True, eq=False)
class Plan:
    """Replicates of an index: for each, which components, aggregator and weights it uses.

    Attributes
    ----------
    top : Node
        The index's tree.
    inputs : sequence of (matrix, rows)
        Normalised component matrices (scored areas x indicators, column-major) and the positions of their
        rows among all areas.
    aggregators : sequence of str or (str, dict)
    uses : numpy.ndarray
        Replicates x 2: the input and the aggregator of each replicate.
    weights : mapping of str to numpy.ndarray
        For every level, replicates x members weights (each row summing to 1).
    areas : int
        The number of areas (scores of areas a replicate leaves out are NaN).
    """

    top: Node
    inputs: Sequence[tuple[np.ndarray, Rows]]
    aggregators: Sequence[Aggregator]
    uses: np.ndarray
    weights: Mapping[str, np.ndarray]
    areas: int

    def __len__(self) -> int:
        return len(self.uses)

    def scores(self, start: int, stop: int, out: np.ndarray | None = None) -> np.ndarray:
        """Replicates ``start`` to ``stop`` x areas: each replicate's score of every area (into ``out``)."""
        out = populated((stop - start, self.areas), float) if out is None else out[: stop - start]
        for i, r in enumerate(range(start, stop)):
            y, rows = self.inputs[self.uses[r, 0]]
            if not isinstance(rows, slice):
                out[i] = np.nan
            out[i, rows] = evaluate(self.top, y, self.aggregators[self.uses[r, 1]], self._weigh(r))
        return out

    def _weigh(self, r: int) -> Weigh:
        """The weights of replicate ``r``, level by level."""
        return lambda level, _: self.weights[level.name][r]

    def scored(self) -> np.ndarray:
        """The number of areas each replicate scores."""
        return np.array([y.shape[0] for y, _ in self.inputs])[self.uses[:, 0]]


def blocks(plan: Plan) -> Iterator[tuple[int, int, np.ndarray]]:
    """``(start, stop, scores)`` for consecutive blocks of the plan's replicates, in one reused buffer."""
    size = max(1, BLOCK_VALUES // max(plan.areas, 1))
    buffer = np.empty((min(size, len(plan)), plan.areas))
    for start in range(0, len(plan), size):
        stop = min(start + size, len(plan))
        yield start, stop, plan.scores(start, stop, buffer)


def draw_weights(
    top: Node, base: Mapping[str, pd.Series], replicates: int, noise: float, rng: np.random.Generator | None
) -> dict[str, np.ndarray]:
    r"""Each level's weights for every replicate: the base weights perturbed, then rescaled to sum to 1.

    Notes
    -----
    For replicate :math:`r` and a level with base weights :math:`w_j` (at least 2 members),
    :math:`\tilde w_{rj} = w_j u_{rj} / \sum_k w_k u_{rk}` with :math:`u_{rj} \sim U(1 - \delta, 1 + \delta)`,
    :math:`\delta` = ``noise``. The draws are taken replicate by replicate, levels children first, members in
    order: the order in which an evaluation of the tree meets them.
    """
    order = list(levels(top))
    noisy = [level.name for level in order if noise and len(level.members) > 1]
    width = sum(len(level.members) for level in order if level.name in noisy)
    u: np.ndarray | None = None
    if width:  # some level is perturbed: noise > 0, drawn from rng
        assert rng is not None
        u = rng.uniform(1.0 - noise, 1.0 + noise, size=(replicates, width))
    out, column = {}, 0
    for level in order:
        w = np.tile(base[level.name].reindex(list(level.members)).to_numpy(dtype=float), (replicates, 1))
        if level.name in noisy:
            assert u is not None
            w = w * u[:, column : column + len(level.members)]
            column += len(level.members)
        out[level.name] = w / w.sum(axis=1, keepdims=True)
    return out


def rank_rows(scores: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rank each row (one replicate) descending: 1 = highest, ties share the best rank, missing scores unranked.

    Notes
    -----
    The rank of a score is one plus the number of greater scores in its row. Each row is sorted once, on
    64-bit keys that hold the score's order in their high bits and its position in the low bits, so the
    sort moves plain integers (several times faster than an argsort of floats); where two neighbours'
    keys cannot tell their scores apart, those scores are compared exactly. The ranks (float32) are written
    into ``out`` when given.

    Examples
    --------
    >>> import numpy as np
    >>> rank_rows(np.array([[5.0, 9.0, 9.0, np.nan, 1.0]])).tolist()  # as pandas' rank(method="min")
    [[3.0, 1.0, 1.0, nan, 4.0]]
    """
    n = scores.shape[1]
    bits = np.uint64(max(1, (n - 1).bit_length()))
    positions = np.arange(n, dtype=np.uint64)
    descending = np.arange(n, 0, -1, dtype=np.float32)
    low = (np.uint64(1) << bits) - np.uint64(1)
    ranks = np.empty(scores.shape, dtype=np.float32) if out is None else out
    for row, ranked in zip(scores, ranks, strict=True):
        x = row + 0.0  # -0.0 becomes 0.0: equal scores, equal keys
        key = (x.view(np.int64) >> 63).view(np.uint64)  # all ones for a negative score
        key |= _SIGN
        key ^= x.view(np.uint64)  # now the unsigned keys sort as the scores do
        gaps = np.isnan(x)
        valid = n - int(gaps.sum())
        if valid < n:
            key[gaps] = _LAST  # missing scores sort last
        key &= ~low
        key |= positions
        key.sort()
        order = (key & low).view(np.int64)
        key >>= bits
        if valid > 1 and (key[1:valid] == key[: valid - 1]).any():  # keys cannot tell scores apart: compare exactly
            ranked[order[:valid]] = _exact_ranks(x, order[:valid])
        else:
            ranked[order[:valid]] = descending[n - valid :]
        ranked[order[valid:]] = np.nan
    return ranks


_SIGN = np.uint64(1 << 63)
_LAST = np.uint64(2**64 - 1)


def _exact_ranks(row: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Ranks (1 = highest, ties at the best) of ``row[order]``, which is sorted ascending but for near-ties."""
    ordered = row[order]
    if (ordered[1:] < ordered[:-1]).any():
        fix = np.argsort(ordered, kind="stable")  # nearly sorted already: a merge sort finishes it quickly
        order[:] = order[fix]
        ordered = ordered[fix]
    valid = len(ordered)
    last = np.empty(valid, dtype=np.intp)  # the last position of each run of equal scores
    last[:-1] = np.where(ordered[1:] != ordered[:-1], np.arange(valid - 1), valid)
    last[-1:] = valid - 1
    return (valid - np.minimum.accumulate(last[::-1])[::-1]).astype(np.float32)


def rank_summary(plan: Plan, index: pd.Index) -> dict[str, pd.Series]:
    """Median rank, 5th and 95th percentiles and the share of replicates in the top decile, per area."""
    ranks = populated((len(plan), plan.areas), np.float32)
    threshold = (plan.scored() // 10).astype(np.float32)  # an integer rank r is in the top decile if r <= n / 10
    top = np.zeros(plan.areas, dtype=np.int64)
    for start, stop, scores in blocks(plan):
        block = rank_rows(scores, ranks[start:stop])
        top += np.count_nonzero(block <= threshold[start:stop, None], axis=0)
    ranked = np.zeros(plan.areas, dtype=np.int64)  # replicates that score each area
    for (_, at), times in zip(plan.inputs, np.bincount(plan.uses[:, 0], minlength=len(plan.inputs)), strict=True):
        ranked[at] += times
    quantiles = np.percentile if (ranked == len(plan)).all() else np.nanpercentile
    low, mid, high = np.full((3, plan.areas), np.nan)
    size = 512  # areas at a time: each area's ranks copied together, sorted, then read
    for start in range(0, plan.areas, size):
        rows = slice(start, start + size)
        chunk = np.ascontiguousarray(ranks[:, rows].T)
        chunk.sort(axis=1)  # NaN last; sorted rows make the percentiles' partition cheap
        some = ranked[rows] > 0
        low[rows][some], mid[rows][some], high[rows][some] = quantiles(chunk[some], [5, 50, 95], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = (top / ranked).astype(np.float32)
    return {
        "median_rank": pd.Series(mid, index=index, name="median_rank"),
        "rank_low": pd.Series(low, index=index, name="rank_low"),
        "rank_high": pd.Series(high, index=index, name="rank_high"),
        "p_top_decile": pd.Series(p, index=index, name="p_top_decile"),
    }


@dataclass
class Shift:
    """Running totals of how far replicates move each area's rank and decile from a base."""

    total: float = 0.0
    count: int = 0
    largest: float = np.nan
    moved: int = 0

    def stats(self) -> tuple[float, float, float]:
        """Mean absolute rank shift, largest shift, share of (area, replicate) pairs changing decile."""
        if not self.count:
            return np.nan, np.nan, np.nan
        return self.total / self.count, self.largest, self.moved / self.count


def shift(plan: Plan, base_rank: np.ndarray, base_decile: np.ndarray) -> tuple[float, float, float]:
    """Mean and largest absolute rank shift from the base, and the share changing decile, over the plan."""
    out = Shift()
    scored = plan.scored()
    buffer = None
    for start, stop, scores in blocks(plan):
        ranks = buffer = rank_rows(scores, None if buffer is None else buffer[: stop - start])
        n = scored[start:stop, None]
        deciles = np.ceil(ranks * 10.0 / n)
        diff = np.abs(ranks - base_rank[None, :])
        valid = ~np.isnan(diff) & ~np.isnan(base_rank)[None, :]
        if valid.any():
            out.total += float(diff[valid].sum())
            out.count += int(valid.sum())
            out.largest = float(np.fmax(out.largest, diff[valid].max()))
            out.moved += int((deciles != base_decile[None, :])[valid].sum())
    return out.stats()
