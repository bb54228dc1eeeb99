"""Statistical coherence of an index: correlations, Cronbach's alpha, PCA loadings, indicators that disagree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .. import _validation as v
from .._repr import html_repr
from ..errors import ValidationError
from .engine import indicator_values, orient
from .spec import IndexSpec, groups, parse_spec
from .weighting import first_component

__all__ = ["ALPHAS", "Diagnostics", "cronbach_alpha", "diagnose"]


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.dropna()
    if data.shape[1] < 2 or len(data) < 2:
        raise ValidationError("Cronbach's alpha needs at least 2 indicators and 2 areas with every value.")
    return data


def _standardised_alpha(data: pd.DataFrame) -> float:
    k = data.shape[1]
    r = np.corrcoef(data.to_numpy(dtype=float), rowvar=False)
    mean_r = (r.sum() - k) / (k * (k - 1))  # the mean of the correlations off the diagonal
    return float(k * mean_r / (1 + (k - 1) * mean_r))


def _raw_alpha(data: pd.DataFrame) -> float:
    k = data.shape[1]
    return float(k / (k - 1) * (1 - data.var(ddof=1).sum() / data.sum(axis=1).var(ddof=1)))


AlphaKind = Literal["standardised", "raw"]
ALPHAS: dict[AlphaKind, Callable[[pd.DataFrame], float]] = {"standardised": _standardised_alpha, "raw": _raw_alpha}
"""The kinds of Cronbach's alpha: on standardised items (the default) or on the values as given."""


def cronbach_alpha(frame: pd.DataFrame, *, kind: AlphaKind = "standardised") -> float:
    r"""Cronbach's alpha of the columns of ``frame`` (complete rows): how far the items measure one thing.

    Parameters
    ----------
    frame : pandas.DataFrame
        One column per item (oriented so that higher means the same thing for all), one row per area.
    kind : {"standardised", "raw"}
        ``"standardised"`` (default): the alpha of the items scaled to unit variance, which does not depend
        on their units. ``"raw"``: the alpha of the values as given, where an item with a large variance
        (income in dollars beside percentages) outweighs the others.

    Notes
    -----
    With :math:`k` items, item variances :math:`\sigma_j^2` and the variance :math:`\sigma_T^2` of their
    sum (sample variances), the raw alpha is

    .. math:: \alpha = \frac{k}{k - 1}\Bigl(1 - \frac{\sum_j \sigma_j^2}{\sigma_T^2}\Bigr)

    (Cronbach 1951; OECD/JRC Handbook 2008, section 4.2). On standardised items :math:`\sigma_j^2 = 1` and
    :math:`\sigma_T^2 = k + k(k-1)\,\bar r`, with :math:`\bar r` the mean of the :math:`k(k-1)/2` Pearson
    correlations between items, so the standardised alpha is

    .. math:: \alpha_{\mathrm{std}} = \frac{k\,\bar r}{1 + (k - 1)\,\bar r}

    (the Spearman-Brown form). Values near 1 mean the items measure one thing; the Handbook takes 0.7 as the
    usual threshold. The composite index normalises its indicators before it combines them, so the
    standardised alpha is the one that describes it.

    Examples
    --------
    >>> import pandas as pd
    >>> items = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3]})  # r = 0.6
    >>> round(cronbach_alpha(items), 12)  # 2 x 0.6 / (1 + 0.6)
    0.75
    >>> dollars = items.assign(b=items["b"] * 1000)
    >>> round(cronbach_alpha(dollars), 12), round(cronbach_alpha(dollars, kind="raw"), 4)  # 2 x 6000 / 5,006,005
    (0.75, 0.0024)
    """
    return v.lookup(ALPHAS, kind, what="kind of alpha")(_complete(frame))


