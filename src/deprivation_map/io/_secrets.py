"""Passwords kept out of everything the library records or shows: metadata, options, errors, warnings.

A database URL may carry a password in two places: ``scheme://user:PASSWORD@host/db`` and a ``password=``
parameter of its query string (libpq reads both). :func:`redact_url` replaces each with ``***``;
:func:`redact` does it to every string of a record (nested mappings and sequences too) and to the value of
every key named like a password.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["MASK", "redact", "redact_url"]

MASK = "***"
# scheme://user:PASSWORD@ -- the password runs to the last "@" before the host (an unescaped "@" in it too)
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^:@/?#\s]*):(?P<password>[^\s]*)@(?=[^@\s]*(\s|$))")
# password=... as a query parameter (?password= or &password=) or a libpq keyword (password=... or 'quoted')
_PARAMETER = re.compile(
    r"(?P<head>(^|[?&\s])(ssl)?password\s*=\s*)(?P<password>'(?:[^'\\]|\\.)*'|[^&#\s]+)", re.IGNORECASE
)
_SECRET_KEYS = re.compile(r"pass(word|wd)?$|secret", re.IGNORECASE)


def redact_url(text: str) -> str:
    """``text`` with the password of every database URL (and every ``password=`` parameter) replaced by ``***``.

    Examples
    --------
    >>> redact_url("postgresql://analyst:s3cr3t@db.example.org:5432/observatory")
    'postgresql://analyst:***@db.example.org:5432/observatory'
    >>> redact_url("postgresql://analyst@db.example.org/observatory?password=s3cr3t&sslmode=require")
    'postgresql://analyst@db.example.org/observatory?password=***&sslmode=require'
    """
    text = _USERINFO.sub(lambda m: f"{m['head']}:{MASK}@", text)
    return _PARAMETER.sub(lambda m: f"{m['head']}{MASK}", text)


def redact(record: object) -> object:
    """A copy of ``record`` (JSON-like data) with every password removed; the input is left as it is.

    Strings go through :func:`redact_url`; the value of a key named like a password (``password``,
    ``passwd``, ``pass``, ``*secret*``) becomes ``***``; mappings, lists and tuples are walked.

    Examples
    --------
    >>> redact({"boundaries": {"url": "postgresql://a:b@h/d", "table": "areas"}, "password": "b"})
    {'boundaries': {'url': 'postgresql://a:***@h/d', 'table': 'areas'}, 'password': '***'}
    """
    if isinstance(record, str):
        return redact_url(record)
    if isinstance(record, Mapping):
        return {
            key: MASK if isinstance(key, str) and _SECRET_KEYS.search(key) and value else redact(value)
            for key, value in record.items()
        }
    if isinstance(record, list | tuple):
        return type(record)(redact(item) for item in record)
    return record
