"""A static atlas of a run, to publish on any web server or open from a folder offline.

:func:`publish_atlas` writes an overview page with the interactive map, one page per district, a methods
page, the data to download, a search box and a language switch; see :mod:`.publish`.
"""

from __future__ import annotations

from .publish import publish_atlas

__all__ = ["publish_atlas"]
