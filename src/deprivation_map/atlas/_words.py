"""The atlas's own words (navigation, search, district pages), read from the gettext catalogues.

They are entries of ``maps/locales/<lang>/LC_MESSAGES/deprivation_map.po`` whose key (``msgctxt``) starts
with ``atlas:``, beside the words the maps and the report share (score, rank, decile, join audit ...), which
come from :func:`deprivation_map.maps.i18n.text` as they are. A translator adds a language to the atlas by
adding a ``.po`` file, as for the maps; its ``atlas:language_name`` entry is the language's own name, shown
in the language switch.
"""

from __future__ import annotations

from ..maps.i18n import text

__all__ = ["endonym", "word"]


def word(key: str, lang: str, **values: object) -> str:
    """The atlas's word ``key`` in ``lang``, with ``{placeholders}`` filled (plain text: escape it to show it).

    Examples
    --------
    >>> word("published", "ca", date="2026-12-05")
    'Publicat el 2026-12-05.'
    """
    return text(f"atlas:{key}", lang, **values)


def endonym(lang: str) -> str:
    """The name of the language ``lang`` in that language, as its catalogue writes it.

    Examples
    --------
    >>> endonym("el"), endonym("es")
    ('Ελληνικά', 'Español')
    """
    return word("language_name", lang)
