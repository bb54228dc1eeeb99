"""The documentation: it builds with warnings as errors, its examples run, and its references are complete.

The build runs on a copy of ``docs/`` (autosummary writes generated pages next to the sources), with the
Sphinx of the environment, offline (no intersphinx). The ``>>>`` examples of every page run as doctests,
each page in its own namespace and a fresh working folder, so whatever a page writes goes to a temporary
folder.
"""

from __future__ import annotations

import doctest
import functools
import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import deprivation_map as dm

pytestmark = pytest.mark.slow

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.rst") if "_build" not in p.parts and "generated" not in p.parts)
DOCTESTED = [p for p in PAGES if ">>> " in p.read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The HTML build of a copy of docs/, with ``-W --keep-going``; skipped where Sphinx is not installed."""
    pytest.importorskip("sphinx")  # the docs extra; numpydoc or the theme missing beside it is a failure
    root = tmp_path_factory.mktemp("docs")
    source = root / "source"
    shutil.copytree(DOCS, source, ignore=shutil.ignore_patterns("_build", "generated"))
    # the pages include a file of the package by a path relative to docs/: keep it reachable from the copy
    (root / "src").symlink_to(DOCS.parent / "src", target_is_directory=True)
    out = root / "html"
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html", "-q", str(source), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    return proc, out


def test_the_docs_build_without_warnings(built):
    proc, out = built
    assert proc.returncode == 0, proc.stderr[-5000:]
    assert "WARNING" not in proc.stderr and "ERROR" not in proc.stderr, proc.stderr[-5000:]
    assert (out / "index.html").is_file()


def _text(path: Path) -> str:
    """The visible text of a built page, roughly: tags dropped, entities of quotes decoded."""
    html = path.read_text(encoding="utf-8")
    return re.sub(r"<[^>]+>", "", html).replace("&quot;", '"').replace("&#34;", '"')


def test_every_config_key_is_in_the_config_reference(built):
    from deprivation_map.config import sections

    page = _text(built[1] / "reference" / "config.html")
    for section in sections():
        assert f"[{section.name}]" in page
        for key in section.keys:
            assert re.search(rf"\b{key.name}\b", page), f"{section.name}.{key.name} is not in the config reference"
            for choice in key.choices or ():
                assert f'"{choice}"' in page, f"{section.name}.{key.name} = {choice!r} is not in the reference"


def test_every_cli_command_and_option_is_in_the_cli_reference(built):
    from deprivation_map.cli import _parser

    page = _text(built[1] / "reference" / "cli.html")
    parser = _parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in subparsers.choices.items():
        assert f"deprivation-map {name}" in page
        for action in sub._actions:
            for option in action.option_strings or [action.dest]:
                assert option in page, f"{name} {option} is not in the CLI reference"


def _documented_names() -> set[str]:
    """Every name listed in an autosummary of the API reference, qualified by its currentmodule."""
    names: set[str] = set()
    for page in (DOCS / "api").glob("*.rst"):
        module = ""
        in_summary = False
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith(".. currentmodule::"):
                module = line.split("::", 1)[1].strip()
            elif line.startswith(".. autosummary::"):
                in_summary = True
            elif in_summary and line.startswith("   ") and not line.strip().startswith(":"):
                names.add(f"{module}.{line.strip()}" if module else line.strip())
            elif in_summary and line.strip() and not line.startswith("   "):
                in_summary = False
    return names


def test_the_api_reference_lists_the_whole_public_api():
    documented = _documented_names()
    names = [n for n in dm.__all__ if n != "__version__"]  # a module (dm.recipes) is documented by its own path
    missing = [
        f"deprivation_map.{n}"
        for n in names
        if f"deprivation_map.{n}" not in documented and getattr(getattr(dm, n), "__name__", None) not in documented
    ]
    assert not missing, f"not in docs/api/index.rst: {missing}"


@functools.cache
def _public_modules() -> list[str]:
    """Every module of the package whose name has no leading underscore (the data-only package aside)."""
    import pkgutil

    names = [m.name for m in pkgutil.walk_packages(dm.__path__, "deprivation_map.")]
    return sorted(
        n for n in names if not any(part.startswith("_") for part in n.split(".")) and not n.endswith(".boundaries")
    )


def _page_of(module_name: str, member: str) -> str:
    """Where the reference documents ``member`` of a module: under the nearest package that re-exports the
    same object (``deprivation_map.build_index``, ``deprivation_map.io.sources.count_points``), else the module."""
    obj = getattr(importlib.import_module(module_name), member)
    parts = module_name.split(".")
    for depth in range(1, len(parts)):
        package = importlib.import_module(".".join(parts[:depth]))
        if member in getattr(package, "__all__", ()) and getattr(package, member, None) is obj:
            return f"{package.__name__}.{member}"
    home = getattr(obj, "__module__", None)  # a function or class imported from another public module
    if isinstance(home, str) and home != module_name and home in _public_modules():
        return _page_of(home, member)
    return f"{module_name}.{member}"


@pytest.mark.parametrize("name", _public_modules())
def test_every_public_name_of_every_module_has_a_page(built, name):
    """Each name of a public module's ``__all__`` has its page in the built reference, documented once: under
    the package that re-exports it, else under the module."""
    generated = built[1] / "api" / "generated"
    module = importlib.import_module(name)
    missing = [
        page
        for page in (_page_of(name, m) for m in getattr(module, "__all__", ()))
        if not (generated / f"{page}.html").is_file()
    ]
    assert not missing, f"no page in the API reference for {missing} (list {name} in docs/api/modules.rst)"


@pytest.mark.parametrize("page", DOCTESTED, ids=[str(p.relative_to(DOCS)) for p in DOCTESTED])
def test_the_examples_of_each_page_run(page, tmp_path, monkeypatch):
    text = page.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {"__name__": "__docs__"}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=flags)
    report: list[str] = []  # doctest swaps sys.stdout while examples run, so its report is collected here
    result = runner.run(test, out=report.append)
    assert result.failed == 0, "".join(report)


def _code_blocks(language: str) -> list[tuple[Path, str]]:
    """The ``.. code-block:: <language>`` blocks of every page, dedented."""
    import textwrap

    blocks = []
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.strip() == f".. code-block:: {language}":
                body = []
                for following in lines[i + 1 :]:
                    if following.strip() and not following.startswith("   "):
                        break
                    body.append(following)
                blocks.append((page, textwrap.dedent("\n".join(body)).strip()))
    return blocks


def test_every_toml_snippet_is_a_valid_configuration(tmp_path):
    """A TOML block of the docs, completed with the demo's inputs where it has none, passes load_config."""
    import tomllib

    from deprivation_map.config import load_config

    blocks = _code_blocks("toml")
    assert blocks, "the docs show no TOML"
    demo = tomllib.loads(dm.datasets.get_path("demo.toml").read_text(encoding="utf-8"))
    for _page, text in blocks:
        snippet = tomllib.loads(text)
        inputs = "".join(
            f"[{s}]\npath = {demo[s]['path']!r}\nid_col = {demo[s]['id_col']!r}\n"
            for s in ("boundaries", "indicators")
            if s not in snippet
        )
        for name in _file_names(snippet):  # the snippet's own files: load_config checks only that they exist
            (tmp_path / name).touch()
        path = tmp_path / "snippet.toml"
        path.write_text(inputs.replace("'", '"') + text, encoding="utf-8")
        load_config(path)


def _file_names(value) -> list[str]:
    """Every relative file name (a string with an extension) among a parsed TOML document's values."""
    if isinstance(value, dict):
        return [n for x in value.values() for n in _file_names(x)]
    if isinstance(value, list):
        return [n for x in value for n in _file_names(x)]
    is_file = isinstance(value, str) and re.fullmatch(r"[\w.-]+\.(gpkg|csv|xlsx|tif|geojson|shp|parquet)", value)
    return [value] if is_file else []


def test_the_shell_commands_shown_exist():
    """Every ``deprivation-map`` command line in the docs names a command and options the parser accepts."""
    import shlex

    from deprivation_map.cli import _parser

    seen = 0
    for page, text in _code_blocks("bash"):
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            for part in line.split("&&"):
                words = shlex.split(part)
                if words and words[0] == "deprivation-map":
                    args = _parser().parse_args(words[1:])  # exits (SystemExit) on an unknown command or option
                    assert args.command in ("demo", "run", "publish"), f"{page.name}: {part}"
                    seen += 1
    assert seen >= 3


@pytest.mark.parametrize("pattern", [r"notebooks/[\w.-]+\.ipynb", r"examples/[\w.-]+\.py"])
def test_the_notebooks_and_examples_named_in_the_docs_exist(pattern):
    root = DOCS.parent
    named = {m for page in PAGES for m in re.findall(pattern, page.read_text(encoding="utf-8"))}
    assert named, f"the docs name no file like {pattern}"
    missing = sorted(n for n in named if not (root / n).is_file())
    assert not missing, f"the docs name files that do not exist: {missing}"


def test_every_extra_the_docs_install_exists():
    import tomllib

    extras = set(
        tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    )
    named = {m for _, text in _code_blocks("bash") for m in re.findall(r'pip install -e "?\.\[(\w+)\]', text)}
    assert {"docs", "test"} <= named
    assert named <= extras, f"the docs install extras that pyproject.toml does not define: {named - extras}"
