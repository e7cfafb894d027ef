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

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import msgspec

from projections import replay
from projections.base import Projection, Tables
from projections.db import Cursor, Database
from projections.leadership import Leadership

log = logging.getLogger("hms.projections")

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL, "
    "updated_at TEXT NOT NULL)"
)


class Status(msgspec.Struct):
    name: str
    version: int
    position: int
    head: int
    lag_events: int
    lag_seconds: float


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
        self.errors: dict[str, str] = {}

    # --- set-up --------------------------------------------------------------------

    def setup(self) -> None:
        """Create tracking and tables; a projection whose version changed starts afresh."""
        with self.db.schema_change() as cur:
            cur.execute(TRACKING_DDL)
        for projection in self.projections.values():
            with self.db.schema_change() as cur:
                row = cur.execute(
                    "SELECT position, version FROM projection_tracking WHERE name = ?",
                    (projection.name,),
                ).fetchone()
                if row is None or row["version"] != projection.version:
                    self._recreate(cur, projection, projection.live)
                    cur.execute(
                        "DELETE FROM projection_tracking WHERE name = ?", (projection.name,)
                    )
                    cur.execute(
                        "INSERT INTO projection_tracking (name, position, version, updated_at)"
                        " VALUES (?, 0, ?, ?)",
                        (projection.name, projection.version, _now_text()),
                    )
        self._load_positions()

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
        """Apply one batch to every projection that is behind; the number of events read."""
        head = self.head()
        behind: dict[int, list[Projection]] = {}
        for name, position in self._positions.items():
            if position < head:
                behind.setdefault(position, []).append(self.projections[name])
        done, failure = 0, None
        for position, group in sorted(behind.items()):
            batch = self._read(position, head)
            if not batch:
                continue
            done += len(batch)
            for projection in group:
                try:
                    self._apply(projection, position, batch)
                except Exception as e:
                    failure = failure or e
        if done:
            with self._progress:
                self._progress.notify_all()
        if failure is not None:
            raise failure
        return done

    def _read(self, after: int, head: int, limit: int | None = None) -> list[tuple[int, Any]]:
        # No `stop=head` in the query: with both bounds, PostgreSQL's estimate for a
        # table not yet analysed (as after a bulk load) picks a bitmap scan of the whole
        # range and a sort, which makes each batch cost as much as the rest of the log.
        notifications = self.app.recorder.select_notifications(
            start=after + 1, limit=limit or self.batch_size
        )
        to_event = self.app.mapper.to_domain_event
        return [(n.id, to_event(n)) for n in notifications if n.id <= head]

    def _apply(
        self, projection: Projection, position: int, batch: Sequence[tuple[int, Any]]
    ) -> None:
        new_position = batch[-1][0]
        try:
            with self.db.transaction() as cur:
                cur.execute(
                    "UPDATE projection_tracking SET position = ?, updated_at = ? "
                    "WHERE name = ? AND position = ? AND version = ?",
                    (new_position, _now_text(), projection.name, position, projection.version),
                )
                if cur.rowcount != 1:
                    raise _Overtaken
                projection.handle(cur, projection.live, batch)
        except _Overtaken:
            # Another process (or a rebuild) moved this projection; start from there.
            self._load_positions()
            self._check_version(projection)
            return
        except Exception as e:
            # Only the type and position: event data may hold personal information.
            self.errors[projection.name] = f"{type(e).__name__} at position {position + 1}"
            log.exception("projection %s failed after position %d", projection.name, position)
            raise
        self.errors.pop(projection.name, None)
        self._positions[projection.name] = new_position

    def catch_up(self) -> None:
        """Process until every projection has reached the head of the log."""
        while self.run_once():
            pass

    # --- the background thread -----------------------------------------------------

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
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        self._leader.release()

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            if not self._leader.acquire():
                self._stop.wait(1.0)
                continue
            try:
                if self.run_once():
                    backoff = 0.5
                    continue
            except Exception:
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 30.0)
                self._load_positions()
                continue
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
                while min(self._positions.values(), default=position) < position:
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

    def _lowest_tracked(self) -> int:
        with self.db.reading() as cur:
            value = cur.scalar("SELECT MIN(position) FROM projection_tracking")
        return value or 0

    # --- status --------------------------------------------------------------------

    def status(self) -> list[Status]:
        """Position and lag of each read model."""
        head = self.head()
        with self.db.reading() as cur:
            rows = cur.execute("SELECT name, position, version FROM projection_tracking").fetchall()
        tracked = {row["name"]: row for row in rows}
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
        written = self.app.mapper.to_domain_event(pending[0]).timestamp
        return max((datetime.now(UTC) - written).total_seconds(), 0.0)

    # --- rebuilding while the live tables serve ------------------------------------

    def rebuild(
        self, names: Sequence[str] | None = None, *, workers: int | None = None
    ) -> dict[str, int]:
        """Replay the whole log into fresh copies of the tables, then swap them in.

        The live tables keep serving (and keep being updated by the leader) until the
        swap, which happens in one transaction holding the projection's tracking row.
        Long logs are replayed by several processes (projections.replay); `workers`
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
                with self.db.transaction(durable=False) as cur:
                    p.handle(cur, shadows[p.name], batch)
            position = batch[-1][0]

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
                projection.handle(cur, shadow, batch)
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
        return position


def _drop(cur: Cursor, projection: Projection, t: Tables) -> None:
    """Drop the projection's tables named by `t`, children before parents."""
    for name in reversed(projection.tables):
        cur.execute(f"DROP TABLE IF EXISTS {t[name]}")


class _Overtaken(Exception):
    pass


class ProjectionVersionError(RuntimeError):
    """The read model's tables were built by another version of its code."""
