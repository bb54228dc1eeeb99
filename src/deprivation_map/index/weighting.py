"""Weighting schemes: how much each member (indicator or domain) counts at its level of the index.

Each scheme is a function ``(components, written) -> (weights, info)``: ``components`` holds the members'
normalised values (one column each), ``written`` the weights written in the specification. ``weights`` has
one non-negative weight per column, summing to 1, so schemes are comparable and weights are reported as
applied; ``info`` records what the scheme estimated (explained variance, loadings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError

__all__ = ["WEIGHTINGS", "equal", "explicit", "factor", "first_component", "pca", "weights_for"]

Weighting = Callable[[pd.DataFrame, pd.Series], tuple[pd.Series, dict]]
WeightingName = Literal["equal", "explicit", "pca", "factor"]


def equal(components: pd.DataFrame, written: pd.Series) -> tuple[pd.Series, dict]:
    r"""Every member gets :math:`w_j = 1/m` for :math:`m` members.

    Examples
    --------
    >>> import pandas as pd
    >>> weights, info = equal(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 1.0], "c": [0.0, 5.0]}), pd.Series(dtype=float))
    >>> weights.round(6).tolist(), info
    ([0.333333, 0.333333, 0.333333], {})
    """
    m = components.shape[1]
    return pd.Series(1.0 / m, index=components.columns, name="weight"), {}


def explicit(components: pd.DataFrame, written: pd.Series) -> tuple[pd.Series, dict]:
    r"""The weights written in the specification, rescaled to sum to 1: :math:`w_j = a_j / \sum_k a_k`.

    Examples
    --------
    >>> import pandas as pd
    >>> level = pd.DataFrame({"income": [1.0, 2.0], "health": [3.0, 1.0]})
    >>> explicit(level, pd.Series({"health": 1.0, "income": 3.0}))[0].tolist()  # in the columns' order
    [0.75, 0.25]
    """
    raw = written.reindex(components.columns).astype(float)
    return (raw / raw.sum()).rename("weight"), {}


def first_component(components: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and eigenvectors (columns) of the correlation matrix of complete rows.

    Examples
    --------
    >>> import pandas as pd
    >>> a = [1.0, 2.0, 3.0, 4.0]
    >>> level = pd.DataFrame({"a": a, "a2": [2 * x for x in a], "c": [1.0, -1.0, -1.0, 1.0]})  # c: uncorrelated
    >>> values, vectors = first_component(level)
    >>> values.round(9).tolist(), vectors[:, 0].round(6).tolist()  # the pair shares the first axis
    ([2.0, 1.0, 0.0], [0.707107, 0.707107, 0.0])
    """
    data = components.dropna().to_numpy(dtype=float)
    if data.shape[0] < 3:
        raise ValidationError("Weights from principal components need at least 3 areas with every value.")
    return principal_axes(np.corrcoef(data, rowvar=False))


