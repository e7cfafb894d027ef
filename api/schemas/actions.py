"""What the corrective-action API takes and gives (snake_case JSON).

The bodies it takes are the use cases' commands (hms_core.actions.commands), each under
the name its schema has in the OpenAPI document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import msgspec

from api.schemas.common import HistoryEntry
from hms_core.actions import commands

Status = Literal["open", "done", "verified", "cancelled"]
StatusFilter = Literal[
    "open", "done", "verified", "cancelled", "overdue", "due_soon", "follow_up_required"
]
Source = Literal["deviation", "risk_assessment", "follow_up", "standalone"]

# --- what it takes: the domain's commands, under the names the API has always had ----


class ActionPlanIn(commands.ActionPlan):
    pass


class ActionCreate(commands.CreateAction):
    pass


class Complete(commands.CompleteAction):
    pass


class Verify(commands.VerifyAction):
    follow_up: ActionPlanIn | None = None  # the field's type, named the API's way


class Reschedule(commands.RescheduleAction):
    pass


class Reassign(commands.ReassignAction):
    pass


class Cancel(commands.CancelAction):
    pass


class ActionCommentCreate(commands.CommentAction):
    pass


# --- what it gives -------------------------------------------------------------------


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
