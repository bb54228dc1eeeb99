"""The index specification: which indicators, in which direction, with which weight.

A specification can be written as a plain mapping, ``{"PctPov": +1, "PctBach": -1}`` (direction only), or
``{"PctPov": {"direction": 1, "weight": 2}}``, or built from :class:`Indicator` objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import ValidationError

__all__ = ["IndexSpec", "Indicator", "parse_spec"]


@dataclass(frozen=True)
class Indicator:
    """One indicator of an index.

    Attributes
    ----------
    column : str
        The data column.
    direction : {1, -1}
        ``+1`` when a higher value means more deprived (poverty rate), ``-1`` when it means less
        deprived (share with a degree).
    weight : float
        A positive relative weight, used by ``weighting="explicit"``.
    """

    column: str
    direction: int = 1
    weight: float = 1.0

    def __post_init__(self) -> None:
        if self.direction not in (1, -1) or isinstance(self.direction, bool):
            raise ValidationError(
                f"Indicator {self.column!r} has direction {self.direction!r}; expected +1 (higher = more deprived) "
                "or -1 (higher = less deprived)."
            )
        if not (isinstance(self.weight, int | float) and math.isfinite(self.weight) and self.weight > 0):
            raise ValidationError(f"Indicator {self.column!r} has weight {self.weight!r}; expected a positive number.")


@dataclass(frozen=True)
class IndexSpec:
    """The indicators of an index, in order."""

    indicators: tuple[Indicator, ...]

    def __post_init__(self) -> None:
        if not self.indicators:
            raise ValidationError("An index needs at least one indicator, e.g. {'PctPov': +1}.")
        columns = [i.column for i in self.indicators]
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        if repeated:
            raise ValidationError(f"Indicators {repeated} are listed more than once; list each column once.")

    @property
    def columns(self) -> list[str]:
        return [i.column for i in self.indicators]

    @property
    def directions(self) -> dict[str, int]:
        return {i.column: i.direction for i in self.indicators}


def _indicator(column: str, value: object) -> Indicator:
    if isinstance(value, Mapping):
        unknown = set(value) - {"direction", "weight"}
        if unknown:
            raise ValidationError(
                f"Indicator {column!r} has unknown settings {sorted(unknown)}; expected 'direction' and 'weight'."
            )
        return Indicator(column, **value)
    return Indicator(column, direction=value)


def parse_spec(spec: IndexSpec | Mapping[str, object] | Iterable[Indicator]) -> IndexSpec:
    """Turn any accepted form of specification into an :class:`IndexSpec`.

    Examples
    --------
    >>> parse_spec({"PctPov": 1, "PctBach": {"direction": -1, "weight": 2}}).directions
    {'PctPov': 1, 'PctBach': -1}
    """
    if isinstance(spec, IndexSpec):
        return spec
    if isinstance(spec, Mapping):
        return IndexSpec(tuple(_indicator(str(col), value) for col, value in spec.items()))
    if isinstance(spec, str):
        raise ValidationError(f"An index specification must map columns to directions, got the string {spec!r}.")
    items = tuple(spec)
    if not all(isinstance(i, Indicator) for i in items):
        raise ValidationError("An index specification must be a mapping {column: direction} or a list of Indicator.")
    return IndexSpec(items)
