"""The labels of local statistics, written once: LISA quadrants, Gi* confidence bins and significance levels.

Every module that writes or reads a cluster label (the statistics, the maps' colours and legends, the
tooltips, districts, robust hotspots, the pipeline's summary) imports it from here, so a label can never be
spelt two ways. The maps package sits above this one and may import it; nothing here imports maps.

- LISA (local Moran, bivariate and rate LISA): one quadrant of the Moran scatter plot per significant area,
  :data:`QUADRANTS` in esda's codes (1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low), ordered in
  :data:`LISA_LABELS`;
- Gi*: a hot or cold spot at the highest confidence its p-value reaches, :data:`GI_LEVELS`, with ArcGIS's
  ``Gi_Bin`` code (+3 .. -3) in :data:`GI_BINS`, ordered in :data:`GI_LABELS`;
- significance maps (GeoDa's): the smallest of :data:`SIGNIFICANCE_LEVELS` an area's p-value reaches, named
  by :func:`significance_label`;
- every statistic: :data:`NOT_SIGNIFICANT`, and the two labels of areas that were not tested at all,
  :data:`ISOLATE` (no neighbour with a value) and :data:`UNDEFINED` (no value), which are never significant.

Examples
--------
>>> from deprivation_map.spatial import labels
>>> labels.LISA_LABELS[:4], labels.QUADRANTS[1]
(('High-High', 'Low-Low', 'Low-High', 'High-Low'), 'High-High')
>>> labels.GI_BINS["Hot spot (95%)"], labels.GI_BINS["Cold spot (99%)"], labels.GI_BINS["Isolate"]
(2, -3, 0)
>>> [significance_label(level) for level in SIGNIFICANCE_LEVELS]
['p <= 0.05', 'p <= 0.01', 'p <= 0.001']
"""

from __future__ import annotations

__all__ = [
    "EMERGING_LABELS",
    "EMERGING_PATTERNS",
    "NO_PATTERN",
    "GI_BINS",
    "GI_LABELS",
    "GI_LEVELS",
    "HIGH_HIGH",
    "HIGH_LOW",
    "ISOLATE",
    "LISA_LABELS",
    "LOW_HIGH",
    "LOW_LOW",
    "NOT_SIGNIFICANT",
    "NOT_TESTED",
    "QUADRANTS",
    "SIGNIFICANCE_LEVELS",
    "UNDEFINED",
    "cold_spot",
    "hot_spot",
    "significance_label",
    "significance_labels",
]

HIGH_HIGH = "High-High"
LOW_LOW = "Low-Low"
LOW_HIGH = "Low-High"
HIGH_LOW = "High-Low"
NOT_SIGNIFICANT = "Not significant"
ISOLATE = "Isolate"
UNDEFINED = "Undefined"

NOT_TESTED = (ISOLATE, UNDEFINED)
"""Areas with no test: no neighbour with a value, or no value. Never significant, never counted in a correction."""

QUADRANTS: dict[int, str] = {1: HIGH_HIGH, 2: LOW_HIGH, 3: LOW_LOW, 4: HIGH_LOW}
"""The quadrant of the Moran scatter plot by esda's code ``q``."""

LISA_LABELS = (HIGH_HIGH, LOW_LOW, LOW_HIGH, HIGH_LOW, NOT_SIGNIFICANT, *NOT_TESTED)
"""Every LISA label, in the order of counts and legends."""

GI_LEVELS: tuple[tuple[int, float, str], ...] = ((3, 0.01, "99%"), (2, 0.05, "95%"), (1, 0.10, "90%"))
"""Gi* confidence bins: (ArcGIS's ``Gi_Bin`` magnitude, the p-value cut, the confidence), strongest first."""


def hot_spot(confidence: str) -> str:
    """The label of a hot spot at ``confidence`` (e.g. ``"95%"``).

    Examples
    --------
    >>> hot_spot("95%")
    'Hot spot (95%)'
    """
    return f"Hot spot ({confidence})"


def cold_spot(confidence: str) -> str:
    """The label of a cold spot at ``confidence`` (e.g. ``"95%"``).

    Examples
    --------
    >>> cold_spot("99%")
    'Cold spot (99%)'
    """
    return f"Cold spot ({confidence})"


GI_LABELS = (
    *(hot_spot(conf) for _, _, conf in GI_LEVELS),
    *(cold_spot(conf) for _, _, conf in GI_LEVELS),
    NOT_SIGNIFICANT,
    *NOT_TESTED,
)
"""Every Gi* label, in the order of counts."""

GI_BINS: dict[str, int] = {
    **{hot_spot(conf): level for level, _, conf in GI_LEVELS},
    **{cold_spot(conf): -level for level, _, conf in GI_LEVELS},
    NOT_SIGNIFICANT: 0,
    ISOLATE: 0,
    UNDEFINED: 0,
}
"""ArcGIS's ``Gi_Bin`` of each Gi* label: +3/+2/+1 hot spots at 99/95/90 %, -3/-2/-1 cold spots, 0 otherwise."""

SIGNIFICANCE_LEVELS = (0.05, 0.01, 0.001)
"""The levels of GeoDa's significance map, weakest first."""


def significance_label(level: float) -> str:
    """The label of areas whose p-value is at most ``level`` (and above the next smaller level).

    Examples
    --------
    >>> significance_label(0.01)
    'p <= 0.01'
    """
    return f"p <= {level:g}"


def significance_labels(levels: tuple[float, ...] = SIGNIFICANCE_LEVELS) -> tuple[str, ...]:
    """Every label of a significance map over ``levels``, strongest first, then the areas not significant or not tested.

    Examples
    --------
    >>> significance_labels()
    ('p <= 0.001', 'p <= 0.01', 'p <= 0.05', 'Not significant', 'Isolate', 'Undefined')
    """
    return (*(significance_label(level) for level in sorted(levels)), NOT_SIGNIFICANT, *NOT_TESTED)


EMERGING_PATTERNS = (
    "New",
    "Consecutive",
    "Intensifying",
    "Persistent",
    "Diminishing",
    "Sporadic",
    "Oscillating",
    "Historical",
)
"""The eight patterns of Esri's Emerging Hot Spot Analysis, in Esri's order."""

NO_PATTERN = "No Pattern Detected"

EMERGING_LABELS = (
    *(f"{pattern} Hot Spot" for pattern in EMERGING_PATTERNS),
    *(f"{pattern} Cold Spot" for pattern in EMERGING_PATTERNS),
    NO_PATTERN,
    UNDEFINED,
)
"""Every emerging hot spot category with Esri's names (``"New Hot Spot"`` ... ``"Historical Cold Spot"``,
``"No Pattern Detected"``), then areas with a missing value in some period."""
