"""A corrective action's life, as scenarios: given these events, when this command, then
these events or this error. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from hms_core import access, clock
from hms_core.access import Principal
from hms_core.actions.action import CorrectiveAction
from hms_core.actions.errors import (
    AlreadyVerifiedError,
    DueDateInPastError,
    DueDateTooFarError,
    FollowUpExistsError,
    NoFollowUpRequiredError,
    NotDoneError,
    NotOpenError,
    SameDueDateError,
    SameOwnerError,
    SelfVerificationError,
)
from hms_core.errors import Forbidden, InvalidValue, NotFound, TextRequired, TextTooLong
from tests.helpers import applied, frozen_clock, then

# 23:30 UTC on 9 March is already 10 March in Oslo: "today" is the configured zone's.
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)
UNIT, OTHER_UNIT = uuid4(), uuid4()
OWNER, LEADER, OTHER, HMS = uuid4(), uuid4(), uuid4(), uuid4()


_frozen = frozen_clock(NOW)


def create(**overrides) -> CorrectiveAction:
    values = {
        "reference": "TIL-2026-000001",
        "title": "Sklisikre matter ved vaskerommet",
        "description": "Kjøp inn og legg ut matter.",
        "owner_id": OWNER,
        "unit_id": UNIT,
        "due_date": TODAY + timedelta(days=14),
        "actor": str(LEADER),
    }
    values.update(overrides)
    return CorrectiveAction.create(**values)


def given(*steps) -> CorrectiveAction:
    """A created action with these steps applied, its events already saved."""
    return applied(create(), *steps)


def completed(a: CorrectiveAction, by=OWNER) -> None:
    a.complete(actor=str(by), what_was_done="Matter lagt ut.")


def verified_not_effective(a: CorrectiveAction) -> None:
    a.verify(actor=str(LEADER), effective=False, note="Fortsatt glatt.", verifier_leads_unit=True)


# --- creating ---------------------------------------------------------------------


def test_an_action_records_what_who_where_by_when_and_who_created_it():
    action = create(deviation_id=(deviation := uuid4()))
    [(name, data)] = then(action)
    assert name == "Created"
    assert data["reference"] == "TIL-2026-000001"
    assert data["owner_id"] == OWNER
    assert data["unit_id"] == UNIT
    assert data["due_date"] == TODAY + timedelta(days=14)
    assert data["deviation_id"] == deviation
    assert data["source"] == "deviation"
    assert data["actor"] == str(LEADER)
    assert action.status == "open"


@pytest.mark.parametrize(
    ("links", "source"),
    [
        ({}, "standalone"),
        ({"deviation_id": uuid4()}, "deviation"),
        ({"assessment_id": uuid4(), "hazard_id": uuid4()}, "risk_assessment"),
        ({"follows_up": uuid4(), "deviation_id": uuid4()}, "follow_up"),
    ],
)
def test_the_source_says_where_the_action_came_from(links, source):
    assert create(**links).source == source


def test_today_is_a_valid_due_date_in_the_configured_time_zone():
    assert create(due_date=TODAY).due_date == TODAY


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"title": " "}, TextRequired, "title"),
        ({"title": "x" * 151}, TextTooLong, "title"),
        ({"description": "x" * 4001}, TextTooLong, "description"),
        ({"due_date": TODAY - timedelta(days=1)}, DueDateInPastError, "due_date"),
        ({"due_date": TODAY + timedelta(days=6 * 365)}, DueDateTooFarError, "due_date"),
        ({"assessment_id": uuid4()}, InvalidValue, "hazard_id"),
        ({"hazard_id": uuid4()}, InvalidValue, "assessment_id"),
    ],
)
def test_an_action_with_bad_values_is_refused_naming_the_field(overrides, error, field):
    with pytest.raises(error) as refused:
        create(**overrides)
    assert refused.value.field == field


def test_an_empty_description_is_none():
    assert create(description="  ").description is None


# --- rescheduling, reassigning, cancelling ----------------------------------------


def test_a_due_date_is_moved_only_with_a_reason():
    action = given()
    with pytest.raises(TextRequired) as refused:
        action.reschedule(actor=str(LEADER), due_date=TODAY + timedelta(days=30), reason="")
    assert refused.value.field == "reason"
    action.reschedule(actor=str(LEADER), due_date=TODAY + timedelta(days=30), reason="Levering")
    [(name, data)] = then(action)
    assert name == "Rescheduled"
    assert data["from_due_date"] == TODAY + timedelta(days=14)
    assert data["due_date"] == TODAY + timedelta(days=30)
    assert data["reason"] == "Levering"
    assert action.original_due_date == TODAY + timedelta(days=14)


def test_a_due_date_is_not_moved_into_the_past_or_to_itself():
    action = given()
    with pytest.raises(DueDateInPastError):
        action.reschedule(actor=str(LEADER), due_date=TODAY - timedelta(days=1), reason="x")
    with pytest.raises(SameDueDateError):
        action.reschedule(actor=str(LEADER), due_date=action.due_date, reason="x")


def test_an_overdue_action_gets_a_new_due_date():
    action = given()
    with clock.frozen_at(NOW + timedelta(days=20)):
        assert action.is_overdue(clock.today())
        action.reschedule(actor=str(LEADER), due_date=TODAY + timedelta(days=25), reason="Syk")
        assert not action.is_overdue(clock.today())


def test_an_owner_is_changed_only_with_a_reason_and_to_someone_else():
    action = given()
    with pytest.raises(TextRequired):
        action.reassign(actor=str(LEADER), owner_id=OTHER, reason=" ")
    with pytest.raises(SameOwnerError):
        action.reassign(actor=str(LEADER), owner_id=OWNER, reason="x")
    action.reassign(actor=str(LEADER), owner_id=OTHER, reason="Permisjon")
    [(name, data)] = then(action)
    assert (name, data["from_owner_id"], data["owner_id"]) == ("Reassigned", OWNER, OTHER)
    assert data["actor"] == str(LEADER)


def test_a_cancelled_action_records_why_and_takes_no_more_work():
    action = given()
    action.cancel(actor=str(LEADER), reason="Dekket av annet tiltak.")
    [(name, data)] = then(action)
    assert (name, data["reason"]) == ("Cancelled", "Dekket av annet tiltak.")
    assert action.is_settled
    for command in (
        lambda: completed(action),
        lambda: action.cancel(actor=str(LEADER), reason="igjen"),
        lambda: action.reassign(actor=str(LEADER), owner_id=OTHER, reason="x"),
        lambda: action.reschedule(actor=str(LEADER), due_date=TODAY, reason="x"),
    ):
        with pytest.raises(NotOpenError):
            command()


def test_a_cancellation_needs_a_reason_of_at_most_1000_characters():
    with pytest.raises(TextTooLong) as refused:
        given().cancel(actor=str(LEADER), reason="x" * 1001)
    assert refused.value.field == "reason"


# --- completing and verifying -----------------------------------------------------


def test_completing_records_what_was_done_and_by_whom():
    action = given()
    completed(action)
    [(name, data)] = then(action)
    assert (name, data["what_was_done"], data["actor"]) == (
        "Completed",
        "Matter lagt ut.",
        str(OWNER),
    )
    assert action.status == "done"
    assert not action.is_settled  # done is not finished until someone checked it worked


def test_completing_needs_what_was_done():
    with pytest.raises(TextRequired) as refused:
        given().complete(actor=str(OWNER), what_was_done="")
    assert refused.value.field == "what_was_done"


def test_a_done_action_cannot_be_completed_again_or_rescheduled():
    action = given(completed)
    with pytest.raises(NotOpenError):
        completed(action)
    with pytest.raises(NotOpenError):
        action.reschedule(actor=str(LEADER), due_date=TODAY + timedelta(days=40), reason="x")


def test_verifying_an_open_action_is_refused():
    with pytest.raises(NotDoneError):
        given().verify(actor=str(LEADER), effective=True, note="OK", verifier_leads_unit=True)


def test_an_effective_action_is_settled():
    action = given(completed)
    action.verify(
        actor=str(LEADER), effective=True, note="Ingen fall siden.", verifier_leads_unit=True
    )
    [(name, data)] = then(action)
    assert name == "Verified"
    assert data["effective"] is True
    assert data["note"] == "Ingen fall siden."
    assert data["follow_up_required"] is False
    assert action.is_settled
    with pytest.raises(AlreadyVerifiedError):
        action.verify(actor=str(LEADER), effective=True, note="igjen", verifier_leads_unit=True)


def test_verifying_needs_a_note():
    with pytest.raises(TextRequired) as refused:
        given(completed).verify(
            actor=str(LEADER), effective=True, note="", verifier_leads_unit=True
        )
    assert refused.value.field == "note"


def test_whoever_completed_it_may_not_verify_it_unless_they_lead_the_unit():
    action = given(lambda a: completed(a, by=HMS))
    with pytest.raises(SelfVerificationError):
        action.verify(actor=str(HMS), effective=True, note="Bra", verifier_leads_unit=False)
    led = given(lambda a: completed(a, by=LEADER))
    led.verify(actor=str(LEADER), effective=True, note="Bra", verifier_leads_unit=True)
    assert led.status == "verified"


def test_a_not_effective_action_asks_for_a_follow_up_until_one_is_planned():
    action = given(completed, verified_not_effective)
    assert action.follow_up_required
    assert not action.is_settled
    follow_up = uuid4()
    action.plan_follow_up(actor=str(LEADER), follow_up_id=follow_up)
    [(name, data)] = then(action)
    assert (name, data["follow_up_id"]) == ("FollowUpPlanned", follow_up)
    assert action.is_settled
    with pytest.raises(FollowUpExistsError):
        action.plan_follow_up(actor=str(LEADER), follow_up_id=uuid4())


def test_an_action_awaits_a_follow_up_from_verified_not_effective_until_one_is_planned():
    assert not given().awaits_follow_up
    assert not given(completed).awaits_follow_up
    effective = given(completed)
    effective.verify(actor=str(LEADER), effective=True, note="Bra", verifier_leads_unit=True)
    assert not effective.awaits_follow_up
    action = given(completed, verified_not_effective)
    assert action.awaits_follow_up
    action.plan_follow_up(actor=str(LEADER), follow_up_id=uuid4())
    assert action.follow_up_required  # as recorded when it was verified
    assert not action.awaits_follow_up


def test_only_a_not_effective_action_is_followed_up():
    for action in (given(), given(completed)):
        with pytest.raises(NoFollowUpRequiredError):
            action.plan_follow_up(actor=str(LEADER), follow_up_id=uuid4())


def test_anyone_may_comment_at_any_stage():
    action = given(completed, verified_not_effective)
    comment_id = uuid4()
    action.comment(actor=str(OTHER), comment_id=comment_id, text="Sjekket i dag: fortsatt glatt.")
    [(name, data)] = then(action)
    assert (name, data["comment_id"], data["actor"]) == ("Commented", comment_id, str(OTHER))
    with pytest.raises(TextTooLong):
        action.comment(actor=str(OTHER), comment_id=uuid4(), text="x" * 4001)


def test_every_event_records_its_actor():
    action = create()
    completed(action)
    action.verify(actor=str(LEADER), effective=False, note="Nei", verifier_leads_unit=True)
    action.plan_follow_up(actor=str(LEADER), follow_up_id=uuid4())
    action.comment(actor=str(OTHER), comment_id=uuid4(), text="Hm")
    assert all(data["actor"] for _, data in then(action))


def test_overdue_means_open_and_past_its_due_date():
    action = given()
    later = TODAY + timedelta(days=15)
    assert not action.is_overdue(TODAY + timedelta(days=14))
    assert action.is_overdue(later)
    completed(action)
    assert not action.is_overdue(later)


def test_replaying_the_events_gives_the_same_state():
    action = create()
    action.reschedule(actor=str(LEADER), due_date=TODAY + timedelta(days=20), reason="x")
    completed(action)
    events = action.collect_events()
    copy = None
    for e in events:
        copy = e.mutate(copy)
    assert (copy.status, copy.due_date, copy.completed_by) == ("done", action.due_date, str(OWNER))


# --- who may do what (hms_core.access) --------------------------------------------


def person(user_id, *, roles=("employee",), leads=(), covers=()) -> Principal:
    return Principal(
        user_id=user_id,
        username=str(user_id),
        name="x",
        roles=frozenset(roles),
        led_units=frozenset(leads),
        vo_units=frozenset(covers),
    )


OWNER_P = person(OWNER)
LEADER_P = person(LEADER, roles=("leader",), leads=(UNIT,))
VO_P = person(OTHER, roles=("verneombud",), covers=(UNIT,))
HMS_P = person(HMS, roles=("hms",))
STRANGER = person(uuid4())
OTHER_LEADER = person(uuid4(), roles=("leader",), leads=(OTHER_UNIT,))


@pytest.mark.parametrize("who", [OWNER_P, LEADER_P, VO_P, HMS_P])
def test_the_owner_the_leader_the_verneombud_and_hms_see_the_action(who):
    access.check_read_action(who, given())
    access.check_comment_action(who, given())


@pytest.mark.parametrize("who", [STRANGER, OTHER_LEADER])
def test_others_are_told_the_action_does_not_exist(who):
    with pytest.raises(NotFound):
        access.check_read_action(who, given())
    with pytest.raises(NotFound):
        access.check_comment_action(who, given())


@pytest.mark.parametrize("who", [LEADER_P, HMS_P])
def test_the_leader_and_hms_manage_and_complete(who):
    access.check_manage_action(who, given())
    access.check_complete_action(who, given())
    access.check_create_action(who, unit_id=UNIT)


def test_the_owner_completes_but_does_not_manage():
    access.check_complete_action(OWNER_P, given())
    with pytest.raises(Forbidden):
        access.check_manage_action(OWNER_P, given())


def test_the_verneombud_comments_but_neither_completes_nor_verifies():
    with pytest.raises(Forbidden):
        access.check_complete_action(VO_P, given())
    with pytest.raises(Forbidden):
        access.check_manage_action(VO_P, given())
    with pytest.raises(Forbidden):
        access.check_create_action(VO_P, unit_id=UNIT)


def test_every_event_survives_the_store_with_its_types():
    from hms_core.infra.serialization import MsgspecMapper

    mapper = MsgspecMapper()
    action = create(deviation_id=uuid4())
    action.reschedule(actor=str(LEADER), due_date=TODAY + timedelta(days=20), reason="x")
    action.reassign(actor=str(LEADER), owner_id=OTHER, reason="y")
    completed(action)
    verified_not_effective(action)
    action.plan_follow_up(actor=str(LEADER), follow_up_id=uuid4())
    action.comment(actor=str(OTHER), comment_id=uuid4(), text="z")
    for original in action.collect_events():
        copy = mapper.to_domain_event(mapper.to_stored_event(original))
        assert vars(copy) == vars(original)
    assert isinstance(copy.comment_id, type(OTHER))
