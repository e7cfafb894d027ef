"""Use cases of risk assessments (risikovurderinger): draft, score, approve, revise, archive."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from uuid import UUID, uuid4

from hms_core import access
from hms_core.access import Principal
from hms_core.actions.action import CANCELLED, CorrectiveAction
from hms_core.directory.organisation import UnknownUserError
from hms_core.errors import InvalidValue, NotFound
from hms_core.risk.assessment import (
    DEFAULT_REVIEW_MONTHS,
    VERNEOMBUD,
    ApprovalBlocked,
    RiskAssessment,
)
from hms_core.risk.hazard import ApprovedVersion, Participant, check_participants
from hms_core.risk.matrix import RiskMatrix, default_matrix
from hms_core.service import Service, command


class AssessmentNotFoundError(NotFound):
    code = "assessment_not_found"
    message = "Fant ikke risikovurderingen."


class AssessmentVersionNotFoundError(NotFound):
    code = "assessment_version_not_found"
    message = "Fant ingen godkjent versjon med dette nummeret."


class RiskService(Service):
    # The matrix levels are scored by; `use_risk_matrix` sets an HMS officer's own.
    risk_matrix: RiskMatrix = default_matrix()

    def use_risk_matrix(self, matrix: RiskMatrix) -> None:
        """Score levels from this matrix from now on (the entrypoints read HMS_RISK_MATRIX)."""
        self.risk_matrix = matrix.validated()

    @command
    def create_assessment(
        self,
        by: Principal,
        *,
        unit_id: UUID,
        title: str,
        scope: str,
        participants: Iterable[Participant] = (),
        review_interval_months: int = DEFAULT_REVIEW_MONTHS,
    ) -> UUID:
        """Start a draft risk assessment for an activity or area of a unit."""
        self.unit_in_tree(unit_id, "unit_id")
        access.check_create_assessment(by, unit_id=unit_id)
        assessment = RiskAssessment.create(
            actor=by.actor,
            unit_id=unit_id,
            title=title,
            scope=scope,
            participants=self._participants(participants),
            review_interval_months=review_interval_months,
        )
        self.save(assessment)
        return assessment.id

    # --- reading -------------------------------------------------------------------

    def risk_assessment(self, assessment_id: UUID) -> RiskAssessment:
        return self.load(assessment_id, RiskAssessment, AssessmentNotFoundError)

    def read_assessment(self, by: Principal, assessment_id: UUID) -> RiskAssessment:
        """The assessment as it stands now, if this person may read it."""
        assessment = self.risk_assessment(assessment_id)
        access.check_read_assessment(by, assessment)
        return assessment

    def read_assessment_version(
        self, by: Principal, assessment_id: UUID, revision: int
    ) -> tuple[RiskAssessment, ApprovedVersion]:
        """An approved revision, as it was approved (earlier ones stay readable)."""
        assessment = self.read_assessment(by, assessment_id)
        version = assessment.version_of(revision)
        if version is None:
            raise AssessmentVersionNotFoundError
        return assessment, version

    def approval_problems(self, assessment: RiskAssessment) -> list[ApprovalBlocked]:
        """What keeps a draft from approval today; nothing for one that is not a draft."""
        if not assessment.is_draft:
            return []
        return assessment.approval_problems(
            self.risk_matrix, self.cancelled_measure_ids(assessment)
        )

    def cancelled_measure_ids(self, assessment: RiskAssessment) -> frozenset[UUID]:
        """Measures whose action was cancelled: they protect against nothing."""
        cancelled = set()
        for action_id in assessment.measure_ids:
            try:
                action = self.load(action_id, CorrectiveAction)
            except NotFound:
                continue
            if action.status == CANCELLED:
                cancelled.add(action_id)
        return frozenset(cancelled)

    # --- the draft -----------------------------------------------------------------

    def _change_assessment(
        self,
        by: Principal,
        assessment_id: UUID,
        expected_version: int | None,
        change: Callable[[RiskAssessment], object],
        check: Callable[[Principal, RiskAssessment], None] = access.check_edit_assessment,
    ) -> int:
        assessment = self.risk_assessment(assessment_id)
        check(by, assessment)
        assessment.check_version(expected_version)
        change(assessment)
        self.save(assessment)
        return assessment.version

    @command
    def update_assessment(
        self,
        by: Principal,
        assessment_id: UUID,
        *,
        title: str,
        scope: str,
        review_interval_months: int,
        participants: Iterable[Participant] | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Change a draft's title, scope, review interval and (if given) participants."""
        wanted = None if participants is None else self._participants(participants)

        def change(a: RiskAssessment) -> None:
            a.change_details(
                actor=by.actor,
                title=title,
                scope=scope,
                review_interval_months=review_interval_months,
            )
            if wanted is not None:
                a.change_participants(actor=by.actor, participants=wanted)

        return self._change_assessment(by, assessment_id, expected_version, change)

    @command
    def add_hazard(
        self,
        by: Principal,
        assessment_id: UUID,
        *,
        description: str,
        cause: str | None = None,
        barriers: str | None = None,
        justification: str | None = None,
        probability: int | None = None,
        consequence: int | None = None,
        residual_probability: int | None = None,
        residual_consequence: int | None = None,
        expected_version: int | None = None,
    ) -> UUID:
        """Add a hazard to a draft, scored now or later; returns the hazard's id."""
        hazard_id = uuid4()
        self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.add_hazard(
                actor=by.actor,
                hazard_id=hazard_id,
                description=description,
                cause=cause,
                barriers=barriers,
                justification=justification,
                probability=probability,
                consequence=consequence,
                residual_probability=residual_probability,
                residual_consequence=residual_consequence,
            ),
        )
        return hazard_id

    @command
    def edit_hazard(
        self,
        by: Principal,
        assessment_id: UUID,
        hazard_id: UUID,
        *,
        description: str,
        cause: str | None = None,
        barriers: str | None = None,
        justification: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Restate a hazard of a draft (its texts, and why a yellow risk may be accepted)."""
        return self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.edit_hazard(
                actor=by.actor,
                hazard_id=hazard_id,
                description=description,
                cause=cause,
                barriers=barriers,
                justification=justification,
            ),
        )

    @command
    def score_hazard(
        self,
        by: Principal,
        assessment_id: UUID,
        hazard_id: UUID,
        *,
        probability: int,
        consequence: int,
        residual_probability: int | None = None,
        residual_consequence: int | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Probability and consequence of a hazard, and its residual risk after measures."""
        return self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.score_hazard(
                actor=by.actor,
                hazard_id=hazard_id,
                probability=probability,
                consequence=consequence,
                residual_probability=residual_probability,
                residual_consequence=residual_consequence,
            ),
        )

    @command
    def remove_hazard(
        self,
        by: Principal,
        assessment_id: UUID,
        hazard_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Take a hazard out of a draft."""
        return self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.remove_hazard(actor=by.actor, hazard_id=hazard_id),
        )

    # --- approval, revision, archiving ---------------------------------------------

    @command
    def approve_assessment(
        self, by: Principal, assessment_id: UUID, *, expected_version: int | None = None
    ) -> int:
        """The unit's leader (or HMS) approves the draft; it is in force until its review."""
        return self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.approve(
                actor=by.actor,
                matrix=self.risk_matrix,
                cancelled_measure_ids=self.cancelled_measure_ids(a),
            ),
            check=access.check_approve_assessment,
        )

    @command
    def revise_assessment(
        self,
        by: Principal,
        assessment_id: UUID,
        *,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> int:
        """Start the next revision as a draft; the approved one stays readable and in force."""
        return self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.revise(actor=by.actor, reason=reason),
            check=access.check_manage_assessment,
        )

    @command
    def archive_assessment(
        self,
        by: Principal,
        assessment_id: UUID,
        *,
        reason: str,
        expected_version: int | None = None,
    ) -> int:
        """Retire the assessment; it leaves the risk register."""
        return self._change_assessment(
            by,
            assessment_id,
            expected_version,
            lambda a: a.archive(actor=by.actor, reason=reason),
            check=access.check_manage_assessment,
        )

    @command
    def link_deviation_to_hazard(
        self,
        by: Principal,
        deviation_id: UUID,
        assessment_id: UUID,
        hazard_id: UUID,
        *,
        expected_version: int | None = None,
    ) -> int:
        """Record that a deviation is an instance of a hazard, on both records at once."""
        deviation = self.deviation(deviation_id)
        assessment = self.risk_assessment(assessment_id)
        access.check_link_deviation_to_hazard(by, deviation, assessment)
        assessment.check_version(expected_version)
        assessment.link_deviation(actor=by.actor, hazard_id=hazard_id, deviation_id=deviation_id)
        deviation.link_hazard(actor=by.actor, assessment_id=assessment_id, hazard_id=hazard_id)
        self.save(assessment, deviation)
        return assessment.version

    # --- helpers -------------------------------------------------------------------

    def _participants(self, participants: Iterable[Participant]) -> tuple[Participant, ...]:
        """Participants must be users; one named as verneombud must be one."""
        checked = check_participants(participants)
        for participant in checked:
            try:
                user = self.user(participant.user_id)
            except UnknownUserError:
                raise InvalidValue("participants", "En av deltakerne finnes ikke.") from None
            if participant.role == VERNEOMBUD and VERNEOMBUD not in user.roles:
                raise InvalidValue("participants.role", f"{user.name} er ikke verneombud.")
        return checked