@dataclass(frozen=True, eq=False)
class Diagnostics:
    """How well the indicators of an index hang together.

    Attributes
    ----------
    correlation : pandas.DataFrame
        Pearson correlations of the oriented indicators (higher = more deprived for all).
    alpha : pandas.Series
        Cronbach's standardised alpha (see :func:`cronbach_alpha`) of the whole index (``"index"``) and of
        each domain with at least 2 indicators, on the oriented indicators.
    alpha_raw : pandas.Series
        The same on the oriented values as given (raw variances): misleading when units differ.
    loadings : pandas.DataFrame
        Loadings of the oriented indicators on the principal components (eigenvector x sqrt(eigenvalue)).
    explained_variance : pandas.Series
        Share of variance explained by each component.
    negative : pandas.DataFrame
        Pairs of indicators in the same domain (or in the index, without domains) whose oriented
        correlation is negative: they pull the domain in opposite directions (``domain``, ``a``, ``b``, ``r``).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> spec = {"poverty": {"indicators": {"PctPov": 1, "PctBach": 1}},  # PctBach wrongly oriented
    ...         "age": {"indicators": {"PctEld": 1, "PctRural": 1}}}
    >>> d = dm.diagnose(dm.datasets.load_georgia(), spec)
    >>> d.negative[["domain", "a", "b"]].values.tolist()  # the pair pulling the poverty domain apart
    [['poverty', 'PctPov', 'PctBach']]
    >>> bool(d.alpha["poverty"] < 0), d.loadings.shape
    (True, (4, 4))
    """

    correlation: pd.DataFrame
    alpha: pd.Series
    alpha_raw: pd.Series
    loadings: pd.DataFrame
    explained_variance: pd.Series
    negative: pd.DataFrame

    def _repr_html_(self) -> str:
        pairs = self.negative[["a", "b", "r"]].itertuples(index=False)
        negative = ", ".join(f"{a} ~ {b} ({r:+.2f})" for a, b, r in pairs)
        return html_repr(
            self,
            {
                "indicators": len(self.correlation),
                "Cronbach's alpha (index)": self.alpha.get("index"),
                "negatively correlated pairs": negative or "none",
            },
            tables={
                "Cronbach's alpha (standardised; raw variances)": pd.DataFrame(
                    {"standardised": self.alpha, "raw": self.alpha_raw}
                ),
                "correlation (oriented)": self.correlation,
                "explained variance": self.explained_variance,
            },
        )

    def __repr__(self) -> str:
        return (
            f"Diagnostics({len(self.correlation)} indicators, alpha={self.alpha.get('index', np.nan):.2f}, "
            f"{len(self.negative)} negatively correlated pairs)"
        )


def diagnose(data: pd.DataFrame, spec: IndexSpec | Mapping[str, object]) -> Diagnostics:
    """Correlations, Cronbach's alpha, PCA loadings and negatively correlated pairs of an index's indicators.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per area, indexed by ID.
    spec : mapping or IndexSpec
        As for :func:`~deprivation_map.index.composite.build_index`; indicators are oriented by their
        direction (treatments are not applied), missing values left out pair by pair.

    Returns
    -------
    Diagnostics

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.index.diagnostics import diagnose
    >>> d = diagnose(dm.datasets.load_georgia(), {"PctPov": 1, "PctBach": -1, "PctEld": 1})
    >>> d.correlation.shape, round(float(d.explained_variance.sum()), 6)
    ((3, 3), 1.0)
    """
    spec = parse_spec(spec)
    oriented = orient(indicator_values(data, spec), spec)
    corr = oriented.corr()
    members = groups(spec)
    alphas = {
        kind: {g: cronbach_alpha(oriented[cols], kind=kind) for g, cols in members.items() if len(cols) > 1}
        for kind in ALPHAS
    }
    values, vectors = first_component(oriented)
    names = [f"PC{i + 1}" for i in range(len(values))]
    loadings = pd.DataFrame(vectors * np.sqrt(np.clip(values, 0, None)), index=spec.columns, columns=names)
    pairs = {k: c for k, c in members.items() if k != "index"} if spec.domains else members
    rows = [
        (name, a, b, float(corr.at[a, b]))
        for name, cols in pairs.items()
        for i, a in enumerate(cols)
        for b in cols[i + 1 :]
        if corr.at[a, b] < 0
    ]
    return Diagnostics(
        correlation=corr,
        alpha=pd.Series(alphas["standardised"], name="alpha", dtype=float),
        alpha_raw=pd.Series(alphas["raw"], name="alpha_raw", dtype=float),
        loadings=loadings,
        explained_variance=pd.Series(values / values.sum(), index=names, name="explained_variance"),
        negative=pd.DataFrame(rows, columns=["domain", "a", "b", "r"]),
    )
