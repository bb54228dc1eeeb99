"""Contract: every public function and class carries an example that runs as a doctest.

Public means: every function or class named in the ``__all__`` of ``deprivation_map``, of its public
subpackages and of every public (non-underscore) module. pytest runs the examples themselves
(``--doctest-modules`` over src/deprivation_map); this test makes sure none is forgotten.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import deprivation_map as dm


def public_modules() -> list[str]:
    names = ["deprivation_map"]
    names.extend(
        info.name
        for info in pkgutil.walk_packages(dm.__path__, "deprivation_map.")
        if not any(part.startswith("_") for part in info.name.split("."))
    )
    return sorted(names)


def public_objects() -> dict[str, object]:
    """``{"module.name": object}`` for each function and class in a public ``__all__`` (first module wins)."""
    found: dict[tuple[str, str], str] = {}
    objects = {}
    for module_name in public_modules():
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue  # registries, constants, submodules
            key = (obj.__module__, obj.__qualname__)
            if key not in found:
                found[key] = f"{obj.__module__}.{obj.__qualname__}"
                objects[found[key]] = obj
    return objects


def test_the_walk_finds_the_public_surface():
    objects = public_objects()
    for name in (
        "deprivation_map.index.composite.build_index",
        "deprivation_map.io.join.JoinReport",
        "deprivation_map.maps.interactive.save_map",
        "deprivation_map.io.sources.points.count_points",
    ):
        assert name in objects
    assert not any(part.startswith("_") for name in objects for part in name.split(".")[:-1])
    assert len(objects) > 100


@pytest.mark.parametrize("module_name", public_modules())
def test_every_public_function_and_class_has_a_doctest_example(module_name):
    module = importlib.import_module(module_name)
    missing = []
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and ">>>" not in (inspect.getdoc(obj) or ""):
            missing.append(f"{obj.__module__}.{obj.__qualname__}")
    assert not missing, f"public names whose docstring has no '>>>' example: {', '.join(missing)}"
