"""Reads of personal data, recorded where HMS officers can audit them.

AML § 5-1 lets few people see who was injured; every time one of them opens such a
case, who and when goes into the event log (one small log per case), so the audit
trail answers "who has looked at this?".
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import DomainEvent

from hms_core import clock


@dataclass(frozen=True)
class PersonalDataRead(DomainEvent):
    """`actor` opened `record_id`, which names an injured person."""

    record_id: UUID
    actor: str


def reads_log_id(record_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"hms:personal-data-reads/{record_id}")


def read_of(record_id: UUID, actor: str, after: PersonalDataRead | None) -> PersonalDataRead:
    """`actor`'s read of `record_id`, the next in its log `after` the last one recorded."""
    return PersonalDataRead(
        originator_id=reads_log_id(record_id),
        originator_version=(after.originator_version + 1) if after else 1,
        timestamp=clock.now(),
        record_id=record_id,
        actor=actor,
    )
