"""The one definition of valid input (hms_core.rules), and how the aggregates apply it:
text without control characters (line breaks only where lines belong), NFC, bounded
numbers, dates and moments. No database."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from hms_core import rules
from hms_core.actions.action import CorrectiveAction
from hms_core.actions.errors import DueDateTooFarError
from hms_core.deviations.errors import OccurredInFutureError
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.directory.organisation import Organisation, check_fte, unit_id_for
from hms_core.directory.user import User, check_email, check_password, user_id_for
from hms_core.errors import (
    ControlCharacterError,
    DateOutOfRange,
    InvalidCharacterError,
    InvalidValue,
    LineBreakError,
    NotADate,
    NotAMoment,
    NotANumber,
    NotText,
    OutOfRange,
    TextRequired,
    TextTooLong,
    TimezoneRequired,
    TooEarlyError,
)
from hms_core.hr.figures import HRLine, _Bad, parse_number, parse_period, validate_lines
from hms_core.infra.passwords import verify_password
from hms_core.risk.assessment import RiskAssessment
from hms_core.risk.matrix import RiskMatrixError, default_matrix
from tests.domain.test_deviation import report
from tests.helpers import frozen_clock

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x85", "\x9f"]


_frozen = frozen_clock(NOW)


# --- text ------------------------------------------------------------------------------


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("multiline", [False, True])
def test_control_characters_are_refused_in_any_text(control, multiline):
    with pytest.raises(ControlCharacterError) as refused:
        rules.text("title", f"Fall{control}i gangen", 150, multiline=multiline)
    assert refused.value.field == "title"
    assert refused.value.code == "control_character"
    assert "«title»" in refused.value.detail


@pytest.mark.parametrize("surrogate", ["\ud800", "a\udc80b", "\U0001f9ba\udfff"])
def test_lone_surrogates_are_refused_they_cannot_be_stored(surrogate):
    with pytest.raises(InvalidCharacterError) as refused:
        rules.optional_text("location", surrogate, 200, multiline=True)
    assert refused.value.field == "location"
    assert refused.value.code == "invalid_character"


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\t", "\u2028", "\u2029"])
def test_one_line_text_refuses_line_breaks_and_tabs(brk):
    with pytest.raises(LineBreakError) as refused:
        rules.text("title", f"Første{brk}andre", 150)
    assert refused.value.code == "line_break"


def test_multi_line_text_keeps_lines_as_lf_and_tabs():
    stored = rules.text(
        "description", "en\r\nto\rtre\u2028fire\u2029fem\tseks", 100, multiline=True
    )
    assert stored == "en\nto\ntre\nfire\nfem\tseks"


def test_text_is_nfc_before_its_length_is_measured():
    decomposed = "e\u0301" * 10  # 20 code points, 10 characters once composed
    assert rules.text("title", decomposed, 10) == "\u00e9" * 10
    with pytest.raises(TextTooLong):
        rules.text("title", decomposed + "x", 10)


def test_text_is_trimmed_and_required():
    assert rules.text("title", "  Fall  ", 150) == "Fall"
    for empty in ("", "   ", "\u00a0", None):
        with pytest.raises(TextRequired):
            rules.text("title", empty, 150)
        assert rules.optional_text("location", empty, 200) is None


def test_text_must_be_text():
    with pytest.raises(NotText):
        rules.text("title", 42, 150)


def test_the_patterns_agree_with_the_rules():
    import re

    one_line, multi_line = re.compile(rules.ONE_LINE_PATTERN), re.compile(rules.MULTI_LINE_PATTERN)
    for control in CONTROLS:
        assert not one_line.search(f"a{control}b")
        assert not multi_line.search(f"a{control}b")
    assert not one_line.search("a\tb")
    assert multi_line.search("a\r\n\tb")
    assert one_line.search("Øvelse på Ås 🦺")


def test_shown_values_are_short_printable_and_encodable():
    shown = rules.shown("a\x00\ud800" + "x" * 100)
    assert len(shown) == 40
    assert shown.startswith("a\ufffd")
    shown.encode("utf-8")


# --- numbers, dates, moments -----------------------------------------------------------


def test_integers_are_ints_within_bounds():
    assert rules.in_range("severity", 5, 1, 5) == 5
    for bad in (0, 6, True, 10**30, "3", 3.0, None):
        with pytest.raises(OutOfRange):
            rules.in_range("severity", bad, 1, 5)


def test_numbers_are_finite_and_bounded():
    assert rules.number("fte", 12, 0, 100) == 12.0
    for bad in (math.nan, math.inf, -math.inf, True, "1"):
        with pytest.raises(NotANumber):
            rules.number("fte", bad, 0, 100)
    for bad in (-0.5, 100.5, 10**400, 1e308):
        with pytest.raises(OutOfRange):
            rules.number("fte", bad, 0, 100)


def test_dates_are_dates_within_what_the_product_keeps():
    assert rules.day("due_date", rules.EARLIEST_DAY) == rules.EARLIEST_DAY
    assert rules.day("due_date", rules.LATEST_DAY) == rules.LATEST_DAY
    for bad in (date.min, date(999, 1, 1), date(3000, 1, 1), date.max):
        with pytest.raises(DateOutOfRange):
            rules.day("due_date", bad)
    with pytest.raises(NotADate):
        rules.day("due_date", datetime(2026, 3, 10, tzinfo=UTC))


def test_moments_have_a_zone_and_begin_at_1900_in_the_configured_zone():
    oslo = ZoneInfo("Europe/Oslo")
    earliest = datetime(1900, 1, 1, tzinfo=oslo)
    assert rules.earliest_moment() == earliest
    assert rules.moment("occurred_at", earliest) == earliest
    for early in (
        earliest - timedelta(microseconds=1),
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))),
        datetime.min.replace(tzinfo=UTC),
        datetime(999, 6, 1, tzinfo=UTC),
    ):
        with pytest.raises(TooEarlyError) as refused:
            rules.moment("occurred_at", early)
        assert "01.01.1900" in refused.value.detail
    with pytest.raises(DateOutOfRange):
        rules.moment("due", datetime.max.replace(tzinfo=timezone(timedelta(hours=-12))))
    with pytest.raises(TimezoneRequired):
        rules.moment("occurred_at", datetime(2026, 1, 1))
    with pytest.raises(NotAMoment):
        rules.moment("occurred_at", date(2026, 1, 1))


def test_a_moment_is_kept_in_utc_to_the_microsecond_whatever_its_offset():
    odd = timezone(timedelta(hours=5, minutes=30, seconds=30))
    given = datetime(2020, 5, 17, 12, 0, 0, 123456, tzinfo=odd)
    kept = rules.moment("occurred_at", given)
    assert kept == given
    assert kept.utcoffset() == timedelta(0)


# --- the aggregates apply them ----------------------------------------------------------


@pytest.mark.parametrize(
    "occurred_at",
    [
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))),
        datetime(999, 12, 31, 12, tzinfo=UTC),
        datetime(1899, 12, 31, 22, 59, tzinfo=UTC),  # 23:59 in Oslo
        datetime.max.replace(tzinfo=timezone(timedelta(hours=-12))),
    ],
)
def test_a_report_outside_1900_to_now_is_refused(occurred_at):
    with pytest.raises(InvalidValue) as refused:
        report(occurred_at=occurred_at)
    assert refused.value.field == "occurred_at"


def test_a_report_may_be_ahead_of_the_clock_by_the_allowed_skew_only():
    report(occurred_at=NOW + timedelta(minutes=4))
    with pytest.raises(OccurredInFutureError):
        report(occurred_at=NOW + timedelta(minutes=6))


def test_a_report_stores_its_texts_as_the_rules_clean_them():
    deviation = report(
        title="  Fall ved vaskerommet ",
        description="Linje én\r\nlinje to",
        occurred_at=datetime(2026, 3, 10, 23, 0, tzinfo=timezone(timedelta(hours=14))),
    )
    reported = deviation.collect_events()[0]
    assert reported.title == "Fall ved vaskerommet"
    assert reported.description == "Linje én\nlinje to"
    assert reported.occurred_at == datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Tittel\x00"),
        ("title", "To\nlinjer"),
        ("description", "\x1b[2J"),
        ("location", "Sted\r\n"),
        ("immediate_action", "Stopp\x07"),
    ],
)
def test_a_report_refuses_what_no_field_may_hold(field, value):
    with pytest.raises(InvalidValue) as refused:
        report(**{field: value})
    assert refused.value.field == field


def test_the_injured_persons_texts_follow_the_rules():
    with pytest.raises(LineBreakError) as refused:
        report(person_harmed=PersonHarmed(kind="employee", name="Ola\nNordmann"))
    assert refused.value.field == "person_harmed.name"
    harmed = PersonHarmed(kind="employee", health_details="Brudd\r\ni armen", health_consent=True)
    assert report(person_harmed=harmed).person_harmed.health_details == "Brudd\ni armen"


def test_an_actions_due_date_is_a_date_within_five_years():
    def create(due):
        return CorrectiveAction.create(
            reference="TIL-2026-000001",
            title="Matter",
            owner_id=uuid4(),
            unit_id=uuid4(),
            due_date=due,
            actor="someone",
        )

    create(date(2026, 3, 10))
    for far in (date(9999, 12, 31), date.max):
        with pytest.raises(DueDateTooFarError):
            create(far)
    with pytest.raises(InvalidValue):
        create(date.min)
    with pytest.raises(NotADate):
        create(datetime(2026, 3, 20, tzinfo=UTC))
    with pytest.raises(ControlCharacterError):
        CorrectiveAction.create(
            reference="TIL-2026-000001",
            title="Matter\x00",
            owner_id=uuid4(),
            unit_id=uuid4(),
            due_date=date(2026, 3, 20),
            actor="someone",
        )


def test_a_risk_assessment_refuses_nul_in_its_title_and_keeps_lines_in_its_scope():
    with pytest.raises(ControlCharacterError):
        RiskAssessment.create(actor="x", unit_id=uuid4(), title="Vask\x00", scope="Kjøkken")
    assessment = RiskAssessment.create(
        actor="x", unit_id=uuid4(), title="Vask", scope="Kjøkken\r\nog vaskerom"
    )
    assert assessment.scope == "Kjøkken\nog vaskerom"


# --- the directory -----------------------------------------------------------------------


def test_head_counts_are_finite():
    assert check_fte(None) is None
    assert check_fte(12) == 12.0
    for bad in (math.nan, math.inf, -1, 100_001, 10**400, True):
        with pytest.raises(InvalidValue) as refused:
            check_fte(bad)
        assert refused.value.field == "fte"


def test_unit_codes_are_one_line_nfc_and_find_their_unit():
    organisation = Organisation(actor="x")
    root = organisation.add_unit(
        actor="x", code="Sande\u0301", name="Kommunen", parent_id=None, kind="municipality"
    )
    assert root == unit_id_for("sandé") == unit_id_for(" SANDE\u0301 ")
    assert organisation.unit(root).code == "sandé"
    with pytest.raises(LineBreakError):
        organisation.add_unit(actor="x", code="a\nb", name="Ny", parent_id=root, kind="unit")
    with pytest.raises(ControlCharacterError):
        organisation.add_unit(actor="x", code="ab", name="Ny\x1b", parent_id=root, kind="unit")


def test_looking_up_any_text_never_fails():
    for anything in ("\ud800", "a\x00", "x" * 10_000, ""):
        unit_id_for(anything)
        user_id_for(anything)
        assert verify_password(None, anything) is False


def test_users_names_emails_and_passwords_follow_the_rules():
    def register(**overrides):
        values = {
            "actor": "x",
            "username": "ola",
            "name": "Ola",
            "email": "ola@x.no",
            "password_hash": None,
            "home_unit_id": None,
        }
        return User.register(**(values | overrides))

    assert register(username=" Ola.N ").username == "ola.n"
    for field, value in (
        ("username", "ola\x00"),
        ("username", "ola nordmann"),
        ("name", "Ola\x1b[1m"),
        ("email", "ola\x00@x.no"),
        ("email", "ola@x .no"),
        ("password_hash", "$argon2\n"),
    ):
        with pytest.raises(InvalidValue) as refused:
            register(**{field: value})
        assert refused.value.field == field, (field, value)
    with pytest.raises(InvalidValue):
        check_email("ola@x\u00a0.no")
    assert check_password("åtte tegn") == "åtte tegn"
    for bad in ("kort", "x" * 1025, "passord\ud800"):
        with pytest.raises(InvalidValue) as refused:
            check_password(bad)
        assert refused.value.field == "password"


# --- HR figures ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf, 10**400, "nan", "inf", "١٢", "1e309"])
def test_hr_numbers_are_finite_decimal_numbers(bad):
    with pytest.raises(_Bad):
        parse_number(bad)


@pytest.mark.parametrize("bad", ["٢٠٢٠", "٢٠٢٠-٠١", "2020-1", "0999", "2020-13", "20201"])
def test_hr_periods_are_ascii_years_or_months(bad):
    with pytest.raises(_Bad):
        parse_period(bad, date(2026, 3, 10))


def test_an_hr_import_refuses_lines_it_cannot_read_whole():
    unit = uuid4()
    line = HRLine(line=1, unit=str(unit), period="2026-01", sick_leave_percent=math.nan)
    with pytest.raises(InvalidValue) as refused:
        validate_lines([line], frozenset({unit}), date(2026, 3, 10))
    assert refused.value.field == "lines"


# --- the risk matrix ---------------------------------------------------------------------


def test_a_risk_matrix_with_control_characters_in_its_labels_is_refused():
    import msgspec

    matrix = default_matrix()
    bad_label = msgspec.structs.replace(matrix.levels[0], label="Grønn\x1b[32m")
    with pytest.raises(RiskMatrixError):
        msgspec.structs.replace(matrix, levels=(bad_label, *matrix.levels[1:])).validated()
    bad_code = msgspec.structs.replace(matrix.levels[0], code="green\n")
    with pytest.raises(RiskMatrixError):
        msgspec.structs.replace(matrix, levels=(bad_code, *matrix.levels[1:])).validated()
    with pytest.raises(RiskMatrixError):
        msgspec.structs.replace(matrix, name="Standard\x00").validated()
