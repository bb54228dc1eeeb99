"""The CDC/ATSDR Social Vulnerability Index, step by step as CDC computes it (used by :mod:`.recipes`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError
from ._universe import Universe, result, universe_mask
from .composite import DeprivationIndex
from .engine import require_finite
from .normalise import percentile
from .spec import Domain, IndexSpec, Indicator

__all__ = ["SVI_2018_THEMES", "SVI_2020_THEMES", "cdc_percentile", "round_half_up", "svi"]

SVI_2020_THEMES = {
    "THEME1": ["EP_POV150", "EP_UNEMP", "EP_HBURD", "EP_NOHSDP", "EP_UNINSUR"],
    "THEME2": ["EP_AGE65", "EP_AGE17", "EP_DISABL", "EP_SNGPNT", "EP_LIMENG"],
    "THEME3": ["EP_MINRTY"],
    "THEME4": ["EP_MUNIT", "EP_MOBILE", "EP_CROWD", "EP_NOVEH", "EP_GROUPQ"],
}
"""The variables of each theme in CDC/ATSDR SVI 2020 and 2022 (16 variables)."""

SVI_2018_THEMES = {
    "THEME1": ["EP_POV", "EP_UNEMP", "EP_PCI", "EP_NOHSDP"],
    "THEME2": ["EP_AGE65", "EP_AGE17", "EP_DISABL", "EP_SNGPNT"],
    "THEME3": ["EP_MINRTY", "EP_LIMENG"],
    "THEME4": ["EP_MUNIT", "EP_MOBILE", "EP_CROWD", "EP_NOVEH", "EP_GROUPQ"],
}
"""The variables of each theme in CDC SVI 2014-2018 (15 variables; ``EP_PCI`` is ranked in reverse)."""


def round_half_up(x: pd.Series | np.ndarray, decimals: int = 4) -> pd.Series | np.ndarray:
    """Round half away from zero for non-negative values, as SQL's and Excel's ``ROUND`` do.

    The value is first rounded to 9 decimals, so a binary representation error (0.12345 stored as
    0.1234499999...) does not flip the result, as it would with ``numpy.round`` (which also rounds half to even).

    Examples
    --------
    >>> round_half_up([0.12345, 0.00005]).tolist()
    [0.1235, 0.0001]
    """
    scale = 10.0**decimals
    return np.floor(np.round(np.asarray(x, dtype=float) * scale, 9 - decimals) + 0.5) / scale


def cdc_percentile(x: pd.Series, *, reverse: bool = False) -> pd.Series:
    r"""CDC's percentile rank, rounded to 4 decimals: :math:`\mathrm{round}((r - 1)/(n - 1), 4)`.

    :math:`r` is the ascending rank with ties taking the smallest rank, over the :math:`n` values present;
    ``reverse`` gives :math:`1 - (r - 1)/(n - 1)` before rounding (CDC's per capita income, SVI 2014-2018).

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.Series([10.0, 20.0, 20.0, 40.0], index=["a", "b", "c", "d"], name="EP_POV150")
    >>> cdc_percentile(x).tolist()  # ties take the smallest rank: (2 - 1)/(4 - 1) = 0.3333
    [0.0, 0.3333, 0.3333, 1.0]
    >>> cdc_percentile(x, reverse=True).tolist()  # per capita income: a high value is a low percentile
    [1.0, 0.6667, 0.6667, 0.0]
    """
    if x.notna().sum() < 2:
        raise ValidationError(f"A percentile rank of {x.name!r} needs at least 2 areas with a value.")
    p = percentile(x.to_frame()).iloc[:, 0]
    if reverse:
        p = 1.0 - p
    return pd.Series(round_half_up(p.to_numpy()), index=x.index, name=x.name)


def _values(data: pd.DataFrame, columns: list[str], mask: pd.Series, na_values: Iterable[float]) -> pd.DataFrame:
    v.require_columns(data, columns, what="The data")
    v.require_numeric(data, columns, what="The data")
    values = pd.DataFrame(data.loc[mask.to_numpy(), columns]).astype("float64")
    require_finite(values, what="The SVI")
    return values.mask(values.isin(list(na_values)))


def svi(
    data: pd.DataFrame,
    *,
    themes: Mapping[str, list[str]] = SVI_2020_THEMES,
    reverse: Iterable[str] = (),
    population: str | None = None,
    universe: Universe = None,
    flag: float = 0.90,
    na_values: Iterable[float] = (-999,),
) -> DeprivationIndex:
    r"""CDC/ATSDR Social Vulnerability Index: percentile ranks of variables, of theme sums and of their total.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per tract (or county), indexed by ID, with the ``EP_*`` percentage columns.
    themes : mapping
        ``{theme: [columns]}``; default :data:`SVI_2020_THEMES` (2020 and 2022). Output columns are named
        after CDC's: ``EPL_<column without EP_>``, ``SPL_<theme>``, ``RPL_<theme>``, ``F_<theme>``.
    reverse : columns ranked in reverse (higher = less vulnerable), e.g. ``["EP_PCI"]`` with
        :data:`SVI_2018_THEMES`.
    population : str, optional
        The total population column (``E_TOTPOP``): areas with 0 are removed from the ranking and unscored,
        as CDC does.
    universe : None, boolean Series or list of IDs
        The areas ranked together: CDC publishes a national and a per-state ranking.
    flag : float
        The flag threshold on ``EPL_*`` (CDC: 0.90).
    na_values : CDC's missing-value code -999 is read as missing; such a value is "not used for further
        calculations" (CDC), so theme sums add the variables present and flags count them.

    Returns
    -------
    DeprivationIndex
        ``.score`` is ``RPL_THEMES``; ``.components`` the ``EPL_*``; ``.contributions`` the ``EPL_*`` and
        ``SPL_<theme>`` (each set sums to ``SPL_THEMES``); ``.domain_scores`` the ``RPL_<theme>``;
        ``.details`` every published column (``EPL_*``, ``F_*``, ``SPL_*``, ``RPL_*``, ``F_TOTAL``).

    Notes
    -----
    For the :math:`n` areas of the universe (CDC/ATSDR SVI 2020 Documentation, "Methods"),

    .. math:: \mathrm{EPL}_v = \mathrm{round}_4\!\Bigl(\frac{r_v - 1}{n_v - 1}\Bigr), \quad
              \mathrm{SPL}_t = \sum_{v \in t} \mathrm{EPL}_v, \quad
              \mathrm{RPL}_t = \mathrm{round}_4\!\Bigl(\frac{r(\mathrm{SPL}_t) - 1}{n - 1}\Bigr)

    .. math:: \mathrm{SPL_{THEMES}} = \sum_t \mathrm{SPL}_t, \quad
              \mathrm{RPL_{THEMES}} = \mathrm{round}_4\!\Bigl(\frac{r(\mathrm{SPL_{THEMES}}) - 1}{n - 1}\Bigr),
              \quad F_v = [\mathrm{EPL}_v \ge 0.90]

    with ascending ranks whose ties take the smallest rank (Excel's ``PERCENTRANK.INC``), rounding half up.
    Sums of 4-decimal values are rounded to 4 decimals so that binary noise cannot break a tie.

    Examples
    --------
    >>> import pandas as pd, deprivation_map as dm
    >>> t = pd.DataFrame({"EP_A": [10.0, 20.0, 20.0, 40.0, 5.0], "EP_B": [1.0, 2.0, 3.0, 4.0, 5.0]},
    ...                  index=list("vwxyz"))
    >>> s = dm.recipes.svi(t, themes={"T1": ["EP_A"], "T2": ["EP_B"]})
    >>> s.details[["EPL_A", "EPL_B", "SPL_THEMES", "RPL_THEMES"]].loc["x"].tolist()
    [0.5, 0.5, 1.0, 0.5]
    """
    columns = [c for cols in themes.values() for c in cols]
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ValidationError(f"Variables {repeated} appear in more than one SVI theme; list each once.")
    reverse = set(reverse)
    if not reverse <= set(columns):
        raise ValidationError(f"reverse names {sorted(reverse - set(columns))}, which are in no theme.")
    mask = universe_mask(data, universe)
    if population is not None:
        pop = _values(data, [population], mask, na_values)[population]
        mask = mask & (pop.reindex(data.index) > 0).fillna(False)
    values = _values(data, columns, mask, na_values)
    epl = pd.DataFrame(
        {f"EPL_{c.removeprefix('EP_')}": cdc_percentile(values[c], reverse=c in reverse) for c in columns}
    )
    details, spl, rpl = epl.copy(), {}, {}
    for theme, cols in themes.items():
        names = [f"EPL_{c.removeprefix('EP_')}" for c in cols]
        present = epl[names].notna().any(axis=1)
        spl[theme] = pd.Series(round_half_up(epl[names].sum(axis=1)), index=epl.index).where(present)
        rpl[theme] = cdc_percentile(spl[theme])
        flags = (epl[names] >= flag).astype(float).where(epl[names].notna())
        details[[f"F_{n.removeprefix('EPL_')}" for n in names]] = flags.to_numpy()
        details[f"SPL_{theme}"], details[f"RPL_{theme}"] = spl[theme], rpl[theme]
        details[f"F_{theme}"] = flags.sum(axis=1, min_count=1)
    spl_all = pd.Series(round_half_up(pd.DataFrame(spl).sum(axis=1)), index=epl.index)
    spl_all = spl_all.where(pd.DataFrame(spl).notna().any(axis=1))
    details["SPL_THEMES"], details["RPL_THEMES"] = spl_all, cdc_percentile(spl_all)
    details["F_TOTAL"] = details[[c for c in details if c.startswith("F_") and c.removeprefix("F_") not in themes]].sum(
        axis=1, min_count=1
    )
    spec = IndexSpec(
        tuple(Domain(t, tuple(Indicator(c, -1 if c in reverse else 1) for c in cols)) for t, cols in themes.items())
    )
    contributions = pd.concat([pd.DataFrame(spl).add_prefix("SPL_"), epl], axis=1)
    return result(
        data,
        details["RPL_THEMES"],
        components=epl,
        contributions=contributions,
        weights=pd.Series(1.0, index=columns, name="weight"),
        spec=spec,
        method={
            "recipe": "svi",
            "normalise": "percentile (CDC, 4 decimals)",
            "weighting": "unit",
            "aggregate": "sum, percentile of sums",
        },
        domain_scores=pd.DataFrame(rpl).add_prefix("RPL_"),
        details=details,
    )
