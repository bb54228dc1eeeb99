"""Normalisers: put indicators measured in different units on a common scale.

Each normaliser is a pure function ``(DataFrame, **options) -> DataFrame`` applied column by column,
preserving the index and the order of values within a column (a higher input never gets a lower output).
Indicators are oriented before they are normalised (multiplied by their direction), so "higher = more
deprived" holds for every output column. Missing values stay missing and are left out of every statistic.

A normaliser is chosen by name, ``normalise="zscore"``, or by name with options,
``normalise=("minmax", {"low": 0, "high": 100})``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Literal

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids

__all__ = [
    "NORMALISERS",
    "distance",
    "exponential",
    "goalposts",
    "minmax",
    "normalise",
    "percentile",
    "rank",
    "resolve",
    "zscore",
]

Choice = str | tuple[str, Mapping[str, object]]
"""A registry's name, or its name with options: ``"zscore"``, ``("minmax", {"low": 1, "high": 100})``."""
NormaliserName = Literal["zscore", "minmax", "rank", "percentile", "exponential", "distance", "goalposts"]
Normaliser = NormaliserName | tuple[NormaliserName, Mapping[str, object]]
"""A normaliser of :data:`NORMALISERS`, by name or with options."""
Target = float | Mapping[str, float]
"""One value for every indicator, or one per indicator (``{column: value}``)."""


def zscore(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Standardise each column to mean 0 and sample standard deviation 1.

    Notes
    -----
    .. math:: y_{ij} = \frac{x_{ij} - \bar{x}_j}{s_j}, \qquad
              s_j = \sqrt{\tfrac{1}{n-1}\sum_i (x_{ij} - \bar{x}_j)^2}

    The sample (``n - 1``) standard deviation follows the OECD/JRC Handbook (2008) and COINr's ``n_zscore``.
    The deviations are divided by their largest magnitude before the standard deviation is taken, so values
    near the limits of floating point (such as ``5e-324``) do not underflow to a zero deviation.

    Examples
    --------
    >>> import pandas as pd
    >>> zscore(pd.DataFrame({"x": [2.0, 4.0, 6.0]}, index=["a", "b", "c"]))["x"].tolist()  # mean 4, sample sd 2
    [-1.0, 0.0, 1.0]
    """
    centred = frame - frame.mean()
    scaled = centred / centred.abs().max()  # the same ratio, computed without squaring tiny or huge numbers
    return scaled / scaled.std(ddof=1)


def minmax(frame: pd.DataFrame, *, low: float = 0.0, high: float = 1.0) -> pd.DataFrame:
    r"""Rescale each column to ``[low, high]`` (default [0, 1]).

    Notes
    -----
    .. math:: y_{ij} = l + (h - l)\,\frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}}

    (OECD/JRC Handbook 2008, section 5.2; COINr ``n_minmax`` with ``l_u = c(low, high)``.)

    Examples
    --------
    >>> import pandas as pd
    >>> minmax(pd.DataFrame({"x": [5.0, 10.0, 25.0]}), low=0, high=100)["x"].tolist()
    [0.0, 25.0, 100.0]
    """
    if not high > low:
        raise ValidationError(f"minmax needs low < high, got low={low!r}, high={high!r}.")
    lo, hi = frame.min(), frame.max()
    return low + (high - low) * (frame - lo) / (hi - lo)


def rank(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Replace each value by its rank within the column (1 = lowest; ties share the average rank).

    Examples
    --------
    >>> import pandas as pd
    >>> rank(pd.DataFrame({"x": [7.0, 3.0, 7.0, 1.0]}))["x"].tolist()  # the two 7s share ranks 3 and 4
    [3.5, 2.0, 3.5, 1.0]
    """
    return frame.rank(method="average")


