"""The application's batch mode on SQLite and PostgreSQL: the use cases in a batch write
what they would have written one by one, a transaction at a time from a writer thread,
and a record numbered by another writer meanwhile fails the batch instead of sharing a
number."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

from hms_core import clock
from hms_core.application import BatchWriteError, HMSApplication
from tests.helpers import as_user
from tests.integration.test_actions import classify, report


def a_case_handled(app: HMSApplication) -> list[UUID]:
    """A report acknowledged, classified, given an action and closed over it."""
    leader = as_user(app, "leder")
    deviation_id = report(app, as_user(app, "ansatt"))
    app.acknowledge_deviation(leader, deviation_id)
    classify(app, leader, deviation_id)
    action_id = app.create_action(
        leader,
        title="Sklisikre matter",
        owner_id=leader.user_id,
        due_date=clock.today() + timedelta(days=14),
        deviation_id=deviation_id,
    )
    app.close_deviation(
        leader, deviation_id, conclusion="Matter bestilt.", open_actions_reason="Kommer i mai."
    )
    return [deviation_id, action_id]


def logged(app: HMSApplication, ids: list[UUID]) -> list[list[tuple[str, Any]]]:
    """Each record's events as kind and case number (or none)."""
    return [
        [(type(e).__qualname__, getattr(e, "reference", None)) for e in app.history(i)] for i in ids
    ]


def test_use_cases_in_a_batch_write_what_they_would_one_by_one(app, frozen_now):
    one_by_one = logged(app, a_case_handled(app))
    transactions: list[int] = []
    app.on_saved(transactions.append)
    with app.batch(size=3):  # a transaction every use case or two, written meanwhile
        in_batch = a_case_handled(app)
    assert len(transactions) > 1
    second = [[(k, r and r.replace("000001", "000002")) for k, r in rec] for rec in one_by_one]
    assert logged(app, in_batch) == second


def test_a_number_taken_by_another_writer_meanwhile_fails_the_batch(app, frozen_now):
    moment = clock.now()

    def report_elsewhere() -> None:
        with clock.frozen_at(moment):
            a_case_handled(app)

    def batch_with_another_writer() -> None:
        with app.batch(size=10**9):
            a_case_handled(app)  # takes AVV-2026-000001, not yet written
            writer = threading.Thread(target=report_elsewhere)
            writer.start()
            writer.join()  # wrote AVV-2026-000001 at once

    with pytest.raises(BatchWriteError) as refused:
        batch_with_another_writer()
    assert isinstance(refused.value.__cause__, IntegrityError)
    assert [d.reference for d in deviations_in(app)] == ["AVV-2026-000001"]


def deviations_in(app: HMSApplication) -> list[Any]:
    to_event = app.mapper.to_domain_event
    events = [to_event(n) for n in app.recorder.select_notifications(start=1, limit=10**6)]
    return [e for e in events if type(e).__qualname__ == "Deviation.Reported"]
