"""Keeps the read models up with the event log, exactly once, on SQLite and PostgreSQL.

Why not the library's ProjectionRunner: it commits once per event (about 700 events/s
here) and needs `subscribe()`, which the SQLite recorder lacks. This runner reads the
log in batches (log_reader), decodes each batch once, and gives it to every projection
at that position; each projection writes its rows and moves its tracking position in
one transaction (tracking). A projection that cannot fold an event stops just before it
and is named (failures); the others go on.

One process at a time is the leader (adapters.leadership); the others only wait for
positions. The leader's thread wakes on saves in its own process, on NOTIFY from
PostgreSQL (always with a timeout: a lost notification must not stall it), and
otherwise polls.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable, Sequence
from typing import Any

from adapters.db import Database
from adapters.leadership import Leadership
from adapters.outages import is_unavailable
from projections.base import Projection, Tables
from projections.runner import replay, tables, tracking
from projections.runner.failures import FAILURES_DDL, Failure, Failures, forget, stored
from projections.runner.folding import Batch, fold_one_by_one, type_name
from projections.runner.log_reader import LogReader, Undecodable
from projections.runner.rebuild import Rebuild
from projections.runner.status import Status, statuses

logger = logging.getLogger("hms.projections")


class ProjectionRunner:
    """Feeds projections from the log: `catch_up()` now, or `start()` a thread."""

    stop_timeout = 3.0  # seconds; with the requests and the store it must fit in 10 s

    def __init__(
        self,
        app: Any,
        db: Database,
        projections: Iterable[Projection],
        *,
        batch_size: int = 2000,
        rebuild_batch_size: int = 10_000,
        poll_interval: float = 0.1,
        lock_path: str | None = None,
    ) -> None:
        self.app = app
        self.db = db
        self.projections = {p.name: p for p in projections}
        self.batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        self.poll_interval = poll_interval
        self.lock_path = lock_path
        self.log = LogReader(app)
        self._failed = Failures(db)
        self._positions: dict[str, int] = {}
        self._progress = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listening = False
        self._leader = Leadership(db, lock_path, getattr(app.recorder, "channel_name", None))

    def setup(self) -> None:
        """Create tracking and tables; a projection whose version changed starts afresh."""
        with self.db.schema_change() as cur:
            cur.execute(tracking.TRACKING_DDL)
            cur.execute(FAILURES_DDL)
        for projection in self.projections.values():
            with self.db.schema_change() as cur:
                if tracking.version(cur, projection.name) != projection.version:
                    tables.recreate(cur, self.db.dialect, projection, projection.live)
                    forget(cur, projection.name)
                    tracking.start_afresh(cur, projection)
        self._load_positions()
        self._failed.load(list(self.projections))

    def _load_positions(self) -> None:
        self._positions = tracking.positions(self.db, list(self.projections))

    def head(self) -> int:
        return self.log.head()

    # --- processing ----------------------------------------------------------------

    def run_once(self) -> int:
        """Apply one batch to every projection that is behind; the number of events applied.

        A projection that cannot fold an event stops just before it and is named (see
        `failures`); the others go on. Only an outage of the database is raised.
        """
        head = self.head()
        behind: dict[int, list[Projection]] = {}
        for name, position in self._positions.items():
            if position < head and self._failed.due(name):
                behind.setdefault(position, []).append(self.projections[name])
        done = 0
        for position, group in sorted(behind.items()):
            try:
                batch = self.log.read(position, head, self.batch_size)
            except Undecodable as e:
                for projection in group:
                    self._fail(projection.name, e.position, "?", e.error)
                continue
            for projection in group:
                done = max(done, self._apply(projection, position, batch))
        if done:
            self._notify()
        return done

    def _apply(self, projection: Projection, position: int, batch: Batch) -> int:
        """Fold the batch in one transaction; the number of events applied."""
        try:
            try:
                self._fold(projection, position, batch)
            except tracking.Overtaken:
                raise
            except Exception as e:
                if is_unavailable(e):
                    raise
                return self._fold_until_failure(projection, position, batch)
        except tracking.Overtaken:
            # Another process (or a rebuild) moved this projection; start from there.
            self._load_positions()
            tracking.check_version(self.db, projection)
            return 0
        self._failed.recovered(projection.name)
        self._positions[projection.name] = batch[-1][0]
        return len(batch)

    def _fold(self, projection: Projection, position: int, batch: Batch) -> None:
        with self.db.transaction() as cur:
            tracking.advance(cur, projection, position, batch[-1][0])
            projection.handle(cur, projection.live, batch)

    def _fold_until_failure(self, projection: Projection, position: int, batch: Batch) -> int:
        """The batch failed: keep the events before the first that fails, and name that
        one. The number applied."""
        with self.db.transaction() as cur:
            applied, poison = fold_one_by_one(cur, projection, projection.live, batch)
            if applied:
                tracking.advance(cur, projection, position, batch[applied - 1][0])
        if applied:
            self._positions[projection.name] = batch[applied - 1][0]
        if poison is not None:  # else it failed together but not one by one: passing
            self._fail(projection.name, poison.position, type_name(poison.event), poison.error)
        return applied

    def _fail(self, name: str, position: int, event_type: str, error: BaseException) -> None:
        self._failed.record(name, position, event_type, error)
        self._notify()  # whoever waits for this read model waits no longer

    def _notify(self) -> None:
        with self._progress:
            self._progress.notify_all()

    def failures(self) -> list[Failure]:
        """The read models stopped at an event they cannot fold (seen by any process)."""
        return stored(self.db, list(self.projections))

    @property
    def errors(self) -> dict[str, str]:
        """Failed read models in this process: name → «Error at position N»."""
        return self._failed.errors

    def catch_up(self) -> None:
        """Process until every projection has reached the head of the log (or stopped at an
        event it cannot fold); failed ones are tried once more first."""
        self._failed.retry_now()
        while self.run_once():
            pass

    # --- the background thread -----------------------------------------------------

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hms-projections", daemon=True)
        self._thread.start()
        if hasattr(self.app, "on_saved") and not self._listening:
            self.app.on_saved(lambda _position: self._wake.set())
            self._listening = True

    def stop(self) -> None:
        """Stop the thread: at once when idle or waiting out an outage; a batch under way
        gets `stop_timeout` s (the thread is a daemon: the process may exit regardless)."""
        self._stop.set()
        self._wake.set()
        self._leader.interrupt()  # the thread may be waiting for a NOTIFY
        if self._thread:
            self._thread.join(timeout=self.stop_timeout)
        self._leader.release()

    def _run(self) -> None:
        backoff, paused = 0.5, False
        while not self._stop.is_set():
            try:
                if not self._leader.acquire():
                    self._stop.wait(1.0)
                    continue
                applied = self.run_once()
            except Exception as e:
                if not paused:
                    logger.warning("read models paused: %s", type(e).__name__)
                paused = True
                self._wait_out(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            if paused:
                logger.info("read models running again")
            backoff, paused = 0.5, False
            if not applied:
                self._idle()

    def _wait_out(self, backoff: float) -> None:
        """The database is away (or a fault of the runner itself): wait and try again,
        not so long that its return goes unnoticed. A lead lost with the connection is
        given up, to be taken again (or by another process)."""
        with contextlib.suppress(Exception):
            self._leader.verify()
        self._stop.wait(backoff)
        with contextlib.suppress(Exception):
            self._load_positions()

    def _idle(self) -> None:
        self._wake.clear()
        if not self._leader.wait_for_notify(self.poll_interval * 10):
            self._wake.wait(self.poll_interval)

    # --- read-your-writes ----------------------------------------------------------

    def wait_for(self, position: int | None, timeout: float = 2.0) -> bool:
        """Block until every read model has applied `position` (at most `timeout` s)."""
        if not position:
            return True
        deadline = time.monotonic() + timeout
        if self._leader.held:
            self._wake.set()
            with self._progress:
                while self._lowest_live() < position:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._progress.wait(remaining)
            return True
        while True:
            if tracking.lowest_unfailed(self.db) >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def _lowest_live(self) -> int:
        """The lowest position among read models not stopped by a failure."""
        live = [p for n, p in self._positions.items() if n not in self._failed]
        return min(live, default=tracking.BEYOND)

    # --- status and rebuilds ------------------------------------------------------

    def status(self) -> list[Status]:
        """Position and lag of each read model."""
        return statuses(self.db, self.log, list(self.projections))

    def rebuild(
        self, names: Sequence[str] | None = None, *, workers: int | None = None
    ) -> dict[str, int]:
        """Replay the whole log into fresh copies of the tables, then swap them in
        (projections.runner.rebuild); each read model's position reached. `workers`
        overrides how many processes replay the log."""
        chosen = [self.projections[n] for n in (names or list(self.projections))]
        result = Rebuild(
            self.db,
            self.log,
            self._failed,
            batch_size=self.batch_size,
            replay_batch_size=self.rebuild_batch_size,
        ).run(chosen, workers)
        self.analyze(chosen)
        self._load_positions()
        self._notify()
        return result

    def replay(self, chosen: Sequence[Projection], shadows: dict[str, Tables]) -> int:
        """Fold the log, from the start to its head, into the shadow tables; the position
        reached (projections.runner.replay)."""
        return replay.replay(self.db, self.log, chosen, shadows, self.rebuild_batch_size)

    def analyze(self, chosen: Sequence[Projection] | None = None) -> None:
        """Planner statistics for the read models' tables, after a rebuild or a bulk load."""
        tables.analyze(self.db, chosen or list(self.projections.values()))
