"""What the risk-assessment use cases take (hms_core.commands says how commands work)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any, Literal
from uuid import UUID

from msgspec import Meta

from hms_core.commands import Change, Command, Scale, optional_text, text
from hms_core.risk.hazard import MAX_PARTICIPANTS, MAX_REVIEW_MONTHS, TEXT_MAX, Participant
from hms_core.risk.state import DEFAULT_REVIEW_MONTHS, REASON_MAX, SCOPE_MAX, TITLE_MAX

ParticipantRole = Literal["leader", "verneombud", "employee", "hms", "other"]
ReviewMonths = Annotated[
    int, Meta(ge=1, le=MAX_REVIEW_MONTHS, description="Months from approval to review")
]
HazardText = optional_text(TEXT_MAX, multiline=True)


class NamedParticipant(Command):
    """Who takes part, and as what, as a command names them (stored as a Participant)."""

    user_id: UUID
    role: ParticipantRole


Participants = Annotated[list[NamedParticipant], Meta(max_length=MAX_PARTICIPANTS)]


def participants(given: Iterable[NamedParticipant | Participant] | Any) -> Any:
    """The stored form of the participants a command names. What is not a list of them
    (Participants, or whatever code made up) is passed on, for the domain to judge."""
    if not isinstance(given, list | tuple):
        return given
    return [Participant(p.user_id, p.role) if isinstance(p, NamedParticipant) else p for p in given]


class CreateAssessment(Command):
    unit_id: UUID
    title: text(TITLE_MAX)
    scope: text(SCOPE_MAX, description="The activity or area assessed", multiline=True)
    participants: Participants = []
    review_interval_months: ReviewMonths = DEFAULT_REVIEW_MONTHS


class UpdateAssessment(Change):
    title: text(TITLE_MAX)
    scope: text(SCOPE_MAX, multiline=True)
    review_interval_months: ReviewMonths
    participants: Participants | None = None


class AddHazard(Change):
    description: text(TEXT_MAX, multiline=True)
    cause: HazardText = None
    barriers: optional_text(TEXT_MAX, description="Existing barriers", multiline=True) = None
    justification: optional_text(
        TEXT_MAX, description="Why a yellow risk may be accepted", multiline=True
    ) = None
    probability: Scale | None = None
    consequence: Scale | None = None
    residual_probability: Scale | None = None
    residual_consequence: Scale | None = None


class EditHazard(Change):
    description: text(TEXT_MAX, multiline=True)
    cause: HazardText = None
    barriers: HazardText = None
    justification: HazardText = None


class ScoreHazard(Change):
    probability: Scale
    consequence: Scale
    residual_probability: Scale | None = None
    residual_consequence: Scale | None = None


class RemoveHazard(Change):
    pass


class ApproveAssessment(Change):
    pass


class ReviseAssessment(Change):
    reason: optional_text(
        REASON_MAX, description="Why: yearly review, change, recurrence", multiline=True
    ) = None


class ArchiveAssessment(Change):
    reason: text(REASON_MAX, multiline=True)
