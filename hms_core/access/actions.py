"""Who may read, plan, change, complete and verify a corrective action."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from hms_core.access.deviations import HMS_CATEGORIES
from hms_core.access.principal import Principal, UnitScope
from hms_core.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from hms_core.actions.action import CorrectiveAction


def action_unit_scope(who: Principal) -> UnitScope:
    """Units whose actions a person follows: leaders their units, verneombud their area."""
    if who.is_hms:
        return UnitScope(everything=True)
    return UnitScope(units=who.led_units | who.vo_units)


def can_read_action(
    who: Principal, *, unit_id: UUID, owner_id: UUID, case_category: str | None = None
) -> bool:
    """Owners, the unit's leaders and HMS; a verneombud in their area, except actions of a
    case outside the HMS categories they follow (its title would tell what the case was)."""
    if owner_id == who.user_id or who.is_hms or who.leads(unit_id):
        return True
    return who.covers(unit_id) and (case_category is None or case_category in HMS_CATEGORIES)


def can_manage_action(who: Principal, *, unit_id: UUID) -> bool:
    """Create, reassign, reschedule, cancel, verify."""
    return who.is_hms or who.leads(unit_id)


def can_complete_action(who: Principal, *, unit_id: UUID, owner_id: UUID) -> bool:
    return owner_id == who.user_id or can_manage_action(who, unit_id=unit_id)


def check_read_action(
    who: Principal, action: CorrectiveAction, case_category: str | None = None
) -> None:
    """`case_category`: the category of the case the action was made for, if any."""
    if not can_read_action(
        who, unit_id=action.unit_id, owner_id=action.owner_id, case_category=case_category
    ):
        raise NotFound("Fant ikke tiltaket.")


def check_manage_action(
    who: Principal, action: CorrectiveAction, case_category: str | None = None
) -> None:
    check_read_action(who, action, case_category)
    if not can_manage_action(who, unit_id=action.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan endre tiltaket.")


def check_complete_action(
    who: Principal, action: CorrectiveAction, case_category: str | None = None
) -> None:
    check_read_action(who, action, case_category)
    if not can_complete_action(who, unit_id=action.unit_id, owner_id=action.owner_id):
        raise Forbidden("Bare den som eier tiltaket, eller lederen, kan melde det utført.")


def check_comment_action(
    who: Principal, action: CorrectiveAction, case_category: str | None = None
) -> None:
    """Anyone who may see the action may comment on it, the verneombud included."""
    check_read_action(who, action, case_category)


def check_create_action(who: Principal, *, unit_id: UUID) -> None:
    if not can_manage_action(who, unit_id=unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan opprette tiltak der.")
