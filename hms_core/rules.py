"""What the domain accepts: the one definition of valid input, shared by every aggregate.

Everything a person (or an import) hands the domain passes through here before it can
become an event, so an event, once stored, can be folded by every read model and read
back on both databases:

- Text is a `str` that UTF-8 can encode (no lone surrogates: PostgreSQL could not store
  it), normalised to Unicode NFC before its length is measured, and free of control
  characters: C0 (NUL, ESC and so the ANSI escape sequences), DEL and C1. Multi-line
  text (descriptions, comments, conclusions, reasons …) may hold line breaks and tabs;
  CRLF, CR and the Unicode line and paragraph separators become LF. One-line text
  (titles, names, codes …) has neither.
- Integers are `int`s (not `bool`) within the bounds a field names; numbers are finite.
- Dates are `date`s (not `datetime`s) between EARLIEST_DAY and LATEST_DAY unless a field
  narrows them; moments are timezone-aware `datetime`s within those days in the
  configured time zone, kept in UTC.

The same character classes are offered as regular expressions (ONE_LINE_PATTERN,
MULTI_LINE_PATTERN) so the API's schemas can document and pre-check them; the domain's
check is the one that counts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection
from datetime import UTC, date, datetime, time

from hms_core import clock
from hms_core.errors import (
    ControlCharacterError,
    DateOutOfRange,
    InvalidCharacterError,
    LineBreakError,
    NotADate,
    NotAMoment,
    NotANumber,
    NotText,
    OutOfRange,
    TextRequired,
    TextTooLong,
    TimezoneRequired,
    TooEarlyError,
    UnknownChoice,
)

# Dates the domain takes: far enough back for any record, forward for any plan, and
# inside what both databases and Python's date arithmetic handle without overflowing.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)
# The largest integer anything may store (PostgreSQL's INTEGER is 32 bits).
MAX_INT = 2**31 - 1

# Regular expressions in the syntax Python and JSON Schema (ECMA-262) share. One-line
# text: no C0, DEL, C1, nor the Unicode line and paragraph separators. Multi-line text
# may also hold TAB, LF and CR.
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\t\n\r\u2028\u2029]")
_FORBIDDEN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORBIDDEN_MULTI_LINE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text(field: str, value: str, limit: int, *, multiline: bool = False) -> str:
    """A required text, trimmed, at most `limit` characters (after NFC)."""
    value = clean(field, value, multiline=multiline)
    if not value:
        raise TextRequired(field)
    if len(value) > limit:
        raise TextTooLong(field, limit)
    return value


def optional_text(
    field: str, value: str | None, limit: int, *, multiline: bool = False
) -> str | None:
    """An optional text, trimmed; empty becomes None."""
    value = clean(field, value, multiline=multiline)
    if len(value) > limit:
        raise TextTooLong(field, limit)
    return value or None


def clean(field: str, value: str | None, *, multiline: bool = False) -> str:
    """The text as it will be stored: encodable, without control characters (line breaks
    and tabs only in multi-line text, as LF), NFC, trimmed. None is the empty text."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NotText(field)
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidCharacterError(field) from None
    if multiline:
        value = _NEWLINES.sub("\n", value)
        if _FORBIDDEN_MULTI_LINE.search(value):
            raise ControlCharacterError(field)
    else:
        if _LINE_BREAK.search(value):
            raise LineBreakError(field)
        if _FORBIDDEN_ONE_LINE.search(value):
            raise ControlCharacterError(field)
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    return value.strip()


def in_range(field: str, value: int, low: int, high: int) -> int:
    """An integer (never a bool) from `low` to `high`."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise OutOfRange(field, low, high)
    return value


def number(field: str, value: float | int, low: float, high: float) -> float:
    """A finite number from `low` to `high`, as a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NotANumber(field)
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        raise OutOfRange(field, low, high) from None
    if not math.isfinite(number):
        raise NotANumber(field)
    if not low <= number <= high:
        raise OutOfRange(field, low, high)
    return number


def day(field: str, value: date, low: date = EARLIEST_DAY, high: date = LATEST_DAY) -> date:
    """A calendar date (not a datetime) from `low` to `high`."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise NotADate(field)
    if not low <= value <= high:
        raise DateOutOfRange(field, low, high)
    return value


def earliest_moment() -> datetime:
    """The first moment of EARLIEST_DAY in the configured time zone."""
    return datetime.combine(EARLIEST_DAY, time.min, tzinfo=clock.timezone())


def latest_moment() -> datetime:
    """The last moment of LATEST_DAY in the configured time zone."""
    return datetime.combine(LATEST_DAY, time.max, tzinfo=clock.timezone())


def moment(field: str, value: datetime) -> datetime:
    """A timezone-aware moment from `earliest_moment()` to `latest_moment()`, in UTC.

    Aware datetimes compare without converting, so no offset can overflow here; the
    bounds keep every accepted moment convertible to UTC and back. It is kept in UTC
    because an event stores an offset to the minute only (msgspec), and some zones' old
    offsets have seconds: the stored moment must be the moment given.
    """
    if not isinstance(value, datetime):
        raise NotAMoment(field)
    if value.utcoffset() is None:
        raise TimezoneRequired(field)
    if value < earliest_moment():
        raise TooEarlyError(field, EARLIEST_DAY)
    if value > latest_moment():
        raise DateOutOfRange(field, EARLIEST_DAY, LATEST_DAY)
    return value.astimezone(UTC)


def choice(field: str, value: str, choices: Collection[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise UnknownChoice(field, shown(value), sorted(choices))
    return value


def shown(value: object, limit: int = 40) -> str:
    """A value as an error message may quote it: short, printable, encodable."""
    text = value if isinstance(value, str) else repr(value)
    text = "".join(c if c.isprintable() else "\ufffd" for c in encodable(text[: limit + 1]))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def key(value: str) -> str:
    """Text as a lookup key (a unit's code, a username): NFC, trimmed, lower case, and
    encodable (a lone surrogate becomes U+FFFD), so deriving an id from it never fails
    and finds what the same text, written as the domain stores it, would find."""
    value = encodable(value if isinstance(value, str) else "")
    return unicodedata.normalize("NFC", value).strip().lower()


def encodable(value: str) -> str:
    """The text with each lone surrogate replaced by U+FFFD."""
    if value.isascii():
        return value
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
