"""A risk assessment's life, as scenarios: given these events, when this command, then
these events or this error. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from hms_core import clock
from hms_core.errors import InvalidValue, OutOfRange, TextRequired, TextTooLong, UnknownChoice
from hms_core.infra.serialization import MsgspecMapper
from hms_core.risk.assessment import RiskAssessment
from hms_core.risk.errors import (
    AssessmentArchivedError,
    AssessmentNotApprovedError,
    AssessmentNotDraftError,
    MeasureOrJustificationRequiredError,
    MeasureRequiredError,
    NoHazardsError,
    TooManyHazardsError,
    UnknownHazardError,
    UnscoredHazardError,
)
from hms_core.risk.hazard import NO_VERNEOMBUD_NOTE, Participant, add_months, review_state
from hms_core.risk.matrix import default_matrix, parse_matrix
from tests.helpers import applied, frozen_clock, then

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
UNIT = uuid4()
LEADER, VO, EMPLOYEE = uuid4(), uuid4(), uuid4()
ACTOR = str(LEADER)
MATRIX = default_matrix()
# Four levels: a score of 4 is already "medium" (measure or justification).
STRICT = parse_matrix(
    '{"name": "Streng", "levels": ['
    '{"code": "low", "label": "Lav", "min_score": 1, "max_score": 3},'
    '{"code": "medium", "label": "Middels", "min_score": 4, "max_score": 7,'
    ' "requires": "measure_or_justification"},'
    '{"code": "high", "label": "Høy", "min_score": 8, "max_score": 14, "requires": "measure"},'
    '{"code": "critical", "label": "Kritisk", "min_score": 15, "max_score": 25,'
    ' "requires": "measure"}]}'
)
LIFTING = uuid4()
THREATS = uuid4()


_frozen = frozen_clock(NOW)


def create(**overrides) -> RiskAssessment:
    values = {
        "actor": ACTOR,
        "unit_id": UNIT,
        "title": "Tunge løft",
        "scope": "Forflytning av beboere på Lura sykehjem",
        "participants": (
            Participant(LEADER, "leader"),
            Participant(VO, "verneombud"),
            Participant(EMPLOYEE, "employee"),
        ),
        "review_interval_months": 12,
    }
    values.update(overrides)
    return RiskAssessment.create(**values)


def given(*steps, **overrides) -> RiskAssessment:
    """A draft with these steps applied, its events already saved."""
    return applied(create(**overrides), *steps)


def hazard(hazard_id=LIFTING, description="Ryggskade ved løft", **scores):
    def step(a: RiskAssessment) -> None:
        a.add_hazard(actor=ACTOR, hazard_id=hazard_id, description=description, **scores)

    return step


def scored(probability, consequence, hazard_id=LIFTING, **residual):
    def step(a: RiskAssessment) -> None:
        a.score_hazard(
            actor=ACTOR,
            hazard_id=hazard_id,
            probability=probability,
            consequence=consequence,
            **residual,
        )

    return step


def measured(hazard_id=LIFTING, action_id=None):
    def step(a: RiskAssessment) -> None:
        a.link_measure(actor=ACTOR, hazard_id=hazard_id, action_id=action_id or uuid4())

    return step


def approved(a: RiskAssessment, matrix=MATRIX) -> None:
    a.approve(actor=ACTOR, matrix=matrix)


def revised(a: RiskAssessment) -> None:
    a.revise(actor=ACTOR, reason="Årlig gjennomgang")


# --- creating -----------------------------------------------------------------------


def test_a_draft_records_unit_scope_participants_and_review_interval():
    assessment = create()
    [(name, data)] = then(assessment)
    assert name == "Created"
    assert data["unit_id"] == UNIT
    assert data["participants"][1] == Participant(VO, "verneombud")
    assert data["review_interval_months"] == 12
    assert data["actor"] == ACTOR
    assert assessment.status == "draft"
    assert assessment.revision == 1
    assert assessment.participant_ids == {LEADER, VO, EMPLOYEE}


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"title": " "}, TextRequired, "title"),
        ({"title": "x" * 151}, TextTooLong, "title"),
        ({"scope": ""}, TextRequired, "scope"),
        ({"scope": "x" * 2001}, TextTooLong, "scope"),
        ({"review_interval_months": 0}, OutOfRange, "review_interval_months"),
        ({"review_interval_months": 61}, OutOfRange, "review_interval_months"),
        ({"participants": [Participant(VO, "boss")]}, UnknownChoice, "participants.role"),
        (
            {"participants": [Participant(VO, "verneombud"), Participant(VO, "employee")]},
            InvalidValue,
            "participants",
        ),
    ],
)
def test_a_draft_with_bad_values_is_refused_naming_the_field(overrides, error, field):
    with pytest.raises(error) as refused:
        create(**overrides)
    assert refused.value.field == field


def test_details_and_participants_change_only_when_they_differ():
    assessment = given()
    assessment.change_details(
        actor=ACTOR, title="Tunge løft", scope=assessment.scope, review_interval_months=12
    )
    assessment.change_participants(actor=ACTOR, participants=assessment.participants)
    assert then(assessment) == []
    assessment.change_details(
        actor=ACTOR, title="Forflytning", scope="Alle avdelinger", review_interval_months=24
    )
    assessment.change_participants(actor=ACTOR, participants=[Participant(LEADER, "leader")])
    assert [name for name, _ in then(assessment)] == ["DetailsChanged", "ParticipantsChanged"]
    assert (assessment.title, assessment.review_interval_months) == ("Forflytning", 24)
    assert assessment.participant_ids == {LEADER}


# --- hazards and scores -------------------------------------------------------------


def test_a_hazard_is_added_with_its_cause_and_barriers():
    assessment = given()
    assessment.add_hazard(
        actor=ACTOR,
        hazard_id=LIFTING,
        description=" Ryggskade ved løft ",
        cause="Tunge beboere",
        barriers="Takheis på noen rom",
    )
    [(name, data)] = then(assessment)
    assert name == "HazardAdded"
    assert data["hazard_id"] == LIFTING
    assert data["description"] == "Ryggskade ved løft"
    assert data["probability"] is None
    assert not assessment.hazard(LIFTING).is_scored


def test_a_4_by_4_hazard_scores_16_and_is_red():
    assessment = given(hazard())
    scored(4, 4)(assessment)
    [(name, data)] = then(assessment)
    assert name == "HazardScored"
    assert (data["probability"], data["consequence"]) == (4, 4)
    risk = assessment.hazard(LIFTING)
    assert risk.score == 16
    assert risk.graded(MATRIX).level == "red"


@pytest.mark.parametrize(
    ("score", "level"), [((1, 4), "green"), ((2, 2), "green"), ((1, 5), "yellow"), ((2, 5), "red")]
)
def test_the_level_comes_from_the_matrix(score, level):
    assessment = given(hazard(), scored(*score))
    assert assessment.hazard(LIFTING).graded(MATRIX).level == level


def test_the_residual_risk_after_measures_is_scored_and_graded():
    assessment = given(hazard(), scored(4, 4, residual_probability=2, residual_consequence=4))
    graded = assessment.hazard(LIFTING).graded(MATRIX)
    assert (graded.residual_score, graded.residual_level) == (8, "yellow")


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"probability": 0, "consequence": 3}, "probability"),
        ({"probability": 6, "consequence": 3}, "probability"),
        ({"probability": 3, "consequence": 0}, "consequence"),
        ({"probability": 3, "consequence": 9}, "consequence"),
        ({"probability": True, "consequence": 3}, "probability"),
        ({"probability": 3, "consequence": 3, "residual_probability": 0}, "residual_probability"),
        (
            {"probability": 3, "consequence": 3, "residual_probability": 1},
            "residual_consequence",
        ),
        (
            {
                "probability": 3,
                "consequence": 3,
                "residual_probability": 2,
                "residual_consequence": 6,
            },
            "residual_consequence",
        ),
    ],
)
def test_scores_out_of_1_to_5_are_refused_naming_the_field(scores, field):
    assessment = given(hazard())
    with pytest.raises(InvalidValue) as refused:
        assessment.score_hazard(actor=ACTOR, hazard_id=LIFTING, **scores)
    assert refused.value.field == field
    assert then(assessment) == []


def test_measures_never_raise_a_risk():
    assessment = given(hazard())
    with pytest.raises(InvalidValue) as refused:
        scored(2, 4, residual_probability=3, residual_consequence=4)(assessment)
    assert refused.value.field == "residual_probability"


def test_a_hazard_added_with_half_a_score_is_refused():
    assessment = given()
    with pytest.raises(InvalidValue) as refused:
        hazard(probability=3)(assessment)
    assert refused.value.field == "consequence"
    with pytest.raises(InvalidValue) as refused:
        hazard(residual_probability=1, residual_consequence=1)(assessment)
    assert refused.value.field == "probability"


def test_hazard_texts_have_limits():
    assessment = given(hazard())
    with pytest.raises(TextTooLong) as refused:
        assessment.edit_hazard(actor=ACTOR, hazard_id=LIFTING, description="Fall", cause="x" * 2001)
    assert refused.value.field == "cause"
    with pytest.raises(TextRequired):
        assessment.edit_hazard(actor=ACTOR, hazard_id=LIFTING, description="")


def test_editing_replaces_the_texts_and_an_unchanged_edit_records_nothing():
    assessment = given(hazard())
    assessment.edit_hazard(actor=ACTOR, hazard_id=LIFTING, description="Ryggskade ved løft")
    assert then(assessment) == []
    assessment.edit_hazard(
        actor=ACTOR, hazard_id=LIFTING, description="Ryggskade", justification="Sjelden"
    )
    assert [name for name, _ in then(assessment)] == ["HazardEdited"]
    assert assessment.hazard(LIFTING).justification == "Sjelden"


def test_a_hazard_is_removed_from_the_draft():
    assessment = given(hazard(), hazard(THREATS, "Trusler"))
    assessment.remove_hazard(actor=ACTOR, hazard_id=LIFTING)
    assert [name for name, _ in then(assessment)] == ["HazardRemoved"]
    assert list(assessment.hazards) == [THREATS]


@pytest.mark.parametrize(
    "command",
    [
        lambda a, h: a.edit_hazard(actor=ACTOR, hazard_id=h, description="x"),
        lambda a, h: a.score_hazard(actor=ACTOR, hazard_id=h, probability=1, consequence=1),
        lambda a, h: a.remove_hazard(actor=ACTOR, hazard_id=h),
        lambda a, h: a.link_measure(actor=ACTOR, hazard_id=h, action_id=uuid4()),
        lambda a, h: a.link_deviation(actor=ACTOR, hazard_id=h, deviation_id=uuid4()),
    ],
)
def test_an_unknown_hazard_is_not_found(command):
    with pytest.raises(UnknownHazardError):
        command(given(hazard()), uuid4())


def test_an_assessment_holds_a_bounded_number_of_hazards(monkeypatch):
    monkeypatch.setattr("hms_core.risk.assessment.MAX_HAZARDS", 2)
    assessment = given(hazard(), hazard(THREATS, "Trusler"))
    with pytest.raises(TooManyHazardsError):
        hazard(uuid4(), "Stikkskader")(assessment)


# --- measures -----------------------------------------------------------------------


def test_a_measure_is_linked_once():
    action = uuid4()
    assessment = given(hazard())
    assessment.link_measure(actor=ACTOR, hazard_id=LIFTING, action_id=action)
    assessment.link_measure(actor=ACTOR, hazard_id=LIFTING, action_id=action)
    [(name, data)] = then(assessment)
    assert name == "MeasureLinked"
    assert (data["hazard_id"], data["action_id"]) == (LIFTING, action)
    assert assessment.hazard(LIFTING).measure_ids == (action,)
    assert assessment.measure_ids == (action,)


# --- approval -----------------------------------------------------------------------


def test_approval_needs_at_least_one_hazard():
    with pytest.raises(NoHazardsError):
        approved(given())


def test_approval_needs_every_hazard_scored_and_names_the_one_that_is_not():
    assessment = given(hazard(), hazard(THREATS, "Trusler fra pårørende"), scored(1, 1))
    with pytest.raises(UnscoredHazardError) as refused:
        approved(assessment)
    assert "Trusler fra pårørende" in refused.value.detail
    assert refused.value.hazard_id == THREATS


def test_a_red_hazard_without_a_measure_blocks_approval_naming_the_hazard():
    assessment = given(hazard(), scored(4, 4))
    with pytest.raises(MeasureRequiredError) as refused:
        approved(assessment)
    assert "«Ryggskade ved løft»" in refused.value.detail
    assert refused.value.hazard_id == LIFTING
    assert then(assessment) == []
    assert assessment.status == "draft"


def test_a_justification_does_not_excuse_a_red_hazard():
    assessment = given(hazard(justification="Vi har takheis"), scored(5, 2))
    with pytest.raises(MeasureRequiredError):
        approved(assessment)


def test_a_red_hazard_with_a_planned_measure_may_be_approved():
    assessment = given(hazard(), scored(4, 4), measured())
    approved(assessment)
    assert [name for name, _ in then(assessment)] == ["Approved"]
    assert assessment.status == "approved"


def test_a_cancelled_measure_is_no_measure():
    action = uuid4()
    assessment = given(hazard(), scored(4, 4), measured(action_id=action))
    with pytest.raises(MeasureRequiredError):
        assessment.approve(actor=ACTOR, matrix=MATRIX, cancelled_measure_ids=frozenset({action}))


def test_a_yellow_hazard_needs_a_measure_or_a_justification():
    assessment = given(hazard(), scored(3, 3))
    with pytest.raises(MeasureOrJustificationRequiredError) as refused:
        approved(assessment)
    assert "«Ryggskade ved løft»" in refused.value.detail

    justified = given(hazard(justification="Sjelden, og alltid to på vakt"), scored(3, 3))
    approved(justified)
    assert justified.status == "approved"

    measured_yellow = given(hazard(), scored(3, 3), measured())
    approved(measured_yellow)
    assert measured_yellow.status == "approved"


def test_a_green_hazard_needs_nothing():
    assessment = given(hazard(), scored(2, 2))
    approved(assessment)
    assert assessment.status == "approved"


def test_every_problem_is_listed_hazard_by_hazard():
    assessment = given(
        hazard(), scored(5, 5), hazard(THREATS, "Trusler"), scored(2, 3, hazard_id=THREATS)
    )
    problems = assessment.approval_problems(MATRIX)
    assert [(type(p), p.hazard_id) for p in problems] == [
        (MeasureRequiredError, LIFTING),
        (MeasureOrJustificationRequiredError, THREATS),
    ]


def test_a_stricter_matrix_changes_levels_and_what_approval_needs():
    assessment = given(hazard(), scored(2, 2))
    assert assessment.hazard(LIFTING).graded(STRICT).level == "medium"
    with pytest.raises(MeasureOrJustificationRequiredError):
        approved(assessment, STRICT)
    measured()(assessment)
    approved(assessment, STRICT)
    [version] = assessment.versions
    assert version.hazards[0].level == "medium"
    assert version.matrix_name == "Streng"


def test_approval_records_the_time_the_levels_and_the_next_review_date():
    assessment = given(
        hazard(), scored(4, 4, residual_probability=2, residual_consequence=2), measured()
    )
    approved(assessment)
    [(name, data)] = then(assessment)
    assert name == "Approved"
    assert data["approved_at"] == NOW
    assert data["approved_on"] == date(2026, 3, 10)
    assert data["next_review_on"] == date(2027, 3, 10)
    assert data["revision"] == 1
    [approved_hazard] = data["hazards"]
    assert (approved_hazard.level, approved_hazard.residual_level) == ("red", "green")
    assert assessment.in_force.next_review_on == date(2027, 3, 10)
    assert assessment.in_force.approved_by == ACTOR


def test_the_next_review_date_follows_the_review_interval():
    assessment = given(hazard(), scored(1, 1), review_interval_months=6)
    approved(assessment)
    assert assessment.in_force.next_review_on == date(2026, 9, 10)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 3, 10), 60, date(2031, 3, 10)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    assert add_months(day, months) == expected


def test_approved_without_a_verneombud_the_assessment_carries_a_note():
    assessment = given(hazard(), scored(1, 1), participants=[Participant(EMPLOYEE, "employee")])
    approved(assessment)
    [(_, data)] = then(assessment)
    assert data["without_verneombud"] is True
    assert assessment.in_force.notes == (NO_VERNEOMBUD_NOTE,)


def test_approved_with_a_verneombud_there_is_no_note():
    assessment = given(hazard(), scored(1, 1))
    approved(assessment)
    assert assessment.in_force.without_verneombud is False
    assert assessment.in_force.notes == ()


# --- only drafts change -------------------------------------------------------------

DRAFT_COMMANDS = [
    hazard(uuid4(), "Ny fare"),
    lambda a: a.edit_hazard(actor=ACTOR, hazard_id=LIFTING, description="x"),
    scored(2, 2),
    lambda a: a.remove_hazard(actor=ACTOR, hazard_id=LIFTING),
    measured(),
    lambda a: a.change_details(actor=ACTOR, title="x", scope="y", review_interval_months=1),
    lambda a: a.change_participants(actor=ACTOR, participants=()),
    approved,
]


@pytest.mark.parametrize("command", DRAFT_COMMANDS)
def test_an_approved_assessment_is_changed_only_through_a_revision(command):
    assessment = given(hazard(), scored(1, 1), approved)
    with pytest.raises(AssessmentNotDraftError):
        command(assessment)
    assert then(assessment) == []


@pytest.mark.parametrize(
    "command",
    [
        *DRAFT_COMMANDS,
        revised,
        lambda a: a.archive(actor=ACTOR, reason="Igjen"),
        lambda a: a.link_deviation(actor=ACTOR, hazard_id=LIFTING, deviation_id=uuid4()),
    ],
)
def test_an_archived_assessment_is_not_changed(command):
    assessment = given(
        hazard(), scored(1, 1), approved, lambda a: a.archive(actor=ACTOR, reason="Nedlagt")
    )
    with pytest.raises((AssessmentArchivedError, AssessmentNotApprovedError)):
        command(assessment)
    assert then(assessment) == []


# --- revisions ----------------------------------------------------------------------


def test_only_an_approved_assessment_is_revised():
    with pytest.raises(AssessmentNotApprovedError):
        revised(given(hazard()))


def test_a_revision_is_a_draft_copy_and_the_approved_version_stays_readable_and_in_force():
    assessment = given(hazard(), scored(3, 3, residual_probability=1, residual_consequence=3))
    hazard(THREATS, "Trusler")(assessment)
    scored(1, 1, hazard_id=THREATS)(assessment)
    measured()(assessment)
    approved(assessment)
    assessment.collect_events()

    revised(assessment)
    [(name, data)] = then(assessment)
    assert name == "Revised"
    assert (data["revision"], data["reason"]) == (2, "Årlig gjennomgang")
    assert (assessment.status, assessment.revision) == ("draft", 2)
    assert list(assessment.hazards) == [LIFTING, THREATS]

    scored(5, 5)(assessment)
    assessment.remove_hazard(actor=ACTOR, hazard_id=THREATS)
    first = assessment.version_of(1)
    assert [h.id for h in first.hazards] == [LIFTING, THREATS]
    assert first.hazards[0].score == 9
    assert assessment.in_force is first

    approved(assessment)
    second = assessment.version_of(2)
    assert [v.revision for v in assessment.versions] == [1, 2]
    assert assessment.in_force is second
    assert second.hazards[0].level == "red"
    assert assessment.version_of(1).hazards[0].level == "yellow"
    assert assessment.version_of(3) is None


def test_an_approved_version_is_in_force_until_superseded_or_archived():
    assessment = given(hazard(), scored(1, 1), approved)
    [first] = assessment.versions
    assert assessment.status_of(first) == "in_force"
    revised(assessment)
    assert assessment.status_of(first) == "in_force"  # while the next revision is drafted
    approved(assessment)
    second = assessment.version_of(2)
    assert (assessment.status_of(first), assessment.status_of(second)) == (
        "superseded",
        "in_force",
    )
    assessment.archive(actor=ACTOR, reason="Avdelingen er lagt ned")
    assert (assessment.status_of(first), assessment.status_of(second)) == (
        "superseded",
        "archived",
    )


def test_archiving_needs_a_reason_and_takes_the_assessment_out_of_force():
    assessment = given(hazard(), scored(1, 1), approved)
    with pytest.raises(TextRequired):
        assessment.archive(actor=ACTOR, reason="")
    assessment.archive(actor=ACTOR, reason="Avdelingen er lagt ned")
    [(name, data)] = then(assessment)
    assert (name, data["reason"]) == ("Archived", "Avdelingen er lagt ned")
    assert assessment.status == "archived"
    assert assessment.in_force is None
    assert assessment.version_of(1) is not None


def test_a_draft_may_be_archived_too():
    assessment = given(hazard())
    assessment.archive(actor=ACTOR, reason="Feilregistrert")
    assert assessment.status == "archived"


# --- deviations and review ----------------------------------------------------------


def test_deviations_are_linked_to_a_hazard_once_also_after_approval():
    deviation = uuid4()
    assessment = given(hazard(), scored(1, 1), approved)
    assessment.link_deviation(actor=ACTOR, hazard_id=LIFTING, deviation_id=deviation)
    assessment.link_deviation(actor=ACTOR, hazard_id=LIFTING, deviation_id=deviation)
    [(name, data)] = then(assessment)
    assert (name, data["deviation_id"]) == ("DeviationLinked", deviation)
    assert assessment.hazard(LIFTING).deviation_ids == (deviation,)


def test_recurring_deviations_make_the_review_due_until_the_next_approval():
    assessment = given(hazard(), scored(1, 1), approved)
    today = clock.today()
    assert assessment.review(today).due is False
    for _ in range(2):
        assessment.link_deviation(actor=ACTOR, hazard_id=LIFTING, deviation_id=uuid4())
    assert assessment.recurring_hazard_ids == {LIFTING}
    assert assessment.review(today).due is True
    revised(assessment)
    approved(assessment)
    assert assessment.recurring_hazard_ids == frozenset()
    assert assessment.review(today).due is False


def test_a_review_is_due_a_month_ahead_and_overdue_after_its_date():
    review_on = date(2027, 3, 10)
    assert review_state(review_on, review_on - timedelta(days=31)).due is False
    assert review_state(review_on, review_on - timedelta(days=30)).due is True
    assert review_state(review_on, review_on).overdue is False
    assert review_state(review_on, review_on + timedelta(days=1)).overdue is True
    assert review_state(None, review_on) == review_state(None, review_on, recurring=True)


# --- the record ---------------------------------------------------------------------


def test_every_event_records_its_actor_and_time_and_survives_the_store():
    assessment = create()
    for step in (hazard(), scored(4, 4), measured(), approved, revised):
        step(assessment)
    assessment.link_deviation(actor=ACTOR, hazard_id=LIFTING, deviation_id=uuid4())
    assessment.archive(actor=ACTOR, reason="Slutt")
    mapper = MsgspecMapper()
    for event in assessment.collect_events():
        assert event.actor == ACTOR
        assert event.timestamp == NOW
        copy = mapper.to_domain_event(mapper.to_stored_event(event))
        assert vars(copy) == vars(event)


def test_a_stale_expected_version_is_refused():
    from hms_core.errors import VersionConflict

    assessment = given(hazard())
    assessment.check_version(2)
    with pytest.raises(VersionConflict):
        assessment.check_version(1)
