"""The one place that checks and coerces inputs.

Each check raises a :class:`~deprivation_map.errors.ValidationError` (or the subclass it is given) that says
what was expected, what was found and how to fix it. None of them modifies its argument.
"""

from __future__ import annotations

import difflib
import os
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .errors import DeprivationMapError, DeprivationMapWarning, ValidationError, format_ids

T = TypeVar("T")


def lookup(registry: Mapping[Any, T], name: str, *, what: str, error: type[DeprivationMapError] = ValidationError) -> T:
    """Return ``registry[name]``; an unknown name is answered with the valid ones (and a close match)."""
    try:
        return registry[name]
    except (KeyError, TypeError):
        pass
    valid = ", ".join(repr(k) for k in registry)
    close = difflib.get_close_matches(str(name), [str(k) for k in registry], n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise error(f"Unknown {what} {name!r}: expected one of {valid}.{hint}")


def choose(value: str, choices: Collection[str], *, what: str) -> str:
    """Check that a string policy is one of ``choices`` and return it."""
    return lookup({c: c for c in choices}, value, what=what)


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, what: str) -> None:
    """Raise if any of ``columns`` is not in ``frame``, listing the columns it does have."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = ", ".join(repr(str(c)) for c in list(frame.columns)[:20])
        hints = []
        for col in missing:
            close = difflib.get_close_matches(str(col), [str(c) for c in frame.columns], n=1)
            if close:
                hints.append(f"{col!r} -> {close[0]!r}?")
        hint = f" Close matches: {'; '.join(hints)}." if hints else ""
        raise ValidationError(
            f"{what} has no column {format_ids(missing)}. Its columns are: {have}.{hint} "
            "Check the spelling or the file you read."
        )


EXACT_FLOAT_INTEGERS = 2**53  # a float64 holds every integer up to this one exactly, and not all beyond


def _float_ids(values: pd.Series, *, what: str) -> pd.Series:
    """Whole-number float IDs as their integer digits; fractions and floats too large to be exact are refused."""
    numbers = values.astype("float64")
    whole = np.isclose(numbers, np.round(numbers))
    if not whole.all():
        raise ValidationError(
            f"{what} holds IDs that are not whole numbers ({format_ids(values[~whole])}); "
            "area IDs must be codes. Pass the right id_col."
        )
    too_large = np.abs(numbers) >= EXACT_FLOAT_INTEGERS
    if too_large.any():
        shown = format_ids(f"{x:.17g}" for x in numbers[too_large])
        raise ValidationError(
            f"{what} holds {int(too_large.sum())} codes stored as floating-point numbers beyond 2**53 "
            f"({EXACT_FLOAT_INTEGERS:,}), which cannot hold every digit: {shown}. Converting them would change "
            "the codes. Store the IDs as text in the file (a character field or a text column)."
        )
    return numbers.round().astype("int64").astype(str)


def ids_as_strings(values: pd.Series, *, what: str) -> pd.Series:
    """Return area IDs as strings, keeping leading zeros that are still there.

    Integers become their decimal digits; floats are accepted only when every value is a whole number below
    2**53 (a shapefile stores ``13001`` as ``13001.0``; beyond 2**53 a float has lost digits). Missing IDs
    and IDs that are blank or only whitespace are refused; text such as ``"NA"`` (Namibia) is an ID.
    """
    if values.isna().any():
        rows = values.index[values.isna()]
        raise ValidationError(
            f"{what} has {len(rows)} rows with no ID (at rows {format_ids(rows)}). "
            "Every area needs an ID: fill them in or remove those rows before reading."
        )
    if pd.api.types.is_bool_dtype(values):
        raise ValidationError(f"{what} holds booleans, not area IDs. Pass the right id_col.")
    if pd.api.types.is_float_dtype(values):
        return _float_ids(values, what=what)
    if pd.api.types.is_object_dtype(values):
        floats = values.map(lambda x: isinstance(x, float | np.floating)).to_numpy(dtype=bool)
        if floats.any():  # numbers among text, as spreadsheets give them
            values = values.astype(object).copy()
            values[floats] = _float_ids(values[floats], what=what).to_numpy()
    text = values.astype(str)
    blank = text.str.strip() == ""
    if blank.any():
        raise ValidationError(
            f"{what} has {int(blank.sum())} IDs that are blank or only spaces (at rows {format_ids(values.index[blank])}). "
            "Every area needs an ID: fill them in or remove those rows before reading."
        )
    return text


def require_unique_ids(
    index: pd.Index, *, what: str, error: type[DeprivationMapError] = ValidationError, hint: bool = False
) -> None:
    """Raise if an ID appears more than once, naming the duplicated IDs.

    ``hint`` adds that a code split over several columns (district + section) is built from all of them.
    """
    if not index.is_unique:
        dup = index[index.duplicated()].unique()
        split = (
            " If the code is split over several columns (a district and a section number), build it from all of "
            "them: id_col=['district', 'section'], with id_format for a prefix or a layout."
            if hint
            else ""
        )
        raise error(
            f"{what} has {len(dup)} IDs that appear more than once: {format_ids(dup)}. Each area must appear "
            f"once.{split} Otherwise remove or aggregate the repeated rows."
        )


def is_positional(index: pd.Index) -> bool:
    """True for a default index (0, 1, 2 ...): a RangeIndex, or an unnamed integer index from 0 upwards."""
    if isinstance(index, pd.RangeIndex):
        return True
    return bool(
        index.name is None
        and pd.api.types.is_integer_dtype(index)
        and len(index) > 0
        and index.is_monotonic_increasing
        and index[0] == 0
    )


def require_id_index(
    index: pd.Index, *, what: str, fix: str, error: type[DeprivationMapError] = ValidationError
) -> None:
    """Refuse an index of row positions where area IDs are needed: values would be paired by position."""
    if is_positional(index):
        raise error(
            f"{what} is indexed by row position ({format_ids(index[:3], limit=3)} ...), not by area ID, so its "
            f"values would be paired with areas by position. {fix} IDs that really are 0, 1, 2 ...: convert them "
            "to text first (x.index = x.index.astype(str))."
        )


def require_numeric(frame: pd.DataFrame, columns: Iterable[str], *, what: str) -> None:
    """Raise if a column is not numeric, quoting a few of the values that are not numbers."""
    for col in columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            continue
        bad = series[pd.to_numeric(series, errors="coerce").isna() & series.notna()]
        examples = ", ".join(f"{i}: {v!r}" for i, v in list(bad.items())[:3])
        raise ValidationError(
            f"{what} column {col!r} must be numeric, but has dtype {series.dtype}"
            + (f" with values such as {examples}" if examples else "")
            + ". Convert it (e.g. read_indicators parses decimal commas and percentages) or choose another column."
        )


def require_crs(frame, *, what: str) -> None:
    """Raise if a GeoDataFrame has no CRS."""
    if frame.crs is None:
        raise ValidationError(
            f"{what} has no coordinate reference system. Set it with read_boundaries(..., crs='EPSG:XXXX') "
            "or gdf.set_crs(...)."
        )


ON_CRS_MISMATCH = ("raise", "reproject")


def same_crs(frame, crs, policy: str, *, what: str, other: str):
    """``frame`` in ``crs``: reprojected under ``policy="reproject"``, refused under ``"raise"`` when they differ.

    The library's one policy for two layers in different coordinate reference systems (``on_crs_mismatch``).
    """
    choose(policy, ON_CRS_MISMATCH, what="on_crs_mismatch policy")
    require_crs(frame, what=what)
    if crs is None:
        raise ValidationError(f"{other} has no coordinate reference system; set one before using it.")
    if frame.crs == crs:
        return frame
    if policy == "raise":
        raise ValidationError(
            f"{what} are in {frame.crs.name!r} but {other} is in {getattr(crs, 'name', crs)!r}. Reproject one of "
            "them, or pass on_crs_mismatch='reproject' to reproject the first to the second's CRS."
        )
    return frame.to_crs(crs)


def align(
    values: pd.Series | pd.DataFrame,
    ids: pd.Index,
    *,
    what: str,
    error: type[DeprivationMapError] = ValidationError,
    against: str = "the graph",
    fix: str = "Build the graph from the same GeoDataFrame as the values, or subset one to the other.",
):
    """Return ``values`` (a Series or DataFrame) reordered to ``ids``; both must hold exactly the same IDs.

    Aligning by ID, never by position, is what keeps a reordered Series from being silently wrong.
    ``against`` names what ``ids`` come from and ``fix`` says how to make them match, in the error.
    """
    if not isinstance(values, pd.Series | pd.DataFrame):
        raise error(
            f"{what} must be a pandas Series indexed by area ID, got {type(values).__name__}. "
            "Wrap an array as pd.Series(values, index=area_ids) so it can be aligned by ID."
        )
    require_unique_ids(values.index, what=what, error=error)
    index = values.index.astype(str)
    extra = index.difference(ids)
    missing = ids.difference(index)
    if len(extra) or len(missing):
        parts = []
        if len(missing):
            parts.append(f"{len(missing)} areas of {against} have no value ({format_ids(missing)})")
        if len(extra):
            parts.append(f"{len(extra)} values have no area in {against} ({format_ids(extra)})")
        raise error(f"{what} and {against} must hold the same area IDs, but " + " and ".join(parts) + ". " + fix)
    return values.set_axis(index).reindex(ids)


def require_int(value: object, *, what: str, minimum: int) -> int:
    """Raise unless ``value`` is an integer (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError(f"{what} must be an integer of at least {minimum}, got {value!r}.")
    return int(value)


def raise_or_warn(
    message: str, policy: str, *, error: type[DeprivationMapError] = ValidationError, stacklevel: int = 2
) -> None:
    """Raise ``error(message)`` when ``policy`` is ``"raise"``, else warn with it (``stacklevel`` as the caller's)."""
    if policy == "raise":
        raise error(message)
    warnings.warn(message, DeprivationMapWarning, stacklevel=stacklevel + 1)


def existing_file(path: str | os.PathLike, *, what: str) -> Path:
    """The path of a file that must exist; a missing one is named with its resolved path."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"No {what} file at {str(path)!r} (resolved to {str(path.resolve())!r}). Check the path.")
    return path


def index_by_id(
    frame: pd.DataFrame, id_col: str | Sequence[str], *, what: str, id_format: str | None = None
) -> pd.DataFrame:
    """``frame`` indexed by its ID read as text; repeated IDs are refused.

    One column is the ID itself (and is removed). Several columns (district + section) build it: joined
    as they are, or by ``id_format``, a Python format string naming them (``"08019{C_Distri}{C_SecCens}"``);
    they stay as columns, and the index is named ``"id"``.
    """
    columns = [id_col] if isinstance(id_col, str) else list(id_col)
    if not columns:
        raise ValidationError(f"{what}: id_col names no column; give the column (or columns) of the area code.")
    require_columns(frame, columns, what=what)
    parts = {c: ids_as_strings(frame[c], what=f"{what} column {c!r}") for c in columns}
    if len(columns) == 1 and id_format is None:
        out = frame.drop(columns=columns[0])
        out.index = pd.Index(parts[columns[0]].to_numpy(), name=columns[0])
    else:
        out = frame.copy()
        out.index = pd.Index(_built_key(parts, id_format, what=what), name="id")
    require_unique_ids(out.index, what=what, hint=len(columns) == 1)
    return out


def _built_key(parts: Mapping[str, pd.Series], id_format: str | None, *, what: str) -> np.ndarray:
    """The code of each row from its parts: concatenated, or by ``id_format``."""
    if id_format is None:
        return np.asarray(pd.concat(list(parts.values()), axis=1).astype(str).agg("".join, axis=1), dtype=object)
    rows = pd.DataFrame(parts).to_dict("records")
    try:
        return np.asarray([id_format.format(**row) for row in rows], dtype=object)
    except (KeyError, IndexError, ValueError) as err:
        raise ValidationError(
            f"{what}: id_format {id_format!r} cannot build the code ({type(err).__name__}: {err}). It may name "
            f"only the id columns ({', '.join(parts)}), as {{column}}, e.g. '08019{{C_Distri}}{{C_SecCens}}'."
        ) from err


def resolve_seed(seed: int | None) -> int:
    """The seed to use and record: ``seed`` itself, or fresh entropy when it is None."""
    if seed is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)  # drawn fresh when none is given: one int, never a sequence
        return entropy % (2**63)
    return require_int(seed, what="seed", minimum=0)


@dataclass(frozen=True)
class Bounds:
    """The range of a numeric option, declared once in the API's signature (``Annotated[float, Bounds(...)]``).

    The function checks its argument with :meth:`check`, and the configuration reads the same bounds from the
    signature to refuse a bad value before anything runs.

    Examples
    --------
    >>> Bounds(0, 1, low_open=True).check(0.05, what="alpha")
    0.05
    >>> Bounds(0, 1, low_open=True).check(0, what="alpha")
    Traceback (most recent call last):
    ...
    deprivation_map.errors.ValidationError: alpha must be in (0, 1], got 0.
    """

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    def describe(self) -> str:
        """The range in interval notation (``(0, 1]``, ``[0, inf)``)."""
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        return f"{'(' if self.low_open or self.low is None else '['}{low}, {high}{')' if self.high_open or self.high is None else ']'}"

    def check(self, value: float, *, what: str) -> float:
        """Return ``value`` if it lies in the range (and is an integer when ``integer``), else raise."""
        number = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
        integral = isinstance(value, int | np.integer) and not isinstance(value, bool)
        inside = number and np.isfinite(value) and (not self.integer or integral)
        if inside and self.low is not None:
            inside = value > self.low if self.low_open else value >= self.low
        if inside and self.high is not None:
            inside = value < self.high if self.high_open else value <= self.high
        if not inside:
            kind = "an integer" if self.integer else "a number"
            raise ValidationError(
                f"{what} must be {kind} in {self.describe()}, got {value!r}."
                if self.integer
                else f"{what} must be in {self.describe()}, got {value!r}."
            )
        return value
