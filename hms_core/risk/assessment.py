"""A risk assessment (risikovurdering): the hazards of one activity or area of a unit.

Life: draft → approved by the unit's leader → revised (a new draft of the next
revision) → approved again … → archived. Versions live inside the one aggregate: each
approval records the whole approved document (`Approved` carries the hazards with the
levels they were approved at), so an earlier revision stays readable after the next
one is approved, and ids of hazards, measures and deviation links never change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from uuid import UUID

import msgspec
from eventsourcing.domain import event

from hms_core import clock, rules
from hms_core.model import HMSAggregate
from hms_core.risk.errors import AssessmentNotApprovedError, TooManyHazardsError
from hms_core.risk.hazard import (
    MAX_HAZARDS,
    ApprovedVersion,
    Hazard,
    Participant,
    add_months,
    check_hazard_texts,
    check_participants,
    check_review_interval,
    check_scores,
)
from hms_core.risk.matrix import RiskMatrix
from hms_core.risk.state import (
    APPROVED,
    ARCHIVED,
    DEFAULT_REVIEW_MONTHS,
    DRAFT,
    REASON_MAX,
    SCOPE_MAX,
    TITLE_MAX,
    AssessmentState,
)


class RiskAssessment(AssessmentState, HMSAggregate):
    """The hazards of one activity or area of a unit, scored, with their measures."""

    @event("Created")
    def __init__(
        self,
        unit_id: UUID,
        title: str,
        scope: str,
        participants: tuple[Participant, ...],
        review_interval_months: int,
        actor: str,
    ) -> None:
        self.unit_id = unit_id
        self.title = title
        self.scope = scope
        self.participants = participants
        self.review_interval_months = review_interval_months
        self.created_by = actor
        self.status = DRAFT
        self.revision = 1
        self.hazards: dict[UUID, Hazard] = {}
        self.versions: tuple[ApprovedVersion, ...] = ()
        self.archive_reason: str | None = None
        # Deviations linked per hazard since the last approval: recurrence asks for review.
        self.recent_deviations: dict[UUID, int] = {}

    @classmethod
    def create(
        cls,
        *,
        actor: str,
        unit_id: UUID,
        title: str,
        scope: str,
        participants: Iterable[Participant] = (),
        review_interval_months: int = DEFAULT_REVIEW_MONTHS,
    ) -> RiskAssessment:
        """Start a draft for an activity or area of a unit."""
        return cls(
            unit_id=unit_id,
            title=rules.text("title", title, TITLE_MAX),
            scope=rules.text("scope", scope, SCOPE_MAX, multiline=True),
            participants=check_participants(participants),
            review_interval_months=check_review_interval(review_interval_months),
            actor=actor,
        )

    # --- the draft's details -------------------------------------------------------

    def change_details(
        self, *, actor: str, title: str, scope: str, review_interval_months: int
    ) -> None:
        """Rename the assessment, restate its scope or change how often it is reviewed."""
        self.check_draft()
        details = (
            rules.text("title", title, TITLE_MAX),
            rules.text("scope", scope, SCOPE_MAX, multiline=True),
            check_review_interval(review_interval_months),
        )
        if details != (self.title, self.scope, self.review_interval_months):
            title, scope, months = details
            self._change_details(
                title=title, scope=scope, review_interval_months=months, actor=actor
            )

    @event("DetailsChanged")
    def _change_details(
        self, title: str, scope: str, review_interval_months: int, actor: str
    ) -> None:
        self.title = title
        self.scope = scope
        self.review_interval_months = review_interval_months

    def change_participants(self, *, actor: str, participants: Iterable[Participant]) -> None:
        """Record who takes part: leader, verneombud, employees."""
        self.check_draft()
        participants = check_participants(participants)
        if participants != self.participants:
            self._change_participants(participants=participants, actor=actor)

    @event("ParticipantsChanged")
    def _change_participants(self, participants: tuple[Participant, ...], actor: str) -> None:
        self.participants = participants

    # --- hazards -------------------------------------------------------------------

    def add_hazard(
        self,
        *,
        actor: str,
        hazard_id: UUID,
        description: str,
        cause: str | None = None,
        barriers: str | None = None,
        justification: str | None = None,
        probability: int | None = None,
        consequence: int | None = None,
        residual_probability: int | None = None,
        residual_consequence: int | None = None,
    ) -> None:
        """A new line: what could happen, why, what already protects against it."""
        self.check_draft()
        if len(self.hazards) >= MAX_HAZARDS:
            raise TooManyHazardsError
        texts = check_hazard_texts(description, cause, barriers, justification)
        scores = check_scores(
            probability, consequence, residual_probability, residual_consequence, optional=True
        )
        self._add_hazard(hazard_id, *texts, *scores, actor=actor)

    @event("HazardAdded")
    def _add_hazard(
        self,
        hazard_id: UUID,
        description: str,
        cause: str | None,
        barriers: str | None,
        justification: str | None,
        probability: int | None,
        consequence: int | None,
        residual_probability: int | None,
        residual_consequence: int | None,
        actor: str,
    ) -> None:
        hazard = Hazard(
            hazard_id,
            description,
            cause,
            barriers,
            justification,
            probability,
            consequence,
            residual_probability,
            residual_consequence,
        )
        self.hazards = {**self.hazards, hazard_id: hazard}

    def edit_hazard(
        self,
        *,
        actor: str,
        hazard_id: UUID,
        description: str,
        cause: str | None = None,
        barriers: str | None = None,
        justification: str | None = None,
    ) -> None:
        """Restate a hazard; `justification` says why a yellow risk is accepted as it is."""
        self.check_draft()
        hazard = self.hazard(hazard_id)
        texts = check_hazard_texts(description, cause, barriers, justification)
        if texts != (hazard.description, hazard.cause, hazard.barriers, hazard.justification):
            self._edit_hazard(hazard_id, *texts, actor=actor)

    @event("HazardEdited")
    def _edit_hazard(
        self,
        hazard_id: UUID,
        description: str,
        cause: str | None,
        barriers: str | None,
        justification: str | None,
        actor: str,
    ) -> None:
        self._replace(
            hazard_id,
            description=description,
            cause=cause,
            barriers=barriers,
            justification=justification,
        )

    def score_hazard(
        self,
        *,
        actor: str,
        hazard_id: UUID,
        probability: int,
        consequence: int,
        residual_probability: int | None = None,
        residual_consequence: int | None = None,
    ) -> None:
        """Probability and consequence (1–5), and the residual risk after planned measures."""
        self.check_draft()
        hazard = self.hazard(hazard_id)
        scores = check_scores(probability, consequence, residual_probability, residual_consequence)
        current = (
            hazard.probability,
            hazard.consequence,
            hazard.residual_probability,
            hazard.residual_consequence,
        )
        if scores != current:
            self._score_hazard(hazard_id, *scores, actor=actor)

    @event("HazardScored")
    def _score_hazard(
        self,
        hazard_id: UUID,
        probability: int,
        consequence: int,
        residual_probability: int | None,
        residual_consequence: int | None,
        actor: str,
    ) -> None:
        self._replace(
            hazard_id,
            probability=probability,
            consequence=consequence,
            residual_probability=residual_probability,
            residual_consequence=residual_consequence,
        )

    def remove_hazard(self, *, actor: str, hazard_id: UUID) -> None:
        """Take a line out of the draft; earlier approved versions keep it."""
        self.check_draft()
        self.hazard(hazard_id)
        self._remove_hazard(hazard_id=hazard_id, actor=actor)

    @event("HazardRemoved")
    def _remove_hazard(self, hazard_id: UUID, actor: str) -> None:
        self.hazards = {k: v for k, v in self.hazards.items() if k != hazard_id}

    def link_measure(self, *, actor: str, hazard_id: UUID, action_id: UUID) -> None:
        """A corrective action was planned as a measure against this hazard."""
        self.check_draft()
        hazard = self.hazard(hazard_id)
        if action_id not in hazard.measure_ids:
            self._link_measure(hazard_id=hazard_id, action_id=action_id, actor=actor)

    @event("MeasureLinked")
    def _link_measure(self, hazard_id: UUID, action_id: UUID, actor: str) -> None:
        hazard = self.hazards[hazard_id]
        self._replace(hazard_id, measure_ids=(*hazard.measure_ids, action_id))

    def link_deviation(self, *, actor: str, hazard_id: UUID, deviation_id: UUID) -> None:
        """A deviation happened that this hazard foresaw: the hazard recurs."""
        self.check_not_archived()
        hazard = self.hazard(hazard_id)
        if deviation_id not in hazard.deviation_ids:
            self._link_deviation(hazard_id=hazard_id, deviation_id=deviation_id, actor=actor)

    @event("DeviationLinked")
    def _link_deviation(self, hazard_id: UUID, deviation_id: UUID, actor: str) -> None:
        hazard = self.hazards[hazard_id]
        self._replace(hazard_id, deviation_ids=(*hazard.deviation_ids, deviation_id))
        recent = self.recent_deviations
        self.recent_deviations = {**recent, hazard_id: recent.get(hazard_id, 0) + 1}

    def _replace(self, hazard_id: UUID, **changes: object) -> None:
        hazard = msgspec.structs.replace(self.hazards[hazard_id], **changes)
        self.hazards = {**self.hazards, hazard_id: hazard}

    # --- approval, revision, archiving ---------------------------------------------

    def approve(
        self,
        *,
        actor: str,
        matrix: RiskMatrix,
        cancelled_measure_ids: frozenset[UUID] = frozenset(),
    ) -> None:
        """The leader approves the draft as the assessment in force until its review date.

        Refused while a hazard is unscored, or its level asks for a measure (or a
        justification) it lacks; cancelled actions are no measure.
        """
        self.check_draft()
        problems = self.approval_problems(matrix, cancelled_measure_ids)
        if problems:
            raise problems[0]
        approved_on = clock.today()
        self._approve(
            revision=self.revision,
            title=self.title,
            scope=self.scope,
            participants=self.participants,
            review_interval_months=self.review_interval_months,
            hazards=tuple(h.graded(matrix) for h in self.hazards.values()),
            approved_at=clock.now(),
            approved_on=approved_on,
            next_review_on=add_months(approved_on, self.review_interval_months),
            without_verneombud=not self.has_verneombud,
            matrix_name=matrix.name,
            actor=actor,
        )

    @event("Approved")
    def _approve(
        self,
        revision: int,
        title: str,
        scope: str,
        participants: tuple[Participant, ...],
        review_interval_months: int,
        hazards: tuple[Hazard, ...],
        approved_at: datetime,
        approved_on: date,
        next_review_on: date,
        without_verneombud: bool,
        matrix_name: str,
        actor: str,
    ) -> None:
        self.status = APPROVED
        version = ApprovedVersion(
            revision=revision,
            title=title,
            scope=scope,
            participants=participants,
            review_interval_months=review_interval_months,
            hazards=hazards,
            approved_at=approved_at,
            approved_by=actor,
            approved_on=approved_on,
            next_review_on=next_review_on,
            without_verneombud=without_verneombud,
            matrix_name=matrix_name,
        )
        self.versions = (*self.versions, version)
        self.recent_deviations = {}

    def revise(self, *, actor: str, reason: str | None = None) -> None:
        """Start the next revision as a draft copy; the approved one stays in force meanwhile."""
        if self.status != APPROVED:
            raise AssessmentNotApprovedError
        self._revise(
            revision=self.revision + 1,
            reason=rules.optional_text("reason", reason, REASON_MAX, multiline=True),
            actor=actor,
        )

    @event("Revised")
    def _revise(self, revision: int, reason: str | None, actor: str) -> None:
        self.status = DRAFT
        self.revision = revision

    def archive(self, *, actor: str, reason: str) -> None:
        """Retire the assessment (the activity ended, or another assessment covers it)."""
        self.check_not_archived()
        self._archive(reason=rules.text("reason", reason, REASON_MAX, multiline=True), actor=actor)

    @event("Archived")
    def _archive(self, reason: str, actor: str) -> None:
        self.status = ARCHIVED
        self.archive_reason = reason
