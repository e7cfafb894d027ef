"""Who may see and do what: the one place the rules live.

The API, the pages and every read-model query ask here. The rules (DOMAIN.md and the
access matrix): employees see their own reports; a leader sees and handles what
happens in the units they lead and below; a verneombud follows the HMS categories in
their verneområde; HMS officers see everything; administrators keep users and the
org tree but read no cases.

A record a person may not read is reported as not found; an action they may not take
on a record they can read is forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import msgspec

from hms_core.categories import DEFAULT_CATEGORIES
from hms_core.errors import Forbidden, NotFound

HMS_CATEGORIES = frozenset(c.code for c in DEFAULT_CATEGORIES if c.hms)


class Principal(msgspec.Struct, frozen=True):
    """A signed-in person, with the units their roles reach (subtrees resolved)."""

    user_id: UUID
    username: str
    name: str
    roles: frozenset[str]
    home_unit_id: UUID | None = None
    led_units: frozenset[UUID] = frozenset()
    vo_units: frozenset[UUID] = frozenset()
    system: str | None = None

    @property
    def actor(self) -> str:
        """How events record this person: their user id, or `system:<name>`."""
        return f"system:{self.system}" if self.system else str(self.user_id)

    @property
    def is_hms(self) -> bool:
        return "hms" in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def leads(self, unit_id: UUID) -> bool:
        return unit_id in self.led_units

    def covers(self, unit_id: UUID) -> bool:
        """Whether the unit lies in this person's verneområde."""
        return unit_id in self.vo_units


class DeviationScope(msgspec.Struct, frozen=True):
    """Which deviations a person may read, in a form a query can use."""

    everything: bool = False
    reporter_id: UUID | None = None
    units: frozenset[UUID] = frozenset()
    hms_units: frozenset[UUID] = frozenset()
    hms_categories: frozenset[str] = HMS_CATEGORIES

    def admits(self, *, unit_id: UUID, category: str, reporter_id: UUID | None) -> bool:
        return (
            self.everything
            or (reporter_id is not None and reporter_id == self.reporter_id)
            or unit_id in self.units
            or (unit_id in self.hms_units and category in self.hms_categories)
        )


class UnitScope(msgspec.Struct, frozen=True):
    """Units whose figures, register and actions a person may read."""

    everything: bool = False
    units: frozenset[UUID] = frozenset()

    def admits(self, unit_id: UUID) -> bool:
        return self.everything or unit_id in self.units

    def narrowed(self, unit_ids: Iterable[UUID]) -> frozenset[UUID] | None:
        """The asked-for units this scope allows; None means no limit at all."""
        unit_ids = frozenset(unit_ids)
        if self.everything:
            return unit_ids or None
        return (unit_ids & self.units) if unit_ids else self.units


def system_principal(name: str) -> Principal:
    """The product itself acting (imports, the demo seeder, policies): may do anything."""
    return Principal(
        user_id=UUID(int=0),
        username=f"system:{name}",
        name=name,
        roles=frozenset({"hms", "admin"}),
        system=name,
    )


# --- deviations ---------------------------------------------------------------------


def deviation_scope(who: Principal) -> DeviationScope:
    if who.is_hms:
        return DeviationScope(everything=True)
    return DeviationScope(
        reporter_id=who.user_id,
        units=who.led_units,
        hms_units=who.vo_units,
    )


def can_read_deviation(who: Principal, *, unit_id: UUID, category: str, reporter_id) -> bool:
    return deviation_scope(who).admits(unit_id=unit_id, category=category, reporter_id=reporter_id)


def can_handle_deviation(who: Principal, *, unit_id: UUID) -> bool:
    """Acknowledge, classify, transfer, close, reopen, give feedback, link."""
    return who.is_hms or who.leads(unit_id)


def check_read_deviation(who: Principal, deviation) -> None:
    if not can_read_deviation(
        who,
        unit_id=deviation.unit_id,
        category=deviation.category,
        reporter_id=deviation.reporter_id,
    ):
        raise NotFound("Fant ikke avviket.")


