"""The code is formatted by ruff and passes its lint rules (both configured in pyproject.toml).

The rules go beyond pyflakes (unused or undefined names, repeated dictionary keys, stray control characters in
docstrings, each of which has hidden a real bug here before): import order, pyupgrade, bugbear, simplify,
comprehensions, implicit string concatenation, Ruff's own rules and numpydoc docstrings on the public surface.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ruff")
ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_ruff_finds_nothing():
    done = _ruff("check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted():
    done = _ruff("format", "--check")
    assert done.returncode == 0, "run `ruff format`: " + done.stdout + done.stderr
