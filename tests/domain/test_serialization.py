"""Events survive the store with their types: UUIDs, datetimes, dates, nested structs.
And an event class with a newer class_version upcasts what was stored before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import event

from hms_core.deviations.categories import category_codes
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.infra.serialization import MsgspecMapper
from hms_core.model import HMSAggregate


def roundtrip(domain_event):
    mapper = MsgspecMapper()
    return mapper.to_domain_event(mapper.to_stored_event(domain_event))


def test_a_report_comes_back_with_its_types():
    deviation = Deviation.report(
        reference="AVV-2026-000001",
        title="Fall",
        description="Glatt",
        occurred_at=datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC),
        unit_id=uuid4(),
        category="personskade",
        categories=category_codes(),
        severity=3,
        actor="u",
        reporter_id=uuid4(),
        person_harmed=PersonHarmed(kind="employee", absence=True, absence_days=3),
    )
    [original] = deviation.collect_events()
    copy = roundtrip(original)
    assert type(copy) is type(original)
    assert vars(copy) == vars(original)
    assert isinstance(copy.unit_id, UUID)
    assert isinstance(copy.occurred_at, datetime)
    assert copy.occurred_at.tzinfo is not None
    assert isinstance(copy.person_harmed, PersonHarmed)
    assert copy.person_harmed.absence_days == 3


def test_the_stored_state_is_json_and_holds_no_header_fields():
    mapper = MsgspecMapper()
    deviation = Deviation.report(
        reference="AVV-2026-000002",
        title="Fall",
        description="Glatt",
        occurred_at=datetime(2026, 1, 2, tzinfo=UTC),
        unit_id=uuid4(),
        category="nestenulykke",
        categories=category_codes(),
        severity=1,
        actor="u",
        reporter_id=None,
    )
    stored = mapper.to_stored_event(deviation.collect_events()[0])
    state = msgspec.json.decode(stored.state)
    assert "originator_id" not in state
    assert state["title"] == "Fall"


class Meeting(HMSAggregate):
    """A test aggregate whose event changed shape: v1 had `when`, v2 has `on` (a date)."""

    @event("Planned")
    def __init__(self, on: date, place: str) -> None:
        self.on = on
        self.place = place


class MeetingV1(HMSAggregate):
    @event("Planned")
    def __init__(self, when: str) -> None:
        self.when = when


def test_an_older_stored_version_is_upcast_when_read():
    mapper = MsgspecMapper()
    stored = mapper.to_stored_event(MeetingV1(when="2026-05-01").collect_events()[0])
    # The code now says version 2: the old payload is upcast into the new shape.
    Meeting.Planned.class_version = 2

    def upcast_v1_v2(state):
        state["on"] = state.pop("when")
        state["place"] = "ukjent"

    Meeting.Planned.upcast_v1_v2 = staticmethod(upcast_v1_v2)
    try:
        from dataclasses import replace

        stored = replace(stored, topic=stored.topic.replace("MeetingV1", "Meeting"))
        copy = mapper.to_domain_event(stored)
        assert copy.on == date(2026, 5, 1)
        assert copy.place == "ukjent"
        # And what the new code writes carries its version and reads back directly.
        fresh = Meeting(on=date(2026, 6, 1), place="Rådhuset").collect_events()[0]
        assert msgspec.json.decode(mapper.to_stored_event(fresh).state)["class_version"] == 2
        assert roundtrip(fresh).on == date(2026, 6, 1)
    finally:
        Meeting.Planned.class_version = 1
