"""Human case numbers, AVV-<year>-<6 digits>, unique per year.

Each year's numbers are an event-sourced log: issuing number N writes version N of that
year's log in the same transaction as the report. Two processes that pick the same
number collide in the event store, and the loser retries with the next one.

In the application's batch mode (`HMSApplication.batch`) the store learns of numbers
later than they are issued; there the next number counts on from the last the batch
saved (`counted_on_from`), and a collision fails the batch instead of giving two
records one number.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import EventSourcedLog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import EventStore

from hms_core import clock


@dataclass(frozen=True)
class ReferenceIssued(DomainEvent):
    """Number `originator_version` of a year went to this record."""

    prefix: str
    year: int
    record_id: UUID


# The last version of each log saved but perhaps not yet stored, in this context.
_saved_heads: ContextVar[Mapping[UUID, int] | None] = ContextVar("hms_log_heads", default=None)


@contextmanager
def counted_on_from(heads: Mapping[UUID, int]) -> Iterator[None]:
    """In this context a year's last number is its log's version in `heads` (log id →
    last version saved), where it has one, else the store's."""
    token = _saved_heads.set(heads)
    try:
        yield
    finally:
        _saved_heads.reset(token)


@cache
def log_id(prefix: str, year: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"hms:references/{prefix}/{year}")


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


class References:
    """Hands out the next numbers of a year's log."""

    def __init__(self, events: EventStore) -> None:
        self.events = events

    def last_number(self, prefix: str, year: int) -> int:
        log = log_id(prefix, year)
        heads = _saved_heads.get()
        if heads is not None and log in heads:
            return heads[log]
        last = EventSourcedLog(self.events, log, ReferenceIssued).get_last()
        return last.originator_version if last else 0

    def issue(self, prefix: str, year: int, number: int, record_id: UUID) -> ReferenceIssued:
        # Built here rather than with EventSourcedLog.trigger_event, which stamps the
        # wall-clock time; the demo history is made at the time it happened.
        return ReferenceIssued(
            originator_id=log_id(prefix, year),
            originator_version=number,
            timestamp=clock.now(),
            prefix=prefix,
            year=year,
            record_id=record_id,
        )
