"""Translations and number formats: a complete catalogue, consistent placeholders, CLDR number formats."""

from __future__ import annotations

import re
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deprivation_map.errors import ValidationError
from deprivation_map.maps.i18n import LANGS, class_label, number, numbers, percent, text, texts

TEXTS = texts()


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


def _entries(path) -> list:
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return [m for m in read_po(f) if m.id]


def test_every_catalogue_is_complete():
    """Every key of the template is translated (not empty, not fuzzy) in every language, placeholders kept."""
    from deprivation_map.maps.i18n import LOCALES

    template = {m.context: m.id for m in _entries(LOCALES / "deprivation_map.pot")}
    assert len(template) == len(TEXTS) > 100
    for lang in LANGS:
        entries = _entries(LOCALES / lang / "LC_MESSAGES" / "deprivation_map.po")
        by_key = {m.context: m for m in entries}
        assert set(by_key) == set(template), lang  # nothing missing, nothing obsolete
        untranslated = [k for k, m in by_key.items() if not m.string.strip() or m.fuzzy]
        assert untranslated == [], (lang, untranslated)
        assert all(by_key[k].id == template[k] for k in template), lang  # translated from the current English
        changed = [k for k, m in by_key.items() if _fields(m.string) != _fields(m.id)]
        assert changed == [], (lang, changed)


def test_no_catalogue_key_is_written_twice():
    """Babel keeps one of two entries with the same key, silently: each key is written once in every file."""
    from deprivation_map.maps.i18n import LOCALES

    for path in [LOCALES / "deprivation_map.pot", *LOCALES.glob("*/LC_MESSAGES/*.po")]:
        keys = re.findall(r'^msgctxt "(.*)"$', path.read_text(encoding="utf-8"), re.M)
        assert len(keys) == len(set(keys)) == len(TEXTS), path


def test_a_new_po_file_adds_a_language(tmp_path, monkeypatch):
    """A translator adds Galician by adding locales/gl/LC_MESSAGES/deprivation_map.po: no Python changes."""
    import shutil

    import deprivation_map as dm
    from deprivation_map.maps import i18n

    shutil.copytree(i18n.LOCALES, tmp_path / "locales")
    po = tmp_path / "locales" / "gl" / "LC_MESSAGES" / "deprivation_map.po"
    po.parent.mkdir(parents=True)
    text_ = (i18n.LOCALES / "es" / "LC_MESSAGES" / "deprivation_map.po").read_text(encoding="utf-8")
    po.write_text(text_.replace('msgstr "Índice de privación"', 'msgstr "Índice de privación (gl)"'), "utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    monkeypatch.setattr(i18n, "LANGS", i18n._languages())
    i18n.catalogue.cache_clear()
    try:
        assert i18n.LANGS == ("en", "es", "ca", "el", "gl")
        assert text("index", "gl") == "Índice de privación (gl)"
        from babel.numbers import format_decimal

        # Galician's marks from CLDR, as Babel's own formatter writes them
        assert number(1234.5, "gl") == format_decimal(1234.5, format="#,##0.00", locale="gl")
        toy = dm.join_indicators(*dm.datasets.load_toy(), on_unmatched="keep")
        index = dm.build_index(toy, {"poverty": 1}, missing="exclude")
        assert "Índice de privación (gl)" in dm.explore(toy, index=index, lang="gl").get_root().render()
    finally:
        i18n.catalogue.cache_clear()


def test_catalogues_ship_with_the_package():
    """pyproject's package data covers every catalogue, so that pip install ships them."""
    import fnmatch
    import tomllib
    from pathlib import Path

    from deprivation_map.maps.i18n import LOCALES

    root = Path(__file__).resolve().parents[2]
    patterns = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["deprivation_map.maps"]
    files = [p.relative_to(LOCALES.parent).as_posix() for p in LOCALES.rglob("*.po*")]
    assert len(files) == len(LANGS) + 1
    assert all(any(fnmatch.fnmatch(f, pattern) for pattern in patterns) for f in files)


@pytest.mark.parametrize("lang", ["en", "es", "ca", "el"])
def test_numbers_writes_each_value_as_number_does(lang):
    """``numbers`` is the vectorised ``number``: the same text for every value, rounding ties and signs included."""

    rng = np.random.default_rng(0)
    values = np.r_[
        rng.normal(0, 1, 2000), rng.normal(0, 1e5, 2000), np.arange(-2000, 200_000, 97),
        [-0.001, -0.005, 0.005, 0.015, 2.675, 999.995, 9999.995, -9999.995, 1e12, -0.0, np.inf, -np.inf, np.nan],
    ]  # fmt: skip
    for digits in (0, 2, 3):
        assert numbers(values, lang, digits) == [number(x, lang, digits) for x in values]
    assert numbers(pd.Series([1.5, None], dtype="Float64"), lang) == [number(1.5, lang), "–"]
