"""What the deviation API takes and gives (snake_case JSON).

The bodies it takes are the use cases' commands (hms_core.deviations.commands), each
under the name its schema has in the OpenAPI document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

import msgspec

from api.schemas.common import HistoryEntry
from hms_core.deviations import commands

Status = Literal["reported", "under_treatment", "closed"]

# --- what it takes: the domain's commands, under the names the API has always had ----


class PersonHarmedIn(commands.InjuredPerson):
    pass


class DeviationCreate(commands.ReportDeviation):
    person_harmed: PersonHarmedIn | None = None  # the field's type, named the API's way


class Acknowledge(commands.AcknowledgeDeviation):
    pass


class Classify(commands.ClassifyDeviation):
    pass


class CommentCreate(commands.CommentDeviation):
    pass


class FeedbackCreate(commands.GiveFeedback):
    pass


class Transfer(commands.TransferDeviation):
    pass


class Close(commands.CloseDeviation):
    pass


class Reopen(commands.ReopenDeviation):
    pass


class InformationCreate(commands.AddInformation):
    pass


# --- what it gives -------------------------------------------------------------------


class DeviationCreated(msgspec.Struct):
    id: UUID
    reference: str
    status: Status
    receipt_code: str | None = None


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
