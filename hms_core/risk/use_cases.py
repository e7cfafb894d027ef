"""Use cases of risk assessments (risikovurderinger): draft, score, approve, revise, archive."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from hms_core import access
from hms_core.access import Principal
from hms_core.actions.action import CANCELLED, CorrectiveAction
from hms_core.errors import NotFound
from hms_core.risk.assessment import RiskAssessment
from hms_core.risk.commands import (
    ApproveAssessment,
    ArchiveAssessment,
    CreateAssessment,
    ReviseAssessment,
    participants,
)
from hms_core.risk.drafting import AssessmentDrafting
from hms_core.risk.errors import (
    ApprovalBlocked,
    AssessmentVersionNotFoundError,
)
from hms_core.risk.hazard import ApprovedVersion
from hms_core.risk.matrix import RiskMatrix, default_matrix
from hms_core.service import UsesDeviations, command, takes

if TYPE_CHECKING:

    class _Base(AssessmentDrafting, UsesDeviations):
        """What these use cases call of the deviations' (and, through the drafting's, of
        the directory's)."""

else:
    _Base = AssessmentDrafting


class RiskService(_Base):
    """Create, read, approve, revise and archive; the draft's changes are AssessmentDrafting's."""

    # The matrix levels are scored by; `use_risk_matrix` sets an HMS officer's own.
    risk_matrix: RiskMatrix = default_matrix()

    def use_risk_matrix(self, matrix: RiskMatrix) -> None:
        """Score levels from this matrix from now on (the entrypoints read HMS_RISK_MATRIX)."""
        self.risk_matrix = matrix.validated()

    @command
    @takes(CreateAssessment)
    def create_assessment(self, by: Principal, data: CreateAssessment) -> UUID:
        """Start a draft risk assessment for an activity or area of a unit."""
        self.unit_in_tree(data.unit_id, "unit_id")
        access.check_create_assessment(by, unit_id=data.unit_id)
        assessment = RiskAssessment.create(
            actor=by.actor,
            **data.fields(participants=self._participants(participants(data.participants))),
        )
        self.save(assessment)
        return assessment.id

    # --- reading -------------------------------------------------------------------

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

    # --- approval, revision, archiving ---------------------------------------------

    @command
    @takes(ApproveAssessment)
    def approve_assessment(
        self, by: Principal, assessment_id: UUID, data: ApproveAssessment
    ) -> int:
        """The unit's leader (or HMS) approves the draft; it is in force until its review."""
        return self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.approve(
                actor=by.actor,
                matrix=self.risk_matrix,
                cancelled_measure_ids=self.cancelled_measure_ids(a),
            ),
            check=access.check_approve_assessment,
        )

    @command
    @takes(ReviseAssessment)
    def revise_assessment(self, by: Principal, assessment_id: UUID, data: ReviseAssessment) -> int:
        """Start the next revision as a draft; the approved one stays readable and in force."""
        return self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.revise(actor=by.actor, reason=data.reason),
            check=access.check_manage_assessment,
        )

    @command
    @takes(ArchiveAssessment)
    def archive_assessment(
        self, by: Principal, assessment_id: UUID, data: ArchiveAssessment
    ) -> int:
        """Retire the assessment; it leaves the risk register."""
        return self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.archive(actor=by.actor, reason=data.reason),
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
