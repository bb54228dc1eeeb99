"""The README is the front door: its ten-line example runs, its demo summary is what the demo prints, and
every local file it links to exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deprivation_map.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")


def _block_after(heading: str) -> str:
    """The first fenced block after ``heading``."""
    rest = TEXT[TEXT.index(heading) :]
    return re.search(r"```\w*\n(.*?)```", rest, flags=re.S).group(1)


def test_the_first_map_example_has_ten_lines_and_runs(tmp_path, monkeypatch, capsys):
    code = _block_after("## A first map in ten lines")
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README example", "exec"), {})
    assert (tmp_path / "map.html").stat().st_size > 10_000
    printed = capsys.readouterr().out
    counts = dict(re.findall(r"^(High-High|Low-Low)\s+(\d+)$", printed, flags=re.M))
    assert f"High-High {counts['High-High']}, Low-Low {counts['Low-Low']}" in code  # the comment tells the truth


def test_the_demo_summary_is_what_the_demo_prints(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--out", "demo/"]) == 0
    printed = capsys.readouterr().out.strip().splitlines()
    summary = _block_after("printing a summary:").strip().splitlines()
    assert summary == printed


@pytest.mark.parametrize("target", sorted(set(re.findall(r"\]\(((?!https?:|#)[^)\s]+)\)", TEXT))))
def test_every_local_link_exists(target):
    assert (README.parent / target).exists(), f"README links to {target}, which is not in the repository"
