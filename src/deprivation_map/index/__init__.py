"""The composite index, step by step, as the OECD/JRC Handbook lays it out.

- :mod:`~deprivation_map.index.spec`: the specification (:class:`Indicator`, :class:`Domain`,
  :class:`IndexSpec`): indicators with their direction, weight and treatment, nested in domains;
- the steps: :mod:`~deprivation_map.index.impute` (missing values), :mod:`~deprivation_map.index.treat`
  (outliers), :mod:`~deprivation_map.index.normalise`, :mod:`~deprivation_map.index.weighting` and
  :mod:`~deprivation_map.index.aggregate`;
- :mod:`~deprivation_map.index.composite`: :func:`build_index` -> :class:`DeprivationIndex`;
- :mod:`~deprivation_map.index.recipes`: published indices (IMD, SVI, Townsend, Carstairs, PCA);
- :mod:`~deprivation_map.index.diagnostics` and :mod:`~deprivation_map.index.sensitivity`: how far the
  index can be defended.
"""

from __future__ import annotations

from . import recipes  # noqa: F401  (dm.recipes; documented as the module deprivation_map.index.recipes)
from .composite import DeprivationIndex, build_index
from .diagnostics import Diagnostics, diagnose
from .sensitivity import Uncertainty, uncertainty
from .spec import Domain, IndexSpec, Indicator

__all__ = [
    "DeprivationIndex",
    "Diagnostics",
    "Domain",
    "IndexSpec",
    "Indicator",
    "Uncertainty",
    "build_index",
    "diagnose",
    "uncertainty",
]