def check_handle_deviation(who: Principal, deviation) -> None:
    check_read_deviation(who, deviation)
    if not can_handle_deviation(who, unit_id=deviation.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan behandle saken.")


def check_comment_deviation(who: Principal, deviation) -> None:
    check_read_deviation(who, deviation)


def sees_injured_identity(who: Principal, deviation) -> bool:
    """AML § 5-1: the unit's leader, HMS officers and the injured person themself."""
    harmed = deviation.person_harmed
    return (
        who.is_hms
        or who.leads(deviation.unit_id)
        or (harmed is not None and harmed.person_id == who.user_id)
    )


def sees_internal_notes(who: Principal, deviation) -> bool:
    """Handlers, verneombud and HMS see every note; a reporter only those meant for them."""
    return (
        who.is_hms
        or who.leads(deviation.unit_id)
        or (who.covers(deviation.unit_id) and deviation.category in HMS_CATEGORIES)
    )


# --- corrective actions -------------------------------------------------------------


def action_unit_scope(who: Principal) -> UnitScope:
    """Units whose actions a person follows: leaders their units, verneombud their area."""
    if who.is_hms:
        return UnitScope(everything=True)
    return UnitScope(units=who.led_units | who.vo_units)


def can_read_action(who: Principal, *, unit_id: UUID, owner_id: UUID) -> bool:
    return owner_id == who.user_id or action_unit_scope(who).admits(unit_id)


def can_manage_action(who: Principal, *, unit_id: UUID) -> bool:
    """Create, reassign, reschedule, cancel, verify."""
    return who.is_hms or who.leads(unit_id)


def can_complete_action(who: Principal, *, unit_id: UUID, owner_id: UUID) -> bool:
    return owner_id == who.user_id or can_manage_action(who, unit_id=unit_id)


def check_read_action(who: Principal, action) -> None:
    if not can_read_action(who, unit_id=action.unit_id, owner_id=action.owner_id):
        raise NotFound("Fant ikke tiltaket.")


def check_manage_action(who: Principal, action) -> None:
    check_read_action(who, action)
    if not can_manage_action(who, unit_id=action.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan endre tiltaket.")


def check_complete_action(who: Principal, action) -> None:
    check_read_action(who, action)
    if not can_complete_action(who, unit_id=action.unit_id, owner_id=action.owner_id):
        raise Forbidden("Bare den som eier tiltaket, eller lederen, kan melde det utført.")


def check_comment_action(who: Principal, action) -> None:
    """Anyone who may see the action may comment on it, the verneombud included."""
    check_read_action(who, action)


def check_create_action(who: Principal, *, unit_id: UUID) -> None:
    if not can_manage_action(who, unit_id=unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan opprette tiltak der.")


# --- risk assessments, register and statistics --------------------------------------


def figures_scope(who: Principal) -> UnitScope:
    """Risk register and statistics: leaders their units, verneombud their area."""
    return action_unit_scope(who)


def can_read_assessment(who: Principal, *, unit_id: UUID, participant_ids=()) -> bool:
    return figures_scope(who).admits(unit_id) or who.user_id in participant_ids


def can_edit_assessment(who: Principal, *, unit_id: UUID, participant_ids=()) -> bool:
    """Edit a draft: the leader, HMS, or a verneombud taking part."""
    return (
        who.is_hms
        or who.leads(unit_id)
        or ("verneombud" in who.roles and who.user_id in participant_ids)
    )


def can_approve_assessment(who: Principal, *, unit_id: UUID) -> bool:
    return who.is_hms or who.leads(unit_id)


def check_read_assessment(who: Principal, assessment) -> None:
    if not can_read_assessment(
        who, unit_id=assessment.unit_id, participant_ids=assessment.participant_ids
    ):
        raise NotFound("Fant ikke risikovurderingen.")


def check_edit_assessment(who: Principal, assessment) -> None:
    check_read_assessment(who, assessment)
    if not can_edit_assessment(
        who, unit_id=assessment.unit_id, participant_ids=assessment.participant_ids
    ):
        raise Forbidden("Du kan ikke endre denne risikovurderingen.")


def check_approve_assessment(who: Principal, assessment) -> None:
    check_read_assessment(who, assessment)
    if not can_approve_assessment(who, unit_id=assessment.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan godkjenne.")


def check_create_assessment(who: Principal, *, unit_id: UUID) -> None:
    if not can_approve_assessment(who, unit_id=unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan opprette risikovurderinger.")


def check_manage_assessment(who: Principal, assessment) -> None:
    """Revise or archive: the unit's leader or HMS."""
    check_read_assessment(who, assessment)
    if not can_approve_assessment(who, unit_id=assessment.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan revidere eller arkivere.")


def check_figures(who: Principal) -> UnitScope:
    scope = figures_scope(who)
    if not scope.everything and not scope.units:
        raise Forbidden("Du har ikke tilgang til tall og registre.")
    return scope


# --- audit and directory -------------------------------------------------------------


def check_audit(who: Principal) -> None:
    if not who.is_hms:
        raise Forbidden("Bare HMS-rådgivere kan se revisjonssporet.")


def check_read_directory(who: Principal) -> None:
    if not (who.is_hms or who.is_admin):
        raise Forbidden("Bare HMS og administratorer kan se brukerlisten.")


def check_manage_directory(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("Bare administratorer kan endre brukere og organisasjon.")
