"""Sphinx configuration of the deprivation_map documentation.

Build (warnings are errors, as in CI through tests/test_docs.py):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import sys
from pathlib import Path

import deprivation_map

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "deprivation_map"
author = "deprivation_map developers"
copyright = "deprivation_map developers, MIT licence"
release = deprivation_map.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "dm_reference",  # docs/_ext: the CLI and configuration references, generated from the code
]

templates_path = ["_templates"]
exclude_patterns = ["_build"]
root_doc = "index"
language = "en"

# Everything is built from the installed package; nothing is fetched (no intersphinx: the docs build offline).
autosummary_generate = True
autosummary_imported_members = True
autosummary_ignore_module_all = False  # module pages list exactly their __all__
autodoc_default_options = {"members": False}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_class_signature = "mixed"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()

html_theme = "pydata_sphinx_theme"
html_title = f"deprivation_map {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_depth": 2,
    "collapse_navigation": True,  # the sidebar of 200 API pages is rendered on every page otherwise
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
# No left sidebar on the ~220 generated API pages (the breadcrumbs lead back to the API reference):
# rendering the navigation tree on each of them took two thirds of the build.
html_sidebars = {
    "index": [],
    "getting-started": [],
    "limits": [],
    "methods": [],
    "reference/*": [],
    "api/generated/*": [],
}

# Module pages list their own public names; those the package re-exports are documented once, as
# deprivation_map.<name>, and linked from the module page.
autosummary_context = {"toplevel": [n for n in deprivation_map.__all__ if not n.startswith("_")]}
