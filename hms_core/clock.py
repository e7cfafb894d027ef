"""The application's sense of *now* and *today*.

Every domain event takes its timestamp from here, so tests and the demo seeder can
replay history at the time it happened instead of at the time the code ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

_clock: ContextVar[Callable[[], datetime] | None] = ContextVar("hms_clock", default=None)
_timezone = ZoneInfo("Europe/Oslo")


def configure_timezone(name: str) -> None:
    """Set the time zone that decides what *today* means (HMS_TIMEZONE)."""
    global _timezone
    _timezone = ZoneInfo(name)


def timezone() -> ZoneInfo:
    return _timezone


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    source = _clock.get()
    return source() if source else datetime.now(UTC)


def today() -> date:
    """Today's date in the configured time zone."""
    return now().astimezone(_timezone).date()


def local(moment: datetime) -> datetime:
    """The moment in the configured zone; as it was where that would leave the calendar
    (only a moment at its very ends, which the domain no longer accepts, but an old log
    may hold)."""
    try:
        return moment.astimezone(_timezone)
    except OverflowError:
        return moment


@contextmanager
def frozen_at(moment: datetime | Callable[[], datetime]) -> Iterator[None]:
    """Make `now()` return a fixed moment (or whatever a callable says) in this context."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("a frozen clock needs a timezone-aware datetime")
        fixed = moment
        token = _clock.set(lambda: fixed)
    else:
        token = _clock.set(moment)
    try:
        yield
    finally:
        _clock.reset(token)
