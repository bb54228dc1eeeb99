"""From need to fair shares: allocation, its equity, access to services and where to put new ones.

- :mod:`~deprivation_map.allocation.shares`: :func:`allocate` -> :class:`Allocation` (exact in minor units);
- :mod:`~deprivation_map.allocation.equity`: Gini, concentration index and curve -> :class:`Equity`;
- :mod:`~deprivation_map.allocation.access`: :func:`distance_to_services` and :func:`select_sites`;
- :mod:`~deprivation_map.allocation.catchment`: :func:`accessibility`, floating catchment scores with capacity;
- :mod:`~deprivation_map.allocation.groups`: :func:`vulnerable_groups`, where vulnerable groups live, safe to publish;
- :mod:`~deprivation_map.allocation.location`: :func:`p_median` and :func:`set_cover`, exact location models.
"""

from __future__ import annotations

from .access import ServiceAccess, SiteSelection, distance_to_services, select_sites
from .catchment import Accessibility, accessibility
from .equity import Equity, assess_equity, concentration_curve, concentration_index, gini
from .groups import VulnerableGroups, vulnerable_groups
from .location import Locations, p_median, set_cover
from .shares import Allocation, allocate

__all__ = [
    "Accessibility",
    "Allocation",
    "Equity",
    "Locations",
    "ServiceAccess",
    "SiteSelection",
    "VulnerableGroups",
    "accessibility",
    "allocate",
    "assess_equity",
    "concentration_curve",
    "concentration_index",
    "distance_to_services",
    "gini",
    "p_median",
    "select_sites",
    "set_cover",
    "vulnerable_groups",
]
