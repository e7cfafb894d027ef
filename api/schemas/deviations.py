"""What the deviation API takes and gives (snake_case JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from api.schemas.common import Command, HistoryEntry, Scale, optional_text, text
from hms_core.deviations.deviation import (
    HEALTH_MAX,
    LOCATION_MAX,
    NAME_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
)

PersonKind = Literal["employee", "pupil", "patient", "visitor", "other"]
Status = Literal["reported", "under_treatment", "closed"]
Cause = Literal["human", "technical", "organisational", "environmental", "unknown"]
Category = text(60, description="A category code, e.g. nestenulykke")


class PersonHarmedIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: PersonKind
    absence: bool = False
    absence_days: Annotated[int, Meta(ge=0, le=366)] | None = None
    name: optional_text(
        NAME_MAX, description="Shown only to the unit's leader, HMS and the person"
    ) = None
    person_id: UUID | None = None
    health_details: optional_text(
        HEALTH_MAX, description="Stored only with health_consent", multiline=True
    ) = None
    health_consent: bool = False


class DeviationCreate(msgspec.Struct, forbid_unknown_fields=True):
    title: text(TITLE_MAX)
    description: text(TEXT_MAX, multiline=True)
    occurred_at: Annotated[
        datetime, Meta(tz=True, description="ISO 8601 with offset; from 1900, not in the future")
    ]
    unit_id: UUID
    category: Category
    severity: Scale
    location: optional_text(LOCATION_MAX) = None
    immediate_action: optional_text(TEXT_MAX, multiline=True) = None
    person_harmed: PersonHarmedIn | None = None
    serious_injury: bool = False
    anonymous: bool = False


class DeviationCreated(msgspec.Struct):
    id: UUID
    reference: str
    status: Status
    receipt_code: str | None = None


class Acknowledge(Command):
    pass


class Classify(Command):
    category: Category
    severity: Scale
    recurrence_probability: Scale
    causes: Annotated[list[Cause], Meta(min_length=1)]
    cause_description: optional_text(TEXT_MAX, multiline=True) = None


class CommentCreate(Command):
    text: text(TEXT_MAX, multiline=True)
    visible_to_reporter: bool = False


class FeedbackCreate(Command):
    text: text(TEXT_MAX, multiline=True)


class Transfer(Command):
    to_unit_id: UUID
    reason: text(REASON_MAX, multiline=True)


class Close(Command):
    conclusion: text(TEXT_MAX, multiline=True)
    no_action_reason: optional_text(REASON_MAX, multiline=True) = None
    open_actions_reason: optional_text(REASON_MAX, multiline=True) = None
    feedback: optional_text(TEXT_MAX, description="Sent to the reporter", multiline=True) = None


class Reopen(Command):
    reason: text(REASON_MAX, multiline=True)


class InformationCreate(msgspec.Struct, forbid_unknown_fields=True):
    text: text(TEXT_MAX, multiline=True)


class PersonHarmedOut(msgspec.Struct, omit_defaults=True):
    kind: str
    absence: bool = False
    absence_days: int | None = None
    name: str | None = None
    person_id: UUID | None = None
    health_details: str | None = None


class DeviationSummary(msgspec.Struct):
    id: UUID
    reference: str
    title: str
    unit_id: UUID
    category: str
    severity: int
    status: Status
    anonymous: bool
    serious_injury: bool
    occurred_at: datetime
    reported_at: datetime
    closed_at: datetime | None
    updated_at: datetime
    version: int
    location: str | None = None
    reporter_id: UUID | None = None
    handler_id: UUID | None = None
    action_count: int = 0


class DeviationList(msgspec.Struct):
    items: list[DeviationSummary]
    next_cursor: str | None


class DeviationDetail(msgspec.Struct):
    id: UUID
    reference: str
    title: str
    description: str
    occurred_at: datetime
    reported_at: datetime
    unit_id: UUID
    unit_name: str | None
    location: str | None
    category: str
    severity: int
    status: Status
    anonymous: bool
    reporter_id: UUID | None
    handler_id: UUID | None
    immediate_action: str | None
    person_harmed: PersonHarmedOut | None
    serious_injury: bool
    recurrence_probability: int | None
    causes: list[str]
    cause_description: str | None
    conclusion: str | None
    closed_at: datetime | None
    version: int
    actions: list[dict[str, Any]]
    hazards: list[dict[str, Any]]
    history: list[HistoryEntry]


class ReceiptView(msgspec.Struct):
    """What an anonymous reporter may see of their case."""

    reference: str
    title: str
    status: Status
    reported_at: datetime
    closed_at: datetime | None
    messages: list[dict[str, Any]]
