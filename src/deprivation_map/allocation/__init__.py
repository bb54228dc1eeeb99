"""From need to fair shares: allocation, its equity, access to services and where to put new ones.

- :mod:`~deprivation_map.allocation.shares`: :func:`allocate` -> :class:`Allocation` (exact in minor units);
- :mod:`~deprivation_map.allocation.equity`: Gini, concentration index and curve -> :class:`Equity`;
- :mod:`~deprivation_map.allocation.access`: :func:`distance_to_services` and :func:`select_sites`.
"""

from __future__ import annotations

from .access import ServiceAccess, SiteSelection, distance_to_services, select_sites
from .equity import Equity, assess_equity, concentration_curve, concentration_index, gini
from .shares import Allocation, allocate

__all__ = [
    "Allocation",
    "Equity",
    "ServiceAccess",
    "SiteSelection",
    "allocate",
    "assess_equity",
    "concentration_curve",
    "concentration_index",
    "distance_to_services",
    "gini",
    "select_sites",
]
