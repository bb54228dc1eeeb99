"""Named indices, each reproducing its official method: English IMD, CDC/ATSDR SVI, Townsend, Carstairs, PCA.

Every recipe takes the data (one row per area, indexed by ID) positionally and its columns by keyword, makes
the *ranking universe* an explicit choice (``universe=None`` is every row of ``data``; a boolean Series or a
list of IDs restricts the statistics to those areas and leaves the others unscored) and returns a
:class:`~deprivation_map.index.composite.DeprivationIndex` whose ``.score`` is the published score and whose
``.rank`` / ``.decile`` put 1 at the most deprived.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from ._universe import Universe, result, universe_mask, values_in
from .composite import DeprivationIndex
from .normalise import exponential, zscore
from .spec import Direction, Domain, IndexSpec, Indicator
from .svi import SVI_2018_THEMES, SVI_2020_THEMES, svi
from .weighting import first_component, principal_axes

__all__ = [
    "IMD_2019_WEIGHTS",
    "SVI_2018_THEMES",
    "SVI_2020_THEMES",
    "carstairs",
    "imd",
    "pca_index",
    "svi",
    "townsend",
]

IMD_2019_WEIGHTS = {
    "income": 0.225,
    "employment": 0.225,
    "education": 0.135,
    "health": 0.135,
    "crime": 0.093,
    "barriers": 0.093,
    "living_environment": 0.093,
}
"""The domain weights of the English Indices of Deprivation 2019 (and 2015), as published (they sum to 0.999)."""


def _imd_level(values, domains, given, constant, parts, path="") -> tuple[pd.Series, IndexSpec]:
    """Score of one level: sum of weight x exponentially transformed rank of each member."""
    score = pd.Series(0.0, index=values.index)
    members: list[Indicator | Domain] = []
    for name, spec in domains.items():
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"weight", "domains"}
            if unknown or "domains" not in spec or "weight" not in spec:
                raise ValidationError(
                    f"Nested IMD domain {path + name!r} must be {{'weight': w, 'domains': {{...}}}}, got keys "
                    f"{sorted(spec)}."
                )
            sub, sub_spec = _imd_level(values, spec["domains"], given, constant, parts, f"{path}{name}.")
            weight, members_ = float(spec["weight"]), sub_spec.members
            transformed = exponential(sub.to_frame(), constant=constant).iloc[:, 0]
            members.append(Domain(name, members_, weight))
        else:
            weight = float(spec)
            x = values[name]
            oriented = -x if given == "ranks" else x  # published ranks: 1 = most deprived; re-ranked in the universe
            transformed = exponential(oriented.to_frame(), constant=constant).iloc[:, 0]
            members.append(Indicator(name, 1, weight))
        parts[name] = (weight, transformed)
        score = score + weight * transformed
    return score, IndexSpec(tuple(members))


def imd(
    data: pd.DataFrame,
    *,
    domains: Mapping[str, object],
    given: Literal["scores", "ranks"] = "scores",
    universe: Universe = None,
    constant: float = 23.0,
) -> DeprivationIndex:
    r"""The English Index of Multiple Deprivation from its domain scores (or ranks) and weights.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per LSOA (or any area), indexed by ID.
    domains : mapping
        ``{column: weight}`` for each domain, e.g. ``{"income_score": 0.225, ...}`` (the published weights are
        :data:`IMD_2019_WEIGHTS`; they are applied as given, not rescaled). A domain built from sub-domains
        is ``{"name": {"weight": w, "domains": {column: weight, ...}}}``, to any depth.
    given : {"scores", "ranks"}
        ``"scores"``: the columns are domain scores, higher = more deprived, ranked here (ties share the
        average rank). ``"ranks"``: the columns are published ranks with 1 = most deprived, as in MHCLG's
        File 1, which reproduces the official IMD exactly even where the published scores are rounded.
    universe : None, boolean Series or list of IDs
        The areas ranked against each other (default: every row). The official IMD ranks all LSOAs of
        England; a subset gives a local, relative index.
    constant : float
        The exponential transform's constant (23 in the IMD).

    Notes
    -----
    Each domain's rank among the :math:`N` areas of the universe, scaled to :math:`R = r/N` with
    :math:`R = 1` for the most deprived, is transformed to an exponential distribution,

    .. math:: X_d = -23 \ln\!\bigl(1 - R_d\,(1 - e^{-100/23})\bigr), \qquad \mathrm{IMD} = \sum_d w_d X_d

    (Ministry of Housing, Communities and Local Government, *The English Indices of Deprivation 2019:
    Technical Report*, section 3.8 and Appendix N; weights 22.5/22.5/13.5/13.5/9.3/9.3/9.3 %). A domain made
    of sub-domains is the weighted sum of its sub-domains' transformed ranks, then ranked and transformed like
    any domain (as the Education, Barriers and Living Environment domains are built). ``.contributions``
    holds :math:`w_d X_d` (summing to the score); ``.details`` each domain's rank (1 = most deprived) and
    :math:`X_d`.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> areas = pd.DataFrame({"income": [0.30, 0.05, 0.12], "health": [1.2, -0.8, 0.1]}, index=["a", "b", "c"])
    >>> index = dm.recipes.imd(areas, domains={"income": 0.6, "health": 0.4})
    >>> index.score.round(3).tolist(), index.rank.tolist()  # R = 1, 1/3, 2/3 in both domains
    ([100.0, 9.177, 24.681], [1, 3, 2])
    """
    v.choose(given, ("scores", "ranks"), what="kind of IMD input")
    if not isinstance(domains, Mapping) or not domains:
        raise ValidationError("imd needs domains={column: weight, ...}, e.g. dm.recipes.IMD_2019_WEIGHTS renamed.")
    mask = universe_mask(data, universe)
    leaves = list(_leaf_columns(domains))
    values = values_in(data, leaves, mask, what="The IMD")
    parts: dict[str, tuple[float, pd.Series]] = {}
    score, spec = _imd_level(values, domains, given, constant, parts)
    contributions = pd.DataFrame({name: w * x for name, (w, x) in parts.items()})
    details = pd.DataFrame(
        {
            **{f"{k}_rank": x.rank(ascending=False, method="min").astype("Int64") for k, (w, x) in parts.items()},
            **{f"{k}_exp": x for k, (w, x) in parts.items()},
        }
    )
    return result(
        data,
        score,
        components=pd.DataFrame({k: x for k, (w, x) in parts.items()}),
        contributions=contributions,
        weights=pd.Series({k: w for k, (w, x) in parts.items()}, name="weight"),
        spec=spec,
        method={
            "recipe": "imd",
            "normalise": f"exponential(constant={constant})",
            "weighting": "published",
            "aggregate": "sum",
            "given": given,
        },
        details=details,
    )


def _leaf_columns(domains: Mapping[str, object]):
    for name, spec in domains.items():
        if isinstance(spec, Mapping):
            yield from _leaf_columns(spec.get("domains", {}))
        else:
            yield name


def _weighted_z(x: pd.Series, population: pd.Series | None, ddof: int) -> pd.Series:
    if population is None:
        return (x - x.mean()) / x.std(ddof=ddof)
    mean = np.average(x, weights=population)
    sd = np.sqrt(np.average((x - mean) ** 2, weights=population))
    return (x - mean) / sd


def _sum_of_z(data, columns: Mapping[str, str], logged, universe, population, ddof, recipe) -> DeprivationIndex:
    mask = universe_mask(data, universe)
    values = values_in(data, columns.values(), mask, what=f"The {recipe} index")
    pop = None
    if population is not None:
        pop = values_in(data, [population], mask, what=f"The {recipe} index")[population]
        if (pop <= 0).any():
            raise ValidationError(f"{recipe}: population must be positive ({format_ids(pop.index[pop <= 0])}).")
    z = {}
    for role, column in columns.items():
        x = values[column]
        if role in logged:
            if (x <= -1).any():
                raise ValidationError(f"{recipe}: ln(x + 1) needs {column!r} > -1 ({format_ids(x.index[x <= -1])}).")
            x = np.log(x + 1.0)
        z[column] = _weighted_z(x, pop, ddof)
    z = pd.DataFrame(z)
    spec = IndexSpec(tuple(Indicator(c) for c in columns.values()))
    return result(
        data,
        z.sum(axis=1),
        components=z,
        contributions=z,
        weights=pd.Series(1.0, index=z.columns, name="weight"),
        spec=spec,
        method={
            "recipe": recipe,
            "normalise": "zscore" + ("(population-weighted)" if pop is not None else ""),
            "weighting": "unit",
            "aggregate": "sum",
        },
    )


def townsend(
    data: pd.DataFrame,
    *,
    unemployment: str,
    overcrowding: str,
    not_owner_occupied: str,
    no_car: str,
    universe: Universe = None,
    ddof: int = 1,
) -> DeprivationIndex:
    r"""Townsend material deprivation score.

    Parameters
    ----------
    unemployment, overcrowding, not_owner_occupied, no_car : str
        Columns holding percentages: economically active residents unemployed; households with more than one
        person per room; households not owner-occupied; households with no car or van.
    ddof : int
        1 (default) for the sample standard deviation in the z-scores, 0 for the population one.

    Notes
    -----
    .. math:: T_i = z\bigl(\ln(u_i + 1)\bigr) + z\bigl(\ln(o_i + 1)\bigr) + z(h_i) + z(c_i), \qquad
              z(x_i) = (x_i - \bar x)/s_x

    over the areas of the universe (Townsend, Phillimore and Beattie 1988, *Health and Deprivation:
    Inequality and the North*, ch. 2). Higher = more deprived; the mean over the universe is 0.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> t = pd.DataFrame({"u": [2.0, 5.0, 11.0], "o": [1.0, 3.0, 8.0], "h": [20.0, 30.0, 70.0],
    ...                   "c": [10.0, 25.0, 55.0]}, index=["a", "b", "c"])
    >>> idx = dm.recipes.townsend(t, unemployment="u", overcrowding="o", not_owner_occupied="h", no_car="c")
    >>> idx.rank.tolist(), abs(float(idx.score.sum())) < 1e-12
    ([3, 2, 1], True)
    """
    columns = {
        "unemployment": unemployment,
        "overcrowding": overcrowding,
        "not_owner_occupied": not_owner_occupied,
        "no_car": no_car,
    }
    return _sum_of_z(data, columns, {"unemployment", "overcrowding"}, universe, None, ddof, "townsend")


def carstairs(
    data: pd.DataFrame,
    *,
    overcrowding: str,
    male_unemployment: str,
    no_car: str,
    low_social_class: str,
    population: str | None = None,
    universe: Universe = None,
    ddof: int = 1,
) -> DeprivationIndex:
    r"""Carstairs deprivation score: the sum of (population-weighted) z-scores of four census variables.

    Parameters
    ----------
    overcrowding, male_unemployment, no_car, low_social_class : str
        Columns holding percentages: persons in households with more than one person per room; economically
        active men unemployed; persons in households with no car; persons in households whose head is in
        social class IV or V.
    population : str, optional
        A population column; when given, means and standard deviations are population-weighted, as in
        Carstairs and Morris (1991). Without it, ordinary z-scores (``ddof``).

    Notes
    -----
    .. math:: C_i = \sum_k \frac{x_{ik} - \bar x_k}{\sigma_k}, \quad
              \bar x_k = \frac{\sum_i p_i x_{ik}}{\sum_i p_i}, \quad
              \sigma_k^2 = \frac{\sum_i p_i (x_{ik} - \bar x_k)^2}{\sum_i p_i}

    (Carstairs V. and Morris R., *Deprivation and Health in Scotland*, Aberdeen University Press, 1991).

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> c = pd.DataFrame({"o": [1.0, 4.0], "m": [5.0, 15.0], "n": [20.0, 50.0], "s": [10.0, 30.0],
    ...                   "pop": [100, 300]}, index=["a", "b"])
    >>> idx = dm.recipes.carstairs(c, overcrowding="o", male_unemployment="m", no_car="n",
    ...                            low_social_class="s", population="pop")
    >>> idx.score.round(6).tolist()  # weighted z of b is sqrt(1/3) for each variable
    [-6.928203, 2.309401]
    """
    columns = {
        "overcrowding": overcrowding,
        "male_unemployment": male_unemployment,
        "no_car": no_car,
        "low_social_class": low_social_class,
    }
    return _sum_of_z(data, columns, set(), universe, population, ddof, "carstairs")


def pca_index(
    data: pd.DataFrame, indicators: Mapping[str, Direction], *, universe: Universe = None, standardise: bool = True
) -> DeprivationIndex:
    r"""A deprivation index from the first principal component, as Spain's MEDEA index is built.

    Parameters
    ----------
    indicators : mapping
        ``{column: direction}`` (+1 when higher = more deprived), e.g. MEDEA's unemployment, manual workers,
        temporary workers, insufficient education (all and young people), all +1.
    standardise : bool
        True (default): components of the correlation matrix, scores from z-scores (sample sd). False:
        components of the covariance matrix of the centred indicators.

    Notes
    -----
    With :math:`v` the first eigenvector of the correlation (or covariance) matrix of the oriented
    indicators, :math:`P_i = \sum_j v_j z_{ij}`, the sign of :math:`v` chosen so that
    :math:`\sum_j v_j > 0` (higher = more deprived); the mean over the universe is 0 (Domínguez-Berjón et
    al. 2008, *Gac Sanit* 22(3):179-187, MEDEA). ``.weighting_info["index"]`` reports the loadings and the
    share of variance explained.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> idx = dm.recipes.pca_index(gdf, {"PctPov": 1, "PctBach": -1, "PctRural": 1})
    >>> idx.weighting_info["index"]["explained_variance"] > 1 / 3
    True
    """
    spec = IndexSpec(tuple(Indicator(c, d) for c, d in indicators.items()))
    mask = universe_mask(data, universe)
    oriented = values_in(data, spec.columns, mask, what="The PCA index") * pd.Series(spec.directions)
    if standardise:
        z = zscore(oriented)
        values, vectors = first_component(z)
    else:
        z = oriented - oriented.mean()
        values, vectors = principal_axes(np.cov(z.to_numpy(), rowvar=False))
    v1 = vectors[:, 0]
    contributions = z * v1
    info = {
        "explained_variance": float(values[0] / values.sum()),
        "loadings": pd.Series(v1, index=z.columns, name="loading"),
    }
    return result(
        data,
        contributions.sum(axis=1),
        components=z,
        contributions=contributions,
        weights=pd.Series(v1, index=z.columns, name="weight"),
        spec=spec,
        method={
            "recipe": "pca_index",
            "normalise": "zscore" if standardise else "centre",
            "weighting": "first principal component",
            "aggregate": "sum",
        },
        weighting_info={"index": info},
    )
