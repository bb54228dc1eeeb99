"""What each map layer shows: a class per area, the classes' colours, and a legend with counts.

A layer is a :class:`Classes`: a class code per area (``None`` for no data, drawn in the no-data style and
counted on its own legend row, never in a class colour), the classes' colours and their labels, already
translated and HTML-escaped. The same objects feed the interactive map and the static images.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

from .. import _validation as v
from ..errors import ValidationError, format_ids
from ..spatial import labels as lab
from ..spatial.labels import ISOLATE, UNDEFINED
from .classify import SCHEMES, classify_values
from .i18n import class_label, number, p_name, text
from .palettes import GI_COLOURS, LISA_COLOURS, QUALITATIVE, SIGNIFICANCE_COLOURS, sequential

__all__ = [
    "Classes",
    "allocation_classes",
    "categorical_classes",
    "column_classes",
    "gi_classes",
    "index_classes",
    "lisa_classes",
    "significance_classes",
]


@dataclass(frozen=True, eq=False)
class Classes:
    """One layer's classes.

    Attributes
    ----------
    codes : pandas.Series
        Class (0-based, into ``colours``) per area, as float with NaN for no data.
    colours, labels : list of str
        One per class; labels translated and HTML-escaped.
    counts : list of int
        Areas in each class.
    title : str
        The layer's name, translated.
    lang : str

    Examples
    --------
    >>> import deprivation_map as dm
    >>> from deprivation_map.maps.layers import index_classes
    >>> toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")  # 012 has no poverty value
    >>> index = dm.build_index(toy, {"poverty": 1}, missing="exclude")
    >>> classes = index_classes(index.score, scheme="quantiles", k=3, palette="Blues", lang="ca")
    >>> classes.counts, classes.n_missing, classes.title  # no data is counted apart, never in a class colour
    ([5, 3, 4], 1, 'Índex de privació')
    >>> classes.legend_rows()[-1], classes.codes_list()[11]
    ((None, 'sense dades (1)'), None)
    """

    codes: pd.Series
    colours: list[str]
    labels: list[str]
    counts: list[int]
    title: str
    lang: str

    @property
    def n_missing(self) -> int:
        """Areas with no data."""
        return int(self.codes.isna().sum())

    def legend_rows(self) -> list[tuple[str | None, str]]:
        """(colour or None for no data, "label (count)") for every row of the legend."""
        classes = zip(self.colours, self.labels, self.counts, strict=True)
        rows = [(c, f"{lab} ({number(n, self.lang, 0)})") for c, lab, n in classes]
        if self.n_missing:
            rows.append((None, f"{text('no_data', self.lang)} ({number(self.n_missing, self.lang, 0)})"))
        return rows

    def legend_html(self, note: str = "") -> str:
        """The legend box's inner HTML: a title, then a swatch and a label per row."""
        rows = [
            f'<i class="dm-no-data"></i>{label}' if colour is None else f'<i style="background:{colour}"></i>{label}'
            for colour, label in self.legend_rows()
        ]
        note_html = f'<div class="dm-note">{note}</div>' if note else ""
        return f"<h4>{self.title}</h4>{note_html}" + "<br>".join(rows)

    def codes_list(self) -> list[int | None]:
        """The codes as plain Python ints, None for no data (for JSON)."""
        return [None if np.isnan(c) else int(c) for c in self.codes.to_numpy(dtype="float64")]


def _range_labels(bins: Sequence[float], lowest: float, lang: str) -> list[str]:
    """The legend's label of each class ``b[j-1] < y <= b[j]``, the first from ``lowest`` (the smallest value).

    When ``lowest`` lies above the first bound (the first class is empty: classes from other data, or bounds
    given by the user), that class reads "≤ b1" rather than an inverted range.

    Examples
    --------
    >>> _range_labels([2.0, 4.0, 6.0], 0.5, "en"), _range_labels([2.0, 4.0, 6.0], 3.1, "es")
    (['0.50 – 2.00', '2.00 – 4.00', '4.00 – 6.00'], ['≤ 2,00', '2,00 – 4,00', '4,00 – 6,00'])
    """
    first = f"{number(lowest, lang)} – {number(bins[0], lang)}" if lowest <= bins[0] else f"≤ {number(bins[0], lang)}"
    return [first, *(f"{number(lo, lang)} – {number(hi, lang)}" for lo, hi in pairwise(bins))]


def _choropleth(
    values: pd.Series, bins: np.ndarray, palette: str, title: str, lang: str, lowest: float | None = None
) -> Classes:
    valid = values.dropna()
    y = valid.to_numpy(dtype="float64")
    classes = classify_values(y, bins)
    colours = sequential(palette, max(3, len(bins)))[-len(bins) :]
    codes = pd.Series(np.nan, index=values.index)
    codes[valid.index] = classes
    labels = _range_labels(bins, y.min() if lowest is None else min(lowest, y.min()), lang)
    counts = np.bincount(classes, minlength=len(bins)).tolist()
    return Classes(codes, colours, labels, counts, title, lang)


