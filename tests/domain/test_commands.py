"""Use cases take a command struct, or its fields by keyword (hms_core.service.takes),
and hand the fields on to the aggregate (hms_core.commands.Command.fields). No database."""

from __future__ import annotations

from uuid import uuid4

import msgspec
import pytest
from eventsourcing.persistence import IntegrityError

from hms_core.commands import Change, Command
from hms_core.deviations.commands import ClassifyDeviation, InjuredPerson, person_harmed
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.risk.commands import NamedParticipant, participants
from hms_core.risk.hazard import Participant
from hms_core.service import command, takes


class Rename(Change):
    name: str
    note: str | None = None


class Records:
    """A use-case mixin in miniature: it records what each call was given."""

    def __init__(self) -> None:
        self.given: list[tuple] = []
        self.collisions = 0

    @takes(Rename)
    def rename(self, by: str, record_id: int, data: Rename) -> Rename:
        self.given.append((by, record_id, data))
        return data

    @command
    @takes(Rename)
    def rename_once_the_race_is_won(self, by: str, record_id: int, data: Rename) -> Rename:
        if self.collisions:
            self.collisions -= 1
            raise IntegrityError("another writer got there first")
        return self.rename(by, record_id, data)


def test_a_use_case_called_with_keywords_gets_the_command_they_make():
    records = Records()
    got = records.rename("kari", 7, name="Ny", expected_version=3)
    assert got == Rename(name="Ny", expected_version=3)
    assert records.given == [("kari", 7, got)]


def test_a_use_case_handed_a_command_gets_that_very_command():
    records = Records()
    asked = Rename(name="Ny", note="fordi")
    assert records.rename("kari", 7, asked) is asked


def test_a_subclass_decoded_from_a_request_body_is_a_command_of_that_kind():
    class Body(Rename):  # as api.schemas names a command
        pass

    body = msgspec.json.decode(b'{"name": "Ny", "expected_version": 2}', type=Body)
    assert Records().rename("kari", 7, body) is body


def test_no_body_is_a_command_with_every_default():
    class Nothing(Change):
        pass

    class Acknowledging:
        @takes(Nothing)
        def acknowledge(self, by: str, record_id: int, data: Nothing) -> Nothing:
            return data

    assert Acknowledging().acknowledge("kari", 7, None) == Nothing()
    assert Acknowledging().acknowledge("kari", 7) == Nothing()


def test_names_the_command_does_not_have_are_refused_as_in_any_call():
    records = Records()
    with pytest.raises(TypeError):
        records.rename("kari", 7, name="Ny", colour="blå")
    with pytest.raises(TypeError):
        records.rename("kari", 7)  # `name` is required
    with pytest.raises(TypeError):
        records.rename("kari", 7, Rename(name="Ny"), note="both")
    with pytest.raises(TypeError):
        records.rename("kari", 7, {"name": "Ny"})  # not a Rename
    assert records.given == []


def test_building_the_command_judges_no_value_the_domain_rules_do():
    got = Records().rename("kari", 7, name=None, note=12)
    assert (got.name, got.note) == (None, 12)  # for the aggregate to refuse


def test_a_command_that_lost_a_race_is_retried_with_the_same_command():
    records = Records()
    records.collisions = 2
    got = records.rename_once_the_race_is_won("kari", 7, name="Ny")
    assert got == Rename(name="Ny")
    assert records.given == [("kari", 7, got)]


def test_the_fields_go_on_to_the_aggregate_without_the_expected_version():
    classify = ClassifyDeviation(
        category="fall", severity=2, recurrence_probability=3, causes=["human"], expected_version=4
    )
    assert classify.fields() == {
        "category": "fall",
        "severity": 2,
        "recurrence_probability": 3,
        "causes": ["human"],
        "cause_description": None,
    }
    assert classify.fields(causes=("technical",))["causes"] == ("technical",)


def test_every_command_refuses_a_field_it_does_not_have():
    class Anything(Command):
        name: str

    with pytest.raises(msgspec.ValidationError, match="unknown field `colour`"):
        msgspec.json.decode(b'{"name": "x", "colour": "red"}', type=Anything)


def test_nested_values_of_a_command_become_what_the_aggregate_stores():
    given = InjuredPerson(kind="employee", absence=True, absence_days=2, name="Kari")
    stored = person_harmed(given)
    assert type(stored) is PersonHarmed
    assert stored == PersonHarmed(kind="employee", absence=True, absence_days=2, name="Kari")
    already = PersonHarmed(kind="pupil")
    assert person_harmed(already) is already
    assert person_harmed(None) is None

    user = uuid4()
    assert participants([NamedParticipant(user, "verneombud")]) == [Participant(user, "verneombud")]
    odd = "not a list"
    assert participants(odd) is odd  # for the domain to refuse
