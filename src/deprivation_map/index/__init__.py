"""The composite index, step by step, as the OECD/JRC Handbook lays it out.

- :mod:`~deprivation_map.index.spec`: the specification (:class:`Indicator`, :class:`Domain`,
  :class:`IndexSpec`): indicators with their direction, weight and treatment, nested in domains;
- the steps: :mod:`~deprivation_map.index.impute` (missing values), :mod:`~deprivation_map.index.treat`
  (outliers), :mod:`~deprivation_map.index.normalise`, :mod:`~deprivation_map.index.weighting` and
  :mod:`~deprivation_map.index.aggregate`;
- :mod:`~deprivation_map.index.composite`: :func:`build_index` -> :class:`DeprivationIndex`;
- :mod:`~deprivation_map.index.panel`: the index over time (:func:`panel_index`, :func:`normalise_panel`,
  :func:`panel_ranks`, :func:`mobility`, :func:`persistently_deprived`, :func:`panel_change`);
- :mod:`~deprivation_map.index.recipes`: published indices (IMD, SVI, Townsend, Carstairs, PCA);
- :mod:`~deprivation_map.index.diagnostics` and :mod:`~deprivation_map.index.sensitivity`: how far the
  index can be defended.
"""

from __future__ import annotations

from . import recipes  # noqa: F401  (dm.recipes; documented as the module deprivation_map.index.recipes)
from .composite import DeprivationIndex, build_index
from .diagnostics import Diagnostics, diagnose
from .panel import mobility, normalise_panel, panel_change, panel_index, panel_ranks, persistently_deprived
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
    "mobility",
    "normalise_panel",
    "panel_change",
    "panel_index",
    "panel_ranks",
    "persistently_deprived",
    "uncertainty",
]
