"""Risk assessments through the use cases and the risk register read model, on SQLite and
PostgreSQL: who may do what, measures as corrective actions, revisions, the register."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hms_core import clock
from hms_core.access import figures_scope
from hms_core.directory.user import user_id_for
from hms_core.errors import Forbidden, InvalidValue, NotFound
from hms_core.risk.errors import AssessmentVersionNotFoundError, MeasureRequiredError
from hms_core.risk.hazard import Participant
from hms_core.risk.matrix import parse_matrix
from projections.risk_register.queries import (
    AssessmentFilter,
    RegisterFilter,
    heat_map,
    list_assessments,
    list_register,
)
from tests.helpers import LURA, ROVIK, add_user, as_user

ANSATT, VERNEOMBUD = user_id_for("ansatt"), user_id_for("verneombud")


@pytest.fixture
def people(app):
    add_user(app, "rovikleder", unit_id=ROVIK, roles=("leader",), leads=(ROVIK,))
    return {
        name: as_user(app, name)
        for name in ("ansatt", "leder", "verneombud", "hms", "admin", "rovikleder")
    }


def new_assessment(app, by, **overrides):
    values = {
        "unit_id": LURA,
        "title": "Tunge løft",
        "scope": "Forflytning av beboere",
        "participants": [Participant(ANSATT, "employee"), Participant(VERNEOMBUD, "verneombud")],
    }
    values.update(overrides)
    return app.create_assessment(by, **values)


def plan_measure(app, by, assessment_id, hazard_id):
    """The corrective-action use case links the action to the hazard as it creates it."""
    return app.create_action(
        by,
        title="Takheis på alle rom",
        owner_id=by.user_id,
        due_date=clock.today() + timedelta(days=30),
        assessment_id=assessment_id,
        hazard_id=hazard_id,
    )


def approved_assessment(app, by, *, probability=4, consequence=4, **overrides):
    assessment_id = new_assessment(app, by, **overrides)
    hazard_id = app.add_hazard(
        by,
        assessment_id,
        description="Ryggskade ved løft",
        probability=probability,
        consequence=consequence,
    )
    plan_measure(app, by, assessment_id, hazard_id)
    app.approve_assessment(by, assessment_id)
    return assessment_id, hazard_id


def register(services, who, **filters):
    services.runner.catch_up()
    return list_register(services.db, figures_scope(who), RegisterFilter(**filters))


# --- who may --------------------------------------------------------------------------


def test_the_leader_and_hms_create_assessments_others_may_not(app, people):
    assert new_assessment(app, people["leder"])
    assert new_assessment(app, people["hms"])
    for name in ("ansatt", "verneombud", "rovikleder", "admin"):
        with pytest.raises(Forbidden):
            new_assessment(app, people[name])


def test_participants_must_be_users_and_a_verneombud_must_be_one(app, people):
    with pytest.raises(InvalidValue) as refused:
        new_assessment(app, people["leder"], participants=[Participant(LURA, "employee")])
    assert refused.value.field == "participants"
    with pytest.raises(InvalidValue) as refused:
        new_assessment(app, people["leder"], participants=[Participant(ANSATT, "verneombud")])
    assert refused.value.field == "participants.role"
    with pytest.raises(InvalidValue) as refused:
        new_assessment(app, people["leder"], unit_id=user_id_for("nobody"))
    assert refused.value.field == "unit_id"


def test_reading_editing_and_approving_follow_the_access_rules(app, people):
    leder = people["leder"]
    assessment_id = new_assessment(
        app, leder, participants=[Participant(ANSATT, "employee")], title="Uten verneombud"
    )
    app.add_hazard(leder, assessment_id, description="Fall", probability=1, consequence=1)
    # The employee takes part: reads, may not edit or approve (403).
    assert app.read_assessment(people["ansatt"], assessment_id).title == "Uten verneombud"
    with pytest.raises(Forbidden):
        app.add_hazard(people["ansatt"], assessment_id, description="x")
    with pytest.raises(Forbidden):
        app.approve_assessment(people["ansatt"], assessment_id)
    # The verneombud covers the area: reads; edits only when taking part.
    app.read_assessment(people["verneombud"], assessment_id)
    with pytest.raises(Forbidden):
        app.add_hazard(people["verneombud"], assessment_id, description="x")
    # Another unit's leader does not even learn that it exists.
    for attempt in (
        lambda: app.read_assessment(people["rovikleder"], assessment_id),
        lambda: app.approve_assessment(people["rovikleder"], assessment_id),
    ):
        with pytest.raises(NotFound):
            attempt()

    app.update_assessment(
        leder,
        assessment_id,
        title="Tunge løft",
        scope="Forflytning",
        review_interval_months=12,
        participants=[Participant(VERNEOMBUD, "verneombud")],
    )
    app.add_hazard(people["verneombud"], assessment_id, description="Klemskade")
    with pytest.raises(Forbidden):
        app.approve_assessment(people["verneombud"], assessment_id)
    with pytest.raises(NotFound):
        app.read_assessment(people["ansatt"], assessment_id)


# --- measures and approval ----------------------------------------------------------


def test_a_red_hazard_needs_a_measure_and_a_cancelled_action_is_none(app, people):
    leder = people["leder"]
    assessment_id = new_assessment(app, leder)
    hazard_id = app.add_hazard(
        leder, assessment_id, description="Ryggskade", probability=4, consequence=4
    )
    with pytest.raises(MeasureRequiredError):
        app.approve_assessment(leder, assessment_id)
    action_id = plan_measure(app, leder, assessment_id, hazard_id)
    assessment = app.risk_assessment(assessment_id)
    assert assessment.hazard(hazard_id).measure_ids == (action_id,)
    assert app.approval_problems(assessment) == []

    app.cancel_action(leder, action_id, reason="Feil tiltak")
    [problem] = app.approval_problems(app.risk_assessment(assessment_id))
    assert isinstance(problem, MeasureRequiredError)
    with pytest.raises(MeasureRequiredError):
        app.approve_assessment(leder, assessment_id)

    plan_measure(app, leder, assessment_id, hazard_id)
    app.approve_assessment(leder, assessment_id)
    assert app.risk_assessment(assessment_id).status == "approved"


def test_levels_follow_the_configured_matrix(app, people):
    strict = parse_matrix(
        '{"name": "Streng", "levels": ['
        '{"code": "ok", "label": "OK", "min_score": 1, "max_score": 1},'
        '{"code": "bad", "label": "Dårlig", "min_score": 2, "max_score": 25,'
        ' "requires": "measure"}]}'
    )
    app.use_risk_matrix(strict)
    leder = people["leder"]
    assessment_id = new_assessment(app, leder)
    app.add_hazard(leder, assessment_id, description="Kutt", probability=1, consequence=2)
    with pytest.raises(MeasureRequiredError):
        app.approve_assessment(leder, assessment_id)


# --- the register -------------------------------------------------------------------


def test_approved_hazards_enter_the_register_for_those_who_follow_the_unit(services, app, people):
    leder = people["leder"]
    draft_id = new_assessment(app, leder, title="Bare et utkast")
    app.add_hazard(leder, draft_id, description="Utkastfare", probability=5, consequence=5)
    assessment_id, hazard_id = approved_assessment(app, leder)

    [row] = register(services, leder)
    assert row["hazard_id"] == str(hazard_id)
    assert row["assessment_id"] == str(assessment_id)
    assert (row["title"], row["unit_id"]) == ("Tunge løft", str(LURA))
    assert (row["score"], row["level"]) == (16, "red")
    assert (row["measure_count"], row["open_measure_count"]) == (1, 1)
    assert row["review_overdue"] is False
    assert [r["hazard_id"] for r in register(services, people["hms"])] == [str(hazard_id)]
    assert [r["hazard_id"] for r in register(services, people["verneombud"])] == [str(hazard_id)]
    assert register(services, people["rovikleder"]) == []
    assert register(services, people["hms"], unit_ids=frozenset({ROVIK})) == []
    assert register(services, people["hms"], level="green") == []
    assert len(register(services, people["hms"], level="red")) == 1


def test_open_measures_follow_the_actions(services, app, people):
    leder = people["leder"]
    assessment_id = new_assessment(app, leder)
    hazard_id = app.add_hazard(
        leder, assessment_id, description="Ryggskade", probability=4, consequence=4
    )
    first = plan_measure(app, leder, assessment_id, hazard_id)
    plan_measure(app, leder, assessment_id, hazard_id)
    app.approve_assessment(leder, assessment_id)
    app.complete_action(leder, first, what_was_done="Heis montert")
    [row] = register(services, leder)
    assert (row["measure_count"], row["open_measure_count"]) == (2, 1)


def test_the_heat_map_counts_hazards_before_and_after_measures(services, app, people):
    leder = people["leder"]
    assessment_id = new_assessment(app, leder)
    lifting = app.add_hazard(
        leder,
        assessment_id,
        description="Ryggskade",
        probability=4,
        consequence=4,
        residual_probability=2,
        residual_consequence=4,
    )
    plan_measure(app, leder, assessment_id, lifting)
    app.add_hazard(leder, assessment_id, description="Kutt", probability=1, consequence=2)
    app.approve_assessment(leder, assessment_id)
    services.runner.catch_up()
    counts = heat_map(services.db, figures_scope(leder), RegisterFilter())
    assert counts["inherent"] == {(4, 4): 1, (1, 2): 1}
    assert counts["residual"] == {(2, 4): 1, (1, 2): 1}
    assert heat_map(services.db, figures_scope(people["rovikleder"]), RegisterFilter()) == {
        "inherent": {},
        "residual": {},
    }


def test_a_revision_replaces_the_register_only_when_approved(services, app, people):
    leder = people["leder"]
    assessment_id, lifting = approved_assessment(app, leder)
    app.revise_assessment(leder, assessment_id, reason="Årlig gjennomgang")
    app.score_hazard(leder, assessment_id, lifting, probability=2, consequence=4)
    other = app.add_hazard(
        leder, assessment_id, description="Trusler", probability=1, consequence=1
    )
    # The draft of revision 2 changes nothing in force.
    [row] = register(services, leder)
    assert (row["score"], row["revision"]) == (16, 1)

    app.approve_assessment(leder, assessment_id)
    rows = register(services, leder)
    assert [(r["hazard_id"], r["score"], r["revision"]) for r in rows] == [
        (str(lifting), 8, 2),
        (str(other), 1, 2),
    ]
    assert rows[0]["measure_count"] == 1
    first, version = app.read_assessment_version(leder, assessment_id, 1)
    assert version.hazards[0].score == 16
    assert [v.revision for v in first.versions] == [1, 2]
    with pytest.raises(AssessmentVersionNotFoundError):
        app.read_assessment_version(leder, assessment_id, 3)

    app.archive_assessment(leder, assessment_id, reason="Avdelingen er lagt ned")
    assert register(services, leder) == []


def test_deviations_linked_to_a_hazard_are_counted_and_recurrence_asks_for_review(
    services, app, people
):
    leder = people["leder"]
    assessment_id, hazard_id = approved_assessment(app, leder)
    deviations = [
        app.report_deviation(people["ansatt"], **_report(title=f"Vondt i ryggen {n}")).id
        for n in range(2)
    ]
    app.link_deviation_to_hazard(leder, deviations[0], assessment_id, hazard_id)
    app.link_deviation_to_hazard(leder, deviations[0], assessment_id, hazard_id)
    [row] = register(services, leder)
    assert (row["deviation_count"], row["recurring"], row["review_due"]) == (1, False, False)

    app.link_deviation_to_hazard(leder, deviations[1], assessment_id, hazard_id)
    [row] = register(services, leder)
    assert (row["deviation_count"], row["recurring"], row["review_due"]) == (2, True, True)
    assert app.deviation(deviations[1]).hazard_links == ((assessment_id, hazard_id),)
    assert app.risk_assessment(assessment_id).review(clock.today()).due

    # Only the deviation's handler links it.
    with pytest.raises(Forbidden):
        app.link_deviation_to_hazard(people["ansatt"], deviations[1], assessment_id, hazard_id)


def test_review_overdue_is_decided_when_read(services, app, people):
    leder = people["leder"]
    approved_assessment(app, leder, review_interval_months=1)
    assert register(services, leder, review_overdue=True) == []
    assert len(register(services, leder, review_overdue=False)) == 1
    with clock.frozen_at(clock.now() + timedelta(days=40)):
        [row] = register(services, leder, review_overdue=True)
        assert (row["review_due"], row["review_overdue"]) == (True, True)
        [listed] = list_assessments(
            services.db, figures_scope(leder), leder.user_id, AssessmentFilter(review_overdue=True)
        )
        assert listed["review_overdue"] is True


def test_the_list_of_assessments_shows_those_one_follows_or_takes_part_in(services, app, people):
    leder = people["leder"]
    with_employee = new_assessment(app, leder, title="Med ansatt")
    new_assessment(app, leder, title="Uten ansatt", participants=[])
    services.runner.catch_up()

    def titles(name, **filters):
        who = people[name]
        rows = list_assessments(
            services.db, figures_scope(who), who.user_id, AssessmentFilter(**filters)
        )
        return sorted(r["title"] for r in rows)

    assert titles("leder") == ["Med ansatt", "Uten ansatt"]
    assert titles("ansatt") == ["Med ansatt"]
    assert titles("rovikleder") == []
    assert titles("hms", status="approved") == []
    app.add_hazard(leder, with_employee, description="Fall", probability=1, consequence=1)
    app.approve_assessment(leder, with_employee)
    services.runner.catch_up()
    assert titles("hms", status="approved") == ["Med ansatt"]


def test_the_register_is_rebuilt_from_the_log_alike(services, app, people):
    leder = people["leder"]
    assessment_id, _ = approved_assessment(app, leder)
    app.revise_assessment(leder, assessment_id)
    app.approve_assessment(leder, assessment_id)
    before = register(services, people["hms"])
    services.runner.rebuild(["risk_register"])
    assert register(services, people["hms"]) == before


def _report(title: str) -> dict:
    return {
        "title": title,
        "description": "Vondt i ryggen etter forflytning av beboer.",
        "occurred_at": clock.now() - timedelta(hours=2),
        "unit_id": LURA,
        "category": "personskade",
        "severity": 2,
    }
