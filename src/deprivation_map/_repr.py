"""Rich HTML representations of the result objects, for Jupyter (``_repr_html_``).

Every result class renders itself through :func:`html_repr`: a title, the short text ``__repr__`` as a
caption, a table of settings and summary figures (method, seed, correction ...), optional counts per label,
optional small tables, and the first rows of its ``to_frame()``. Every value shown, keys and column names
included, is HTML-escaped here, in one place, because area IDs, labels and column names come from users'
files. Counts below a disclosure threshold (``min_count``) are shown as ``< min_count``, never as numbers.
There is no stylesheet: the front end's own table style applies (Jupyter's, VS Code's, GitHub's, which
would drop a ``<style>`` element anyway).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from decimal import Decimal
from numbers import Integral, Real

import pandas as pd

from .errors import format_ids

__all__ = ["fmt", "html_repr", "id_list"]

ROWS = 5  # rows of to_frame() shown
TABLE_ROWS = 20  # rows of the other tables shown


def fmt(value: object) -> str:
    """A value as short text (not yet escaped): 4 significant digits, whole numbers from 1,000 up, '' if missing.

    Examples
    --------
    >>> from decimal import Decimal
    >>> fmt(0.123456), fmt(15744.0), fmt(2.0), fmt(8.3e-23), fmt(float("nan")), fmt(Decimal("1000000.50")), fmt("<b>")
    ('0.1235', '15,744', '2', '8.300e-23', '', '1,000,000.50', '<b>')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | Integral):
        return f"{value:,}"
    if isinstance(value, Real):
        x = float(value)
        if math.isnan(x):
            return ""
        if math.isinf(x) or (x != 0 and abs(x) < 1e-3):
            return f"{x:.3e}" if math.isfinite(x) else str(x)
        return f"{x:,.0f}" if abs(x) >= 1e3 or x.is_integer() else f"{x:.4g}"
    return str(value)


def id_list(values, *, limit: int = 5) -> str:
    """A few IDs quoted, with how many in all (as in error messages), or 'none'.

    Examples
    --------
    >>> id_list(["001", "002"]), id_list([])
    ("'001', '002'", 'none')
    """
    values = list(values)
    return format_ids(values, limit=limit) if values else "none"


def _count(n: object, min_count: int | None) -> str:
    if min_count is not None and int(n) < min_count:  # type: ignore[call-overload]
        return f"< {min_count}"
    return fmt(n)


def _rows(pairs, *, head: tuple[str, str] | None = None, caption: str | None = None) -> str:
    cells = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(v)}</td></tr>" for k, v in pairs)
    top = "" if head is None else f"<tr><th>{html.escape(head[0])}</th><th>{html.escape(head[1])}</th></tr>"
    cap = "" if caption is None else f"<caption>{html.escape(caption)}</caption>"
    return f"<table>{cap}{top}{cells}</table>"


def _frame(frame: pd.DataFrame, caption: str, rows: int) -> str:
    shown = frame.head(rows).astype(object).map(fmt)
    shown.columns = [str(c) for c in shown.columns]
    more = f" (first {rows} of {len(frame):,} rows)" if len(frame) > rows else ""
    table = shown.to_html(escape=True, border=0, index_names=True)  # pandas escapes index, columns and cells
    return f"<div><i>{html.escape(caption + more)}</i>{table}</div>"


def html_repr(
    obj: object,
    summary: Mapping[str, object],
    *,
    frame: pd.DataFrame | None = None,
    frame_caption: str = "to_frame()",
    counts: Mapping[str, int] | pd.Series | None = None,
    counts_caption: str = "Areas per label",
    counts_head: tuple[str, str] = ("label", "areas"),
    tables: Mapping[str, pd.DataFrame | pd.Series] | None = None,
    rows: int = ROWS,
    min_count: int | None = None,
) -> str:
    """The HTML shown by Jupyter for a result object.

    Parameters
    ----------
    obj : object
        The result; its class name is the title and its ``repr()`` the caption.
    summary : Mapping
        Setting or figure name -> value, shown in order.
    frame : pandas.DataFrame, optional
        Usually ``obj.to_frame()``; its first ``rows`` rows are shown with the total.
    counts : Mapping or pandas.Series, optional
        Counts per label; any count below ``min_count`` is shown as ``"< min_count"``.
    tables : Mapping, optional
        Caption -> a small frame or series (weights, sensitivity ...): up to 20 rows shown.

    Examples
    --------
    >>> out = html_repr(object(), {"areas": 3, "name": "<script>"}, counts={"High-High": 2, "Low-Low": 1}, min_count=2)
    >>> "&lt;script&gt;" in out and "<script>" not in out, "&lt; 2" in out
    (True, True)
    """
    parts = [
        f"<div class='dm-repr'><b>{html.escape(type(obj).__name__)}</b>",
        f"<div><code>{html.escape(repr(obj))}</code></div>",
        _rows((k, "none" if v is None else fmt(v)) for k, v in summary.items()),
    ]
    if counts is not None:
        pairs = [(label, _count(n, min_count)) for label, n in dict(counts).items()]
        parts.append(_rows(pairs, head=counts_head, caption=counts_caption))
    for caption, table in (tables or {}).items():
        table = table.to_frame() if isinstance(table, pd.Series) else table
        parts.append(_frame(table, caption, TABLE_ROWS))
    if frame is not None:
        parts.append(_frame(frame, frame_caption, rows))
    return "".join(parts) + "</div>"