def percentile(frame: pd.DataFrame) -> pd.DataFrame:
    r"""Percentile rank with the CDC/ATSDR SVI convention (Excel's ``PERCENTRANK.INC``).

    Notes
    -----
    .. math:: y_{ij} = \frac{r_{ij} - 1}{n_j - 1}

    where :math:`r_{ij}` is the ascending rank of :math:`x_{ij}` among the :math:`n_j` areas with a value,
    every run of ties taking the *smallest* of its ranks (CDC/ATSDR SVI 2020 documentation, "Percentile
    ranking"). Values lie in [0, 1]; unrounded (the SVI recipe rounds).

    Examples
    --------
    >>> import pandas as pd
    >>> percentile(pd.DataFrame({"x": [10.0, 20.0, 20.0, 40.0, 5.0]}))["x"].tolist()  # tied 20s: (2 - 1)/(5 - 1)
    [0.25, 0.5, 0.5, 1.0, 0.0]
    """
    ranks = frame.rank(method="min")
    return (ranks - 1) / (frame.notna().sum() - 1)


def exponential(frame: pd.DataFrame, *, constant: float = 23.0) -> pd.DataFrame:
    r"""The English IMD's exponential transformation of ranks.

    Notes
    -----
    With :math:`R = r/N`, :math:`r` the ascending rank (so :math:`R = 1` for the most deprived area and
    :math:`1/N` for the least deprived) and :math:`c` the constant (23 in the IMD, giving a maximum of 100),

    .. math:: X = -c\,\ln\!\left(1 - R\,\bigl(1 - e^{-100/c}\bigr)\right)

    (English Indices of Deprivation 2019, Technical Report, Appendix N). Ties share the average rank.

    Examples
    --------
    >>> import pandas as pd
    >>> x = exponential(pd.DataFrame({"rate": [0.1, 0.4, 0.2, 0.3]}))["rate"]
    >>> x.round(3).tolist()  # R = 1/4, 1, 1/2, 3/4; the most deprived area gets exactly 100
    [6.518, 100.0, 15.647, 31.009]
    """
    if not constant > 0:
        raise ValidationError(f"The exponential transform needs a positive constant, got {constant!r}.")
    share = frame.rank(method="average") / frame.notna().sum()
    return -constant * np.log(1.0 - share * (1.0 - np.exp(-100.0 / constant)))


def _per_column(value: Target, columns: pd.Index, what: str) -> pd.Series:
    if isinstance(value, Mapping):
        missing = [c for c in columns if c not in value]
        if missing:
            raise ValidationError(f"{what} has no value for {format_ids(missing)}; give one per indicator.")
        return pd.Series({c: float(value[c]) for c in columns})
    return pd.Series(float(value), index=columns)


def distance(frame: pd.DataFrame, *, reference: Literal["max", "mean", "median"] | Target = "max") -> pd.DataFrame:
    r"""Distance to a reference: each value as a ratio of a reference value.

    Notes
    -----
    .. math:: y_{ij} = x_{ij} / x^{\mathrm{ref}}_j

    with the reference the column's ``"max"``, ``"mean"`` or ``"median"``, a number, or a mapping
    ``{column: value}`` of targets on the oriented scale (OECD/JRC Handbook 2008, Table 3, "distance to a
    reference"; COINr ``n_dist2ref``). The reference must be positive, so the order is preserved.

    Examples
    --------
    >>> import pandas as pd
    >>> distance(pd.DataFrame({"x": [5.0, 10.0, 20.0]}))["x"].tolist()  # a share of the column's maximum
    [0.25, 0.5, 1.0]
    >>> distance(pd.DataFrame({"x": [5.0, 10.0, 20.0]}), reference={"x": 8.0})["x"].tolist()
    [0.625, 1.25, 2.5]
    """
    if isinstance(reference, str):
        stats = {"max": frame.max, "mean": frame.mean, "median": frame.median}
        ref = v.lookup(stats, reference, what="reference")()
    else:
        ref = _per_column(reference, frame.columns, "The reference")
    bad = ref.index[~(ref > 0)]
    if len(bad):
        raise ValidationError(
            f"Distance to a reference needs a positive reference, but it is not for {format_ids(bad)}. Use "
            "normalise='minmax' or 'goalposts', or a positive target."
        )
    return frame / ref


