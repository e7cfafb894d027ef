"""Read models stopped at an event they cannot fold: named, kept, and tried again.

A read model that cannot fold an event stops just before it; the others go on. The
failure is kept in the database, so every process (web, worker, CLI) can tell which one,
where and why. A failed read model is tried again after a while, doubling up to a
maximum: the fault may have been passing (a deadlock), and a fixed one must resume by
itself.
"""

from __future__ import annotations

import logging
import time
import traceback

import msgspec

from adapters.db import Cursor, Database
from projections.runner.tracking import now_text

logger = logging.getLogger("hms.projections")

FAILURES_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_failures ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL, event_type TEXT NOT NULL, "
    "error TEXT NOT NULL, failed_at TEXT NOT NULL)"
)
RETRY_FAILED_AFTER = 1.0  # seconds
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


def stored(db: Database, names: list[str]) -> list[Failure]:
    """The failures of these read models, as any process recorded them."""
    with db.reading() as cur:
        rows = cur.execute(
            "SELECT name, position, event_type, error, failed_at FROM projection_failures"
        ).fetchall()
    return [
        Failure(**{k: row[k] for k in Failure.__struct_fields__})
        for row in rows
        if row["name"] in names
    ]


def forget(cur: Cursor, name: str) -> None:
    cur.execute("DELETE FROM projection_failures WHERE name = ?", (name,))


class Failures:
    """The failed read models as this process knows them, and when each is tried again."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.failed: dict[str, Failure] = {}
        self._retry: dict[str, tuple[float, float]] = {}  # name → (when, next delay)

    def load(self, names: list[str]) -> None:
        self.failed = {f.name: f for f in stored(self.db, names)}

    def __contains__(self, name: str) -> bool:
        return name in self.failed

    def record(self, name: str, position: int, event_type: str, error: BaseException) -> None:
        """`name` stopped at `position`: logged, kept (once per position and error) and
        scheduled to be tried again."""
        # The types, the position and the stack, not the message: event data, and the
        # messages of database errors quoting it, may hold personal information.
        logger.error(
            "read model %s stopped at position %d (%s): %s\n%s",
            name,
            position,
            event_type,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        failure = Failure(name, position, event_type, type(error).__name__, now_text())
        known = self.failed.get(name)
        if known is None or (known.position, known.error) != (position, failure.error):
            with self.db.transaction() as cur:
                forget(cur, name)
                cur.execute(
                    "INSERT INTO projection_failures "
                    "(name, position, event_type, error, failed_at) VALUES (?, ?, ?, ?, ?)",
                    (name, position, event_type, failure.error, failure.failed_at),
                )
            self.failed[name] = failure
        _, delay = self._retry.get(name, (0.0, RETRY_FAILED_AFTER))
        self._retry[name] = (time.monotonic() + delay, min(delay * 2, RETRY_FAILED_MAX))

    def recovered(self, name: str) -> None:
        """`name` folded a batch: it is failed no longer."""
        if self.failed.pop(name, None) is not None:
            with self.db.transaction() as cur:
                forget(cur, name)
            logger.info("read model %s folds again", name)
        self._retry.pop(name, None)

    def replaced(self, name: str) -> None:
        """A rebuild replaced the tables of `name` (and removed its stored failure)."""
        self.failed.pop(name, None)
        self._retry.pop(name, None)

    def due(self, name: str) -> bool:
        """Not failed, or failed and due to be tried again."""
        retry = self._retry.get(name)
        return retry is None or retry[0] <= time.monotonic()

    def retry_now(self) -> None:
        self._retry.clear()

    @property
    def errors(self) -> dict[str, str]:
        """name → «Error at position N»."""
        return {n: f"{f.error} at position {f.position}" for n, f in self.failed.items()}
