"""Who may read, edit, approve, revise and archive a risk assessment."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING
from uuid import UUID

from hms_core.access.deviations import check_handle_deviation, check_read_deviation
from hms_core.access.figures import figures_scope
from hms_core.access.principal import Principal
from hms_core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from hms_core.deviations.deviation import Deviation
    from hms_core.risk.assessment import RiskAssessment


def can_read_assessment(
    who: Principal, *, unit_id: UUID, participant_ids: Collection[UUID] = ()
) -> bool:
    return figures_scope(who).admits(unit_id) or who.user_id in participant_ids


def can_edit_assessment(
    who: Principal, *, unit_id: UUID, participant_ids: Collection[UUID] = ()
) -> bool:
    """Edit a draft: the leader, HMS, or a verneombud taking part."""
    return (
        who.is_hms
        or who.leads(unit_id)
        or ("verneombud" in who.roles and who.user_id in participant_ids)
    )


def can_approve_assessment(who: Principal, *, unit_id: UUID) -> bool:
    return who.is_hms or who.leads(unit_id)


def check_read_assessment(who: Principal, assessment: RiskAssessment) -> None:
    if not can_read_assessment(
        who, unit_id=assessment.unit_id, participant_ids=assessment.participant_ids
    ):
        raise NotFound("Fant ikke risikovurderingen.")


def check_edit_assessment(who: Principal, assessment: RiskAssessment) -> None:
    check_read_assessment(who, assessment)
    if not can_edit_assessment(
        who, unit_id=assessment.unit_id, participant_ids=assessment.participant_ids
    ):
        raise Forbidden("Du kan ikke endre denne risikovurderingen.")


def check_approve_assessment(who: Principal, assessment: RiskAssessment) -> None:
    check_read_assessment(who, assessment)
    if not can_approve_assessment(who, unit_id=assessment.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan godkjenne.")


def check_create_assessment(who: Principal, *, unit_id: UUID) -> None:
    if not can_approve_assessment(who, unit_id=unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan opprette risikovurderinger.")


def check_link_deviation_to_hazard(
    who: Principal, deviation: Deviation, assessment: RiskAssessment
) -> None:
    """The deviation's handler links it to a hazard of an assessment they may read."""
    check_read_deviation(who, deviation)
    check_read_assessment(who, assessment)
    check_handle_deviation(who, deviation)


def check_manage_assessment(who: Principal, assessment: RiskAssessment) -> None:
    """Revise or archive: the unit's leader or HMS."""
    check_read_assessment(who, assessment)
    if not can_approve_assessment(who, unit_id=assessment.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan revidere eller arkivere.")
