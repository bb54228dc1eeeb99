"""The failures of the underlying readers (pyogrio, pandas, openpyxl, pyarrow, zipfile), as the library's errors.

Every reader call goes through :func:`reader_errors`, so what reaches the user is a
:class:`~deprivation_map.errors.ValidationError` naming the file, what was expected, what was found and how
to fix it, never a raw ``DataSourceError``, ``BadZipFile`` or ``ParserError``. What can be checked before
reading (an empty file, a shapefile without its ``.shx`` or ``.dbf``, a layer that does not exist) is
checked first, with a message of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .. import _validation as v
from ..errors import DeprivationMapError, ValidationError, format_ids

if TYPE_CHECKING:
    import numpy as np

__all__ = ["dbf_text", "layer_names", "nonempty_file", "reader_errors", "require_layer", "require_shapefile_parts"]

_DAMAGED = ("malformed", "unterminated", "truncat", "unexpected end", "eof", "corrupt", "failed to read", "premature")
_NOT_THIS_FORMAT = (
    "not recognized as being in a supported file format",
    "not a zip file",
    "magic bytes not found",
    "there is no item named",
    "does not support",
    "not a valid",
)


def nonempty_file(path: str | os.PathLike, *, what: str) -> Path:
    """The path of a file that exists, is a file and is not empty."""
    path = v.existing_file(path, what=what)
    if path.is_dir() and path.suffix.lower() not in (".gdb",):
        raise ValidationError(f"{str(path)!r} is a folder, not a {what} file. Name the file inside it.")
    if path.is_file() and path.stat().st_size == 0:
        raise ValidationError(
            f"{what.capitalize()} {path.name!r} is empty (0 bytes): it was not saved or not copied completely. "
            "Export or download it again."
        )
    return path


def require_shapefile_parts(path: Path, *, what: str) -> None:
    """A shapefile is several files: refuse a ``.shp`` whose ``.shx`` or ``.dbf`` is not beside it."""
    if path.suffix.lower() != ".shp":
        return
    present = {p.name.lower() for p in path.parent.glob(f"{path.stem}.*")}
    missing = [ext for ext in (".shx", ".dbf") if f"{path.stem}{ext}".lower() not in present]
    if missing:
        role = {".shx": "the index of its shapes", ".dbf": "its attributes, the area IDs among them"}
        parts = "; ".join(f"{path.stem}{ext} ({role[ext]})" for ext in missing)
        raise ValidationError(
            f"{what} is a shapefile without {parts} beside it in {str(path.parent)!r}. A shapefile "
            "is several files with the same name (.shp, .shx, .dbf, .prj): copy all of them into one folder, or "
            "read the .zip they came in."
        )


def layer_names(path: Path, *, what: str) -> list[str]:
    """The layers of a vector file (its reader's errors translated)."""
    import pyogrio

    with reader_errors(path, what=what, expected="a vector file (GeoPackage, GeoJSON, Shapefile ...)"):
        return [str(name) for name in pyogrio.list_layers(path)[:, 0]]


def require_layer(path: Path, layer: str | int, names: Sequence[str], *, what: str) -> None:
    """Refuse a layer (by name or position) that the file does not have, listing the ones it has."""
    ok = layer in names if isinstance(layer, str) else isinstance(layer, int) and -len(names) <= layer < len(names)
    if not ok:
        raise ValidationError(
            f"{what} has no layer {layer!r}; its layers are {format_ids(names, limit=10)}. Pass one of them as layer=."
        )


def dbf_text(path: Path, field: str, rows: Sequence[int] | np.ndarray) -> list[str] | None:
    """The values of ``field`` in ``rows`` (positions) as the shapefile's ``.dbf`` holds them (text), or None.

    A DBF stores numbers as text in fixed-width fields, so this shows a code exactly as written, where the
    reader has already turned it into a float.
    """
    dbf = next((p for p in path.parent.glob(f"{path.stem}.*") if p.suffix.lower() == ".dbf"), None)
    if path.suffix.lower() != ".shp" or dbf is None:
        return None
    raw = dbf.read_bytes()
    n_records, header, width = int.from_bytes(raw[4:8], "little"), int.from_bytes(raw[8:10], "little"), 0
    offset, found = 1, None  # each record starts with its deletion flag
    for start in range(32, header - 1, 32):
        name = raw[start : start + 11].split(b"\x00")[0].decode("latin-1")
        width = raw[start + 16]
        if name == field:
            found = offset
            break
        offset += width
    if found is None:
        return None
    record = int.from_bytes(raw[10:12], "little")
    starts = [header + i * record + found for i in rows if 0 <= i < n_records]
    return [raw[start : start + width].decode("latin-1").strip() for start in starts]


def _head(path: Path) -> str:
    """What the file begins with, for messages (its first bytes, as text when they are text)."""
    try:
        with open(path, "rb") as f:
            head = f.read(40)
    except OSError:
        return "unreadable bytes"
    text = head.decode("utf-8", errors="replace")
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return f"text {text.splitlines()[0] if text else ''!r}" if printable > 0.9 * len(text) else f"bytes {head[:12]!r}"


def _diagnosis(path: Path, err: Exception, expected: str) -> str:
    """The cause and the fix, from the reader's message."""
    reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    lowered = reason.lower()
    size = path.stat().st_size if path.is_file() else 0
    head = _head(path)
    if head.startswith("bytes b'\\xd0\\xcf\\x11\\xe0"):
        return "it is an old Excel 97-2003 workbook (.xls) or another Office file: open it and save it as .xlsx or CSV."
    if head.startswith("bytes b'PK") and any(key in lowered for key in ("zip", "there is no item")):
        return (
            f"it is a zip archive but not a readable one of {expected} ({size:,} bytes): it looks truncated or "
            "damaged, or it is another kind of archive. Download or export it again."
        )
    if any(key in lowered for key in _NOT_THIS_FORMAT):
        looks = (
            " It looks like a text table: if it is CSV, give it the .csv extension." if head.startswith("text") else ""
        )
        return (
            f"it is not {expected} (it begins with {head}).{looks} Check the file, or export it again in that format."
        )
    if any(key in lowered for key in _DAMAGED) or isinstance(err, EOFError):
        return (
            f"it looks truncated or damaged ({size:,} bytes; the reader says: {reason}). Download or export it "
            "again, and check that the copy finished."
        )
    return f"the reader says: {reason} ({type(err).__name__}). Check that the file is {expected}, or export it again."


@contextmanager
def reader_errors(path: Path, *, what: str, expected: str) -> Iterator[None]:
    """Turn any failure of the reader called inside into a ValidationError (ours pass through).

    ``what`` names the file (``"Boundaries 'areas.gpkg'"``); ``expected`` says what it should be.
    """
    try:
        yield
    except (DeprivationMapError, ImportError, MemoryError):
        raise
    except Exception as err:  # every reader failure is translated: none reaches the user raw
        raise ValidationError(f"{what} could not be read: {_diagnosis(path, err, expected)}") from err
