"""What each reader is shown of what they may read (hms_core.access.disclosure): the
anonymous reporter's receipt, a case's history per reader, how actors and the reporter
of a listed case are named, and the units' head counts. No database."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from hms_core import clock
from hms_core.access import Principal, disclosure
from hms_core.deviations.categories import category_codes
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.directory.organisation import Organisation
from tests.domain import test_deviation as cases
from tests.helpers import frozen_clock

NOW = cases.NOW
UNIT, REPORTER, LEADER = cases.UNIT, cases.REPORTER, cases.LEADER
INJURED, VO = uuid4(), uuid4()


def person(user_id: UUID, *roles: str, led=(), vo=()) -> Principal:
    return Principal(
        user_id=user_id,
        username=str(user_id),
        name="Navn",
        roles=frozenset({"employee", *roles}),
        led_units=frozenset(led),
        vo_units=frozenset(vo),
    )


REPORTER_P = person(REPORTER)
LEADER_P = person(LEADER, "leader", led=[UNIT])
HMS_P = person(uuid4(), "hms")
ADMIN_P = person(uuid4(), "admin")
INJURED_P = person(INJURED)
VO_P = person(VO, "verneombud", vo=[UNIT])


_frozen = frozen_clock(NOW)


def later(minutes: int):
    return clock.frozen_at(NOW + timedelta(minutes=minutes))


HARMED = PersonHarmed(
    kind="employee",
    absence=True,
    absence_days=2,
    name="Kari Nordmann",
    person_id=INJURED,
    health_details="Hjernerystelse.",
    health_consent=True,
)


def report(**overrides) -> Deviation:
    """An injury in UNIT, reported by REPORTER, naming the injured person."""
    values = {"reference": "AVV-2026-000007", "title": "Slag mot hodet", "severity": 3}
    values |= {"category": "personskade", "person_harmed": HARMED}
    return cases.report(**values | overrides)


# --- how actors are named ------------------------------------------------------------


def test_actors_are_named_as_a_person_anonymous_or_the_product_itself():
    kari, gone = uuid4(), uuid4()
    names = {kari: "Kari Nordmann"}
    looked_up = []

    def name_of(user_id):
        looked_up.append(user_id)
        return names.get(user_id)

    assert disclosure.actor_name(str(kari), name_of) == "Kari Nordmann"
    assert disclosure.actor_name(str(gone), name_of) is None  # a person no longer known
    assert disclosure.actor_name("anonymous", name_of) == "Anonym"
    assert disclosure.actor_name("system:hr-import", name_of) == "Systemet (hr-import)"
    assert disclosure.actor_name("system", name_of) is None  # neither a person nor the product
    assert looked_up == [kari, gone]  # only people are looked up


def test_a_list_or_an_export_names_the_reporter_of_a_named_report_only():
    reporter = str(REPORTER)
    assert disclosure.listed_reporter(reporter, anonymous=False) == reporter
    assert disclosure.listed_reporter(REPORTER, anonymous=False) == REPORTER
    # Whatever a row holds, an anonymous report names nobody.
    assert disclosure.listed_reporter(reporter, anonymous=True) is None
    assert disclosure.listed_reporter(None, anonymous=True) is None
    assert disclosure.listed_reporter(None, anonymous=False) is None


# --- a case's injured person and history, per reader --------------------------------


@pytest.mark.parametrize(
    ("who", "sees_identity"),
    [
        (LEADER_P, True),
        (HMS_P, True),
        (INJURED_P, True),
        (REPORTER_P, False),
        (VO_P, False),
    ],
)
def test_only_the_leader_hms_and_the_injured_person_see_who_was_hurt(who, sees_identity):
    harmed = disclosure.person_harmed_for(who, report())
    assert (harmed.kind, harmed.absence, harmed.absence_days) == ("employee", True, 2)
    if sees_identity:
        assert (harmed.name, harmed.person_id) == ("Kari Nordmann", INJURED)
        assert harmed.health_details == "Hjernerystelse."
    else:
        assert (harmed.name, harmed.person_id, harmed.health_details) == (None, None, None)


def test_a_case_without_an_injured_person_shows_none():
    assert disclosure.person_harmed_for(LEADER_P, report(person_harmed=None)) is None


def commented_case() -> tuple[Deviation, list]:
    deviation = report()
    deviation.comment(
        actor=str(LEADER), comment_id=uuid4(), text="Intern vurdering.", visible_to_reporter=False
    )
    deviation.comment(
        actor=str(LEADER), comment_id=uuid4(), text="Til melder.", visible_to_reporter=True
    )
    deviation.comment(
        actor=str(REPORTER), comment_id=uuid4(), text="Meldernotat.", visible_to_reporter=False
    )
    return deviation, deviation.collect_events()


def notes(history: list) -> list[str]:
    return [e.text for e in history if isinstance(e, Deviation.Commented)]


def test_internal_notes_are_shown_to_those_who_follow_the_case_and_to_their_authors():
    deviation, events = commented_case()
    everything = ["Intern vurdering.", "Til melder.", "Meldernotat."]
    assert notes(disclosure.history_for(LEADER_P, deviation, events)) == everything
    assert notes(disclosure.history_for(HMS_P, deviation, events)) == everything
    assert notes(disclosure.history_for(VO_P, deviation, events)) == everything  # HMS category
    assert notes(disclosure.history_for(REPORTER_P, deviation, events)) == [
        "Til melder.",
        "Meldernotat.",
    ]


def test_a_verneombud_sees_no_internal_notes_of_a_case_outside_the_hms_categories():
    deviation = report(category="kvalitet", person_harmed=None)
    deviation.comment(
        actor=str(LEADER), comment_id=uuid4(), text="Intern.", visible_to_reporter=False
    )
    events = deviation.collect_events()
    assert notes(disclosure.history_for(VO_P, deviation, events)) == []


def test_the_history_keeps_the_injured_persons_identity_from_those_who_may_not_know_it():
    deviation, events = commented_case()
    reported = disclosure.history_for(REPORTER_P, deviation, events)[0]
    assert isinstance(reported, Deviation.Reported)
    assert reported.person_harmed == events[0].person_harmed.without_identity()
    assert list(vars(reported)) == list(vars(events[0]))  # the same fields, in order
    assert events[0].person_harmed.name == "Kari Nordmann"  # the stored event is untouched
    assert disclosure.history_for(LEADER_P, deviation, events)[0] is events[0]


# --- the anonymous reporter's receipt ------------------------------------------------


def test_feedback_to_the_reporter_is_feedback_a_note_made_visible_or_the_closing_feedback():
    deviation = report(anonymous=True, reporter_id=None)
    deviation.give_feedback(actor=str(LEADER), text="Vi ser på saken.")
    deviation.comment(
        actor=str(LEADER), comment_id=uuid4(), text="Internt.", visible_to_reporter=False
    )
    deviation.comment(
        actor=str(LEADER), comment_id=uuid4(), text="Synlig.", visible_to_reporter=True
    )
    events = deviation.collect_events()
    assert [disclosure.feedback_to_reporter(e) for e in events] == [
        None,
        "Vi ser på saken.",
        None,
        "Synlig.",
    ]


def closed(deviation: Deviation, feedback: str | None) -> None:
    deviation.classify(
        actor=str(LEADER),
        category="personskade",
        categories=category_codes(),
        severity=3,
        recurrence_probability=2,
        causes=("technical",),
    )
    deviation.close(
        actor=str(LEADER),
        conclusion="Hylla er flyttet.",
        no_action_reason="Ordnet.",
        feedback=feedback,
    )


def test_the_closing_feedback_counts_only_when_there_is_some():
    with_feedback, without = report(), report()
    closed(with_feedback, "Takk for meldingen.")
    closed(without, None)
    assert disclosure.feedback_to_reporter(with_feedback.collect_events()[-1]) == (
        "Takk for meldingen."
    )
    assert disclosure.feedback_to_reporter(without.collect_events()[-1]) is None


def test_the_receipt_shows_state_feedback_and_the_reporters_own_additions_only():
    deviation = report(anonymous=True, reporter_id=None)
    with later(1):
        deviation.comment(
            actor=str(LEADER), comment_id=uuid4(), text="Internt.", visible_to_reporter=False
        )
    with later(2):
        deviation.add_information(actor="anonymous", text="Det var mørkt.")
    with later(3):
        deviation.add_information(actor=str(LEADER), text="Lyspære byttet.")  # not the reporter
    with later(4):
        closed(deviation, "Takk for meldingen.")
    view = disclosure.reporter_view(deviation, deviation.collect_events())
    assert (view.reference, view.title, view.status) == (
        "AVV-2026-000007",
        "Slag mot hodet",
        "closed",
    )
    assert view.reported_at == NOW
    assert view.closed_at == NOW + timedelta(minutes=4)
    assert [(m.at, m.sender, m.text) for m in view.messages] == [
        (NOW + timedelta(minutes=2), "reporter", "Det var mørkt."),
        (NOW + timedelta(minutes=4), "handler", "Takk for meldingen."),
    ]
    assert not {"description", "person_harmed", "reporter_id"} & set(view.__struct_fields__)


def test_a_reopened_case_is_no_longer_closed_on_the_receipt():
    deviation = report(anonymous=True, reporter_id=None)
    closed(deviation, None)
    with later(5):
        deviation.reopen(actor=str(LEADER), reason="Skjedde igjen.")
    view = disclosure.reporter_view(deviation, deviation.collect_events())
    assert (view.status, view.closed_at, view.messages) == ("under_treatment", None, ())


# --- the org tree --------------------------------------------------------------------


def tree() -> Organisation:
    org = Organisation(actor="system:test")
    root = org.add_unit(actor="a", code="k", name="Kommunen", parent_id=None, kind="municipality")
    org.add_unit(actor="a", code="lura", name="Lura", parent_id=root, kind="unit", fte=80)
    return org


@pytest.mark.parametrize(
    ("who", "sees_fte"),
    [(HMS_P, True), (ADMIN_P, True), (LEADER_P, False), (VO_P, False), (REPORTER_P, False)],
)
def test_everyone_sees_every_unit_but_only_hms_and_administrators_their_head_counts(who, sees_fte):
    org = tree()
    units = disclosure.units_for(who, org)
    assert [(u.id, u.code, u.name, u.parent_id, u.kind) for u in units] == [
        (u.id, u.code, u.name, u.parent_id, u.kind) for u in org.units.values()
    ]
    assert [u.fte for u in units] == ([None, 80] if sees_fte else [None, None])
    assert [u.fte for u in org.units.values()] == [None, 80]  # the tree itself is untouched
