"""What the corrective-action API takes and gives (snake_case JSON)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import msgspec

from api.schemas.common import Command, HistoryEntry, optional_text, text
from hms_core.actions.action import REASON_MAX, TEXT_MAX, TITLE_MAX

Status = Literal["open", "done", "verified", "cancelled"]
StatusFilter = Literal[
    "open", "done", "verified", "cancelled", "overdue", "due_soon", "follow_up_required"
]
Source = Literal["deviation", "risk_assessment", "follow_up", "standalone"]


class ActionPlanIn(msgspec.Struct, forbid_unknown_fields=True):
    """A follow-up action, created in the same call as the verification that asks for it."""

    title: text(TITLE_MAX)
    owner_id: UUID
    due_date: date
    description: optional_text(TEXT_MAX, multiline=True) = None
    unit_id: UUID | None = None


class ActionCreate(msgspec.Struct, forbid_unknown_fields=True):
    """`unit_id` defaults to the deviation's, the assessment's or the first action's unit.
    `follows_up` names an action verified as not effective; the new one inherits its links."""

    title: text(TITLE_MAX)
    owner_id: UUID
    due_date: date
    unit_id: UUID | None = None
    description: optional_text(TEXT_MAX, multiline=True) = None
    deviation_id: UUID | None = None
    assessment_id: UUID | None = None
    hazard_id: UUID | None = None
    follows_up: UUID | None = None


class Complete(Command):
    what_was_done: text(TEXT_MAX, multiline=True)


class Verify(Command):
    """`effective: false` asks for a follow-up: give it here as `follow_up`, or create it
    afterwards with `POST /api/v1/actions` and `follows_up`."""

    effective: bool
    note: text(TEXT_MAX, multiline=True)
    follow_up: ActionPlanIn | None = None


class Reschedule(Command):
    due_date: date
    reason: text(REASON_MAX, multiline=True)


class Reassign(Command):
    owner_id: UUID
    reason: text(REASON_MAX, multiline=True)


class Cancel(Command):
    reason: text(REASON_MAX, multiline=True)


class ActionCommentCreate(Command):
    text: text(TEXT_MAX, multiline=True)


class ActionSummary(msgspec.Struct):
    id: UUID
    reference: str
    title: str
    status: Status
    source: Source
    owner_id: UUID
    unit_id: UUID
    due_date: date
    original_due_date: date
    overdue: bool
    due_soon: bool
    created_at: datetime
    updated_at: datetime
    version: int
    deviation_id: UUID | None = None
    assessment_id: UUID | None = None
    hazard_id: UUID | None = None
    follows_up: UUID | None = None
    follow_up_id: UUID | None = None
    follow_up_required: bool = False
    effective: bool | None = None
    completed_at: datetime | None = None
    done_on_time: bool | None = None
    verified_at: datetime | None = None
    cancelled_at: datetime | None = None
    reschedule_count: int = 0
    comment_count: int = 0


class ActionList(msgspec.Struct):
    items: list[ActionSummary]
    next_cursor: str | None


class ActionComment(msgspec.Struct):
    id: UUID
    at: datetime
    actor: str
    actor_name: str | None
    text: str


class ActionDetail(msgspec.Struct):
    id: UUID
    reference: str
    title: str
    description: str | None
    status: Status
    source: Source
    owner_id: UUID
    owner_name: str | None
    unit_id: UUID
    unit_name: str | None
    due_date: date
    original_due_date: date
    overdue: bool
    deviation_id: UUID | None
    assessment_id: UUID | None
    hazard_id: UUID | None
    follows_up: UUID | None
    follow_up_id: UUID | None
    follow_up_required: bool
    created_at: datetime
    created_by: str
    what_was_done: str | None
    completed_at: datetime | None
    completed_by: str | None
    effective: bool | None
    verification_note: str | None
    verified_at: datetime | None
    verified_by: str | None
    cancel_reason: str | None
    cancelled_at: datetime | None
    version: int
    comments: list[ActionComment]
    history: list[HistoryEntry]
