"""Small checks the aggregates share: text limits, ranges and choices."""

from __future__ import annotations

from collections.abc import Collection

from hms_core.errors import OutOfRange, TextRequired, TextTooLong, UnknownChoice


def text(field: str, value: str, limit: int) -> str:
    """A required text, trimmed, at most `limit` characters."""
    value = (value or "").strip()
    if not value:
        raise TextRequired(field)
    if len(value) > limit:
        raise TextTooLong(field, limit)
    return value


def optional_text(field: str, value: str | None, limit: int) -> str | None:
    """An optional text, trimmed; empty becomes None."""
    value = (value or "").strip()
    if len(value) > limit:
        raise TextTooLong(field, limit)
    return value or None


def in_range(field: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OutOfRange(field, low, high)
    return value


def choice(field: str, value: str, choices: Collection[str]) -> str:
    if value not in choices:
        raise UnknownChoice(field, value, sorted(choices))
    return value
