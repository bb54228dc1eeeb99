"""Shared fixtures: the bundled datasets, loaded once per session, and the real data folder when present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import deprivation_map as dm

# beside the project root; DEPRIVATION_MAP_SHARED_DATA points elsewhere (a git worktree lives somewhere else)
SHARED_DATA = Path(os.environ.get("DEPRIVATION_MAP_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data"))


@pytest.fixture(scope="session")
def georgia():
    """Georgia's 159 counties joined with their indicators (do not modify: copy first)."""
    return dm.datasets.load_georgia()


@pytest.fixture(scope="session")
def toy():
    """(areas, table) of the toy dataset, not joined."""
    return dm.datasets.load_toy()


@pytest.fixture(scope="session")
def toy_joined(toy):
    """The toy areas with their indicators; 012 has no row, 005 a missing value, 013 is an island."""
    return dm.join_indicators(*toy, on_unmatched="keep")


@pytest.fixture(scope="session")
def shared_data():
    """The real public datasets beside the project; tests using them skip where the folder is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data folder {SHARED_DATA} is absent")
    return SHARED_DATA.resolve()