def goalposts(frame: pd.DataFrame, *, lower: Target, upper: Target, directions: Mapping[str, int]) -> pd.DataFrame:
    r"""Goalposts: rescale between fixed bounds given in the indicator's own units, and cap at them.

    Notes
    -----
    With bounds :math:`L_j < U_j` (in raw units; for an indicator of direction −1 the roles flip, so 1 is
    always the most deprived end),

    .. math:: y_{ij} = \min\!\Bigl(1, \max\!\Bigl(0, \frac{x_{ij} - L_j}{U_j - L_j}\Bigr)\Bigr)

    computed on the oriented values :math:`d_j x_{ij}` with oriented bounds (the HDI's method; COINr
    ``n_goalposts``). Values beyond the bounds are capped, so order is kept weakly.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"unemployment": [2.0, 10.0, 30.0], "income": [30_000.0, 15_000.0, 5_000.0]})
    >>> directions = {"unemployment": 1, "income": -1}
    >>> oriented = raw * pd.Series(directions)  # as build_index passes them: higher = more deprived
    >>> out = goalposts(oriented, lower={"unemployment": 0, "income": 10_000},
    ...                 upper={"unemployment": 20, "income": 30_000}, directions=directions)
    >>> out["unemployment"].tolist(), out["income"].tolist()  # capped at 1; low income = deprived = near 1
    ([0.1, 0.5, 1.0], [0.0, 0.75, 1.0])
    """
    lo = _per_column(lower, frame.columns, "lower")
    hi = _per_column(upper, frame.columns, "upper")
    bad = lo.index[~(hi > lo)]
    if len(bad):
        raise ValidationError(f"Goalposts need lower < upper, which fails for {format_ids(bad)}.")
    d = pd.Series(directions).reindex(frame.columns).fillna(1)
    a, b = np.minimum(d * lo, d * hi), np.maximum(d * lo, d * hi)
    return ((frame - a) / (b - a)).clip(0.0, 1.0)


NORMALISERS: dict[str, Callable[..., pd.DataFrame]] = {
    "zscore": zscore,
    "minmax": minmax,
    "rank": rank,
    "percentile": percentile,
    "exponential": exponential,
    "distance": distance,
    "goalposts": goalposts,
}


def resolve(choice: Choice, registry: Mapping[str, Callable], *, what: str) -> tuple[str, Callable, dict]:
    """Split ``"name"`` or ``("name", {options})`` into (name, function, options), checking the options.

    Examples
    --------
    >>> name, func, options = resolve(("minmax", {"low": 1, "high": 100}), NORMALISERS, what="normalisation")
    >>> name, func is minmax, options
    ('minmax', True, {'low': 1, 'high': 100})
    >>> resolve(("minmax", {"top": 1}), NORMALISERS, what="normalisation")
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Normalisation 'minmax' takes the options ['low', 'high'], not ['top'].
    """
    name, options = (choice, {}) if isinstance(choice, str) else choice
    func = v.lookup(registry, name, what=what)
    if not isinstance(options, Mapping):
        raise ValidationError(f"Options of {what} {name!r} must be a mapping, got {options!r}.")
    accepted = [p.name for p in inspect.signature(func).parameters.values() if p.kind is p.KEYWORD_ONLY]
    unknown = set(options) - set(accepted) - {"directions"}
    if unknown:
        raise ValidationError(f"{what.capitalize()} {name!r} takes the options {accepted}, not {sorted(unknown)}.")
    return name, func, dict(options)


def normalise(frame: pd.DataFrame, method: Normaliser, *, directions: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Apply the normaliser registered as ``method``; a constant column is refused (it carries no information).

    Examples
    --------
    >>> import pandas as pd
    >>> normalise(pd.DataFrame({"x": [2.0, 4.0, 10.0]}), ("minmax", {"low": 1, "high": 100}))["x"].tolist()
    [1.0, 25.75, 100.0]
    >>> normalise(pd.DataFrame({"x": [10.0, 20.0, 20.0, 40.0, 5.0]}), "percentile")["x"].tolist()
    [0.25, 0.5, 0.5, 1.0, 0.0]
    """
    name, func, options = resolve(method, NORMALISERS, what="normalisation")
    constant = [c for c in frame.columns if frame[c].nunique(dropna=True) < 2]
    if constant:
        raise ValidationError(
            f"Indicators {format_ids(constant)} take a single value over the areas used, so they cannot be "
            f"normalised by {name!r} and would not discriminate between areas. Remove them from the index."
        )
    if "directions" in inspect.signature(func).parameters:
        options["directions"] = dict(directions or {})
    return func(frame, **options)
