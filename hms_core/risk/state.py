"""What a risk assessment is at any moment, and the questions it answers.

`RiskAssessment` (hms_core.risk.assessment) changes this state only through its
commands and their events; here are what those commands and the readers ask of it:
is it a draft, which version is in force, is it due for review, what keeps the draft
from being approved. Kept apart from the commands so that each file reads in one go;
no event is defined here (eventsourcing names each event after the class it is
defined in, and stored events carry that name).
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from hms_core.risk.errors import (
    ApprovalBlocked,
    AssessmentArchivedError,
    AssessmentNotDraftError,
    MeasureOrJustificationRequiredError,
    MeasureRequiredError,
    NoHazardsError,
    UnknownHazardError,
    UnscoredHazardError,
)
from hms_core.risk.hazard import (
    VERNEOMBUD,
    ApprovedVersion,
    Hazard,
    Participant,
    ReviewState,
    review_state,
)
from hms_core.risk.matrix import MEASURE, MEASURE_OR_JUSTIFICATION, RiskMatrix

DRAFT = "draft"
APPROVED = "approved"
ARCHIVED = "archived"
# What became of an approved version (`status_of`): still in force, replaced by a later
# approval, or retired with the whole assessment.
IN_FORCE = "in_force"
SUPERSEDED = "superseded"

TITLE_MAX = 150
SCOPE_MAX = 2000
REASON_MAX = 1000
DEFAULT_REVIEW_MONTHS = 12
# Deviations linked to one hazard since approval that make it "recur" (review due).
RECURRENCE_THRESHOLD = 2


class AssessmentState:
    """The state of a risk assessment (set by RiskAssessment's events) and its queries."""

    unit_id: UUID
    title: str
    scope: str
    participants: tuple[Participant, ...]
    review_interval_months: int
    created_by: str
    status: str
    revision: int
    hazards: dict[UUID, Hazard]
    versions: tuple[ApprovedVersion, ...]
    archive_reason: str | None
    # Deviations linked per hazard since the last approval: recurrence asks for review.
    recent_deviations: dict[UUID, int]

    @property
    def participant_ids(self) -> frozenset[UUID]:
        return frozenset(p.user_id for p in self.participants)

    @property
    def has_verneombud(self) -> bool:
        return any(p.role == VERNEOMBUD for p in self.participants)

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def measure_ids(self) -> tuple[UUID, ...]:
        return tuple(m for h in self.hazards.values() for m in h.measure_ids)

    @property
    def in_force(self) -> ApprovedVersion | None:
        """The approved version that applies now (also while its revision is drafted)."""
        if self.status == ARCHIVED or not self.versions:
            return None
        return self.versions[-1]

    @property
    def recurring_hazard_ids(self) -> frozenset[UUID]:
        """Hazards of the version in force that deviations keep recurring against."""
        return frozenset(h for h, n in self.recent_deviations.items() if n >= RECURRENCE_THRESHOLD)

    def review(self, today: date) -> ReviewState:
        """Whether the version in force is due (or overdue) for review on `today`."""
        in_force = self.in_force
        return review_state(
            in_force.next_review_on if in_force else None,
            today,
            recurring=bool(self.recurring_hazard_ids),
        )

    def version_of(self, revision: int) -> ApprovedVersion | None:
        return next((v for v in self.versions if v.revision == revision), None)

    def status_of(self, version: ApprovedVersion) -> str:
        """In force until a later revision is approved, or the assessment is archived."""
        if version.revision != self.versions[-1].revision:
            return SUPERSEDED
        return ARCHIVED if self.status == ARCHIVED else IN_FORCE

    def hazard(self, hazard_id: UUID) -> Hazard:
        try:
            return self.hazards[hazard_id]
        except KeyError:
            raise UnknownHazardError from None

    def approval_problems(
        self, matrix: RiskMatrix, cancelled_measure_ids: frozenset[UUID] = frozenset()
    ) -> list[ApprovalBlocked]:
        """Everything that keeps this draft from being approved, hazard by hazard."""
        if not self.hazards:
            return [NoHazardsError()]
        problems: list[ApprovalBlocked] = []
        for hazard in self.hazards.values():
            if not hazard.is_scored:
                problems.append(UnscoredHazardError(hazard))
                continue
            requires = matrix.level_for(hazard.score).requires
            has_measure = any(m not in cancelled_measure_ids for m in hazard.measure_ids)
            if requires == MEASURE and not has_measure:
                problems.append(MeasureRequiredError(hazard))
            elif requires == MEASURE_OR_JUSTIFICATION and not (has_measure or hazard.justification):
                problems.append(MeasureOrJustificationRequiredError(hazard))
        return problems

    def check_draft(self) -> None:
        self.check_not_archived()
        if not self.is_draft:
            raise AssessmentNotDraftError

    def check_not_archived(self) -> None:
        if self.status == ARCHIVED:
            raise AssessmentArchivedError
