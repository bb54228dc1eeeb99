"""Statistical coherence of an index: correlations, Cronbach's alpha, PCA loadings, indicators that disagree."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._repr import html_repr
from ..errors import ValidationError
from .composite import indicator_values
from .spec import IndexSpec, parse_spec
from .weighting import first_component

__all__ = ["Diagnostics", "cronbach_alpha", "diagnose"]


def cronbach_alpha(frame: pd.DataFrame) -> float:
    r"""Cronbach's alpha of the columns of ``frame`` (complete rows).

    Notes
    -----
    With :math:`k` items, item variances :math:`\sigma_j^2` and the variance :math:`\sigma_T^2` of their sum,

    .. math:: \alpha = \frac{k}{k - 1}\Bigl(1 - \frac{\sum_j \sigma_j^2}{\sigma_T^2}\Bigr)

    (Cronbach 1951; OECD/JRC Handbook 2008, section 4.2; sample variances). Values near 1 mean the items
    measure one thing; the Handbook takes 0.7 as the usual threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> cronbach_alpha(pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [1.0, 2, 3, 5]})) > 0.9
    True
    """
    data = frame.dropna()
    k = data.shape[1]
    if k < 2 or len(data) < 2:
        raise ValidationError("Cronbach's alpha needs at least 2 indicators and 2 areas with every value.")
    return float(k / (k - 1) * (1 - data.var(ddof=1).sum() / data.sum(axis=1).var(ddof=1)))


@dataclass(frozen=True, eq=False)
class Diagnostics:
    """How well the indicators of an index hang together.

    Attributes
    ----------
    correlation : pandas.DataFrame
        Pearson correlations of the oriented indicators (higher = more deprived for all).
    alpha : pandas.Series
        Cronbach's alpha of the whole index (``"index"``) and of each domain with at least 2 indicators.
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
                "Cronbach's alpha": self.alpha,
                "correlation (oriented)": self.correlation,
                "explained variance": self.explained_variance,
            },
        )

    def __repr__(self) -> str:
        return (
            f"Diagnostics({len(self.correlation)} indicators, alpha={self.alpha.get('index', np.nan):.2f}, "
            f"{len(self.negative)} negatively correlated pairs)"
        )


def _groups(spec: IndexSpec) -> dict[str, list[str]]:
    groups = {"index": spec.columns}
    for d in spec.domains:
        groups[d.name] = [i.column for i in IndexSpec((d,)).indicators]
    return groups


def diagnose(data: pd.DataFrame, spec) -> Diagnostics:
    """Correlations, Cronbach's alpha, PCA loadings and negatively correlated pairs of an index's indicators.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.index.diagnostics import diagnose
    >>> d = diagnose(dm.datasets.load_georgia(), {"PctPov": 1, "PctBach": -1, "PctEld": 1})
    >>> d.correlation.shape, round(float(d.explained_variance.sum()), 6)
    ((3, 3), 1.0)
    """
    spec = parse_spec(spec)
    oriented = indicator_values(data, spec) * pd.Series(spec.directions)
    corr = oriented.corr()
    alpha = {name: cronbach_alpha(oriented[cols]) for name, cols in _groups(spec).items() if len(cols) > 1}
    values, vectors = first_component(oriented)
    names = [f"PC{i + 1}" for i in range(len(values))]
    loadings = pd.DataFrame(vectors * np.sqrt(np.clip(values, 0, None)), index=spec.columns, columns=names)
    groups = {k: v for k, v in _groups(spec).items() if k != "index"} if spec.domains else _groups(spec)
    rows = [
        (name, a, b, float(corr.at[a, b]))
        for name, cols in groups.items()
        for i, a in enumerate(cols)
        for b in cols[i + 1 :]
        if corr.at[a, b] < 0
    ]
    return Diagnostics(
        correlation=corr,
        alpha=pd.Series(alpha, name="alpha", dtype=float),
        loadings=loadings,
        explained_variance=pd.Series(values / values.sum(), index=names, name="explained_variance"),
        negative=pd.DataFrame(rows, columns=["domain", "a", "b", "r"]),
    )
