"""Keeps the read models up with the event log, exactly once, on SQLite and PostgreSQL.

Why not the library's ProjectionRunner: it commits once per event (about 700 events/s
here) and needs `subscribe()`, which the SQLite recorder lacks. This runner reads the
log in batches, decodes each batch once, and gives it to every projection at that
position; each projection writes its rows and moves its tracking position in one
transaction. The tracking row is updated first, conditionally on the position it was
read at, so two processes can never both apply the same batch.

One process at a time is the leader (a PostgreSQL advisory lock, or a lock file beside
the SQLite database); the others only wait for positions. The leader wakes on saves in
its own process, on NOTIFY from PostgreSQL (always with a timeout: a lost notification
must not stall it), and otherwise polls.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import traceback
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

from adapters.db import Cursor, Database, is_unavailable
from adapters.leadership import Leadership
from projections.base import Projection, Tables
from projections.runner import replay

log = logging.getLogger("hms.projections")

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL, "
    "updated_at TEXT NOT NULL)"
)
# A read model that cannot fold an event stops at it; the others go on. Kept in the
# database so every process (web, worker, CLI) can tell which one, where and why.
FAILURES_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_failures ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL, event_type TEXT NOT NULL, "
    "error TEXT NOT NULL, failed_at TEXT NOT NULL)"
)
# A failed read model is tried again after this long, doubling up to the maximum: the
# fault may have been passing (a deadlock), and a fixed one must resume by itself.
RETRY_FAILED_AFTER = 1.0
RETRY_FAILED_MAX = 60.0


class Failure(msgspec.Struct):
    """A read model stopped at the event it could not fold.

    Only the event's type and the error's type: event data, and the messages of database
    errors, may hold personal information.
    """

    name: str
    position: int
    event_type: str
    error: str
    failed_at: str


class Status(msgspec.Struct):
    name: str
    version: int
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    failure: Failure | None = None


class RebuildError(RuntimeError):
    """A rebuild met an event a read model cannot fold; the live tables are unchanged."""

    def __init__(self, name: str, position: int, event_type: str, error: str) -> None:
        super().__init__(name, position, event_type, error)
        self.name, self.position, self.event_type, self.error = name, position, event_type, error

    def __str__(self) -> str:
        return (
            f"{self.name}: cannot fold the event at position {self.position} "
            f"({self.event_type}): {self.error}"
        )


class _Undecodable(Exception):
    """The event at `position` cannot be read from the store at all."""

    def __init__(self, position: int, error: BaseException) -> None:
        super().__init__(position)
        self.position = position
        self.error = error


def _now_text() -> str:
    return datetime.now(UTC).isoformat()


class ProjectionRunner:
    """Feeds projections from the log: `catch_up()` now, or `start()` a thread."""

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
        self._positions: dict[str, int] = {}
        self._progress = threading.Condition()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._leader = Leadership(db, lock_path, getattr(app.recorder, "channel_name", None))
        self._failed: dict[str, Failure] = {}
        self._retry: dict[str, tuple[float, float]] = {}  # name → (when, next delay)

    # --- set-up --------------------------------------------------------------------

    def setup(self) -> None:
        """Create tracking and tables; a projection whose version changed starts afresh."""
        with self.db.schema_change() as cur:
            cur.execute(TRACKING_DDL)
            cur.execute(FAILURES_DDL)
        for projection in self.projections.values():
            with self.db.schema_change() as cur:
                row = cur.execute(
                    "SELECT position, version FROM projection_tracking WHERE name = ?",
                    (projection.name,),
                ).fetchone()
                if row is None or row["version"] != projection.version:
                    self._recreate(cur, projection, projection.live)
                    for table in ("projection_tracking", "projection_failures"):
                        cur.execute(f"DELETE FROM {table} WHERE name = ?", (projection.name,))
                    cur.execute(
                        "INSERT INTO projection_tracking (name, position, version, updated_at)"
                        " VALUES (?, 0, ?, ?)",
                        (projection.name, projection.version, _now_text()),
                    )
        self._load_positions()
        self._failed = {f.name: f for f in self.failures()}

    def _recreate(
        self, cur: Cursor, projection: Projection, t: Tables, *, indexes: bool = True
    ) -> None:
        _drop(cur, projection, t)
        for statement in projection.create_statements(self.db.dialect):
            cur.execute(t.sql(statement))
        if indexes:  # a rebuild's copies get theirs after the bulk load, at the swap
            for statement in projection.index_statements(self.db.dialect):
                cur.execute(t.sql(statement))

    def _load_positions(self) -> None:
        with self.db.reading() as cur:
            rows = cur.execute("SELECT name, position FROM projection_tracking").fetchall()
        known = {row["name"]: row["position"] for row in rows}
        self._positions = {name: known.get(name, 0) for name in self.projections}

    def _check_version(self, projection: Projection) -> None:
        with self.db.reading() as cur:
            version = cur.scalar(
                "SELECT version FROM projection_tracking WHERE name = ?", (projection.name,)
            )
        if version != projection.version:
            # Tables of another version of the code: leave them to that code.
            raise ProjectionVersionError(
                f"{projection.name}: tables are version {version}, code is {projection.version}"
            )

    # --- processing ----------------------------------------------------------------

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def run_once(self) -> int:
        """Apply one batch to every projection that is behind; the number of events applied.

        A projection that cannot fold an event stops just before it and is named (see
        `failures`); the others go on. Only an outage of the database is raised.
        """
        head = self.head()
        behind: dict[int, list[Projection]] = {}
        for name, position in self._positions.items():
            if position < head and self._due(name):
                behind.setdefault(position, []).append(self.projections[name])
        done = 0
        for position, group in sorted(behind.items()):
            try:
                batch = self._read(position, head)
            except _Undecodable as e:
                for projection in group:
                    self._fail(projection, e.position, "?", e.error)
                continue
            for projection in group:
                done = max(done, self._apply(projection, position, batch))
        if done:
            with self._progress:
                self._progress.notify_all()
        return done

    def _read(self, after: int, head: int, limit: int | None = None) -> list[tuple[int, Any]]:
        # No `stop=head` in the query: with both bounds, PostgreSQL's estimate for a
        # table not yet analysed (as after a bulk load) picks a bitmap scan of the whole
        # range and a sort, which makes each batch cost as much as the rest of the log.
        notifications = self.app.recorder.select_notifications(
            start=after + 1, limit=limit or self.batch_size
        )
        to_event = self.app.mapper.to_domain_event
        batch = []
        for n in notifications:
            if n.id > head:
                break
            try:
                batch.append((n.id, to_event(n)))
            except Exception as e:
                if is_unavailable(e) or batch:
                    break  # the events before it first; an outage is raised by the next read
                raise _Undecodable(n.id, e) from e
        return batch

    def _apply(
        self, projection: Projection, position: int, batch: Sequence[tuple[int, Any]]
    ) -> int:
        """Fold the batch in one transaction; the number of events applied."""
        try:
            try:
                self._fold(projection, position, batch)
            except _Overtaken:
                raise
            except Exception as e:
                if is_unavailable(e):
                    raise
                return self._fold_until_failure(projection, position, batch)
        except _Overtaken:
            # Another process (or a rebuild) moved this projection; start from there.
            self._load_positions()
            self._check_version(projection)
            return 0
        self._recovered(projection)
        self._positions[projection.name] = batch[-1][0]
        return len(batch)

    def _fold(
        self, projection: Projection, position: int, batch: Sequence[tuple[int, Any]]
    ) -> None:
        with self.db.transaction() as cur:
            self._move(cur, projection, position, batch[-1][0])
            projection.handle(cur, projection.live, batch)

    def _move(self, cur: Cursor, projection: Projection, position: int, to: int) -> None:
        cur.execute(
            "UPDATE projection_tracking SET position = ?, updated_at = ? "
            "WHERE name = ? AND position = ? AND version = ?",
            (to, _now_text(), projection.name, position, projection.version),
        )
        if cur.rowcount != 1:
            raise _Overtaken

    def _fold_until_failure(
        self, projection: Projection, position: int, batch: Sequence[tuple[int, Any]]
    ) -> int:
        """The batch failed: fold its events one at a time, each behind a savepoint, keep
        those before the first that fails, and name that one. The number applied."""
        applied, poison = 0, None
        with self.db.transaction() as cur:
            for at, event in batch:
                cur.execute("SAVEPOINT hms_fold")
                try:
                    projection.handle(cur, projection.live, [(at, event)])
                except Exception as e:
                    cur.execute("ROLLBACK TO SAVEPOINT hms_fold")
                    if is_unavailable(e):
                        raise
                    poison = (at, event, e)
                    break
                cur.execute("RELEASE SAVEPOINT hms_fold")
                applied += 1
            if applied:
                self._move(cur, projection, position, batch[applied - 1][0])
        if applied:
            self._positions[projection.name] = batch[applied - 1][0]
        if poison is None:  # it failed together but not one by one: a passing fault
            return applied
        at, event, error = poison
        self._fail(projection, at, type(event).__qualname__, error)
        return applied

    def _fail(self, projection: Projection, position: int, event_type: str, error: Exception):
        # The types, the position and the stack, not the message: event data, and the
        # messages of database errors quoting it, may hold personal information.
        log.error(
            "read model %s stopped at position %d (%s): %s\n%s",
            projection.name,
            position,
            event_type,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        failure = Failure(
            name=projection.name,
            position=position,
            event_type=event_type,
            error=type(error).__name__,
            failed_at=_now_text(),
        )
        known = self._failed.get(projection.name)
        if known is None or (known.position, known.error) != (position, failure.error):
            with self.db.transaction() as cur:
                cur.execute("DELETE FROM projection_failures WHERE name = ?", (projection.name,))
                cur.execute(
                    "INSERT INTO projection_failures "
                    "(name, position, event_type, error, failed_at) VALUES (?, ?, ?, ?, ?)",
                    (failure.name, position, event_type, failure.error, failure.failed_at),
                )
            self._failed[projection.name] = failure
        _, delay = self._retry.get(projection.name, (0.0, RETRY_FAILED_AFTER))
        self._retry[projection.name] = (time.monotonic() + delay, min(delay * 2, RETRY_FAILED_MAX))
        with self._progress:  # whoever waits for this read model waits no longer
            self._progress.notify_all()

    def _recovered(self, projection: Projection) -> None:
        if self._failed.pop(projection.name, None) is not None:
            with self.db.transaction() as cur:
                cur.execute("DELETE FROM projection_failures WHERE name = ?", (projection.name,))
            log.info("read model %s folds again", projection.name)
        self._retry.pop(projection.name, None)

    def _due(self, name: str) -> bool:
        """Not failed, or failed and due to be tried again."""
        retry = self._retry.get(name)
        return retry is None or retry[0] <= time.monotonic()

    def failures(self) -> list[Failure]:
        """The read models stopped at an event they cannot fold (seen by any process)."""
        with self.db.reading() as cur:
            rows = cur.execute(
                "SELECT name, position, event_type, error, failed_at FROM projection_failures"
            ).fetchall()
        return [
            Failure(**{k: row[k] for k in Failure.__struct_fields__})
            for row in rows
            if row["name"] in self.projections
        ]

    @property
    def errors(self) -> dict[str, str]:
        """Failed read models in this process: name → «Error at position N»."""
        return {n: f"{f.error} at position {f.position}" for n, f in self._failed.items()}

    def catch_up(self) -> None:
        """Process until every projection has reached the head of the log (or stopped at an
        event it cannot fold); failed ones are tried once more first."""
        self._retry.clear()
        while self.run_once():
            pass

    # --- the background thread -----------------------------------------------------

    stop_timeout = 3.0  # seconds; with the requests and the store it must fit in 10 s

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="hms-projections", daemon=True)
        self._thread.start()
        if hasattr(self.app, "on_saved") and not getattr(self, "_listening", False):
            self.app.on_saved(lambda _position: self._wake.set())
            self._listening = True

    def stop(self) -> None:
        """Stop the thread: at once when idle or waiting out an outage; a batch under way
        gets `stop_timeout` s (the thread is a daemon: the process may exit regardless)."""
        self._stop.set()
        self._wake.set()
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
                # The database is away (or a fault of the runner itself): wait and try
                # again, not so long that its return goes unnoticed. A lead lost with
                # the connection is given up, to be taken again (or by another process).
                if not paused:
                    log.warning("read models paused: %s", type(e).__name__)
                paused = True
                with contextlib.suppress(Exception):
                    self._leader.verify()
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 5.0)
                with contextlib.suppress(Exception):
                    self._load_positions()
                continue
            if paused:
                log.info("read models running again")
            backoff, paused = 0.5, False
            if not applied:
                self._idle()

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
            if self._lowest_tracked() >= position:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def _lowest_live(self) -> int:
        """The lowest position among read models not stopped by a failure."""
        live = [p for n, p in self._positions.items() if n not in self._failed]
        return min(live, default=2**62)

    def _lowest_tracked(self) -> int:
        with self.db.reading() as cur:
            value = cur.scalar(
                "SELECT MIN(t.position) FROM projection_tracking t WHERE NOT EXISTS "
                "(SELECT 1 FROM projection_failures f WHERE f.name = t.name)"
            )
        return 2**62 if value is None else value

    # --- status --------------------------------------------------------------------

    def status(self) -> list[Status]:
        """Position and lag of each read model."""
        head = self.head()
        with self.db.reading() as cur:
            rows = cur.execute("SELECT name, position, version FROM projection_tracking").fetchall()
        tracked = {row["name"]: row for row in rows}
        failed = {f.name: f for f in self.failures()}
        result = []
        for name in self.projections:
            row = tracked.get(name)
            position = row["position"] if row else 0
            result.append(
                Status(
                    name=name,
                    version=row["version"] if row else 0,
                    position=position,
                    head=head,
                    lag_events=max(head - position, 0),
                    lag_seconds=self._lag_seconds(position, head),
                    failure=failed.get(name),
                )
            )
        return result

    def _lag_seconds(self, position: int, head: int) -> float:
        """How long ago the oldest event this read model has not applied was written."""
        if position >= head:
            return 0.0
        pending = self.app.recorder.select_notifications(start=position + 1, limit=1)
        if not pending:
            return 0.0
        try:
            written = self.app.mapper.to_domain_event(pending[0]).timestamp
        except Exception as e:
            if is_unavailable(e):
                raise
            return 0.0  # an event nobody can read: its failure is reported instead
        return max((datetime.now(UTC) - written).total_seconds(), 0.0)

    # --- rebuilding while the live tables serve ------------------------------------

    def rebuild(
        self, names: Sequence[str] | None = None, *, workers: int | None = None
    ) -> dict[str, int]:
        """Replay the whole log into fresh copies of the tables, then swap them in.

        The live tables keep serving (and keep being updated by the leader) until the
        swap, which happens in one transaction holding the projection's tracking row.
        Long logs are replayed by several processes (projections.runner.replay); `workers`
        overrides how many.
        """
        chosen = [self.projections[n] for n in (names or list(self.projections))]
        suffix = f"__rb{int(time.time() * 1000) % 10**9}"
        shadows = {p.name: Tables({k: f"{v}{suffix}" for k, v in p.live.items()}) for p in chosen}
        try:
            for p in chosen:
                with self.db.transaction() as cur:
                    self._recreate(cur, p, shadows[p.name], indexes=False)
            groups = replay.split(chosen, workers or replay.worker_count(self.head()))
            if len(groups) > 1:
                reached = replay.replay_in_parallel(self, groups, shadows)
            else:
                reached = dict.fromkeys((p.name for p in chosen), self.replay(chosen, shadows))
            result = {p.name: self._swap(p, shadows[p.name], reached[p.name]) for p in chosen}
        except BaseException:
            self._drop_shadows(chosen, shadows)
            raise
        self.analyze(chosen)
        self._load_positions()
        with self._progress:
            self._progress.notify_all()
        return result

    def replay(self, chosen: Sequence[Projection], shadows: dict[str, Tables]) -> int:
        """Fold the log, from the start to its head, into the shadow tables; the position
        reached (the swap folds what came after)."""
        position = 0
        while True:
            head = self.head()
            batch = self._read(position, head, self.rebuild_batch_size) if position < head else []
            if not batch:
                return position
            for p in chosen:
                self._replay_batch(p, shadows[p.name], batch, durable=False)
            position = batch[-1][0]

    def _replay_batch(
        self, p: Projection, t: Tables, batch: Sequence[tuple[int, Any]], *, durable: bool
    ) -> None:
        try:
            with self.db.transaction(durable=durable) as cur:
                p.handle(cur, t, batch)
        except Exception as e:
            if is_unavailable(e):
                raise
            with self.db.reading() as cur:
                raise _locate(cur, p, t, batch) from e

    def analyze(self, chosen: Sequence[Projection] | None = None) -> None:
        """Planner statistics for the read models' tables, after a rebuild or a bulk load.

        Without them both databases guess: with 250,000 deviations some lists took
        100-400 ms instead of 1-3 ms until PostgreSQL's autovacuum came by, and SQLite
        never gathers them by itself."""
        for p in chosen or list(self.projections.values()):
            for name in p.tables:
                with self.db.transaction() as cur:
                    cur.execute(f"ANALYZE {p.live[name]}")

    def _drop_shadows(self, chosen: Sequence[Projection], shadows: dict[str, Tables]) -> None:
        """A failed rebuild leaves the live tables as they were, and no copies behind."""
        try:
            with self.db.transaction() as cur:
                for p in chosen:
                    _drop(cur, p, shadows[p.name])
        except Exception:
            log.exception("could not drop the shadow tables of a failed rebuild")

    def _swap(self, projection: Projection, shadow: Tables, position: int) -> int:
        with self.db.transaction() as cur:
            # Holding the tracking row keeps the live runner out until the swap commits.
            cur.execute(
                "UPDATE projection_tracking SET updated_at = ? WHERE name = ?",
                (_now_text(), projection.name),
            )
            # Events written since the replay's last batch go into the shadow first.
            head = self.head()
            while position < head:
                batch = self._read(position, head)
                if not batch:
                    break
                cur.execute("SAVEPOINT hms_swap")
                try:
                    projection.handle(cur, shadow, batch)
                except Exception as e:
                    if is_unavailable(e):
                        raise
                    cur.execute("ROLLBACK TO SAVEPOINT hms_swap")
                    raise _locate(cur, projection, shadow, batch) from e
                cur.execute("RELEASE SAVEPOINT hms_swap")
                position = batch[-1][0]
            _drop(cur, projection, projection.live)
            for name in projection.tables:
                cur.execute(f"ALTER TABLE {shadow[name]} RENAME TO {projection.live[name]}")
            for statement in projection.index_statements(self.db.dialect):
                cur.execute(projection.live.sql(statement))
            cur.execute(
                "UPDATE projection_tracking SET position = ?, version = ?, updated_at = ? "
                "WHERE name = ?",
                (position, projection.version, _now_text(), projection.name),
            )
            cur.execute("DELETE FROM projection_failures WHERE name = ?", (projection.name,))
        self._failed.pop(projection.name, None)
        self._retry.pop(projection.name, None)
        return position


def _drop(cur: Cursor, projection: Projection, t: Tables) -> None:
    """Drop the projection's tables named by `t`, children before parents."""
    for name in reversed(projection.tables):
        cur.execute(f"DROP TABLE IF EXISTS {t[name]}")


def _locate(cur: Cursor, p: Projection, t: Tables, batch: Sequence[tuple[int, Any]]) -> Exception:
    """Which event of a failed batch the read model cannot fold; nothing of it is kept."""
    cur.execute("SAVEPOINT hms_locate")
    try:
        for at, event in batch:
            try:
                p.handle(cur, t, [(at, event)])
            except Exception as e:
                if is_unavailable(e):
                    raise
                return RebuildError(p.name, at, type(event).__qualname__, type(e).__name__)
        return RebuildError(p.name, batch[0][0], "?", "the batch failed, its events one by one not")
    finally:
        cur.execute("ROLLBACK TO SAVEPOINT hms_locate")


class _Overtaken(Exception):
    pass


class ProjectionVersionError(RuntimeError):
    """The read model's tables were built by another version of its code."""
