"""Reads of personal data, recorded where HMS officers can audit them.

AML § 5-1 lets few people see who was injured; every time one of them opens such a
case, who and when goes into the event log (one small log per case), so the audit
trail answers "who has looked at this?".
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import EventSourcedLog
from eventsourcing.domain import DomainEvent
from eventsourcing.persistence import EventStore

from hms_core import clock


@dataclass(frozen=True)
class PersonalDataRead(DomainEvent):
    """`actor` opened `record_id`, which names an injured person."""

    record_id: UUID
    actor: str


def reads_log_id(record_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"hms:personal-data-reads/{record_id}")


def record_read(events: EventStore, record_id: UUID, actor: str) -> PersonalDataRead:
    log = EventSourcedLog(events, reads_log_id(record_id), PersonalDataRead)
    last = log.get_last()
    return PersonalDataRead(
        originator_id=log.originator_id,
        originator_version=(last.originator_version + 1) if last else 1,
        timestamp=clock.now(),
        record_id=record_id,
        actor=actor,
    )


def reads_of(events: EventStore, record_id: UUID) -> list[PersonalDataRead]:
    return list(EventSourcedLog(events, reads_log_id(record_id), PersonalDataRead).get())
