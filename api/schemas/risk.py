"""What the risk assessment and risk register API takes and gives (snake_case JSON)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from api.schemas.common import Command, HistoryEntry, Scale, optional_text, text
from hms_core.risk.assessment import DEFAULT_REVIEW_MONTHS, REASON_MAX, SCOPE_MAX, TITLE_MAX
from hms_core.risk.hazard import MAX_PARTICIPANTS, MAX_REVIEW_MONTHS, TEXT_MAX

AssessmentStatus = Literal["draft", "approved", "archived"]
VersionStatus = Literal["in_force", "superseded", "archived"]
ParticipantRole = Literal["leader", "verneombud", "employee", "hms", "other"]
ReviewMonths = Annotated[
    int, Meta(ge=1, le=MAX_REVIEW_MONTHS, description="Months from approval to review")
]


class ParticipantIn(msgspec.Struct, forbid_unknown_fields=True):
    user_id: UUID
    role: ParticipantRole


Participants = Annotated[list[ParticipantIn], Meta(max_length=MAX_PARTICIPANTS)]


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    unit_id: UUID
    title: text(TITLE_MAX)
    scope: text(SCOPE_MAX, description="The activity or area assessed", multiline=True)
    participants: Participants = []
    review_interval_months: ReviewMonths = DEFAULT_REVIEW_MONTHS


class AssessmentUpdate(Command):
    title: text(TITLE_MAX)
    scope: text(SCOPE_MAX, multiline=True)
    review_interval_months: ReviewMonths
    participants: Participants | None = None


class HazardCreate(Command):
    description: text(TEXT_MAX, multiline=True)
    cause: optional_text(TEXT_MAX, multiline=True) = None
    barriers: optional_text(TEXT_MAX, description="Existing barriers", multiline=True) = None
    justification: optional_text(
        TEXT_MAX, description="Why a yellow risk may be accepted", multiline=True
    ) = None
    probability: Scale | None = None
    consequence: Scale | None = None
    residual_probability: Scale | None = None
    residual_consequence: Scale | None = None


class HazardUpdate(Command):
    description: text(TEXT_MAX, multiline=True)
    cause: optional_text(TEXT_MAX, multiline=True) = None
    barriers: optional_text(TEXT_MAX, multiline=True) = None
    justification: optional_text(TEXT_MAX, multiline=True) = None


class HazardScore(Command):
    probability: Scale
    consequence: Scale
    residual_probability: Scale | None = None
    residual_consequence: Scale | None = None


class HazardRemove(Command):
    pass


class DeviationLink(Command):
    deviation_id: UUID


class Approve(Command):
    pass


class Revise(Command):
    reason: optional_text(
        REASON_MAX, description="Why: yearly review, change, recurrence", multiline=True
    ) = None


class Archive(Command):
    reason: text(REASON_MAX, multiline=True)


class ParticipantOut(msgspec.Struct):
    user_id: UUID
    role: str
    name: str | None


class HazardOut(msgspec.Struct):
    id: UUID
    description: str
    cause: str | None
    barriers: str | None
    justification: str | None
    probability: int | None
    consequence: int | None
    score: int | None
    level: str | None
    level_label: str | None
    residual_probability: int | None
    residual_consequence: int | None
    residual_score: int | None
    residual_level: str | None
    residual_level_label: str | None
    measure_ids: list[UUID]
    deviation_ids: list[UUID]


class ApprovalProblem(msgspec.Struct):
    code: str
    message: str
    hazard_id: UUID | None = None


class VersionSummary(msgspec.Struct):
    revision: int
    status: VersionStatus
    approved_at: datetime
    approved_by: str
    approved_by_name: str | None
    next_review_on: date


class AssessmentDetail(msgspec.Struct):
    """The assessment as it stands: the draft being worked on, or the approved version."""

    id: UUID
    unit_id: UUID
    unit_name: str | None
    title: str
    scope: str
    status: AssessmentStatus
    revision: int
    review_interval_months: int
    participants: list[ParticipantOut]
    hazards: list[HazardOut]
    approved_revision: int | None
    approved_at: datetime | None
    next_review_on: date | None
    review_due: bool
    review_overdue: bool
    notes: list[str]
    approval_problems: list[ApprovalProblem]
    versions: list[VersionSummary]
    archive_reason: str | None
    version: int
    history: list[HistoryEntry]


class AssessmentVersionDetail(msgspec.Struct):
    """One approved revision, exactly as it was approved."""

    id: UUID
    unit_id: UUID
    unit_name: str | None
    revision: int
    status: VersionStatus
    title: str
    scope: str
    review_interval_months: int
    participants: list[ParticipantOut]
    hazards: list[HazardOut]
    approved_at: datetime
    approved_by: str
    approved_by_name: str | None
    approved_on: date
    next_review_on: date
    matrix_name: str
    notes: list[str]


class HazardCreated(msgspec.Struct):
    id: UUID
    assessment: AssessmentDetail


class AssessmentSummary(msgspec.Struct):
    id: UUID
    unit_id: UUID
    title: str
    status: AssessmentStatus
    revision: int
    approved_revision: int | None
    approved_at: datetime | None
    next_review_on: date | None
    review_due: bool
    review_overdue: bool
    without_verneombud: bool
    hazard_count: int
    updated_at: datetime
    version: int


class AssessmentList(msgspec.Struct):
    items: list[AssessmentSummary]


class RegisterEntry(msgspec.Struct):
    """One hazard of an assessment in force."""

    hazard_id: UUID
    assessment_id: UUID
    unit_id: UUID
    title: str
    revision: int
    description: str
    cause: str | None
    justification: str | None
    probability: int
    consequence: int
    score: int
    level: str
    level_label: str | None
    residual_probability: int | None
    residual_consequence: int | None
    residual_score: int | None
    residual_level: str | None
    residual_level_label: str | None
    approved_at: datetime
    next_review_on: date
    review_due: bool
    review_overdue: bool
    recurring: bool
    measure_count: int
    open_measure_count: int
    deviation_count: int
    recent_deviation_count: int


class HeatCell(msgspec.Struct):
    probability: int
    consequence: int
    score: int
    level: str
    count: int


class HeatMap(msgspec.Struct):
    """Hazards per cell of the 5 × 5 matrix, before measures and after them (residual)."""

    inherent: list[HeatCell]
    residual: list[HeatCell]


class RegisterList(msgspec.Struct):
    items: list[RegisterEntry]
    heatmap: HeatMap


class RiskLevelOut(msgspec.Struct):
    code: str
    label: str
    min_score: int
    max_score: int
    requires: Literal["nothing", "measure_or_justification", "measure"]
    description: str
    color: str | None


class RiskMatrixOut(msgspec.Struct):
    """The levels scores are graded by (lowest first), and the labels of the two scales."""

    name: str
    levels: list[RiskLevelOut]
    probability_labels: Annotated[list[str], Meta(min_length=5, max_length=5)]
    consequence_labels: Annotated[list[str], Meta(min_length=5, max_length=5)]