def index_classes(
    score: pd.Series,
    *,
    scheme: str,
    k: int,
    palette: str,
    lang: str,
    bins: Sequence[float] | None = None,
    lowest: float | None = None,
) -> Classes:
    """The index as a choropleth: ``scheme`` into ``k`` classes coloured by ``palette`` (darker = more deprived).

    ``lowest`` is the lower bound of the first class in the legend, for part of the areas drawn with the
    classes of all (``scheme="user_defined"`` with their ``bins``); default: the smallest score given.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> index = dm.build_index(gdf, {"PctPov": 1, "PctBach": -1})
    >>> classes = index_classes(index.score, scheme="quantiles", k=5, palette="YlOrRd", lang="es")
    >>> classes.counts, sum(classes.counts) == len(gdf)  # quintiles of 159 areas
    ([32, 32, 31, 32, 32], True)
    >>> classes.labels[0], classes.colours[-1]  # Spanish number format; darkest = most deprived
    ('-2,88 – -0,52', '#bd0026')
    """
    func = v.lookup(SCHEMES, scheme, what="classification scheme")
    valid = score.dropna().to_numpy(dtype="float64")
    if len(valid) == 0:
        raise ValidationError("The index has no score for any area, so there is nothing to classify.")
    return _choropleth(score, func(valid, k, bins), palette, text("index", lang), lang, lowest)


def column_classes(
    values: pd.Series,
    *,
    title: str,
    lang: str,
    scheme: str = "quantiles",
    k: int = 5,
    palette: str = "YlOrRd",
    bins: Sequence[float] | None = None,
) -> Classes:
    """Any column as a layer: numbers classified like the index; text or categories one colour each.

    Numbers (booleans excepted) go into ``k`` classes by ``scheme`` coloured by ``palette``; anything else is
    categorical, at most 12 categories, each in a ColorBrewer qualitative colour (Set2 up to 8, Paired up to
    12), sorted. Missing values are no data. ``title`` must already be escaped.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> classes = column_classes(gdf["TotPop90"], title="Population", lang="en", k=4)
    >>> classes.counts, classes.labels[0]
    ([40, 40, 39, 40], '1,915.00 – 9,219.50')
    >>> kind = pd.Series(["urban", "rural", None, "rural"], index=list("abcd"))
    >>> rural = column_classes(kind, title="Kind", lang="en")
    >>> rural.labels, rural.counts, rural.codes_list()
    (['rural', 'urban'], [2, 1], [1, 0, None, 0])
    """
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        valid = values.dropna().to_numpy(dtype="float64")
        if len(valid) == 0:
            raise ValidationError(f"{html.unescape(title)!r} has no value for any area, so there is nothing to map.")
        func = v.lookup(SCHEMES, scheme, what="classification scheme")
        return _choropleth(
            values.astype("float64"), func(valid, min(k, len(np.unique(valid))), bins), palette, title, lang
        )
    as_text = values.astype(object).where(values.notna())
    categories = sorted({str(x) for x in as_text.dropna()})
    if len(categories) > max(QUALITATIVE):
        raise ValidationError(
            f"{html.unescape(title)!r} has {len(categories)} categories ({format_ids(categories)}); a map can "
            f"tell apart at most {max(QUALITATIVE)}. Group them, or map a numeric column."
        )
    palette_ = QUALITATIVE[8] if len(categories) <= 8 else QUALITATIVE[12]
    colours = dict(zip(categories, palette_, strict=False))
    return categorical_classes(
        as_text.map(str, na_action="ignore"),
        colours,
        title=title,
        lang=lang,
        names={c: html.escape(c) for c in categories},
    )


def allocation_classes(per_capita: pd.Series, *, k: int, palette: str, lang: str) -> Classes:
    """Allocation per person in ``k`` quantile classes.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> alloc = dm.allocate(gdf["PctPov"], 10_000_000, population=gdf["TotPop90"])
    >>> classes = allocation_classes(alloc.per_capita, k=4, palette="Greens", lang="en")
    >>> classes.title, classes.counts  # quartiles of the amount per person
    ('Allocation per person', [40, 40, 39, 40])
    """
    valid = per_capita.dropna().to_numpy(dtype="float64")
    if len(valid) == 0:
        raise ValidationError("The allocation has no amount per person for any area.")
    return _choropleth(per_capita, SCHEMES["quantiles"](valid, k, None), palette, text("allocation", lang), lang)


