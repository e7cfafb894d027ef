"""Read-model tables in the same database as the event log, on SQLite or PostgreSQL.

SQL is written once with `?` placeholders; on PostgreSQL they become `%s`. On
PostgreSQL the event store's own connection pool is reused. On SQLite each thread
keeps its own connection and write transactions start with BEGIN IMMEDIATE, so a
transaction that reads before it writes never fails to upgrade its lock.

`PostgresFactory` is eventsourcing's, plus the connection settings that keep an outage
short: libpq's connect timeout, TCP keepalives, statement and lock timeouts, and a pool
that notices the database's return within seconds. `is_unavailable` tells an outage
from a fault of the data or the code.
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
from eventsourcing.postgres import PostgresFactory as _EventsourcingPostgresFactory

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


_SQLITE_OUTAGES = ("locked", "busy", "unable to open", "disk i/o")
# PostgreSQL errors that are an outage although psycopg does not class them as
# OperationalError: idle in transaction too long, a read-only standby after a failover.
_PG_OUTAGE_STATES = {"25P03", "25006"}


def is_unavailable(error: BaseException) -> bool:
    """The database could not be reached, or was busy: an outage, not a fault of the data.

    Walks the chain of causes, since the event store wraps the drivers' errors in its own.
    SQLite's OperationalError also means "no such table" and the like, which are faults of
    the code: only its lock and file errors count.
    """
    import psycopg
    from eventsourcing import persistence

    seen: set[int] = set()
    current: BaseException | None = error
    wrapped = False
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, BaseExceptionGroup):
            return any(is_unavailable(e) for e in current.exceptions)
        if isinstance(current, psycopg.OperationalError | psycopg.InterfaceError):
            return True
        if isinstance(current, psycopg.Error) and current.sqlstate in _PG_OUTAGE_STATES:
            return True
        if isinstance(current, sqlite3.OperationalError):
            return any(word in str(current).lower() for word in _SQLITE_OUTAGES)
        if isinstance(current, persistence.OperationalError | persistence.InterfaceError):
            wrapped = True
        current = current.__cause__ or current.__context__
    return wrapped


class PostgresFactory(_EventsourcingPostgresFactory):
    """eventsourcing's PostgreSQL factory, with what libpq offers and it does not pass on.

    eventsourcing 9.5 passes no connect timeout to libpq (its POSTGRES_CONNECT_TIMEOUT is
    the wait for a connection from the pool), no keepalives and no statement timeout, and
    its pool keeps trying to reconnect for five minutes with a doubling delay, so after
    an outage it could take a minute to notice the database is back. These settings are
    read from the same environment (so processes a rebuild spawns get them too):

    - HMS_PG_CONNECT_TIMEOUT: seconds to open a connection (libpq's minimum is 2);
    - HMS_PG_STATEMENT_TIMEOUT, HMS_PG_LOCK_TIMEOUT: seconds, 0 for none (long work);
    - TCP keepalives and a TCP user timeout, so a connection that died silently is
      noticed in seconds rather than the kernel's two hours; and keepalives on the
      server's side of each connection too, so that after a network partition the
      server ends the lost session (releasing the projections' advisory lock, which
      would otherwise keep every worker from leading until the server noticed).
    """

    HMS_PG_CONNECT_TIMEOUT = "HMS_PG_CONNECT_TIMEOUT"
    HMS_PG_STATEMENT_TIMEOUT = "HMS_PG_STATEMENT_TIMEOUT"
    HMS_PG_LOCK_TIMEOUT = "HMS_PG_LOCK_TIMEOUT"
    # A connection attempt is retried for this long (then the pool starts afresh on the
    # next request), so its delay between attempts stays below a few seconds.
    RECONNECT_TIMEOUT = 4.0
    KEEPALIVES = {
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,  # ms that sent data may stay unacknowledged
    }

    SERVER_KEEPALIVES = {  # seconds; session settings any user may set
        "tcp_keepalives_idle": 5,
        "tcp_keepalives_interval": 2,
        "tcp_keepalives_count": 3,
    }

    def __init__(self, env: Any) -> None:
        super().__init__(env)
        pool = self.datastore.pool
        pool.reconnect_timeout = self.RECONNECT_TIMEOUT
        options = [f"-c {name}={value}" for name, value in self.SERVER_KEEPALIVES.items()]
        for key, setting in (
            (self.HMS_PG_STATEMENT_TIMEOUT, "statement_timeout"),
            (self.HMS_PG_LOCK_TIMEOUT, "lock_timeout"),
        ):
            milliseconds = int(float(self.env.get(key) or "0") * 1000)
            if milliseconds:
                options.append(f"-c {setting}={milliseconds}")
        pool.kwargs.update(
            connect_timeout=max(2, round(float(self.env.get(self.HMS_PG_CONNECT_TIMEOUT) or 3))),
            **self.KEEPALIVES,
        )
        pool.kwargs["options"] = " ".join(options)


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
