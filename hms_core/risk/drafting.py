"""Use cases of a draft risk assessment: its details, participants and hazards."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from hms_core import access
from hms_core.access import Principal
from hms_core.commands import Change
from hms_core.directory.errors import UnknownUserError
from hms_core.errors import InvalidValue
from hms_core.risk.assessment import RiskAssessment
from hms_core.risk.commands import (
    AddHazard,
    EditHazard,
    RemoveHazard,
    ScoreHazard,
    UpdateAssessment,
    participants,
)
from hms_core.risk.errors import AssessmentNotFoundError
from hms_core.risk.hazard import VERNEOMBUD, Participant, check_participants
from hms_core.service import Service, UsesDirectory, command, takes

if TYPE_CHECKING:

    class _Base(Service, UsesDirectory):
        """What these use cases call of the directory's."""

else:
    _Base = Service


class AssessmentDrafting(_Base):
    """The draft's half of the risk use cases (RiskService has the assessment's life)."""

    def risk_assessment(self, assessment_id: UUID) -> RiskAssessment:
        return self.load(assessment_id, RiskAssessment, AssessmentNotFoundError)

    def _change_assessment(
        self,
        by: Principal,
        assessment_id: UUID,
        data: Change,
        change: Callable[[RiskAssessment], object],
        check: Callable[[Principal, RiskAssessment], None] = access.check_edit_assessment,
    ) -> int:
        assessment = self.risk_assessment(assessment_id)
        check(by, assessment)
        assessment.check_version(data.expected_version)
        change(assessment)
        self.save(assessment)
        return assessment.version

    @command
    @takes(UpdateAssessment)
    def update_assessment(self, by: Principal, assessment_id: UUID, data: UpdateAssessment) -> int:
        """Change a draft's title, scope, review interval and (if given) participants."""
        given = participants(data.participants)
        wanted = None if given is None else self._participants(given)

        def change(a: RiskAssessment) -> None:
            a.change_details(
                actor=by.actor,
                title=data.title,
                scope=data.scope,
                review_interval_months=data.review_interval_months,
            )
            if wanted is not None:
                a.change_participants(actor=by.actor, participants=wanted)

        return self._change_assessment(by, assessment_id, data, change)

    @command
    @takes(AddHazard)
    def add_hazard(self, by: Principal, assessment_id: UUID, data: AddHazard) -> UUID:
        """Add a hazard to a draft, scored now or later; returns the hazard's id."""
        hazard_id = uuid4()
        self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.add_hazard(actor=by.actor, hazard_id=hazard_id, **data.fields()),
        )
        return hazard_id

    @command
    @takes(EditHazard)
    def edit_hazard(
        self, by: Principal, assessment_id: UUID, hazard_id: UUID, data: EditHazard
    ) -> int:
        """Restate a hazard of a draft (its texts, and why a yellow risk may be accepted)."""
        return self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.edit_hazard(actor=by.actor, hazard_id=hazard_id, **data.fields()),
        )

    @command
    @takes(ScoreHazard)
    def score_hazard(
        self, by: Principal, assessment_id: UUID, hazard_id: UUID, data: ScoreHazard
    ) -> int:
        """Probability and consequence of a hazard, and its residual risk after measures."""
        return self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.score_hazard(actor=by.actor, hazard_id=hazard_id, **data.fields()),
        )

    @command
    @takes(RemoveHazard)
    def remove_hazard(
        self, by: Principal, assessment_id: UUID, hazard_id: UUID, data: RemoveHazard
    ) -> int:
        """Take a hazard out of a draft."""
        return self._change_assessment(
            by,
            assessment_id,
            data,
            lambda a: a.remove_hazard(actor=by.actor, hazard_id=hazard_id),
        )

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
