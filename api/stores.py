"""A Litestar Store in the product's database, for sessions and rate limits.

Litestar ships memory, file, Redis and Valkey stores; none is shared by several
processes without another server to run. This one keeps its entries in a table beside
the event log, so every web process sees the same sessions and the same counters.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import timedelta

import anyio
from litestar.stores.base import NamespacedStore

from adapters.db import Database

DDL = {
    "sqlite": (
        "CREATE TABLE IF NOT EXISTS web_store (namespace TEXT NOT NULL, key TEXT NOT NULL, "
        "value BLOB NOT NULL, expires_at REAL, PRIMARY KEY (namespace, key))"
    ),
    "postgres": (
        "CREATE TABLE IF NOT EXISTS web_store (namespace TEXT NOT NULL, key TEXT NOT NULL, "
        "value BYTEA NOT NULL, expires_at DOUBLE PRECISION, PRIMARY KEY (namespace, key))"
    ),
}
PURGE_EVERY = 500
Change = Callable[[dict[str, bytes | None]], dict[str, bytes | None]]


def create_store_table(db: Database) -> None:
    with db.schema_change() as cur:
        cur.execute(DDL[db.dialect])


def _seconds(expires_in: int | timedelta | None) -> float | None:
    if expires_in is None:
        return None
    return expires_in.total_seconds() if isinstance(expires_in, timedelta) else float(expires_in)


class DatabaseStore(NamespacedStore):
    """Key-value entries with expiry, in the `web_store` table."""

    def __init__(self, db: Database, namespace: str = "hms") -> None:
        super().__init__()
        self.db = db
        self.namespace = namespace
        self._writes = 0
        # What this process last read or wrote per key: (value, expires_at).
        self._known: dict[str, tuple[bytes, float | None]] = {}

    def with_namespace(self, namespace: str) -> DatabaseStore:
        return DatabaseStore(self.db, f"{self.namespace}_{namespace}")

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        data = value.encode() if isinstance(value, str) else value
        seconds = _seconds(expires_in)
        expires_at = None if seconds is None else time.time() + seconds
        await anyio.to_thread.run_sync(self._set, key, data, expires_at)

    def _set(self, key: str, data: bytes, expires_at: float | None) -> None:
        if self._unchanged(key, data, expires_at):
            return
        self._remember(key, data, expires_at)
        with self.db.transaction() as cur:
            cur.execute(
                "INSERT INTO web_store (namespace, key, value, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, "
                "expires_at = excluded.expires_at",
                (self.namespace, key, data, expires_at),
            )
            self._writes += 1
            if self._writes % PURGE_EVERY == 0:
                cur.execute("DELETE FROM web_store WHERE expires_at < ?", (time.time(),))

    def _unchanged(self, key: str, data: bytes, expires_at: float | None) -> bool:
        """The same value, still valid for more than half its new lifetime: no write.

        Litestar stores the session again after every response. Writing only when it
        changes, or when half its lifetime has passed, saves a write per request and
        keeps the row's time from telling when its owner last clicked: the time of an
        anonymous report must not be readable off the reporter's session.
        """
        known = self._known.get(key)
        if known is None or known[0] != data or expires_at is None or known[1] is None:
            return False
        now = time.time()
        return known[1] - now > (expires_at - now) / 2

    def _remember(self, key: str, data: bytes, expires_at: float | None) -> None:
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[key] = (data, expires_at)

    def update(self, keys: Sequence[str], change: Change, expires_in: float) -> None:
        """Read entries, change them and write them back in one transaction (blocking).

        For counters that several web processes share: two processes counting at once
        take turns instead of both writing `n + 1`. `change` gets each key's live value
        (None: no entry) and returns the values to write (None deletes); keys it leaves
        out stay as they were. On SQLite BEGIN IMMEDIATE already makes writers take
        turns; on PostgreSQL the rows are created if missing and locked FOR UPDATE.
        """
        keys = sorted(set(keys))
        now = time.time()
        with self.db.transaction() as cur:
            created = self._lock_rows(cur, keys, now) if self.db.dialect == "postgres" else set()
            marks = ", ".join("?" * len(keys))
            rows = cur.execute(
                f"SELECT key, value, expires_at FROM web_store WHERE namespace = ? "
                f"AND key IN ({marks})",
                (self.namespace, *keys),
            ).fetchall()
            current: dict[str, bytes | None] = dict.fromkeys(keys)
            for row in rows:
                live = row["expires_at"] is None or row["expires_at"] > now
                current[row["key"]] = bytes(row["value"]) if live and row["value"] else None
            changed = change(current)
            for key in created - changed.keys():
                changed[key] = None  # the placeholder made only to lock the row
            for key, value in changed.items():
                self._known.pop(key, None)
                if value is None:
                    cur.execute(
                        "DELETE FROM web_store WHERE namespace = ? AND key = ?",
                        (self.namespace, key),
                    )
                    continue
                cur.execute(
                    "INSERT INTO web_store (namespace, key, value, expires_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, "
                    "expires_at = excluded.expires_at",
                    (self.namespace, key, value, now + expires_in),
                )
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:
            # Its own transaction: the rows locked above are not held while purging.
            with self.db.transaction() as cur:
                cur.execute("DELETE FROM web_store WHERE expires_at < ?", (now,))

    def _lock_rows(self, cur, keys: list[str], now: float) -> set[str]:
        """PostgreSQL: every key's row exists (an expired, empty one if new) and is locked."""
        created = set()
        for key in keys:
            cur.execute(
                "INSERT INTO web_store (namespace, key, value, expires_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (namespace, key) DO NOTHING",
                (self.namespace, key, b"", now),
            )
            if cur.rowcount == 1:
                created.add(key)
        marks = ", ".join("?" * len(keys))
        cur.execute(
            f"SELECT key FROM web_store WHERE namespace = ? AND key IN ({marks}) "
            "ORDER BY key FOR UPDATE",
            (self.namespace, *keys),
        )
        return created

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await anyio.to_thread.run_sync(self._get, key, _seconds(renew_for))

    def _get(self, key: str, renew_for: float | None) -> bytes | None:
        with self.db.reading() as cur:
            row = cur.execute(
                "SELECT value, expires_at FROM web_store WHERE namespace = ? AND key = ?",
                (self.namespace, key),
            ).fetchone()
        if row is None:
            self._known.pop(key, None)
            return None
        if row["expires_at"] is not None and row["expires_at"] <= time.time():
            self._delete(key)
            return None
        value = bytes(row["value"])
        self._remember(key, value, row["expires_at"])
        if renew_for is not None and row["expires_at"] is not None:
            self._set(key, value, time.time() + renew_for)
        return value

    def put(self, key: str, data: bytes, expires_in: float) -> None:
        """`set`, blocking (for sync handlers)."""
        self._set(key, data, time.time() + expires_in)

    def remove(self, key: str) -> None:
        """`delete`, blocking (for sync handlers)."""
        self._delete(key)

    def peek(self, key: str) -> bytes | None:
        """The live value (blocking), without writing anything, not even an expiry."""
        with self.db.reading() as cur:
            row = cur.execute(
                "SELECT value, expires_at FROM web_store WHERE namespace = ? AND key = ?",
                (self.namespace, key),
            ).fetchone()
        if row is None or (row["expires_at"] is not None and row["expires_at"] <= time.time()):
            return None
        return bytes(row["value"]) or None

    async def delete(self, key: str) -> None:
        await anyio.to_thread.run_sync(self._delete, key)

    def _delete(self, key: str) -> None:
        self._known.pop(key, None)
        with self.db.transaction() as cur:
            cur.execute(
                "DELETE FROM web_store WHERE namespace = ? AND key = ?", (self.namespace, key)
            )

    async def delete_all(self) -> None:
        def delete_all() -> None:
            self._known.clear()
            with self.db.transaction() as cur:
                cur.execute("DELETE FROM web_store WHERE namespace = ?", (self.namespace,))

        await anyio.to_thread.run_sync(delete_all)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        def expires() -> int | None:
            with self.db.reading() as cur:
                row = cur.execute(
                    "SELECT expires_at FROM web_store WHERE namespace = ? AND key = ?",
                    (self.namespace, key),
                ).fetchone()
            if row is None or row["expires_at"] is None:
                return None
            return max(int(row["expires_at"] - time.time()), 0)

        return await anyio.to_thread.run_sync(expires)
