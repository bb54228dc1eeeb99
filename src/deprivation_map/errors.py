"""The exceptions and warnings users catch.

Every error says what was expected, what was found and how to fix it, naming a few offending IDs.
They all derive from :class:`DeprivationMapError`, and from :class:`ValueError` where the cause is a bad
value, so ``except ValueError`` in existing code keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "ConfigError",
    "DeprivationMapError",
    "DeprivationMapWarning",
    "GraphError",
    "JoinError",
    "ValidationError",
    "format_ids",
]


class DeprivationMapError(Exception):
    """Base class of every error raised by deprivation_map."""


class ValidationError(DeprivationMapError, ValueError):
    """An input does not have the shape, type or values a function needs."""


class JoinError(DeprivationMapError, ValueError):
    """Boundaries and an indicator table do not match by area ID as the join policy requires."""


class GraphError(DeprivationMapError, ValueError):
    """A spatial graph cannot be built or used as asked (islands, IDs that do not match the data)."""


class ConfigError(DeprivationMapError, ValueError):
    """A pipeline configuration has an unknown key, a wrong type or a path that does not exist."""


class DeprivationMapWarning(UserWarning):
    """Something was done that the user asked for but should know about (a ``"warn"`` policy)."""


def format_ids(ids: Iterable[object], *, limit: int = 5) -> str:
    """Quote the first ``limit`` IDs and say how many there are in all.

    Examples
    --------
    >>> format_ids(["001", "002", "003"], limit=2)
    "'001', '002', ... (3 in all)"
    >>> format_ids(["7"])
    "'7'"
    """
    ids = list(ids)
    shown = ", ".join(repr(str(i)) for i in ids[:limit])
    if len(ids) > limit:
        return f"{shown}, ... ({len(ids)} in all)"
    return shown
