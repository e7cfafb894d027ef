"""The application's batch mode (`HMSApplication.batch`): the use cases' saves collected
and written a transaction at a time, loads and case numbers seeing what is not written
yet, and nothing changed outside it. No database: eventsourcing's in-memory store."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from demo.directory import demo_directory
from hms_core import clock
from hms_core.actions.action import DONE
from hms_core.actions.use_cases import ActionPlan
from hms_core.application import HMSApplication
from hms_core.deviations.errors import DeviationNotFoundError
from hms_core.deviations.references import ReferenceIssued, log_id
from hms_core.errors import InvalidValue
from tests.conftest import DEMO_HASH, SYSTEM
from tests.helpers import LURA, as_user
from tests.integration.test_actions import report as reported_by

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
ALL_AT_THE_END = 10**9  # a batch size no test reaches: one transaction when it closes


@pytest.fixture
def app():
    app = HMSApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    with clock.frozen_at(NOW):
        yield app
    app.close()


def report(app: HMSApplication) -> UUID:
    return reported_by(app, as_user(app, "ansatt"))


def transactions(app: HMSApplication) -> list[int]:
    """The log position at the end of every transaction from now on."""
    ends: list[int] = []
    app.on_saved(ends.append)
    return ends


def numbers(app: HMSApplication) -> list[str]:
    """This year's case numbers in the store."""
    log = app.events.get(log_id("AVV", 2026))
    return [f"AVV-2026-{e.originator_version:06d}" for e in log if isinstance(e, ReferenceIssued)]


def kinds(events: list[Any]) -> list[str]:
    return [type(e).__qualname__ for e in events]


def test_outside_a_batch_every_use_case_is_written_at_once(app):
    ends, start = transactions(app), app.max_position()
    report(app)
    assert ends == [start + 2] == [app.last_position()]  # the report and its number
    report(app)
    assert ends == [start + 2, start + 4]


def test_a_batch_writes_whole_use_cases_a_transaction_at_a_time(app):
    ends, start = transactions(app), app.max_position()
    with app.batch(size=5):
        for _ in range(4):
            assert report(app) is not None  # two events each
    # 2 + 2 + 2 reach the size: one transaction; the last report when the batch closes.
    assert ends == [start + 6, start + 8]
    assert numbers(app) == [f"AVV-2026-{n:06d}" for n in (1, 2, 3, 4)]


def test_in_a_batch_a_use_case_finds_what_the_batch_saved_before_the_store_has_it(app):
    start = app.max_position()
    with app.batch(size=ALL_AT_THE_END):
        deviation_id = report(app)
        reported = app.deviation(deviation_id)
        app.acknowledge_deviation(as_user(app, "leder"), deviation_id)
        assert app.max_position() == start  # nothing written yet
        assert app.deviation(deviation_id) is reported  # one object, changed by both
        assert reported.status == "under_treatment"
        # The audit trail asks the store, so the batch writes what it has first.
        assert kinds(app.history(deviation_id)) == ["Deviation.Reported", "Deviation.Acknowledged"]
    assert app.max_position() == start + 3


def test_case_numbers_count_on_from_those_the_batch_issued(app):
    first = report(app)
    with app.batch(size=ALL_AT_THE_END):
        in_batch = [report(app) for _ in range(3)]
    after = report(app)
    assert [app.deviation(i).reference for i in (first, *in_batch, after)] == [
        f"AVV-2026-{n:06d}" for n in range(1, 6)
    ]


def test_what_is_not_yet_written_when_the_block_raises_is_dropped(app):
    start, reported = app.max_position(), []

    def seeding_that_fails() -> None:
        with app.batch(size=ALL_AT_THE_END):
            reported.append(report(app))
            raise RuntimeError("the seeding failed")

    with pytest.raises(RuntimeError):
        seeding_that_fails()
    assert app.max_position() == start
    with pytest.raises(DeviationNotFoundError):
        app.deviation(reported[0])


def test_what_a_use_case_changed_before_it_failed_is_put_back(app):
    """verify_action changes the action, then refuses the follow-up's unknown owner."""
    leader, ansatt = as_user(app, "leder"), as_user(app, "ansatt")
    action_id = app.create_action(
        leader,
        title="Sklisikre matter",
        owner_id=ansatt.user_id,
        due_date=clock.today(),
        unit_id=LURA,
    )
    app.complete_action(ansatt, action_id, what_was_done="Matter lagt ut.")
    unknown_owner = ActionPlan(title="Nytt tiltak", owner_id=SYSTEM.user_id, due_date=clock.today())
    with app.batch(size=ALL_AT_THE_END) as batch:
        action = app.action(action_id)
        with pytest.raises(InvalidValue):
            app.verify_action(
                leader, action_id, effective=False, note="Glatt.", follow_up=unknown_owner
            )
        assert action.pending_events  # verified in memory, never saved
        batch.discard_unsaved()
        assert app.action(action_id) is action
        assert (action.status, action.effective, action.pending_events) == (DONE, None, [])
        app.verify_action(leader, action_id, effective=True, note="Ikke glatt lenger.")
    verified = [e for e in app.history(action_id) if "Verified" in type(e).__qualname__]
    assert [e.effective for e in verified] == [True]


def test_a_batch_cannot_be_opened_inside_another(app):
    with app.batch(), pytest.raises(RuntimeError), app.batch():
        pass
