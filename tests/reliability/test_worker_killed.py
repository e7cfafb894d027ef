"""A worker killed with SIGKILL in the middle of catching up loses and doubles nothing.

Each read model moves its tracking position in the same transaction as its rows, so a
kill at any moment leaves every model at a batch boundary. The scenario: a few thousand
events nobody has projected yet, a worker killed three times while it catches up (each
time as soon as some read model has moved but not all are at the head: the others are
in the middle of their batch), then a worker that finishes. Every read model must then
equal a full rebuild.
"""

from __future__ import annotations

import signal
import time
from datetime import date

from api.bootstrap import build
from demo.history import HistoryPlan, seed_history
from tests.helpers import dump
from tests.processes import hms_process, stop

PLAN = HistoryPlan(deviations=1200, seed=7, until=date(2026, 11, 1))
KILLS = 3


def positions(db) -> dict[str, int]:
    with db.reading() as cur:
        rows = cur.execute("SELECT name, position FROM projection_tracking").fetchall()
    return {r["name"]: r["position"] for r in rows}


def forget_read_models(db) -> None:
    """Every read model back to position 0: the next process recreates their tables."""
    with db.transaction() as cur:
        cur.execute("DELETE FROM projection_tracking")


def wait_for_progress(db, since: dict[str, int], head: int, worker, deadline: float) -> None:
    while True:  # polling for a condition, with a deadline
        now = positions(db)
        if any(now.get(n, 0) > p for n, p in since.items()) or (not since and any(now.values())):
            return
        assert worker.poll() is None, worker.communicate()[0].decode()[-2000:]
        assert time.monotonic() < deadline, f"no progress: {now} (head {head})"
        time.sleep(0.005)


def test_a_worker_killed_mid_batch_resumes_to_exactly_what_a_rebuild_gives(settings):
    services = build(settings)
    seed_history(services.app, PLAN)
    head = services.app.max_position()
    forget_read_models(services.db)
    services.close()
    env = {"HMS_DATABASE_URL": settings.database_url}
    services = build(settings)  # recreates the read models' tables, all at position 0
    try:
        kills = 0
        seen: dict[str, int] = {}
        while kills < KILLS:
            worker = hms_process(["worker"], env)
            wait_for_progress(services.db, seen, head, worker, time.monotonic() + 60)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            seen = positions(services.db)
            kills += 1
            assert min(seen.values()) < head, "caught up before the kill: make the log longer"
        worker = hms_process(["worker"], env)
        try:
            deadline = time.monotonic() + 120
            while min(positions(services.db).values()) < head:  # polling, with a deadline
                assert worker.poll() is None, worker.communicate()[0].decode()[-2000:]
                assert time.monotonic() < deadline, positions(services.db)
                time.sleep(0.05)
        finally:
            output = stop(worker, signal.SIGTERM)
        assert "Traceback" not in output, output[-3000:]
        resumed = dump(services.db)
        services.runner.rebuild()
        assert dump(services.db) == resumed
        assert services.runner.failures() == []
    finally:
        services.close()
