"""A deviation's life, as scenarios: given these events, when this command, then these
events or this error. No database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from hms_core.deviations.categories import category_codes
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.errors import (
    ActionOrReasonRequiredError,
    AlreadyAcknowledgedError,
    CausesRequiredError,
    DeviationClosedError,
    DeviationNotClosedError,
    OccurredInFutureError,
    OpenActionsError,
    SameUnitTransferError,
)
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.errors import InvalidValue, OutOfRange, TextRequired, TextTooLong, UnknownChoice
from tests.helpers import applied, frozen_clock, then

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
UNIT, OTHER_UNIT = uuid4(), uuid4()
REPORTER, LEADER = uuid4(), uuid4()
CATEGORIES = category_codes()


_frozen = frozen_clock(NOW)


def report(**overrides) -> Deviation:
    values = {
        "reference": "AVV-2026-000001",
        "title": "Fall i korridoren",
        "description": "Beboer skled på vått gulv.",
        "occurred_at": NOW - timedelta(hours=1),
        "unit_id": UNIT,
        "category": "nestenulykke",
        "categories": CATEGORIES,
        "severity": 2,
        "actor": str(REPORTER),
        "reporter_id": REPORTER,
    }
    values.update(overrides)
    return Deviation.report(**values)


def given(*steps) -> Deviation:
    """A reported deviation with these steps applied, its events already saved."""
    return applied(report(), *steps)


def acknowledged(d: Deviation) -> None:
    d.acknowledge(actor=str(LEADER), handler_id=LEADER)


def classified(d: Deviation) -> None:
    d.classify(
        actor=str(LEADER),
        category="personskade",
        categories=CATEGORIES,
        severity=3,
        recurrence_probability=2,
        causes=("human", "organisational"),
    )


def closed(d: Deviation) -> None:
    d.close(actor=str(LEADER), conclusion="Nye rutiner for vask.", no_action_reason="Rutine endret")


# --- reporting --------------------------------------------------------------------


def test_a_report_records_what_happened_and_who_reported_it():
    deviation = report(location="Vaskerommet", immediate_action="Tørket opp")
    [(name, data)] = then(deviation)
    assert name == "Reported"
    assert data["reference"] == "AVV-2026-000001"
    assert data["title"] == "Fall i korridoren"
    assert data["location"] == "Vaskerommet"
    assert data["reporter_id"] == REPORTER
    assert data["actor"] == str(REPORTER)
    assert deviation.status == "reported"


def test_an_anonymous_report_keeps_no_identity():
    deviation = report(anonymous=True)
    [(_, data)] = then(deviation)
    assert data["reporter_id"] is None
    assert data["actor"] == "anonymous"
    assert str(REPORTER) not in repr(data)


def test_texts_are_trimmed_and_empty_optional_texts_become_none():
    deviation = report(title="  Fall  ", location="   ")
    assert deviation.title == "Fall"
    assert deviation.location is None


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"title": ""}, TextRequired, "title"),
        ({"title": "x" * 151}, TextTooLong, "title"),
        ({"description": "x" * 4001}, TextTooLong, "description"),
        ({"severity": 0}, OutOfRange, "severity"),
        ({"severity": 6}, OutOfRange, "severity"),
        ({"severity": True}, OutOfRange, "severity"),
        ({"category": "tull"}, UnknownChoice, "category"),
        ({"occurred_at": NOW + timedelta(hours=1)}, OccurredInFutureError, "occurred_at"),
        (
            {"person_harmed": PersonHarmed(kind="alien")},
            UnknownChoice,
            "person_harmed.kind",
        ),
        (
            {"person_harmed": PersonHarmed(kind="employee", absence_days=400, absence=True)},
            OutOfRange,
            "person_harmed.absence_days",
        ),
    ],
)
def test_a_report_with_bad_values_is_refused_naming_the_field(overrides, error, field):
    with pytest.raises(error) as refused:
        report(**overrides)
    assert refused.value.field == field


def test_a_time_a_little_ahead_of_our_clock_is_accepted():
    assert report(occurred_at=NOW + timedelta(minutes=3)).occurred_at > NOW


def test_health_details_need_the_injured_persons_consent():
    harmed = PersonHarmed(kind="employee", name="Ola", health_details="Brudd i håndledd")
    with pytest.raises(InvalidValue) as refused:
        report(category="personskade", person_harmed=harmed)
    assert refused.value.field == "person_harmed.health_consent"

    consented = PersonHarmed(
        kind="employee", name="Ola", health_details="Brudd i håndledd", health_consent=True
    )
    deviation = report(category="personskade", person_harmed=consented)
    assert deviation.person_harmed.health_details == "Brudd i håndledd"
    assert deviation.names_injured_person


# --- handling ---------------------------------------------------------------------


def test_acknowledging_puts_the_case_under_treatment_by_the_handler():
    deviation = given()
    acknowledged(deviation)
    assert then(deviation) == [
        (
            "Acknowledged",
            {
                "originator_id": deviation.id,
                "originator_version": 2,
                "handler_id": LEADER,
                "actor": str(LEADER),
            },
        )
    ]
    assert deviation.status == "under_treatment"


def test_a_case_is_acknowledged_only_once():
    deviation = given(acknowledged)
    with pytest.raises(AlreadyAcknowledgedError):
        acknowledged(deviation)
    assert then(deviation) == []


def test_classifying_records_category_severity_recurrence_and_causes():
    deviation = given(acknowledged)
    classified(deviation)
    [(name, data)] = then(deviation)
    assert name == "Classified"
    assert data["causes"] == ("human", "organisational")
    assert data["recurrence_probability"] == 2
    assert (deviation.category, deviation.severity) == ("personskade", 3)


@pytest.mark.parametrize(
    ("field", "value"),
    [("recurrence_probability", 0), ("recurrence_probability", 6), ("severity", 7)],
)
def test_classification_out_of_range_is_refused(field, value):
    deviation = given(acknowledged)
    values = {
        "actor": "x",
        "category": "personskade",
        "categories": CATEGORIES,
        "severity": 3,
        "recurrence_probability": 3,
        "causes": ("human",),
    }
    values[field] = value
    with pytest.raises(OutOfRange) as refused:
        deviation.classify(**values)
    assert refused.value.field == field


def test_unknown_causes_are_refused():
    deviation = given(acknowledged)
    with pytest.raises(UnknownChoice):
        deviation.classify(
            actor="x",
            category="personskade",
            categories=CATEGORIES,
            severity=3,
            recurrence_probability=3,
            causes=("bad luck",),
        )


def test_comments_say_whether_the_reporter_may_see_them():
    deviation = given(acknowledged)
    deviation.comment(actor="x", comment_id=uuid4(), text="Ringer beboer", visible_to_reporter=True)
    [(name, data)] = then(deviation)
    assert name == "Commented"
    assert data["visible_to_reporter"] is True


def test_transfer_moves_the_case_to_another_unit_to_be_acknowledged_there():
    deviation = given(acknowledged)
    deviation.transfer(actor="x", to_unit_id=OTHER_UNIT, reason="Skjedde i nabobygget")
    [(name, data)] = then(deviation)
    assert name == "Transferred"
    assert (data["from_unit_id"], data["to_unit_id"]) == (UNIT, OTHER_UNIT)
    assert deviation.unit_id == OTHER_UNIT
    assert deviation.status == "reported"


def test_transfer_to_the_same_unit_is_refused():
    deviation = given()
    with pytest.raises(SameUnitTransferError):
        deviation.transfer(actor="x", to_unit_id=UNIT, reason="?")


def test_transfer_needs_a_reason():
    deviation = given()
    with pytest.raises(TextRequired) as refused:
        deviation.transfer(actor="x", to_unit_id=OTHER_UNIT, reason=" ")
    assert refused.value.field == "reason"


# --- closing and reopening --------------------------------------------------------


def test_closing_records_the_conclusion_and_why_no_action_was_needed():
    deviation = given(acknowledged, classified)
    deviation.close(
        actor=str(LEADER),
        conclusion="Ny rutine for vask",
        no_action_reason="Rutinen er endret",
        feedback="Takk for meldingen",
    )
    [(name, data)] = then(deviation)
    assert name == "Closed"
    assert data["conclusion"] == "Ny rutine for vask"
    assert data["feedback"] == "Takk for meldingen"
    assert deviation.is_closed


def test_closing_without_a_conclusion_is_refused():
    deviation = given(acknowledged, classified)
    with pytest.raises(TextRequired) as refused:
        deviation.close(actor="x", conclusion="", no_action_reason="r")
    assert refused.value.field == "conclusion"


def test_closing_needs_the_causes_recorded():
    deviation = given(acknowledged)
    with pytest.raises(CausesRequiredError):
        closed(deviation)


def test_closing_needs_actions_or_a_reason_for_none():
    deviation = given(acknowledged, classified)
    with pytest.raises(ActionOrReasonRequiredError):
        deviation.close(actor="x", conclusion="Ferdig")


def test_closing_over_open_actions_needs_a_reason_and_leaves_them_open():
    action = uuid4()
    deviation = given(
        acknowledged, classified, lambda d: d.link_action(actor="x", action_id=action)
    )
    with pytest.raises(OpenActionsError):
        deviation.close(actor="x", conclusion="Ferdig", open_action_ids=(action,))
    deviation.close(
        actor="x",
        conclusion="Ferdig",
        open_action_ids=(action,),
        open_actions_reason="Tiltaket følges opp i verneområdet",
    )
    [(name, data)] = then(deviation)
    assert name == "Closed"
    assert data["open_action_ids"] == (action,)


def test_a_second_close_is_refused():
    deviation = given(acknowledged, classified, closed)
    with pytest.raises(DeviationClosedError):
        closed(deviation)


@pytest.mark.parametrize(
    "command",
    [
        acknowledged,
        classified,
        lambda d: d.comment(actor="x", comment_id=uuid4(), text="t", visible_to_reporter=False),
        lambda d: d.give_feedback(actor="x", text="t"),
        lambda d: d.transfer(actor="x", to_unit_id=OTHER_UNIT, reason="r"),
        lambda d: d.link_action(actor="x", action_id=uuid4()),
        lambda d: d.add_information(actor="x", text="t"),
    ],
)
def test_nothing_but_reopening_acts_on_a_closed_case(command):
    deviation = given(acknowledged, classified, closed)
    with pytest.raises(DeviationClosedError):
        command(deviation)
    assert then(deviation) == []


def test_reopening_needs_a_reason_and_puts_the_case_back_under_treatment():
    deviation = given(acknowledged, classified, closed)
    with pytest.raises(TextRequired):
        deviation.reopen(actor="x", reason="")
    deviation.reopen(actor="x", reason="Skjedde igjen")
    assert [name for name, _ in then(deviation)] == ["Reopened"]
    assert deviation.status == "under_treatment"
    closed(deviation)
    assert deviation.is_closed


def test_only_a_closed_case_can_be_reopened():
    with pytest.raises(DeviationNotClosedError):
        given(acknowledged).reopen(actor="x", reason="?")


def test_a_stale_expected_version_is_refused():
    from hms_core.errors import VersionConflict

    deviation = given(acknowledged)
    deviation.check_version(2)
    with pytest.raises(VersionConflict):
        deviation.check_version(1)


def test_every_event_records_its_actor_and_time():
    deviation = report()
    acknowledged(deviation)
    classified(deviation)
    for event in deviation.collect_events():
        assert event.actor
        assert event.timestamp == NOW
