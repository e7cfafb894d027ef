"""Read-model tables in the same database as the event log, on SQLite or PostgreSQL.

SQL is written once with `?` placeholders; on PostgreSQL they become `%s`. On
PostgreSQL the event store's own connection pool is reused (its settings are
`adapters.postgres`'s). On SQLite each thread keeps its own connection and write
transactions start with BEGIN IMMEDIATE, so a transaction that reads before it writes
never fails to upgrade its lock. Outages are told apart from faults by
`adapters.outages.is_unavailable`.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import msgspec

_PLACEHOLDER = re.compile(r"\?")
_json = msgspec.json.Encoder()
COPY_THRESHOLD = 500  # rows; fewer go as JSON in one statement


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

    def insert_many(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        conflict: str = "",
    ) -> None:
        """INSERT rows (each in `columns` order), then `conflict` (an ON CONFLICT clause).

        psycopg's `executemany` sends a statement per row, which costs about 25 µs of
        Python each and made rebuilds three times slower; on PostgreSQL the rows go
        with COPY instead: straight into the table, or for an upsert into a temporary
        table first. Small batches (the live runner's) go as one JSON array in one
        statement, which spares the catalog a temporary table per batch. Keys must be
        unique within `rows` (one statement can't upsert a row twice).
        """
        names = ", ".join(columns)
        if self.dialect != "postgres":
            marks = ", ".join("?" * len(columns))
            self.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks}) {conflict}", rows)
            return
        rows = list(rows)
        if not rows:
            return
        if len(rows) < COPY_THRESHOLD:
            data = [dict(zip(columns, row, strict=True)) for row in rows]
            self.raw.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} "
                f"FROM json_populate_recordset(NULL::{table}, %s) {conflict}",
                (_json.encode(data).decode(),),
            )
            return
        target = table
        if conflict:
            target = "hms_bulk_rows"
            self.raw.execute(
                f"CREATE TEMPORARY TABLE {target} ON COMMIT DROP AS "
                f"SELECT {names} FROM {table} WITH NO DATA"
            )
        with self.raw.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        if conflict:
            self.raw.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} {conflict}"
            )
            self.raw.execute(f"DROP TABLE {target}")

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
    def transaction(self, durable: bool = True) -> Iterator[Cursor]:
        """A write transaction: committed when the block ends, rolled back on error.

        `durable=False` lets the commit return before the log reaches the disk, for
        work that is redone anyway after a crash (a rebuild's shadow tables).
        """
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

    def __init__(self, path: str, timeout: float = 3.0) -> None:
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
            conn.execute("PRAGMA cache_size=-65536")  # KiB: a batch's pages stay in memory
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    @contextmanager
    def transaction(self, durable: bool = True) -> Iterator[Cursor]:
        # WAL with synchronous=NORMAL already commits without waiting for the disk.
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
    def transaction(self, durable: bool = True) -> Iterator[Cursor]:
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as cur:
            if not durable:
                cur.execute("SET LOCAL synchronous_commit = off")
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
    from eventsourcing.postgres import PostgresDatastore
    from eventsourcing.sqlite import SQLiteDatastore

    datastore = app.factory.datastore
    if isinstance(datastore, SQLiteDatastore):
        # The event store's lock wait (SQLITE_LOCK_TIMEOUT) for the read models too.
        return SQLiteDatabase(datastore.pool.db_name, timeout=datastore.pool.lock_timeout or 3)
    if isinstance(datastore, PostgresDatastore):
        return PostgresDatabase(datastore)
    raise ValueError(f"no read-model database for {type(app.factory).__module__}")
