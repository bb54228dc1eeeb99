"""The engine of the composite index: each step written once, over frames and arrays.

:func:`~deprivation_map.index.composite.build_index`, :func:`~deprivation_map.index.sensitivity.uncertainty`
and :func:`~deprivation_map.index.diagnostics.diagnose` are all built from these kernels, in this order:

1. :func:`indicator_values`: the indicator columns as floats, checked (unique IDs, numeric, finite);
2. :func:`prepare`: the missing-value policy, the outlier treatments, then orientation (higher = more
   deprived for every column);
3. :func:`normalised`: one normaliser over the oriented values, and the same values as a column-major
   matrix ready for aggregation;
4. :func:`evaluate`: the specification's tree (:func:`~deprivation_map.index.spec.tree`) walked children
   first, weighting and aggregating each level;
5. :func:`decompose`: each member's contribution to the score, shared down the tree.

A Monte Carlo analysis normalises once per choice of normaliser and missing-value policy (steps 1-3) and
repeats only step 4 with other weights and aggregators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from .aggregate import Aggregator, kernel, require_domain
from .impute import MissingPolicy, impute
from .normalise import Normaliser
from .normalise import normalise as _normalise
from .spec import IndexSpec, Node
from .treat import treat

if TYPE_CHECKING:
    from libpysal.graph import Graph

__all__ = [
    "Level",
    "Prepared",
    "Weigh",
    "decompose",
    "evaluate",
    "indicator_values",
    "normalised",
    "orient",
    "prepare",
    "require_finite",
]


def require_finite(values: pd.DataFrame, *, what: str = "The data") -> None:
    """Refuse infinite values (``inf``, or ``1e400`` read from a file), naming the column and a few areas.

    One infinite value makes every statistic of its column infinite or undefined, so every area's score
    would be missing; it must be corrected or removed (set to missing and given a missing-value policy).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> require_finite(pd.DataFrame({"x": [1.0, np.inf, 3.0]}, index=["a", "b", "c"]))
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: The data column 'x' has infinite values in 1 areas ('b'). ...
    """
    infinite = np.isinf(values.to_numpy(dtype=float))
    for j in np.flatnonzero(infinite.any(axis=0)):
        rows = values.index[infinite[:, j]]
        raise ValidationError(
            f"{what} column {values.columns[j]!r} has infinite values in {len(rows)} areas ({format_ids(rows)}). "
            "Correct them in the source (a value such as 1e400 overflows to infinity), or set them to missing "
            "and choose a missing-value policy."
        )


def indicator_values(data: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    """The indicator columns of ``data`` as float64, in the order of the specification, after every check.

    Refuses repeated area IDs, absent or non-numeric columns and infinite values (a domain named like an
    indicator column is refused by the specification itself).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.index.spec import parse_spec
    >>> values = indicator_values(dm.datasets.load_georgia(), parse_spec({"PctPov": 1, "PctBach": -1}))
    >>> values.columns.tolist(), values.dtypes.unique().tolist()
    (['PctPov', 'PctBach'], [dtype('float64')])
    """
    v.require_unique_ids(data.index, what="The data")
    v.require_columns(data, spec.columns, what="The data")
    v.require_numeric(data, spec.columns, what="The data")
    values = pd.DataFrame(data[spec.columns]).astype("float64")
    require_finite(values)
    return values


@dataclass(frozen=True, eq=False)
class Prepared:
    """Indicator values ready to normalise, and what the missing-value policy and the treatments did.

    Attributes
    ----------
    oriented : pandas.DataFrame
        The areas that are scored (complete rows), each column treated and multiplied by its direction.
    imputed, treated : pandas.DataFrame
        Every value filled in, every value changed by a treatment (long tables).
    excluded : pandas.Index
        The areas left unscored.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.index.spec import parse_spec
    >>> raw = pd.DataFrame({"x": [1.0, None, 5.0]}, index=["a", "b", "c"])
    >>> prepared = prepare(raw, parse_spec({"x": -1}), "exclude")
    >>> prepared.oriented["x"].tolist(), list(prepared.excluded)
    ([-1.0, -5.0], ['b'])
    """

    oriented: pd.DataFrame
    imputed: pd.DataFrame
    treated: pd.DataFrame
    excluded: pd.Index


def prepare(
    raw: pd.DataFrame,
    spec: IndexSpec,
    missing: MissingPolicy,
    *,
    min_available: float = 0.0,
    graph: Graph | None = None,
    stacklevel: int = 2,
) -> Prepared:
    r"""Apply the missing-value policy, then each indicator's treatment, then its direction.

    Notes
    -----
    For indicator :math:`j` with direction :math:`d_j \in \{+1, -1\}` and treatment :math:`T_j` (the
    identity without one), the oriented value is :math:`d_j\,T_j(\tilde x_{\cdot j})_i`, where
    :math:`\tilde x` holds the raw values with gaps imputed (see :mod:`.impute`). Areas the policy leaves
    out are absent from ``oriented``. Warnings point where :func:`warnings.warn` would from the caller with
    ``stacklevel``.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.index.spec import parse_spec
    >>> raw = pd.DataFrame({"x": [1.0, None, 5.0], "y": [2.0, 4.0, 6.0]}, index=["a", "b", "c"])
    >>> prepared = prepare(raw, parse_spec({"x": 1, "y": -1}), "median")
    >>> prepared.oriented.loc["b"].tolist(), prepared.imputed["id"].tolist()  # x imputed by the median 3
    ([3.0, -4.0], ['b'])
    """
    values, imputed, excluded = impute(
        raw, missing, min_available=min_available, graph=graph, stacklevel=stacklevel + 1
    )
    treated, report = treat(values, spec.treatments)
    return Prepared(orient(treated, spec), imputed, report, excluded)


def orient(values: pd.DataFrame, spec: IndexSpec) -> pd.DataFrame:
    r"""Each column multiplied by its direction, :math:`d_j x_{ij}`: higher = more deprived for every column.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.index.spec import parse_spec
    >>> orient(pd.DataFrame({"poverty": [10.0], "degree": [30.0]}), parse_spec({"poverty": 1, "degree": -1}))
       poverty  degree
    0     10.0   -30.0
    """
    return values * pd.Series(spec.directions)


def normalised(oriented: pd.DataFrame, method: Normaliser, spec: IndexSpec) -> tuple[pd.DataFrame, np.ndarray]:
    """The normalised components as a frame, and the same values as a column-major float64 matrix.

    The matrix is what :func:`evaluate` takes: each column contiguous, so a level's columns are read and
    summed without a copy per row.

    Examples
    --------
    >>> import pandas as pd
    >>> from deprivation_map.index.spec import parse_spec
    >>> frame, y = normalised(pd.DataFrame({"x": [2.0, 4.0, 6.0]}), "zscore", parse_spec({"x": 1}))
    >>> frame["x"].tolist(), y.flags.f_contiguous
    ([-1.0, 0.0, 1.0], True)
    """
    frame = _normalise(oriented, method, directions=spec.directions)
    return frame, np.asfortranarray(frame.to_numpy(dtype=float))


Weigh = Callable[[Node, np.ndarray], np.ndarray]
"""``(level, values) -> weights``: the weights of a level's members (summing to 1), given their values."""


