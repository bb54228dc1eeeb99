"""Every word a map, legend, image or report shows, in every language that has a catalogue, and numbers per locale.

The strings are gettext catalogues read with Babel: ``locales/<lang>/LC_MESSAGES/deprivation_map.po``, one
entry per string, its key as ``msgctxt``, the English text as ``msgid`` and the translation as ``msgstr``
(``locales/deprivation_map.pot`` is the template). A translator adds a language by adding a ``.po`` file: it
appears in :data:`LANGS` with no change to the code (see the maps guide). :func:`text` fills ``{placeholders}``
and :func:`number` writes numbers with the locale's decimal and grouping marks (CLDR: ``1,234.5`` in English,
``1234,5`` / ``12.345,5`` in Spanish, ``1.234,5`` in Catalan and Greek; any other language's from Babel's CLDR
data). Translations are the project's own; statistical terms follow the usage of the INE (es), Idescat (ca)
and ELSTAT (el).
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import pandas as pd

from .. import _validation as v
from ..errors import ValidationError
from ..spatial import labels as lab

__all__ = [
    "LANGS",
    "LOCALES",
    "check_lang",
    "class_label",
    "method_label",
    "amount",
    "currency_symbol",
    "number",
    "numbers",
    "p_name",
    "percent",
    "text",
    "texts",
    "catalogue",
]

LOCALES = Path(__file__).with_name("locales")
"""The catalogues: ``locales/<lang>/LC_MESSAGES/deprivation_map.po``, and the template ``deprivation_map.pot``."""

DOMAIN = "deprivation_map"


_FIRST = ("en", "es", "ca", "el")  # the project's first four, in their documented order


def _languages() -> tuple[str, ...]:
    """Every language that has a catalogue: the first four in their order, then the others by code."""
    found = {p.parent.parent.name for p in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return (*(lang for lang in _FIRST if lang in found), *sorted(found - set(_FIRST)))


LANGS = _languages()
"""The languages of the maps and reports: one per catalogue under :data:`LOCALES`."""


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    """The strings of ``lang`` by key (the entries' ``msgctxt``), read from its ``.po`` file with Babel.

    An entry left untranslated (empty or fuzzy) falls back to the English text (its ``msgid``).

    Examples
    --------
    >>> catalogue("ca")["index"], catalogue("en")["index"]
    ('Índex de privació', 'Deprivation index')
    """
    from babel.messages.pofile import read_po

    path = LOCALES / check_lang(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as f:
        entries = read_po(f, locale=lang, domain=DOMAIN)
    return {
        m.context: (m.string if m.string and not m.fuzzy else m.id) for m in entries if m.id and m.context is not None
    }


def texts() -> dict[str, tuple[str, ...]]:
    """Every catalogue as one table: ``texts()[key]`` holds the string in each language of :data:`LANGS`.

    Examples
    --------
    >>> texts()["rank_of"]
    ('{rank} of {n}', '{rank} de {n}', '{rank} de {n}', '{rank} από {n}')
    """
    tables = [catalogue(lang) for lang in LANGS]
    return {key: tuple(t.get(key, tables[0][key]) for t in tables) for key in tables[0]}


# (decimal mark, group mark, minimum digits before grouping applies), from CLDR.
_NUMBERS = {"en": (".", ",", 4), "es": (",", ".", 5), "ca": (",", ".", 4), "el": (",", ".", 4)}
_PERCENT_SPACE = {"en": "", "es": "\u00a0", "ca": "\u00a0", "el": ""}


@functools.cache
def _cldr_marks(lang: str) -> tuple[str, str, int, str]:
    """(decimal mark, group mark, digits from which grouping applies, space before %) of a language, from CLDR.

    Used for a language added by a catalogue; the four of the project are written out in ``_NUMBERS``.
    """
    from babel import Locale
    from babel.numbers import format_percent, get_decimal_symbol, get_group_symbol

    locale = Locale.parse(check_lang(lang))
    space = "\u00a0" if "\u00a0%" in format_percent(0.5, locale=locale) else ""
    # Babel does not expose CLDR's minimumGroupingDigits; 1 (grouping from 4 digits) is most languages' value
    return get_decimal_symbol(locale), get_group_symbol(locale), 4, space


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise naming them.

    Examples
    --------
    >>> check_lang("el")
    'el'
    >>> check_lang("fr")
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: Unknown language 'fr': expected one of 'en', 'es', 'ca', 'el'.
    """
    return v.choose(lang, LANGS, what="language")


def text(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang`` with ``{placeholders}`` filled (values are inserted as given).

    Examples
    --------
    >>> text("rank_of", "el", rank=3, n=159)
    '3 από 159'
    """
    return v.lookup(catalogue(check_lang(lang)), key, what="text key").format(**values)


def number(value: float | None, lang: str, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, the locale's decimal mark and thousands grouping; "–" if missing.

    Examples
    --------
    >>> number(1234.5, "en"), number(1234.5, "es"), number(12345.678, "es"), number(-0.5, "ca", 3)
    ('1,234.50', '1234,50', '12.345,68', '-0,500')
    """
    if value is None or pd.isna(value):
        return "–"
    marks = _NUMBERS.get(lang) or _cldr_marks(lang)  # (_cldr_marks checks the language; this is hot)
    decimal_mark, group_mark, min_digits = marks[:3]
    value = round(float(value), digits) + 0.0  # a value that rounds to zero is 0, never "-0"
    sign, body = ("-", f"{-value:.{digits}f}") if value < 0 else ("", f"{value:.{digits}f}")
    whole, _, frac = body.partition(".")
    if len(whole) >= min_digits:
        whole = re.sub(r"(?<=\d)(?=(\d{3})+$)", group_mark, whole)
    return sign + whole + (decimal_mark + frac if frac else "")


def numbers(values: object, lang: str, digits: int = 2) -> list[str]:
    """:func:`number` of each value, the same texts, faster for many values (a map's tooltips).

    Examples
    --------
    >>> numbers([1234.5, -0.001, None, 0.5], "es")
    ['1234,50', '0,00', '–', '0,50']
    """
    marks = _NUMBERS.get(lang) or _cldr_marks(lang)
    decimal_mark, group_mark, min_digits = marks[:3]
    marks_of = str.maketrans({".": decimal_mark, ",": group_mark})
    tail = digits + 1 if digits else 0  # the decimal mark and the decimals
    out = []
    for x in pd.Series(values, dtype="float64").tolist():
        if x != x:  # NaN
            out.append("–")
            continue
        x = round(x, digits) + 0.0  # a value that rounds to zero is 0, never "-0"
        body = f"{x:.{digits}f}"
        if len(body) - tail - (x < 0) >= min_digits:
            body = f"{x:,.{digits}f}"
        out.append(body.translate(marks_of))
    return out


def amount(value: float | None, lang: str, *, currency: str | None = None, unit: str | None = None) -> str:
    """A value with its currency (ISO 4217 code, formatted by Babel for ``lang``) or its unit; "–" if missing.

    The result is plain text: escape it before it goes into HTML.

    Examples
    --------
    >>> amount(1234.5, "es", currency="EUR"), amount(1234.5, "en", currency="EUR"), amount(12.5, "ca", unit="%")
    ('1.234,50\\xa0€', '€1,234.50', '12,50 %')
    >>> amount(3.25, "el", unit="km²"), amount(None, "en", currency="GBP")
    ('3,25 km²', '–')
    """
    if value is None or pd.isna(value):
        return "–"
    if currency is not None:
        from babel.numbers import format_currency

        return format_currency(float(value), currency, locale=check_lang(lang))
    return number(value, lang) + (f" {unit}" if unit else "")


def currency_symbol(currency: str, lang: str) -> str:
    """The symbol of ``currency`` (ISO 4217) in ``lang`` (Babel, CLDR), refusing an unknown code.

    Examples
    --------
    >>> currency_symbol("EUR", "el"), currency_symbol("GBP", "en")
    ('€', '£')
    """
    from babel.numbers import get_currency_symbol, is_currency

    if not is_currency(str(currency)):
        raise ValidationError(f"Unknown currency {currency!r}: give its ISO 4217 code, such as 'EUR', 'GBP' or 'USD'.")
    return get_currency_symbol(currency, locale=check_lang(lang))


def percent(value: float, lang: str, digits: int = 0) -> str:
    """A percentage (``value`` already in percent) with the locale's marks: ``95 %`` in Spanish and Catalan.

    Examples
    --------
    >>> percent(95, "es"), percent(12.5, "en", 1), percent(1234.5, "el", 1)  # a no-break space before % in Spanish
    ('95\xa0%', '12.5%', '1.234,5%')
    """
    return number(value, lang, digits) + (_PERCENT_SPACE.get(lang) or _cldr_marks(lang)[3]) + "%"


_GI = {
    **{lab.hot_spot(conf): ("hot_spot", float(conf.rstrip("%"))) for _, _, conf in lab.GI_LEVELS},
    **{lab.cold_spot(conf): ("cold_spot", float(conf.rstrip("%"))) for _, _, conf in lab.GI_LEVELS},
}


def class_label(label: str, lang: str) -> str:
    """A cluster label (LISA or Gi*) in ``lang``, HTML-escaped; an unknown label is escaped as it is.

    Examples
    --------
    >>> class_label("Hot spot (95%)", "es"), class_label("High-High", "ca")
    ('Punto caliente (95\\xa0%)', 'Alt-Alt')
    """
    if label in _GI:
        key, confidence = _GI[label]
        return html.escape(text(key, lang, conf=percent(confidence, lang)))
    if label in catalogue(lang):
        return html.escape(text(label, lang))
    return html.escape(label)


# The short names of the multiple-testing corrections (spatial.multiple_testing), the same in every language.
_CORRECTIONS = {"fdr": "FDR", "bonferroni": "Bonferroni"}


def p_name(correction: str, lang: str) -> str:
    """The name of the p-value a label was decided by: "p" with no correction, else "adjusted p (FDR)" ...

    Examples
    --------
    >>> p_name("fdr", "en"), p_name("bonferroni", "ca"), p_name("none", "es")
    ('adjusted p (FDR)', 'p ajustat (Bonferroni)', 'p')
    """
    if correction in _CORRECTIONS:
        return text("p_adjusted", lang, correction=_CORRECTIONS[correction])
    return "p"  # the same symbol in every language


def method_label(name: str, lang: str, *, kind: str = "m") -> str:
    """A registry name described in ``lang``, the name itself after it; unknown names as they are.

    ``kind`` is the catalogue's namespace: ``"m"`` for methods, ``"baseline"`` for allocation baselines
    (the same name can mean different things in two registries: equal weights, equal amounts).

    Examples
    --------
    >>> method_label("zscore", "es"), method_label("pca", "es"), method_label("equal", "en", kind="baseline")
    ('puntuaciones z (zscore)', 'pca', 'equal per area (equal)')
    """
    key = f"{kind}:{name}"
    return f"{text(key, lang)} ({name})" if key in catalogue(lang) else str(name)
