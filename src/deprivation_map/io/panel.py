"""Panels: one value per area and period, as a DataFrame indexed by area ID with one column per period in time order.

A panel is the input of everything that looks at change (:mod:`deprivation_map.index.panel`, the Markov
chains, the trend test and emerging hot spots). It is built either from a long table (one row per area and
period, with a period column) or from one table per period; every area seen in any period is kept, with a
missing value where a period has no row for it: nothing is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids

__all__ = ["build_panel", "check_panel"]


def check_panel(panel: pd.DataFrame, *, what: str = "The panel", min_periods: int = 2) -> pd.DataFrame:
    """Check a panel: indexed by unique area IDs, numeric, at least ``min_periods`` periods in increasing order.

    Returns the panel as floats, unchanged otherwise (a copy: the caller's frame is never modified).

    Examples
    --------
    >>> import pandas as pd
    >>> check_panel(pd.DataFrame({2001: [1, 2], 2011: [2, 3]}, index=["a", "b"])).dtypes.tolist()
    [dtype('float64'), dtype('float64')]
    >>> check_panel(pd.DataFrame({2011: [1.0, 2], 2001: [2.0, 3]}, index=["a", "b"]))
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: The panel's periods must be in time order (increasing), got [2011, 2001]. Sort them: panel.sort_index(axis=1).
    """
    if not isinstance(panel, pd.DataFrame):
        raise ValidationError(
            f"{what} must be a DataFrame indexed by area ID with one column per period, got {type(panel).__name__}."
        )
    v.require_id_index(panel.index, what=what, fix="Index it by area ID: panel.set_index('code').")
    v.require_unique_ids(panel.index, what=what)
    if panel.shape[1] < min_periods:
        raise ValidationError(f"{what} needs at least {min_periods} periods (columns), got {panel.shape[1]}.")
    periods = list(panel.columns)
    if not panel.columns.is_unique:
        raise ValidationError(f"{what} has repeated periods: {format_ids(panel.columns[panel.columns.duplicated()])}.")
    try:
        ordered = bool(panel.columns.is_monotonic_increasing)
    except TypeError:
        ordered = False
    if not ordered:
        raise ValidationError(
            f"{what}'s periods must be in time order (increasing), got {periods}. Sort them: panel.sort_index(axis=1)."
        )
    v.require_numeric(panel, panel.columns, what=what)
    return panel.astype(float)


def _from_long(table: pd.DataFrame, value: str, period: str, id_col: str | None) -> pd.DataFrame:
    frame = table if id_col is None else table.set_index(id_col)
    v.require_columns(frame, [value, period], what="The long table")
    if frame[period].isna().any():
        bad = frame.index[frame[period].isna().to_numpy()]
        raise ValidationError(f"The long table has rows without a period ({period!r}): areas {format_ids(bad)}.")
    ids = frame.index.astype(str)
    keys = pd.MultiIndex.from_arrays([ids, frame[period].to_numpy()])
    if keys.duplicated().any():
        dup = keys[keys.duplicated()]
        raise ValidationError(
            f"The long table has {len(dup)} (area, period) pairs more than once, e.g. "
            f"{format_ids([f'{a} in {p}' for a, p in dup[:5]])}. Keep one row per area and period."
        )
    series = pd.Series(frame[value].to_numpy(), index=keys)
    return series.unstack(level=1)


def build_panel(
    data: pd.DataFrame | Mapping[object, pd.DataFrame | pd.Series],
    value: str | None = None,
    *,
    period: str = "year",
    id_col: str | None = None,
) -> pd.DataFrame:
    """Build a panel (area ID x period) from a long table or from one table (or Series) per period.

    Parameters
    ----------
    data : pandas.DataFrame or mapping
        A long table, one row per area and period, indexed by area ID (or with ``id_col``) and with a
        ``period`` column; or ``{period: table or Series}``, each indexed by area ID.
    value : str
        The column to take (optional when every mapping value is a Series).
    period : str
        The period column of a long table (default ``"year"``).
    id_col : str, optional
        The area ID column of a long table, when it is not the index.

    Returns
    -------
    pandas.DataFrame
        Indexed by area ID (text), one column per period in increasing order, named ``value``. Every area
        present in any period is a row; a period without it holds NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"code": ["a", "b", "a", "c"], "year": [2015, 2015, 2019, 2019],
    ...                      "score": [1.0, 2.0, 1.5, 3.0]})
    >>> build_panel(long, "score", id_col="code")
    year  2015  2019
    a      1.0   1.5
    b      2.0   NaN
    c      NaN   3.0
    >>> build_panel({2019: pd.Series([4.0], index=["a"]), 2015: pd.Series([3.0], index=["a"])}).columns.tolist()
    [2015, 2019]
    """
    if isinstance(data, pd.DataFrame):
        if value is None:
            raise ValidationError("build_panel needs value=, the column that holds the values of a long table.")
        panel = _from_long(data, value, period, id_col)
    elif isinstance(data, Mapping):
        columns = {}
        for key, table in data.items():
            series = table if isinstance(table, pd.Series) or value is None else table[value]
            if isinstance(series, pd.DataFrame):
                raise ValidationError(f"The table of period {key!r} is a DataFrame: say which column with value=.")
            v.require_id_index(series.index, what=f"The table of period {key!r}", fix="Index it by area ID.")
            series = series.copy()
            series.index = series.index.astype(str)
            v.require_unique_ids(series.index, what=f"The table of period {key!r}")
            columns[key] = series
        panel = pd.DataFrame(columns)
    else:
        raise ValidationError(
            f"build_panel takes a long DataFrame or a mapping of period -> table, got {type(data).__name__}."
        )
    panel = panel.sort_index(axis=1)
    panel.index = panel.index.astype(str)
    panel.index.name = None
    panel.columns.name = period
    return check_panel(panel.astype(np.float64), min_periods=1)