def principal_axes(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and eigenvectors (columns) of a symmetric matrix, with reproducible signs.

    Each vector's loadings sum to a non-negative number (the sign of an eigenvector is arbitrary; this makes it
    reproducible).
    """
    values, vectors = np.linalg.eigh(np.atleast_2d(matrix))
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    return values, vectors * np.where(vectors.sum(axis=0) < 0, -1.0, 1.0)


def pca(components: pd.DataFrame, written: pd.Series) -> tuple[pd.Series, dict]:
    r"""Weights from the first principal component of the members' correlation matrix.

    Notes
    -----
    With :math:`v` the unit eigenvector of the largest eigenvalue :math:`\lambda_1` of the correlation
    matrix :math:`R`, the weights are the squared loadings, :math:`w_j = v_j^2` (they sum to 1), as in the
    OECD/JRC Handbook (2008, section 6.1: "squared factor loadings ... scaled to unity sum"). The share of
    variance explained, :math:`\lambda_1 / m`, and the loadings :math:`v_j\sqrt{\lambda_1}` are reported.

    Examples
    --------
    >>> import pandas as pd
    >>> a = [1.0, 2.0, 3.0, 4.0]
    >>> level = pd.DataFrame({"a": a, "a2": [2 * x for x in a], "c": [1.0, -1.0, -1.0, 1.0]})
    >>> weights, info = pca(level, pd.Series(dtype=float))
    >>> weights.round(6).tolist(), round(info["explained_variance"], 6)  # squared loadings; lambda_1 / m = 2/3
    ([0.5, 0.5, 0.0], 0.666667)
    """
    values, vectors = first_component(components)
    v1 = vectors[:, 0]
    weights = pd.Series(v1**2, index=components.columns, name="weight")
    info = {
        "explained_variance": float(values[0] / values.sum()),
        "loadings": pd.Series(v1 * np.sqrt(values[0]), index=components.columns, name="loading"),
    }
    return weights, info


def _varimax(loadings: np.ndarray, *, tol: float = 1e-8, max_iter: int = 500) -> np.ndarray:
    """Kaiser's varimax rotation (the SVD algorithm used by R's ``stats::varimax``, without normalisation)."""
    p, k = loadings.shape
    rotation = np.eye(k)
    d = 0.0
    for _ in range(max_iter):
        lam = loadings @ rotation
        u, s, vt = np.linalg.svd(loadings.T @ (lam**3 - lam @ np.diag((lam**2).sum(axis=0)) / p))
        rotation = u @ vt
        d_old, d = d, s.sum()
        if d_old != 0 and d / d_old < 1 + tol:
            break
    return loadings @ rotation


def factor(components: pd.DataFrame, written: pd.Series) -> tuple[pd.Series, dict]:
    r"""Weights from rotated principal-component factors, the OECD/JRC Handbook's procedure.

    Notes
    -----
    Keep the :math:`K` components with eigenvalue > 1 (at least one), rotate their loadings by varimax,
    and assign each member :math:`j` to the factor :math:`k(j)` where its squared loading is largest. With
    :math:`E_k = \sum_i \ell_{ik}^2` the variance explained by rotated factor :math:`k` and :math:`G_k` the
    members assigned to it,

    .. math:: w_j = \frac{\ell_{j k(j)}^2}{\sum_{i \in G_{k(j)}} \ell_{i k(j)}^2}\cdot
              \frac{E_{k(j)}}{\sum_{k'} E_{k'}}

    (OECD/JRC Handbook 2008, section 6.1 and Tables 18-19, after Nicoletti et al. 2000). The explained
    variance of the retained factors and the rotated loadings are reported.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.index.normalise import zscore
    >>> gdf = dm.datasets.load_georgia()
    >>> level = zscore(gdf[["PctPov", "PctBach", "PctEld", "PctFB", "PctBlack", "PctRural"]])
    >>> weights, info = factor(level, written=None)
    >>> info["factors"], round(float(weights.sum()), 12), bool((weights > 0).all())  # two eigenvalues above 1
    (2, 1.0, True)
    """
    values, vectors = first_component(components)
    k = max(1, int((values > 1).sum()))
    loadings = vectors[:, :k] * np.sqrt(np.clip(values[:k], 0, None))
    rotated = _varimax(loadings) if k > 1 else loadings
    squared = rotated**2
    group = squared.argmax(axis=1)
    within = squared[np.arange(len(group)), group]
    group_total = np.bincount(group, weights=within, minlength=k)
    explained = squared.sum(axis=0)
    share = explained / explained.sum()
    w = within / group_total[group] * share[group]
    weights = pd.Series(w / w.sum(), index=components.columns, name="weight")
    info = {
        "explained_variance": float(values[:k].sum() / values.sum()),
        "factors": k,
        "loadings": pd.DataFrame(rotated, index=components.columns, columns=[f"F{i + 1}" for i in range(k)]),
    }
    return weights, info


WEIGHTINGS: dict[str, Weighting] = {"equal": equal, "explicit": explicit, "pca": pca, "factor": factor}


def weights_for(components: pd.DataFrame, written: pd.Series, method: WeightingName) -> tuple[pd.Series, dict]:
    """Apply the weighting scheme registered as ``method`` to one level of the index.

    Examples
    --------
    >>> import pandas as pd
    >>> level = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]})
    >>> weights, info = weights_for(level, pd.Series({"a": 3.0, "b": 1.0}), "explicit")
    >>> weights.tolist()
    [0.75, 0.25]
    """
    if components.shape[1] == 1:
        return pd.Series(1.0, index=components.columns, name="weight"), {}
    return v.lookup(WEIGHTINGS, method, what="weighting")(components, written)
