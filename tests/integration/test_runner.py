"""The projection runner: exactly once, atomic batches, rebuilds that change nothing."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import pytest

from adapters.db import Cursor
from api.bootstrap import build
from projections.base import Projection, Tables
from projections.runner.errors import RebuildError
from projections.runner.runner import ProjectionRunner
from tests.helpers import dump, live_tables, report_deviation


class EventLog(Projection):
    """A test read model: one row per event it sees (no key, so doubles would show)."""

    name = "test_event_log"
    version = 1
    tables = ("test_event_log",)
    explode_at: int | None = None

    def create_statements(self, dialect: str) -> list[str]:
        return ["CREATE TABLE {test_event_log} (position BIGINT NOT NULL, kind TEXT NOT NULL)"]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        for position, event in events:
            cur.execute(
                t.sql("INSERT INTO {test_event_log} (position, kind) VALUES (?, ?)"),
                (position, type(event).__name__),
            )
            if position == self.explode_at:
                raise RuntimeError("boom")


def rows(db, table: str) -> list[tuple]:
    with db.reading() as cur:
        return [
            tuple(r) if db.dialect == "sqlite" else tuple(r.values())
            for r in cur.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        ]


def tracked(db, name: str) -> int:
    with db.reading() as cur:
        return cur.scalar("SELECT position FROM projection_tracking WHERE name = ?", (name,))


def report_some(app, n: int) -> None:
    who = app.authenticate("ansatt", "demo")
    for i in range(n):
        report_deviation(
            app, who, title=f"Avvik {i}", description="Noe skjedde", severity=1 + i % 5
        )


def test_an_event_a_read_model_cannot_fold_stops_it_just_before_that_event(services):
    app, db = services.app, services.db
    projection = EventLog()
    runner = ProjectionRunner(app, db, [projection], batch_size=1000)
    runner.setup()
    runner.catch_up()
    before_rows, before_position = rows(db, "rm_test_event_log"), tracked(db, projection.name)
    report_some(app, 5)
    poison = before_position + 4  # inside the next batch
    projection.explode_at = poison
    runner.run_once()  # contained: nothing raised
    # The events before it once each, nothing of the failing one (its row was rolled back).
    logged = [r[0] for r in rows(db, "rm_test_event_log")]
    assert logged == [r[0] for r in before_rows] + list(range(before_position + 1, poison))
    assert tracked(db, projection.name) == poison - 1
    assert runner.errors[projection.name] == f"RuntimeError at position {poison}"
    (failure,) = runner.failures()  # seen by every process, from the database
    assert (failure.name, failure.position, failure.error) == (
        projection.name,
        poison,
        "RuntimeError",
    )
    projection.explode_at = None  # the code is fixed
    runner.catch_up()
    logged = [r[0] for r in rows(db, "rm_test_event_log")]
    assert logged == list(range(1, app.max_position() + 1))  # every event once, in order
    assert projection.name not in runner.errors
    assert runner.failures() == []


def test_two_runners_on_one_database_apply_each_event_once(services, settings):
    app, db = services.app, services.db
    other = build(settings)
    try:
        runners = [
            ProjectionRunner(app, db, [EventLog()], batch_size=3),
            ProjectionRunner(other.app, other.db, [EventLog()], batch_size=3),
        ]
        runners[0].setup()
        runners[1].setup()
        report_some(app, 20)

        def drain(runner: ProjectionRunner) -> None:
            runner.catch_up()

        threads = [threading.Thread(target=drain, args=(r,)) for r in runners * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        logged = [r[0] for r in rows(db, "rm_test_event_log")]
        assert logged == list(range(1, app.max_position() + 1))
    finally:
        other.close()


def test_a_changed_projection_version_rebuilds_its_tables_on_start(services):
    app, db = services.app, services.db
    runner = ProjectionRunner(app, db, [EventLog()])
    runner.setup()
    report_some(app, 3)
    runner.catch_up()
    first = rows(db, "rm_test_event_log")

    class EventLogV2(EventLog):
        version = 2

    upgraded = ProjectionRunner(app, db, [EventLogV2()])
    upgraded.setup()
    assert tracked(db, "test_event_log") == 0
    assert rows(db, "rm_test_event_log") == []
    upgraded.catch_up()
    assert rows(db, "rm_test_event_log") == first


@pytest.mark.parametrize("workers", [1, 3], ids=["in-process", "three-processes"])
def test_rebuilt_read_models_equal_the_incrementally_built_ones(services, workers):
    app = services.app
    who = app.authenticate("leder", "demo")
    report_some(app, 12)
    services.runner.catch_up()
    from hms_core.access import deviation_scope
    from projections.deviations.queries import DeviationFilter, list_deviations

    for row in list_deviations(services.db, deviation_scope(who), DeviationFilter()).items[:6]:
        app.acknowledge_deviation(who, UUID(row["id"]))
    services.runner.batch_size = 7  # incremental, in odd batch sizes
    services.runner.catch_up()
    incremental = dump(services.db)
    assert incremental["rm_deviations"]
    positions = services.runner.rebuild(workers=workers)
    assert set(positions.values()) == {app.max_position()}
    assert dump(services.db) == incremental


def test_a_failed_rebuild_leaves_the_live_tables_and_no_copies(services, monkeypatch):
    report_some(services.app, 4)
    services.runner.catch_up()
    before = dump(services.db)
    statistics = services.runner.projections["statistics"]

    def fail(cur, t, events):
        raise RuntimeError("boom")

    monkeypatch.setattr(statistics, "handle", fail)
    # It names the read model and the first event it cannot fold.
    with pytest.raises(RebuildError, match=r"^statistics: cannot fold the event at position 1 "):
        services.runner.rebuild()
    assert dump(services.db) == before
    assert not [t for t in live_tables(services.db) if "__rb" in t]
    assert tracked(services.db, "statistics") == services.app.max_position()


def test_rebuild_while_new_events_arrive_keeps_them(services):
    app = services.app
    report_some(app, 5)
    services.runner.catch_up()
    original = services.runner.log.read

    def read_and_write_more(after, head, limit=None):
        batch = original(after, head, limit)
        if batch and not getattr(read_and_write_more, "done", False):
            read_and_write_more.done = True
            report_some(app, 2)  # arrives during the replay
        return batch

    services.runner.log.read = read_and_write_more
    services.runner.rebuild(["deviations"])
    services.runner.log.read = original
    with services.db.reading() as cur:
        count = cur.scalar("SELECT COUNT(*) FROM rm_deviations")
    assert count == 7
    assert tracked(services.db, "deviations") == app.max_position()