def categorical_classes(
    labels: pd.Series,
    colours: Mapping[str, str],
    *,
    title: str,
    lang: str,
    always: Sequence[str] = (),
    names: Mapping[str, str] | None = None,
) -> Classes:
    """One class per label in ``colours`` (their order), shown when present or listed in ``always``.

    Labels missing or ``"Undefined"`` are no data. Any other label not in ``colours`` is refused. A label is
    shown as ``names[label]`` (already escaped) when given, else translated by
    :func:`~deprivation_map.maps.i18n.class_label`.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = pd.Series(["flood", "drought", None, "flood"], index=["a", "b", "c", "d"])
    >>> classes = categorical_classes(labels, {"flood": "#2166ac", "drought": "#b2182b", "fire": "#ef8a62"},
    ...                               title="Risk", lang="en")
    >>> classes.codes_list(), classes.labels, classes.counts, classes.n_missing  # "fire" is absent: not listed
    ([0, 1, None, 0], ['flood', 'drought'], [2, 1], 1)
    """
    as_text = labels.astype(object).where(labels.notna(), UNDEFINED).astype(str)
    unknown = sorted(set(as_text) - set(colours) - {UNDEFINED})
    if unknown:
        raise ValidationError(
            f"Unexpected cluster labels {format_ids(unknown)}; expected some of {', '.join(map(repr, [*colours, UNDEFINED]))}."
        )
    counts = as_text.value_counts()
    shown = [lab for lab in colours if lab in always or counts.get(lab, 0)]
    position = {lab: i for i, lab in enumerate(shown)}
    codes = as_text.map(position).astype("float64")
    return Classes(
        codes,
        [colours[lab] for lab in shown],
        [(names or {}).get(lab) or class_label(lab, lang) for lab in shown],
        [int(counts.get(lab, 0)) for lab in shown],
        title,
        lang,
    )


def lisa_classes(labels: pd.Series, *, lang: str) -> Classes:
    """LISA clusters in GeoDa's colours; isolates listed when there are any.

    Examples
    --------
    >>> import pandas as pd
    >>> labels = pd.Series(["High-High", "High-High", "Not significant", "Isolate", "Undefined"])
    >>> classes = lisa_classes(labels, lang="es")
    >>> classes.labels  # every quadrant listed (zeros included), isolates because there is one
    ['Alto-Alto', 'Bajo-Bajo', 'Bajo-Alto', 'Alto-Bajo', 'No significativo', 'Aislada (sin vecinas)']
    >>> classes.counts, classes.n_missing
    ([2, 0, 0, 0, 1, 1], 1)
    """
    return categorical_classes(
        labels,
        LISA_COLOURS,
        title=text("lisa", lang),
        lang=lang,
        always=[lab for lab in LISA_COLOURS if lab != ISOLATE],
    )


def gi_classes(labels: pd.Series, *, lang: str) -> Classes:
    """Gi* hot and cold spots by confidence, every level listed (with its count, zeros included).

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> gi = dm.local_g(gdf["PctPov"], dm.build_graph(gdf))
    >>> classes = gi_classes(gi.labels, lang="el")
    >>> classes.labels[0], classes.colours[0]
    ('Θερμό σημείο (99%)', '#b2182b')
    >>> sum(classes.counts) == len(gdf), classes.counts[0] == int((gi.labels == "Hot spot (99%)").sum())
    (True, True)
    """
    return categorical_classes(
        labels, GI_COLOURS, title=text("gi", lang), lang=lang, always=[lab for lab in GI_COLOURS if lab != ISOLATE]
    )


def significance_classes(result, *, lang: str) -> Classes:
    """GeoDa's significance map of a local statistic: the smallest of 0.05, 0.01, 0.001 each area's p reaches.

    The p compared is the one the clusters' labels use (``result.p_adjusted``, as
    ``result.significance()`` gives it), and the layer's title names it: "Significance (adjusted p (FDR))".
    Every level is listed, zeros included; isolates when there are any.

    Examples
    --------
    >>> import deprivation_map as dm
    >>> gdf = dm.datasets.load_georgia()
    >>> hot = dm.local_moran(gdf["PctPov"], dm.build_graph(gdf), seed=0)
    >>> classes = significance_classes(hot, lang="es")
    >>> classes.title, classes.labels[:3]
    ('Significación (p ajustado (FDR))', ['p ≤ 0,001', 'p ≤ 0,01', 'p ≤ 0,05'])
    >>> sum(classes.counts) == len(gdf), classes.counts[0] == int((hot.p_adjusted <= 0.001).sum())
    (True, True)
    """
    levels = sorted(lab.SIGNIFICANCE_LEVELS, reverse=True)
    names = {lab.significance_label(level): f"p ≤ {number(level, lang, len(f'{level:g}') - 2)}" for level in levels}
    which = p_name(getattr(result, "correction", "none"), lang)
    return categorical_classes(
        result.significance(),
        SIGNIFICANCE_COLOURS,
        title=text("significance", lang, which=which),
        lang=lang,
        always=[label for label in SIGNIFICANCE_COLOURS if label != ISOLATE],
        names=names,
    )
