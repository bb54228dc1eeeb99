"""Translations and number formats: a complete catalogue, consistent placeholders, CLDR number formats."""

from __future__ import annotations

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deprivation_map.errors import ValidationError
from deprivation_map.maps.i18n import LANGS, TEXTS, class_label, number, percent, text


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_string_exists_in_every_language_with_the_same_placeholders(key):
    entry = TEXTS[key]
    assert len(entry) == len(LANGS) and all(s.strip() for s in entry)
    assert len({frozenset(_fields(s)) for s in entry}) == 1


def test_translations_are_not_copies_of_the_english():
    """Apart from names and symbols (Gi*, ID codes), every Greek string differs from the English one."""
    same = [k for k, (en, _es, _ca, el) in TEXTS.items() if en == el]
    assert set(same) <= {"hotspot", "default_source"}


def test_numbers_follow_cldr():
    # Hand-checked against CLDR's decimal formats: en #,##0.###, es/ca/el #.##0,### (es groups from 5 digits).
    assert number(1234567.891, "en") == "1,234,567.89"
    assert number(1234567.891, "es") == "1.234.567,89"
    assert number(1234.5, "es") == "1234,50" and number(1234.5, "ca") == "1.234,50"
    assert number(-0.004, "el", 3) == "-0,004" and number(0.5, "el", 0) == "0"
    assert number(float("nan"), "en") == "–" and number(None, "ca") == "–"
    assert percent(95, "es") == "95\u00a0%" and percent(95, "el") == "95%"


def test_class_labels_and_unknown_language():
    assert class_label("Cold spot (90%)", "ca") == "Punt fred (90\u00a0%)"
    assert class_label("Low-High", "el") == "Χαμηλό-Υψηλό"
    assert class_label("<b>odd</b>", "en") == "&lt;b&gt;odd&lt;/b&gt;"
    assert text("top", "es", n=20) == "Las 20 áreas con más privación"
    with pytest.raises(ValidationError, match="'en', 'es', 'ca', 'el'"):
        text("index", "fr")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.sampled_from(LANGS), st.integers(0, 4))
def test_numbers_read_back_to_the_rounded_value(value, lang, digits):
    written = number(value, lang, digits)
    decimal, group = (".", ",") if lang == "en" else (",", ".")
    assert float(written.replace(group, "").replace(decimal, ".")) == pytest.approx(
        round(value, digits), abs=10**-digits
    )
    whole = written.lstrip("-").split(decimal)[0]
    assert all(len(g) == 3 for g in whole.split(group)[1:])  # groups of three digits


def test_no_catalogue_key_is_written_twice():
    """A dict literal keeps the last of two equal keys silently, so a second entry would change a string."""
    import ast
    import inspect

    import deprivation_map.maps.i18n as i18n

    tree = ast.parse(inspect.getsource(i18n))
    (catalogue,) = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "TEXTS"
    ]
    keys = [k.value for k in catalogue.keys]
    assert sorted({k for k in keys if keys.count(k) > 1}) == []
    assert len(keys) == len(i18n.TEXTS)
