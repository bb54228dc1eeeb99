"""The import rules of docs/architecture.rst, checked on the source of every module.

1. No import cycle between modules (imports inside functions count: they are cycles deferred, not removed).
2. No private name crosses a module boundary (``from .x import _y``), and a private module is imported only
   by its own package; the shared floor (``errors``, ``_validation``, ``_repr``, ``_version``) is open to all.
3. Floors: a package imports only from its own floor and those below it, so the data flows one way:
   shared floor < io < index, datasets < spatial < allocation < maps < config < distributed < pipeline < atlas <
   cli < the package.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import deprivation_map

ROOT = Path(deprivation_map.__file__).parent
PACKAGE = "deprivation_map"
SHARED = {"errors", "_validation", "_repr", "_version", "_compat", "_progress"}
FLOORS = {
    "shared": 0,
    "io": 1,
    "index": 2,
    "datasets": 2,
    "spatial": 3,
    "allocation": 4,
    "maps": 5,
    "config": 6,
    "distributed": 7,
    "pipeline": 8,
    "atlas": 9,
    "cli": 10,
    "": 11,  # deprivation_map/__init__.py: the public API gathers every floor
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _imports(module: str) -> Iterator[tuple[str, str, int]]:
    """``(imported module, imported name or "", line)`` for every import of the package inside ``module``."""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == PACKAGE)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parent = base[: len(base) - node.level + 1]
                target = ".".join(parent + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                yield (submodule, "", node.lineno) if submodule in MODULES else (target, alias.name, node.lineno)


EDGES = {m: sorted(set(_imports(m))) for m in MODULES}


def _package(module: str) -> str:
    """The stage package (``io``, ``index`` ...) or top-floor module a module belongs to; "" for the root."""
    parts = module.split(".")[1:]
    if parts and parts[0] in SHARED:
        return "shared"
    return parts[0] if parts else ""


def _owner(module: str) -> str:
    """The package whose private modules ``module`` may import: its own package."""
    return module if _is_package(module) else module.rpartition(".")[0]


def test_the_analysis_sees_every_module_and_import():
    assert {"deprivation_map.io.join", "deprivation_map.spatial.lisa", "deprivation_map.cli"} <= set(MODULES)
    assert ("deprivation_map.errors", "", 14) not in EDGES["deprivation_map.cli"]  # lines are real lines
    assert any(t == "deprivation_map.io.join" for t, _, _ in EDGES["deprivation_map.pipeline._check"])
    assert all(_package(m) in FLOORS for m in MODULES), "every module belongs to a floor"


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w, _, _ in EDGES[v]:
            if w not in MODULES:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle():
    assert not _cycles(), "\n".join(" <-> ".join(c) for c in _cycles())


def test_no_private_name_crosses_a_module_boundary():
    crossings = [
        f"{m}:{line} imports {name} from {target}"
        for m, edges in EDGES.items()
        for target, name, line in edges
        if name.startswith("_") and name != "__version__"
    ]
    assert not crossings, "\n".join(crossings)


def test_private_modules_are_imported_only_by_their_own_package():
    crossings = []
    for m, edges in EDGES.items():
        for target, _, line in edges:
            private = [p for p in target.split(".")[1:] if p.startswith("_")]
            if not private or target.split(".")[1] in SHARED:
                continue
            owner = target[: target.index("._")]
            if not (_owner(m) == owner or _owner(m).startswith(owner + ".") or m == PACKAGE):
                crossings.append(f"{m}:{line} imports {target}")
    assert not crossings, "\n".join(crossings)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_floor_never_imports_a_higher_one(module):
    floor = FLOORS[_package(module)]
    higher = [
        f"{target} (line {line}, floor {FLOORS[_package(target)]})"
        for target, _, line in EDGES[module]
        if target in MODULES and _package(target) != _package(module) and FLOORS[_package(target)] >= floor
    ]
    assert not higher, f"{module} (floor {floor}) imports from its own floor or above: {', '.join(higher)}"


def test_the_rules_catch_what_they_forbid(tmp_path, monkeypatch):
    """Each rule fails on a made-up module that breaks it (so a silent analysis cannot pass)."""
    edges = {
        "deprivation_map.io.x": [("deprivation_map.spatial.graph", "", 1), ("deprivation_map.io.y", "_helper", 2)],
        "deprivation_map.io.y": [("deprivation_map.io.x", "", 1)],
        "deprivation_map.maps.z": [("deprivation_map.spatial._prepare", "", 3)],
    }
    fake = dict.fromkeys(edges, ROOT / "fake.py")
    monkeypatch.setattr(f"{__name__}.MODULES", {**MODULES, **fake, "deprivation_map.spatial._prepare": ROOT / "x.py"})
    monkeypatch.setattr(f"{__name__}.EDGES", {**EDGES, **edges, "deprivation_map.spatial._prepare": []})
    assert ["deprivation_map.io.x", "deprivation_map.io.y"] in _cycles()
    with pytest.raises(AssertionError, match="_helper"):
        test_no_private_name_crosses_a_module_boundary()
    with pytest.raises(AssertionError, match=r"spatial\._prepare"):
        test_private_modules_are_imported_only_by_their_own_package()
    with pytest.raises(AssertionError, match=r"spatial\.graph"):
        test_a_floor_never_imports_a_higher_one("deprivation_map.io.x")


def test_at_most_a_dozen_modules_on_the_top_floor():
    top = sorted(p.stem for p in ROOT.glob("*.py"))
    assert len(top) <= 12, top


def test_every_package_is_listed_for_installation():
    """A package missing from [tool.setuptools] packages works in an editable install but not from a wheel."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
            "packages"
        ]
    )
    found = {".".join(p.parent.relative_to(ROOT.parent).parts) for p in ROOT.rglob("__init__.py")}
    assert found - listed == set(), (
        f"packages missing from pyproject.toml's [tool.setuptools] packages: {found - listed}"
    )
