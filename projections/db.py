"""Read-model tables in the same database as the event log, on SQLite or PostgreSQL.

SQL is written once with `?` placeholders; on PostgreSQL they become `%s`. On
PostgreSQL the event store's own connection pool is reused. On SQLite each thread
keeps its own connection and write transactions start with BEGIN IMMEDIATE, so a
transaction that reads before it writes never fails to upgrade its lock.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=2048)
def _to_pyformat(sql: str) -> str:
    return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))


class Cursor:
    """A cursor that speaks `?` on both databases and returns rows addressable by name."""

    def __init__(self, raw: Any, dialect: str) -> None:
        self.raw = raw
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        if self.dialect == "postgres":
            self.raw.execute(_to_pyformat(sql), params or None)
        else:
            self.raw.execute(sql, params)
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if not rows:
            return
        if self.dialect == "postgres":
            self.raw.executemany(_to_pyformat(sql), rows)
        else:
            self.raw.executemany(sql, rows)

    def fetchall(self) -> list[Any]:
        return self.raw.fetchall()

    def fetchone(self) -> Any:
        return self.raw.fetchone()

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        if row is None:
            return None
        return row[0] if self.dialect == "sqlite" else next(iter(row.values()))

    @property
    def rowcount(self) -> int:
        return self.raw.rowcount


class Database:
    """Connections for read models; `dialect` is "sqlite" or "postgres"."""

    dialect: str

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        """A write transaction: committed when the block ends, rolled back on error."""
        raise NotImplementedError
        yield  # pragma: no cover

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        """A read-only snapshot."""
        raise NotImplementedError
        yield  # pragma: no cover

    def close(self) -> None:
        pass

    @contextmanager
    def schema_change(self) -> Iterator[Cursor]:
        """A transaction for DDL that several processes may run at once at start-up.

        PostgreSQL can fail two concurrent CREATE TABLE IF NOT EXISTS; a transaction-level
        advisory lock makes them take turns. SQLite's BEGIN IMMEDIATE already does.
        """
        with self.transaction() as cur:
            if self.dialect == "postgres":
                cur.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
            yield cur


SCHEMA_LOCK = 4_242_001


class SQLiteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: str, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield Cursor(conn.cursor(), self.dialect)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        conn = self._connection()
        conn.execute("BEGIN")
        try:
            yield Cursor(conn.cursor(), self.dialect)
        finally:
            conn.execute("ROLLBACK")

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


class PostgresDatabase(Database):
    dialect = "postgres"

    def __init__(self, datastore: Any) -> None:
        self.datastore = datastore

    @contextmanager
    def transaction(self) -> Iterator[Cursor]:
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cur:
            yield Cursor(cur, self.dialect)

    @contextmanager
    def reading(self) -> Iterator[Cursor]:
        with (
            self.datastore.get_connection() as conn,
            conn.transaction(force_rollback=True),
            conn.cursor() as cur,
        ):
            yield Cursor(cur, self.dialect)


def database_for(app: Any) -> Database:
    """The read-model database beside an application's event store."""
    datastore = app.factory.datastore
    module = type(app.factory).__module__
    if module.endswith("sqlite"):
        return SQLiteDatabase(datastore.pool.db_name)
    if module.endswith("postgres"):
        return PostgresDatabase(datastore)
    raise ValueError(f"no read-model database for {module}")
