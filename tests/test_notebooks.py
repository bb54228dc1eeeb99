"""The notebooks in notebooks/ run from top to bottom without an error, and their stored outputs are clean.

Each notebook is executed with nbclient on the "python3" kernel (ipykernel, installed by the ``test`` extra,
runs it with this interpreter) in a temporary working directory, so whatever it writes to ./output stays out
of the repository. A new notebook is picked up by the glob. The stored copies must be executed in one run
from the top (execution counts 1, 2, 3 ...), without error outputs, warnings or absolute paths of the machine
that ran them, small enough to read on GitHub, and with the same kinds of output a fresh run produces.

To refresh the stored outputs after editing a notebook: ``python tests/test_notebooks.py [NAME.ipynb ...]``.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

import nbclient  # the test extra installs nbclient, nbformat and ipykernel (the "python3" kernel)
import nbformat
import pytest

pytestmark = pytest.mark.slow

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
CELL_TIMEOUT = 300  # seconds for one cell; the first permutation test of a fresh install compiles numba kernels
MAX_BYTES = 1_500_000
# absolute paths of a machine, a temporary folder or a kernel's cell file, as they would appear in outputs
LOCAL_PATH = re.compile(r"(/(home|root|tmp|work|Users|private|var/folders)/|[A-Za-z]:\\\\|ipykernel_\d+)")
# Look for the "python3" kernel in this environment before the user's folder (where an old kernelspec may
# point to another interpreter); jupyter_core reads this when a kernel is started.
os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")
# The real public datasets beside the project (see tests/conftest.py). Notebooks that use them read
# DEPRIVATION_MAP_SHARED_DATA; the kernel inherits it, since it runs in a temporary folder where no relative
# path reaches them. Their stored outputs are those of a run with the data.
SHARED_DATA = Path(os.environ.get("DEPRIVATION_MAP_SHARED_DATA", FOLDER.parents[1] / "shared" / "data")).resolve()
if SHARED_DATA.is_dir():
    os.environ["DEPRIVATION_MAP_SHARED_DATA"] = str(SHARED_DATA)
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def execute(path: Path, cwd: Path):
    """The notebook at ``path`` executed in ``cwd``; raises nbclient's CellExecutionError on any error."""
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", record_timing=False, resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return nb


def clean(nb):
    """Drop volatile metadata (timings, the kernel's Python version), keep execution counts, and merge
    consecutive pieces of one stream (how printed text is split into pieces depends on timing)."""
    nb.metadata = nbformat.from_dict(METADATA)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type != "code":
            continue
        merged = []
        for out in cell.outputs:
            if merged and out.output_type == "stream" == merged[-1].output_type and out.name == merged[-1].name:
                merged[-1].text += out.text
            else:
                merged.append(out)
        cell.outputs = merged
    return nb


def _kinds(nb) -> list[list[tuple]]:
    """Per code cell, the kinds of its outputs: (output type, stream name or sorted MIME types)."""
    return [
        [(o.output_type, o.get("name") or tuple(sorted(o.get("data", {})))) for o in cell.outputs]
        for cell in nb.cells
        if cell.cell_type == "code"
    ]


def test_the_kernel_runs_this_interpreter(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys, deprivation_map\nprint(sys.prefix)")])
    path = tmp_path / "kernel.ipynb"
    nbformat.write(nb, path)
    printed = execute(path, tmp_path).cells[0].outputs[0].text.strip()
    assert printed == sys.prefix  # the same environment (a venv's python may link to the system's)


def test_the_notebooks_are_found():
    names = {p.name for p in NOTEBOOKS}
    assert {
        "01_first_map.ipynb",
        "02_building_an_index.ipynb",
        "03_hotspots.ipynb",
        "04_fair_allocation.ipynb",
        "05_publishing.ipynb",
    } <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_its_stored_outputs_are_current(path, tmp_path):
    before = sorted(FOLDER.iterdir())
    executed = clean(execute(path, tmp_path))
    assert sorted(FOLDER.iterdir()) == before, (
        f"{path.name} wrote beside itself: write into output/ of the working folder"
    )
    stored = nbformat.read(path, as_version=4)
    assert [c.source for c in executed.cells] == [c.source for c in stored.cells]
    if "DEPRIVATION_MAP_SHARED_DATA" in path.read_text() and not SHARED_DATA.is_dir():
        pytest.skip(f"{path.name} ran without error; its stored outputs use the real data, absent at {SHARED_DATA}")
    assert _kinds(executed) == _kinds(stored), (
        f"{path.name}: its stored outputs are not those a fresh run produces; refresh them with "
        f"`python tests/test_notebooks.py {path.name}`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebook_is_executed_clean_and_small(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size:,} bytes: store less output"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and sum(len(c.outputs) for c in code) >= len(code) // 2, f"{path.name} is stored without outputs"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), f"{path.name}: not run top to bottom"
    assert nb.metadata == METADATA, f"{path.name}: volatile metadata left in; refresh it with this script"
    for cell in code:
        assert "execution" not in cell.metadata
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: an error is stored: {out.get('evalue')}"
            assert out.get("name") != "stderr", f"{path.name}: a warning or error is stored: {out.get('text')}"
            text = json.dumps(out)
            assert not LOCAL_PATH.search(text), f"{path.name}: a local path is stored: {LOCAL_PATH.search(text)}"
            assert "L.map(" not in text, f"{path.name}: a whole Leaflet map is stored; save it to a file instead"


def main(names: list[str]) -> None:
    """Execute the named notebooks (all by default) in a temporary folder and store them with their outputs."""
    for path in [FOLDER / n for n in names] or NOTEBOOKS:
        with tempfile.TemporaryDirectory() as cwd:
            nb = clean(execute(path, Path(cwd)))
        nbformat.write(nb, path)
        print(f"{path.name}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