@dataclass(frozen=True, eq=False)
class Level:
    """What :func:`evaluate` computed at one level: its members' values, weights, contributions and score.

    Examples
    --------
    >>> import numpy as np
    >>> from deprivation_map.index.spec import parse_spec, tree
    >>> record = {}
    >>> score = evaluate(tree(parse_spec({"x": 1, "y": 1})), np.array([[1.0, 3.0]]), "mean",
    ...                  lambda level, values: np.array([0.25, 0.75]), record=record)
    >>> record["index"].contributions.tolist(), record["index"].score.tolist()
    ([[0.25, 2.25]], [2.5])
    """

    values: np.ndarray
    weights: np.ndarray
    contributions: np.ndarray
    score: np.ndarray


def evaluate(
    node: Node,
    y: np.ndarray,
    aggregate: Aggregator,
    weigh: Weigh,
    *,
    ids: pd.Index | None = None,
    record: dict[str, Level] | None = None,
) -> np.ndarray:
    r"""The score of every row of the component matrix ``y``, walking the tree children first.

    Parameters
    ----------
    node : Node
        The level to score (the tree's root for the index).
    y : numpy.ndarray
        Areas x indicators, normalised (column-major is fastest).
    aggregate : str or (str, dict)
        The aggregator of :mod:`.aggregate`, applied at every level.
    weigh : callable
        ``weigh(level, values)`` returns the level's weights; it is called children first.
    ids : pandas.Index, optional
        The areas' IDs: when given, each level's values are checked against the aggregator's domain (the
        geometric mean needs positive values) and offending areas named.
    record : dict, optional
        Filled with each level's :class:`Level`, children first, for :func:`decompose`.

    Notes
    -----
    With :math:`A` the aggregator and :math:`w^{(k)}` the weights of level :math:`k`,

    .. math:: D_{ik} = A\bigl(\{D_{i\ell}\}_{\ell \in k},\, w^{(k)}\bigr)

    where a member :math:`\ell` is an indicator (its normalised value :math:`y_{i\ell}`) or a domain (its
    score). The index's score is :math:`D_{i,\mathrm{index}}`.

    Examples
    --------
    >>> import numpy as np
    >>> from deprivation_map.index.spec import parse_spec, tree
    >>> top = tree(parse_spec({"a": {"indicators": {"x": 1, "y": 1}}, "z": 1}))
    >>> y = np.array([[1.0, 3.0, 4.0], [0.0, 2.0, 0.0]])
    >>> equal = lambda level, values: np.full(values.shape[1], 1 / values.shape[1])
    >>> evaluate(top, y, "mean", equal).tolist()  # (1 + 3) / 2 = 2, then (2 + 4) / 2
    [3.0, 0.5]
    """
    name, func = kernel(aggregate)
    return _walk(node, y, (name, func), weigh, ids, record)


