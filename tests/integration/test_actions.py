"""Corrective actions through the application, on SQLite and on PostgreSQL: links saved
in the same transaction, closing a case over unfinished actions, follow-ups, who may do
what, and the follow-up list (overdue decided at read time)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from uuid import UUID, uuid4

import pytest

from hms_core import clock
from hms_core.actions.commands import ActionPlan
from hms_core.actions.errors import (
    FollowUpExistsError,
    NoFollowUpRequiredError,
    NotOpenError,
    SelfVerificationError,
)
from hms_core.deviations.errors import DeviationClosedError, OpenActionsError
from hms_core.directory.user import user_id_for
from hms_core.errors import Forbidden, InvalidValue, NotFound, VersionConflict
from projections.actions.queries import (
    ActionCounts,
    ActionFilter,
    action_counts_by_unit,
    actions_on_time,
    count_actions_due,
    list_actions,
    overdue_actions,
)
from tests.helpers import HELSE, IT, LURA, ROVIK, as_user, frozen_clock, report_deviation

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)


_frozen = frozen_clock(NOW)


@pytest.fixture
def who(app) -> SimpleNamespace:
    names = ("ansatt", "leder", "verneombud", "hms")
    return SimpleNamespace(**{n: as_user(app, n) for n in names})


def report(app, by) -> UUID:
    return report_deviation(app, by).id


def classify(app, by, deviation_id: UUID) -> None:
    app.classify_deviation(
        by,
        deviation_id,
        category="nestenulykke",
        severity=2,
        recurrence_probability=3,
        causes=("technical",),
    )


def create(app, by, owner, **overrides) -> UUID:
    values = {
        "title": "Sklisikre matter",
        "owner_id": owner.user_id,
        "due_date": TODAY + timedelta(days=14),
        "unit_id": LURA,
    }
    return app.create_action(by, **(values | overrides))


def complete(app, by, action_id: UUID) -> None:
    app.complete_action(by, action_id, what_was_done="Matter lagt ut.")


# --- links and transactions -------------------------------------------------------


def test_an_action_for_a_deviation_is_saved_with_the_link(app, who):
    deviation_id = report(app, who.ansatt)
    action_id = create(app, who.leder, who.ansatt, unit_id=None, deviation_id=deviation_id)

    action, deviation = app.action(action_id), app.deviation(deviation_id)
    assert deviation.action_ids == (action_id,)
    assert (action.deviation_id, action.unit_id, action.source) == (deviation_id, LURA, "deviation")
    assert action.reference == "TIL-2026-000001"
    [linked] = [e for e in app.history(deviation_id) if type(e).__name__ == "ActionLinked"]
    assert (linked.action_id, linked.actor) == (action_id, who.leder.actor)
    [summary] = app.action_summaries(who.leder, deviation)
    assert summary["id"] == str(action_id)
    assert summary["owner_name"] == "Ada Ansatt"
    assert (summary["status"], summary["overdue"]) == ("open", False)


def test_a_refused_link_saves_no_action(app, who, services):
    deviation_id = report(app, who.ansatt)
    classify(app, who.leder, deviation_id)
    app.close_deviation(who.leder, deviation_id, conclusion="Ryddet.", no_action_reason="Ingen")
    with pytest.raises(DeviationClosedError):
        create(app, who.leder, who.ansatt, deviation_id=deviation_id)
    services.runner.catch_up()
    assert list_actions(services.db, who.hms, ActionFilter()).items == []
    # Not even a case number was used up.
    assert app.action(create(app, who.leder, who.ansatt)).reference == "TIL-2026-000001"


def test_the_reporter_sees_what_is_done_but_not_who_owns_it(app, who):
    deviation_id = report(app, who.ansatt)
    create(app, who.leder, who.hms, deviation_id=deviation_id)
    deviation = app.read_deviation(who.ansatt, deviation_id)
    [summary] = app.action_summaries(who.ansatt, deviation)
    assert summary["title"] == "Sklisikre matter"
    assert (summary["owner_id"], summary["owner_name"]) == (None, None)
    [for_leader] = app.action_summaries(who.leder, deviation)
    assert for_leader["owner_name"] == "Hanne HMS-rådgiver"


# --- closing the case -------------------------------------------------------------


def test_a_case_is_closed_over_unfinished_actions_only_with_a_reason(app, who):
    deviation_id = report(app, who.ansatt)
    classify(app, who.leder, deviation_id)
    action_id = create(app, who.leder, who.ansatt, deviation_id=deviation_id)

    def close(**reason) -> None:
        app.close_deviation(who.leder, deviation_id, conclusion="Tiltak satt i gang.", **reason)

    with pytest.raises(OpenActionsError):
        close()
    complete(app, who.ansatt, action_id)
    # Done is not finished: nobody has checked yet that it worked.
    assert app.open_action_ids((action_id,)) == (action_id,)
    with pytest.raises(OpenActionsError):
        close()
    close(open_actions_reason="Effekten vurderes om en måned.")
    assert app.deviation(deviation_id).is_closed
    assert app.action(action_id).status == "done"  # closing cancels nothing
    [closed] = [e for e in app.history(deviation_id) if type(e).__name__ == "Closed"]
    assert closed.open_action_ids == (action_id,)


def test_verified_and_cancelled_actions_no_longer_hold_the_case_open(app, who):
    deviation_id = report(app, who.ansatt)
    classify(app, who.leder, deviation_id)
    done = create(app, who.leder, who.ansatt, deviation_id=deviation_id)
    dropped = create(app, who.leder, who.ansatt, deviation_id=deviation_id)
    complete(app, who.ansatt, done)
    app.verify_action(who.leder, done, effective=True, note="Ingen fall siden.")
    app.cancel_action(who.leder, dropped, reason="Dekket av det første.")
    assert app.open_action_ids((done, dropped)) == ()
    app.close_deviation(who.leder, deviation_id, conclusion="Løst.")
    assert app.deviation(deviation_id).is_closed


# --- following up -----------------------------------------------------------------


def test_a_follow_up_is_created_in_the_same_call_as_the_verdict(app, who):
    deviation_id = report(app, who.ansatt)
    first = create(app, who.leder, who.ansatt, deviation_id=deviation_id)
    complete(app, who.ansatt, first)
    follow_up = app.verify_action(
        who.leder,
        first,
        effective=False,
        note="Fortsatt glatt.",
        follow_up=ActionPlan(
            title="Nytt gulvbelegg",
            owner_id=who.ansatt.user_id,
            due_date=TODAY + timedelta(days=60),
        ),
    )
    action = app.action(follow_up)
    assert (action.follows_up, action.source, action.unit_id) == (first, "follow_up", LURA)
    assert action.deviation_id == deviation_id
    assert app.action(first).follow_up_id == follow_up
    deviation = app.deviation(deviation_id)
    assert deviation.action_ids == (first, follow_up)
    assert app.open_action_ids(deviation.action_ids) == (follow_up,)


def test_a_refused_follow_up_leaves_the_verdict_unsaved(app, who):
    first = create(app, who.leder, who.ansatt)
    complete(app, who.ansatt, first)
    plan = ActionPlan(title="Nytt", owner_id=uuid4(), due_date=TODAY)
    with pytest.raises(InvalidValue) as refused:
        app.verify_action(who.leder, first, effective=False, note="Nei", follow_up=plan)
    assert refused.value.field == "owner_id"
    assert app.action(first).status == "done"
    with pytest.raises(InvalidValue) as refused:
        app.verify_action(who.leder, first, effective=True, note="Ja", follow_up=plan)
    assert refused.value.field == "follow_up"


def test_a_follow_up_after_the_case_was_closed_still_shows_on_the_case(app, who):
    deviation_id = report(app, who.ansatt)
    classify(app, who.leder, deviation_id)
    first = create(app, who.leder, who.ansatt, deviation_id=deviation_id)
    complete(app, who.ansatt, first)
    app.close_deviation(who.leder, deviation_id, conclusion="Ok.", open_actions_reason="Venter")
    app.verify_action(who.leder, first, effective=False, note="Virket ikke.")
    # Not effective, and no follow-up yet: the problem is not solved.
    assert app.open_action_ids((first,)) == (first,)

    follow_up = create(app, who.leder, who.ansatt, unit_id=None, follows_up=first)
    deviation = app.deviation(deviation_id)
    assert deviation.action_ids == (first,)  # a closed case takes no new links
    summaries = app.action_summaries(who.leder, deviation)
    assert [s["id"] for s in summaries] == [str(first), str(follow_up)]
    assert summaries[1]["follows_up"] == str(first)
    assert app.open_action_ids(deviation.action_ids) == (follow_up,)
    with pytest.raises(FollowUpExistsError):
        create(app, who.leder, who.ansatt, follows_up=first)


def test_only_a_not_effective_action_is_followed_up(app, who):
    first = create(app, who.leder, who.ansatt)
    with pytest.raises(NoFollowUpRequiredError):
        create(app, who.leder, who.ansatt, follows_up=first)
    with pytest.raises(InvalidValue) as refused:
        create(app, who.leder, who.ansatt, follows_up=first, deviation_id=uuid4())
    assert refused.value.field == "follows_up"


# --- values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"owner_id": uuid4()}, "owner_id"),
        ({"unit_id": uuid4()}, "unit_id"),
        ({"unit_id": None}, "unit_id"),
        ({"due_date": TODAY - timedelta(days=1)}, "due_date"),
        ({"title": "x" * 151}, "title"),
        ({"assessment_id": uuid4()}, "hazard_id"),
    ],
)
def test_bad_values_are_refused_naming_the_field(app, who, overrides, field):
    with pytest.raises(InvalidValue) as refused:
        create(app, who.leder, who.ansatt, **overrides)
    assert refused.value.field == field


def test_a_deactivated_person_cannot_be_given_an_action(app, who):
    user = app.user(user_id_for("ansatt"))
    user.deactivate(actor="system:test")
    app.save(user)
    with pytest.raises(InvalidValue) as refused:
        create(app, who.leder, who.ansatt)
    assert refused.value.field == "owner_id"
    action_id = create(app, who.leder, who.hms)
    with pytest.raises(InvalidValue):
        app.reassign_action(who.leder, action_id, owner_id=who.ansatt.user_id, reason="Ferie")


def test_a_stale_version_is_refused(app, who):
    action_id = create(app, who.leder, who.ansatt)
    version = app.action(action_id).version
    app.comment_action(who.verneombud, action_id, text="Når kommer mattene?")
    with pytest.raises(VersionConflict):
        app.reschedule_action(
            who.leder,
            action_id,
            due_date=TODAY + timedelta(days=30),
            reason="Levering",
            expected_version=version,
        )


# --- who may do what --------------------------------------------------------------


def test_who_may_do_what(app, who):
    action_id = create(app, who.leder, who.hms)
    # An employee who does not own it is told it does not exist.
    for command in (
        lambda: app.read_action(who.ansatt, action_id),
        lambda: complete(app, who.ansatt, action_id),
        lambda: app.comment_action(who.ansatt, action_id, text="Hei"),
    ):
        with pytest.raises(NotFound):
            command()
    # The verneombud follows and comments, but neither completes nor verifies.
    app.comment_action(who.verneombud, action_id, text="Følger med.")
    with pytest.raises(Forbidden):
        complete(app, who.verneombud, action_id)
    with pytest.raises(Forbidden):
        app.cancel_action(who.verneombud, action_id, reason="Nei")
    # The owner (HMS here) completes; then may not verify their own work.
    complete(app, who.hms, action_id)
    with pytest.raises(SelfVerificationError):
        app.verify_action(who.hms, action_id, effective=True, note="Bra")
    with pytest.raises(Forbidden):
        app.verify_action(who.verneombud, action_id, effective=True, note="Bra")
    app.verify_action(who.leder, action_id, effective=True, note="Bra")
    with pytest.raises(NotOpenError):
        app.cancel_action(who.leder, action_id, reason="For sent")


def test_the_owner_completes_but_does_not_manage(app, who):
    action_id = create(app, who.leder, who.ansatt)
    with pytest.raises(Forbidden):
        app.reschedule_action(who.ansatt, action_id, due_date=TODAY, reason="Travelt")
    complete(app, who.ansatt, action_id)
    with pytest.raises(Forbidden):
        app.verify_action(who.ansatt, action_id, effective=True, note="Bra")


def test_the_leader_may_verify_what_they_completed_themselves(app, who):
    action_id = create(app, who.leder, who.ansatt)
    complete(app, who.leder, action_id)
    app.verify_action(who.leder, action_id, effective=True, note="Sjekket.")
    assert app.action(action_id).status == "verified"


def test_actions_are_created_only_where_one_manages_them(app, who):
    for by in (who.ansatt, who.verneombud):
        with pytest.raises(Forbidden):
            create(app, by, who.ansatt)
    with pytest.raises(Forbidden):
        create(app, who.leder, who.ansatt, unit_id=IT)
    assert create(app, who.hms, who.ansatt, unit_id=IT)
    deviation_id = report(app, who.ansatt)
    with pytest.raises(Forbidden):
        create(app, who.verneombud, who.ansatt, deviation_id=deviation_id)


# --- the follow-up list -------------------------------------------------------------


def titles(page) -> list[str]:
    return [row["title"] for row in page.items]


def test_the_list_filters_and_scopes_with_overdue_decided_at_read_time(app, who, services):
    db = services.db
    deviation_id = report(app, who.ansatt)
    soon = create(app, who.leder, who.ansatt, title="Snart", due_date=TODAY + timedelta(days=3))
    create(app, who.leder, who.ansatt, title="Senere", due_date=TODAY + timedelta(days=30))
    create(
        app,
        who.leder,
        who.hms,
        title="For saken",
        due_date=TODAY + timedelta(days=10),
        deviation_id=deviation_id,
    )
    create(app, who.hms, who.hms, title="På Rovik", unit_id=ROVIK)
    create(app, who.hms, who.leder, title="På IT", unit_id=IT, due_date=TODAY + timedelta(days=2))
    services.runner.catch_up()

    def listed(by, **f) -> list[str]:
        return titles(list_actions(db, by, ActionFilter(**f)))

    # Scopes: own; the units led; the verneområde; everything.
    assert listed(who.ansatt) == ["Snart", "Senere"]
    assert listed(who.leder) == ["På IT", "Snart", "For saken", "Senere"]
    assert listed(who.verneombud) == ["Snart", "For saken", "På Rovik", "Senere"]
    assert len(listed(who.hms)) == 5
    # Filters.
    assert listed(who.hms, owner_id=who.hms.user_id) == ["For saken", "På Rovik"]
    assert listed(who.hms, unit_ids=frozenset({ROVIK})) == ["På Rovik"]
    assert listed(who.verneombud, unit_ids=frozenset({IT})) == []
    assert listed(who.hms, deviation_id=deviation_id) == ["For saken"]
    assert listed(who.hms, due_before=TODAY + timedelta(days=10)) == ["På IT", "Snart"]
    assert listed(who.hms, status="due_soon") == ["På IT", "Snart"]
    assert listed(who.hms, status="overdue") == []

    # Nobody ran a job: four days later the same rows read as overdue.
    later = TODAY + timedelta(days=4)
    assert titles(list_actions(db, who.hms, ActionFilter(status="overdue"), later)) == [
        "På IT",
        "Snart",
    ]
    with clock.frozen_at(NOW + timedelta(days=4)):
        assert listed(who.ansatt, status="overdue") == ["Snart"]
        assert count_actions_due(db, who.ansatt.user_id) == ActionCounts(
            open=2, due_soon=0, overdue=1
        )
        assert [r["title"] for r in overdue_actions(db, days=1)] == ["På IT"]
    complete(app, who.ansatt, soon)
    services.runner.catch_up()
    assert listed(who.ansatt, status="done") == ["Snart"]
    assert titles(list_actions(db, who.ansatt, ActionFilter(status="overdue"), later)) == []


def test_pages_follow_the_cursor(app, who, services):
    for n in range(5):
        create(app, who.leder, who.ansatt, title=f"Tiltak {n}", due_date=TODAY + timedelta(days=n))
    services.runner.catch_up()
    seen, cursor = [], None
    while True:
        page = list_actions(services.db, who.leder, ActionFilter(limit=2, cursor=cursor))
        seen += titles(page)
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [f"Tiltak {n}" for n in range(5)]


def test_counts_per_unit_for_the_front_page(app, who, services):
    first = create(app, who.leder, who.ansatt, due_date=TODAY + timedelta(days=2))
    create(app, who.leder, who.ansatt, due_date=TODAY + timedelta(days=20))
    create(app, who.hms, who.hms, unit_id=ROVIK)
    complete(app, who.ansatt, first)
    services.runner.catch_up()
    [lura] = action_counts_by_unit(services.db, who.leder)
    assert lura["unit_id"] == str(LURA)
    assert (lura["open"], lura["overdue"], lura["due_soon"]) == (1, 0, 0)
    assert lura["awaiting_verification"] == 1
    area = action_counts_by_unit(services.db, who.verneombud)
    assert {r["unit_id"] for r in area} == {str(LURA), str(ROVIK)}


def test_done_on_time_per_unit_and_month(app, who, services):
    on_time = create(app, who.leder, who.ansatt, due_date=date(2026, 3, 20))
    late = create(app, who.leder, who.ansatt, due_date=date(2026, 3, 12))
    create(app, who.leder, who.ansatt, due_date=date(2026, 3, 25))  # never done
    dropped = create(app, who.leder, who.ansatt, due_date=date(2026, 3, 26))
    app.cancel_action(who.leder, dropped, reason="Ikke nødvendig")
    complete(app, who.ansatt, on_time)
    # 23:30 UTC on the 12th is the 13th in Norway: one day late.
    with clock.frozen_at(datetime(2026, 3, 12, 23, 30, tzinfo=UTC)):
        complete(app, who.ansatt, late)
    services.runner.catch_up()
    rows = actions_on_time(
        services.db, frozenset({HELSE, LURA}), date(2026, 3, 1), date(2026, 3, 31)
    )
    assert rows == [
        {
            "unit_id": str(LURA),
            "month": "2026-03",
            "due": 3,
            "done_on_time": 1,
            "done_late": 1,
            "not_done": 1,
        }
    ]


def test_the_read_model_rebuilds_to_the_same_rows(app, who, services):
    first = create(app, who.leder, who.ansatt)
    complete(app, who.ansatt, first)
    app.reschedule_action(
        who.leder, create(app, who.leder, who.hms), due_date=TODAY + timedelta(days=40), reason="x"
    )
    services.runner.catch_up()
    before = list_actions(services.db, who.hms, ActionFilter()).items
    services.runner.rebuild(["actions"])
    assert list_actions(services.db, who.hms, ActionFilter()).items == before
    assert [r["reschedule_count"] for r in before] == [0, 1]


# --- measures against hazards -------------------------------------------------------


def draft_with_hazard(app, by) -> tuple[UUID, UUID]:
    assessment_id = app.create_assessment(
        by, unit_id=LURA, title="Tunge løft", scope="Forflytning av beboere"
    )
    hazard_id = app.add_hazard(by, assessment_id, description="Ryggskade ved løft")
    return assessment_id, hazard_id


def test_an_action_for_a_hazard_is_saved_as_its_planned_measure(app, who, services):
    assessment_id, hazard_id = draft_with_hazard(app, who.leder)
    action_id = create(
        app,
        who.leder,
        who.ansatt,
        unit_id=None,
        assessment_id=assessment_id,
        hazard_id=hazard_id,
    )
    action = app.action(action_id)
    assert (action.source, action.unit_id) == ("risk_assessment", LURA)
    assert (action.assessment_id, action.hazard_id) == (assessment_id, hazard_id)
    assert app.risk_assessment(assessment_id).measure_ids == (action_id,)

    with pytest.raises(NotFound):
        create(app, who.leder, who.ansatt, assessment_id=assessment_id, hazard_id=uuid4())
    with pytest.raises(Forbidden):
        create(app, who.verneombud, who.ansatt, assessment_id=assessment_id, hazard_id=hazard_id)
    with pytest.raises(NotFound):
        create(app, who.ansatt, who.ansatt, assessment_id=assessment_id, hazard_id=hazard_id)
    with pytest.raises(NotFound):
        create(app, who.leder, who.ansatt, assessment_id=uuid4(), hazard_id=hazard_id)
    assert app.risk_assessment(assessment_id).measure_ids == (action_id,)
    services.runner.catch_up()
    assert len(list_actions(services.db, who.hms, ActionFilter()).items) == 1
