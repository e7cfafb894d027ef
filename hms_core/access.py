"""Who may see and do what: the one place the rules live.

The API, the pages, the exports and every read-model query ask here. The rules
(DOMAIN.md and the access matrix of issue 5, tested in tests/api/test_access_matrix.py):

| | employee | leader of U | verneombud for V | HMS officer | admin |
|---|---|---|---|---|---|
| report a deviation | any unit | any unit | any unit | any unit | any unit |
| read a deviation | own reports | U and below | HMS categories in V | all | own reports |
| handle a deviation | — | U and below | — | all | — |
| comment on a deviation | own reports | U and below | what they read | all | own reports |
| read an action | own | U and below | V | all | own |
| create, reassign, reschedule, cancel, verify | — | U and below | — | all | — |
| complete an action | own | own, U and below | own | all | own |
| read a risk assessment | participant | U, participant | V, participant | all | participant |
| edit a draft | — | U and below | drafts they take part in | all | — |
| create, approve, revise, archive | — | U and below | — | all | — |
| risk register, statistics | — | U and below | V | all | — |
| audit trail | — | — | — | all | — |
| import HR figures | — | — | — | yes | yes |
| unit names and ids (the report form) | all | all | all | all | all |
| users, FTE of units | — | — | — | read | all |

Decisions where the issue's table left room:

- Roles add rights; they never take away what a person has as a person. Whoever
  reported a case (not anonymously) reads it, comments on it and adds information;
  whoever owns an action reads and completes it; a participant reads the assessment.
  So an administrator, who reads no cases as an administrator, follows their own
  report like any employee.
- An anonymous report belongs to nobody: not even its reporter finds it when signed
  in. It is followed with the receipt code only (hms_core.deviations.receipt).
- Naming an injured person gives that person no access to the case by itself: they see
  the name and health details (AML § 5-1) in a case they may read, e.g. one they
  reported; other requests for access go to HMS.
- The verneombud's statistics and register cover their verneområde's units (the
  table's "V"); figures are counts and hazards, never a case's content.
- Everyone signed in may list the units (id, name, place in the tree): the report form
  needs them. Their head counts (FTE) and everything about users are for HMS
  officers (read) and administrators.

A record a person may not read is reported as not found (its existence is private); an
action they may not take on a record they can read is forbidden. A command naming two
records (a deviation and a hazard) checks that both can be read before anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import msgspec

from hms_core.deviations.categories import DEFAULT_CATEGORIES
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


def check_add_information(who: Principal, deviation) -> None:
    """The reporter adds to their own report; a handler may add to any they handle."""
    check_read_deviation(who, deviation)
    if deviation.reporter_id is None or deviation.reporter_id != who.user_id:
        check_handle_deviation(who, deviation)


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


def sees_note(who: Principal, deviation, *, author: str, visible_to_reporter: bool) -> bool:
    """A note on a case: internal ones for those who follow the case, and their authors."""
    return visible_to_reporter or author == who.actor or sees_internal_notes(who, deviation)


# --- corrective actions -------------------------------------------------------------


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


def check_read_action(who: Principal, action, case_category: str | None = None) -> None:
    """`case_category`: the category of the case the action was made for, if any."""
    if not can_read_action(
        who, unit_id=action.unit_id, owner_id=action.owner_id, case_category=case_category
    ):
        raise NotFound("Fant ikke tiltaket.")


def check_manage_action(who: Principal, action, case_category: str | None = None) -> None:
    check_read_action(who, action, case_category)
    if not can_manage_action(who, unit_id=action.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan endre tiltaket.")


def check_complete_action(who: Principal, action, case_category: str | None = None) -> None:
    check_read_action(who, action, case_category)
    if not can_complete_action(who, unit_id=action.unit_id, owner_id=action.owner_id):
        raise Forbidden("Bare den som eier tiltaket, eller lederen, kan melde det utført.")


def check_comment_action(who: Principal, action, case_category: str | None = None) -> None:
    """Anyone who may see the action may comment on it, the verneombud included."""
    check_read_action(who, action, case_category)


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


def check_link_deviation_to_hazard(who: Principal, deviation, assessment) -> None:
    """The deviation's handler links it to a hazard of an assessment they may read."""
    check_read_deviation(who, deviation)
    check_read_assessment(who, assessment)
    check_handle_deviation(who, deviation)


def check_manage_assessment(who: Principal, assessment) -> None:
    """Revise or archive: the unit's leader or HMS."""
    check_read_assessment(who, assessment)
    if not can_approve_assessment(who, unit_id=assessment.unit_id):
        raise Forbidden("Bare lederen for enheten eller HMS kan revidere eller arkivere.")


def check_import_hr(who: Principal) -> None:
    """Sick leave and turnover from the HR system: HMS officers and administrators."""
    if not (who.is_hms or who.is_admin):
        raise Forbidden("Bare HMS-rådgivere og administratorer kan importere HR-tall.")


def check_figures(who: Principal) -> UnitScope:
    scope = figures_scope(who)
    if not scope.everything and not scope.units:
        raise Forbidden("Du har ikke tilgang til tall og registre.")
    return scope


# --- audit and directory -------------------------------------------------------------


def check_audit(who: Principal) -> None:
    if not who.is_hms:
        raise Forbidden("Bare HMS-rådgivere kan se revisjonssporet.")


def can_read_directory(who: Principal) -> bool:
    """Users, and the units' head counts: HMS officers read, administrators keep them."""
    return who.is_hms or who.is_admin


def check_read_directory(who: Principal) -> None:
    if not can_read_directory(who):
        raise Forbidden("Bare HMS og administratorer kan se brukerlisten.")


def check_manage_directory(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("Bare administratorer kan endre brukere og organisasjon.")