def _walk(node: Node, y: np.ndarray, agg: tuple, weigh: Weigh, ids, record) -> np.ndarray:
    span = node.span
    if span is not None:
        values = y[:, span]  # a view; column-major like y
    else:
        values = np.empty((y.shape[0], len(node.children)), order="F")
        for j, child in enumerate(node.children):
            values[:, j] = y[:, child] if isinstance(child, int) else _walk(child, y, agg, weigh, ids, record)
    weights = weigh(node, values)
    if ids is not None:
        require_domain(agg[0], values, ids)
    score, contributions = agg[1](values, weights)
    if record is not None:
        record[node.name] = Level(values, weights, contributions, score)
    return score


def decompose(node: Node, record: Mapping[str, Level]) -> tuple[list[str], np.ndarray]:
    r"""Each member's contribution to ``node``'s score, at every depth, from what :func:`evaluate` recorded.

    Returns the names (``node``'s members, then each domain's descendants in order) and an areas x names
    matrix of contributions in ``node``'s units.

    Notes
    -----
    A level's own contributions :math:`c_{i\ell}` come from its aggregator. The contribution
    :math:`c_{ik}` of a domain :math:`k` is shared among its descendants in proportion to their
    contributions to the domain: :math:`c_{ij} \cdot c_{ik} / \sum_{\ell \in k} c_{i\ell}` (zero where
    that sum is zero). For the arithmetic mean, every level's columns then sum to the score.

    Examples
    --------
    >>> import numpy as np
    >>> from deprivation_map.index.spec import parse_spec, tree
    >>> top = tree(parse_spec({"a": {"indicators": {"x": 1, "y": 1}}, "z": 1}))
    >>> record = {}
    >>> equal = lambda level, values: np.full(values.shape[1], 1 / values.shape[1])
    >>> score = evaluate(top, np.array([[1.0, 3.0, 4.0]]), "mean", equal, record=record)
    >>> names, parts = decompose(top, record)
    >>> names, parts.tolist()  # a = 2 gives 1 to the index, shared 1 : 3 between x and y
    (['a', 'z', 'x', 'y'], [[1.0, 2.0, 0.25, 0.75]])
    """
    level = record[node.name]
    names, blocks = list(node.members), [level.contributions]
    for j, child in enumerate(node.children):
        if isinstance(child, Node):
            below, sub = decompose(child, record)
            total = sub[:, 0].copy()
            for k in range(1, len(child.members)):  # the direct members' sum, left to right
                total += sub[:, k]
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.where(total != 0, level.contributions[:, j] / total, 0.0)
            names += below
            blocks.append(sub * scale[:, None])
    return names, np.column_stack(blocks)
