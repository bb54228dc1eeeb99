"""The public API: every exported name exists, once, and the walking-skeleton contract keeps its names."""

from __future__ import annotations

import deprivation_map as dm

SKELETON = (
    "read_boundaries",
    "read_indicators",
    "join_indicators",
    "build_index",
    "build_graph",
    "global_moran",
    "local_moran",
    "explore",
)


def test_every_exported_name_exists_once():
    assert len(dm.__all__) == len(set(dm.__all__))
    assert [name for name in dm.__all__ if not hasattr(dm, name)] == []


def test_the_walking_skeleton_names_are_still_public():
    assert set(SKELETON) <= set(dm.__all__)
