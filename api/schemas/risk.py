"""What the risk assessment and risk register API takes and gives (snake_case JSON).

The bodies it takes are the use cases' commands (hms_core.risk.commands), each under the
name its schema has in the OpenAPI document.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from api.schemas.common import HistoryEntry
from hms_core.commands import Change
from hms_core.risk import commands
from hms_core.risk.hazard import MAX_PARTICIPANTS

AssessmentStatus = Literal["draft", "approved", "archived"]
VersionStatus = Literal["in_force", "superseded", "archived"]

# --- what it takes: the domain's commands, under the names the API has always had ----


class ParticipantIn(commands.NamedParticipant):
    pass


# The fields' type, named the API's way.
Participants = Annotated[list[ParticipantIn], Meta(max_length=MAX_PARTICIPANTS)]


class AssessmentCreate(commands.CreateAssessment):
    participants: Participants = []


class AssessmentUpdate(commands.UpdateAssessment):
    participants: Participants | None = None


class HazardCreate(commands.AddHazard):
    pass


class HazardUpdate(commands.EditHazard):
    pass


class HazardScore(commands.ScoreHazard):
    pass


class HazardRemove(commands.RemoveHazard):
    pass


class DeviationLink(Change):
    """Which deviation to link to the hazard (the path names the hazard)."""

    deviation_id: UUID


class Approve(commands.ApproveAssessment):
    pass


class Revise(commands.ReviseAssessment):
    pass


class Archive(commands.ArchiveAssessment):
    pass


# --- what it gives -------------------------------------------------------------------


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
