"""HR figures as scenarios: recording, revising, and validating an import. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from hms_core.directory.organisation import unit_id_for
from hms_core.hr.errors import HRImportRejectedError, NoLinesError
from hms_core.hr.figures import (
    Figures,
    HRFigures,
    HRLine,
    hr_figures_id,
    parse_number,
    validate_lines,
)
from tests.helpers import frozen_clock, then

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)
LURA, ROVIK = unit_id_for("lura-sykehjem"), unit_id_for("rovik-sykehjem")
UNITS = frozenset({LURA, ROVIK})


_frozen = frozen_clock(NOW)


def figures(**overrides) -> Figures:
    values = {
        "unit_id": LURA,
        "period": "2026-02",
        "sick_leave_percent": 8.5,
        "turnover_percent": 1.5,
        "hours_worked": 12000.0,
        "fte": 86.5,
    }
    values.update(overrides)
    return Figures(**values)


def test_one_record_per_unit_and_period():
    first = HRFigures.record(figures(), actor="system:hr-import")
    assert first.id == hr_figures_id(LURA, "2026-02")
    assert HRFigures.record(figures(), actor="x").id == first.id
    assert HRFigures.record(figures(period="2026-01"), actor="x").id != first.id
    assert HRFigures.record(figures(unit_id=ROVIK), actor="x").id != first.id
    [(name, data)] = then(first)
    assert name == "Recorded"
    assert data["sick_leave_percent"] == 8.5
    assert data["actor"] == "system:hr-import"


def test_a_new_import_of_the_same_period_revises_it():
    record = HRFigures.record(figures(), actor="x")
    record.collect_events()
    assert record.revise(figures(sick_leave_percent=9.0), actor="y") is True
    [(name, data)] = then(record)
    assert name == "Revised"
    assert data["sick_leave_percent"] == 9.0
    assert data["turnover_percent"] == 1.5
    assert record.sick_leave_percent == 9.0


def test_the_same_figures_again_record_nothing():
    record = HRFigures.record(figures(), actor="x")
    record.collect_events()
    assert record.revise(figures(), actor="y") is False
    assert then(record) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        (" 12,5 % ", 12.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("0", 0.0),
        ("", None),
        (None, None),
        (7, 7.0),
    ],
)
def test_numbers_as_people_type_them(text, number):
    assert parse_number(text) == number


def test_good_lines_become_figures():
    lines = [
        HRLine(2, "lura-sykehjem", "2026-01", "8,4", "1,2", "12 450,5", "86,5"),
        HRLine(3, "LURA-SYKEHJEM", "2025", "9", "10", "", ""),
        HRLine(4, str(ROVIK), "2026-03", 5, 0),
    ]
    result = validate_lines(lines, UNITS, TODAY)
    assert result == [
        Figures(LURA, "2026-01", 8.4, 1.2, 12450.5, 86.5),
        Figures(LURA, "2025", 9.0, 10.0, None, None),
        Figures(ROVIK, "2026-03", 5.0, 0.0, None, None),
    ]


def test_every_bad_line_is_named_with_its_field():
    lines = [
        HRLine(2, "lura-sykehjem", "2026-01", "8,4", "1,2"),
        HRLine(3, "ukjent-enhet", "2026-01", "abc", "1"),
        HRLine(4, "lura-sykehjem", "2026-13", "101", "-1", "-5", "x"),
        HRLine(5, "lura-sykehjem", "2026-04", "5", "1"),
        HRLine(6, "rovik-sykehjem", "mars", "", "1"),
        HRLine(7, "lura-sykehjem", "2026-01", "5", "1"),
        HRLine(8, "", "2027", "5", "1"),
    ]
    with pytest.raises(HRImportRejectedError) as caught:
        validate_lines(lines, UNITS, TODAY)
    found = {(p.line, p.field) for p in caught.value.problems}
    assert found == {
        (3, "unit"),
        (3, "sick_leave_percent"),
        (4, "period"),
        (4, "sick_leave_percent"),
        (4, "turnover_percent"),
        (4, "hours_worked"),
        (4, "fte"),
        (5, "period"),
        (6, "period"),
        (6, "sick_leave_percent"),
        (7, "period"),
        (8, "unit"),
        (8, "period"),
    }
    messages = {(p.line, p.field): p.message for p in caught.value.problems}
    assert messages[(3, "unit")] == "Fant ingen enhet «ukjent-enhet»."
    assert messages[(3, "sick_leave_percent")] == "«abc» er ikke et tall."
    assert messages[(4, "turnover_percent")] == "Må være mellom 0 og 100."
    assert messages[(5, "period")] == "Perioden kan ikke være fram i tid."
    assert messages[(6, "sick_leave_percent")] == "Mangler verdi."
    assert messages[(7, "period")] == "Samme enhet og periode som linje 2."
    error = caught.value
    assert error.field == "lines"
    assert error.detail.startswith("13 feil, ingenting er lagret: linje 3, unit:")


def test_an_import_without_lines_is_refused():
    with pytest.raises(NoLinesError):
        validate_lines([], UNITS, TODAY)


def test_the_current_period_is_allowed_but_not_the_next():
    validate_lines([HRLine(2, "lura-sykehjem", "2026-03", "1", "1")], UNITS, TODAY)
    validate_lines([HRLine(2, "lura-sykehjem", "2026", "1", "1")], UNITS, TODAY)
    with pytest.raises(HRImportRejectedError):
        validate_lines([HRLine(2, "lura-sykehjem", "2026-04", "1", "1")], UNITS, TODAY)


def test_an_unknown_unit_id_is_refused():
    with pytest.raises(HRImportRejectedError) as caught:
        validate_lines([HRLine(2, str(uuid4()), "2026-01", "1", "1")], UNITS, TODAY)
    assert caught.value.problems[0].field == "unit"
