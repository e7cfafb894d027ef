"""Keyset pages: a page of rows, and a cursor that goes on after its last row.

A cursor is the sort key and the id of the last row shown, base64 for the URL; a query
reads one row more than the page holds to know whether another page follows.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any
from uuid import UUID

import msgspec


class Page(msgspec.Struct):
    items: list[dict[str, Any]]
    next_cursor: str | None


class BadCursorError(ValueError):
    """A cursor this product did not hand out."""


def encode_cursor(key: str, id_: str) -> str:
    return base64.urlsafe_b64encode(f"{key}|{id_}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, key_as_stored: Callable[[str], str]) -> tuple[str, str]:
    """The sort key (as `key_as_stored` gives it back, or a ValueError) and the id a cursor
    holds: only values the rows can hold go to the database."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, id_ = base64.urlsafe_b64decode(padded).decode().split("|", 1)
        return key_as_stored(key), str(UUID(id_))
    except ValueError as e:
        raise BadCursorError("cursor") from e


def page_of(rows: list[dict[str, Any]], limit: int, cursor_of: Callable[[dict], str]) -> Page:
    """The first `limit` of up to `limit + 1` rows read, and a cursor if there were more."""
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=cursor_of(rows[-1]) if more else None)
