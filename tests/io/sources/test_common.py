"""The sources package: light to import, and a clear message when its extra is missing."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deprivation_map.io.sources._common import require


def test_importing_the_sources_loads_neither_rasterio_nor_tobler():
    code = (
        "import sys, deprivation_map.io.sources; print(sorted(m for m in ('rasterio', 'tobler') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_missing_optional_dependency_names_the_extra():
    with pytest.raises(ImportError, match=r'This needs no_such_raster_lib.*pip install "deprivation-map\[sources\]"'):
        require("no_such_raster_lib.io")
