"""The text encoding of a CSV file, told from its bytes, or refused with the encodings it could be.

Rules, in order (each reported as the evidence for the choice):

- a byte-order mark names the encoding: UTF-8 (``utf-8-sig``), UTF-16 (``utf-16``, as Excel's "Unicode
  text" saves) or UTF-32;
- zero bytes without a byte-order mark are UTF-16 or UTF-32 text: refused, naming the encoding to pass;
- ASCII, or text that decodes as UTF-8, is ``utf-8``;
- otherwise a single-byte Windows code page. Words written entirely in bytes above 127 are a non-Latin
  script (Western European text has accented letters inside ASCII words): Greek in ``cp1253`` is
  recognised by its letters (every such word decodes to Greek letters, a final sigma only at the end of a
  word); any other non-Latin text is refused with what it reads as in the likely code pages. Latin text is
  ``cp1252``, or ``latin-1`` when it holds bytes cp1252 leaves undefined.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import ValidationError

__all__ = ["detect_encoding"]

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8 byte-order mark"),
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32 byte-order mark"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32 byte-order mark"),
    (b"\xff\xfe", "utf-16", "UTF-16 (little-endian) byte-order mark, as Excel's 'Unicode text' saves"),
    (b"\xfe\xff", "utf-16", "UTF-16 (big-endian) byte-order mark"),
)
_WORDS = re.compile(rb"[A-Za-z\x80-\xff]{2,}")
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]+")
_OTHER_SCRIPTS = {"cp1253": "Greek", "cp1251": "Cyrillic", "cp1256": "Arabic", "cp1255": "Hebrew"}
_RARE_GREEK = "ξΞΰΐψΨ"  # under 1 % of the letters of Greek text; 20 % of Russian read as cp1253
_RARE_SHARE = 0.05
_NON_LATIN_SHARE = 0.5
_SAMPLE = (
    1 << 18
)  # the words of the first 256 KiB tell the script  # above this share of words with high bytes written only in them: a non-Latin script


def _utf16_without_bom(raw: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` when zero bytes fill the odd/even positions of ASCII-like text."""
    sample = raw[:4000]
    if b"\x00" not in sample or len(sample) < 2:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and odd > 4 * even:
        return "utf-16-le"
    if even > 0.3 * half and even > 4 * odd:
        return "utf-16-be"
    return "binary"


def _is_greek(words: list[bytes]) -> bool:
    """Every word decodes in cp1253 to Greek letters (a final sigma only at its end); rare letters stay rare.

    Cyrillic in cp1251 also decodes to Greek letters, but its commonest letters (о, а) become the rarest
    Greek ones (ξ, ΰ).
    """
    letters = []
    for word in words:
        try:
            text = "".join(ch for ch in word.decode("cp1253") if ch.isalpha())  # « » are high bytes too
        except UnicodeDecodeError:
            return False
        if not _GREEK.fullmatch(text) or "ς" in text[:-1]:
            return False
        letters.append(text)
    joined = "".join(letters)
    return sum(joined.count(ch) for ch in _RARE_GREEK) <= _RARE_SHARE * len(joined)


def _previews(words: list[bytes]) -> str:
    """A few words as each likely code page reads them."""
    shown = []
    for codec, script in _OTHER_SCRIPTS.items():
        text = b" ".join(words[:3]).decode(codec, errors="replace")
        shown.append(f"encoding={codec!r} ({script}) reads {text!r}")
    return "; ".join(shown)


def detect_encoding(raw: bytes, *, name: str = "The file") -> tuple[str, str]:
    """The encoding of ``raw`` and why (see the module's rules); ``name`` names the file in errors.

    Examples
    --------
    >>> detect_encoding("Πάτρα;Αίγιο".encode("cp1253"))[0], detect_encoding("Sant Martí".encode("cp1252"))[0]
    ('cp1253', 'cp1252')
    """
    for bom, codec, why in _BOMS:
        if raw.startswith(bom):
            return codec, why
    wide = _utf16_without_bom(raw)
    if wide == "binary":
        raise ValidationError(
            f"{name} holds zero bytes, so it is not a text table: it may be a spreadsheet or another binary file "
            "saved with a .csv name. Open it in its program and save it as CSV (UTF-8)."
        )
    if wide is not None:
        raise ValidationError(
            f"{name} is UTF-16 text without a byte-order mark (zero bytes between the characters). Pass "
            f"encoding={wide!r}, or save it again as CSV (UTF-8)."
        )
    if raw.isascii():
        return "utf-8", "ASCII only (the same in UTF-8, cp1252 and Latin-1)"
    try:
        raw.decode("utf-8")
        return "utf-8", "valid UTF-8"
    except UnicodeDecodeError as err:
        sample = raw[max(err.start - 10, 0) : err.start + 10]
    return _single_byte(raw, sample, name)


def _single_byte(raw: bytes, sample: bytes, name: str) -> tuple[str, str]:
    """The Windows code page of text that is not UTF-8 (``sample``: bytes around the first invalid one)."""
    high = [w for w in _WORDS.findall(raw[:_SAMPLE]) if any(b > 127 for b in w)]
    only_high = [w for w in high if all(b > 127 for b in w)]
    if high and len(only_high) > _NON_LATIN_SHARE * len(high):
        if _is_greek(only_high):
            shown = unicodedata.normalize("NFC", max(only_high, key=len).decode("cp1253"))
            return "cp1253", f"not valid UTF-8; words such as {shown!r} are Greek in Windows-1253"
        raise ValidationError(
            f"{name} is not UTF-8 and its words are written in a non-Latin script, in a code page that cannot be "
            f"told from the bytes alone: {_previews(only_high)}. Pass the encoding= whose text reads right, or "
            "save the file as CSV (UTF-8)."
        )
    try:
        raw.decode("cp1252")
        return "cp1252", f"not valid UTF-8 (bytes {sample!r}); read as Windows Western European"
    except UnicodeDecodeError:
        return "latin-1", f"not valid UTF-8 (bytes {sample!r}) nor cp1252; read as Latin-1"
