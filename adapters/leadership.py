"""At most one process applies events to the read models.

The lock is a PostgreSQL advisory lock, or a lock file beside the SQLite database; the
leader also listens for NOTIFY from the event store.

A lock can be lost without the process noticing: the advisory lock goes with its
connection when the database restarts or the network drops it, and a lock file that
somebody deleted protects nothing (the next process creates a new one and locks that).
`verify` gives up a lead that is no longer held, so it can be taken again.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import zlib

from adapters.db import Database

LOCK_KEY = zlib.crc32(b"hms-projections")


class Leadership:
    """At most one process applies events: an advisory lock or a lock file."""

    def __init__(self, db: Database, lock_path: str | None, channel: str | None) -> None:
        self.db = db
        self.lock_path = lock_path
        self.channel = channel
        self.held = False
        self._file = None
        self._conn = None

    def acquire(self) -> bool:
        if self.held:
            return True
        if self.db.dialect == "postgres":
            self.held = self._acquire_advisory()
        else:
            self.held = self._acquire_file()
        return self.held

    def _acquire_file(self) -> bool:
        if self.lock_path is None:
            return True
        handle = open(self.lock_path, "a+")  # noqa: SIM115 - held for the process's life
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def _acquire_advisory(self) -> bool:
        import psycopg
        from psycopg import sql

        datastore = self.db.datastore
        # The pool's settings: its connect timeout, keepalives and statement timeout.
        conn = psycopg.connect(
            **{k: v for k, v in datastore.pool.kwargs.items() if k != "row_factory"},
            autocommit=True,
        )
        try:
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
            if got and self.channel:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        except BaseException:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        return True

    def verify(self) -> bool:
        """Whether the lead is still held; if it was lost, give it up (to take it again)."""
        if self.held and not self._still_held():
            self.release()
        return self.held

    def _still_held(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute("SELECT 1")
            except Exception:
                return False
            return True
        if self._file is not None:
            try:
                return os.stat(self.lock_path).st_ino == os.fstat(self._file.fileno()).st_ino
            except OSError:
                return False
        return True

    def wait_for_notify(self, timeout: float) -> bool:
        """Wait for a NOTIFY from the event store (PostgreSQL only); False if not listening."""
        if self._conn is None:
            return False
        try:
            for _ in self._conn.notifies(timeout=timeout, stop_after=1):
                pass
        except Exception:
            # The connection is gone: give up leadership and take it again if we can.
            self.release()
        return True

    def interrupt(self) -> None:
        """End another thread's `wait_for_notify` now, with a NOTIFY of our own (a stop
        need not wait out the timeout). Nothing happens if the database is away: the
        wait ends by itself then."""
        if self._conn is None or self.channel is None:
            return
        with contextlib.suppress(Exception), self.db.transaction(durable=False) as cur:
            cur.execute("SELECT pg_notify(?, '')", [self.channel])

    def release(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        self.held = False
