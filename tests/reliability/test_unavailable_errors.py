"""Which errors are an outage (503, try again) and which a fault (500): real errors from
both stores, and the timeouts that keep a wait on the database short.

`adapters.outages.is_unavailable` decides whether a request gets a 503 and whether the
projection runner waits for the database or names a read model as failed, so it must
know the errors each driver and the event store really raise.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import msgspec
import psycopg
from eventsourcing.persistence import PersistenceError
from litestar import Litestar, get
from litestar.testing import TestClient

from adapters.db import SQLiteDatabase
from adapters.outages import is_unavailable
from api.bootstrap import build
from api.errors import OutageGuard
from tests.helpers import as_user, report_deviation


@contextlib.contextmanager
def store_held(services):
    """Another connection holds a write lock: SQLite's on the file, or PostgreSQL's on
    the table written below (as a stuck script or migration would)."""
    if services.db.dialect == "sqlite":
        holder = sqlite3.connect(services.db.path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    with psycopg.connect(services.settings.database_url) as holder:
        holder.execute("LOCK TABLE web_store IN EXCLUSIVE MODE")  # reads go on
        yield
        holder.rollback()


def failure_of(write) -> Exception:
    try:
        write()
    except Exception as e:
        return e
    raise AssertionError("it did not fail")


def write_web_store(services, *, wait: float = 0.1) -> None:
    """A row in web_store, waiting at most `wait` s for a lock (the product waits 3 s)."""
    db = services.db
    if db.dialect == "sqlite":
        db = SQLiteDatabase(services.db.path, timeout=wait)
    try:
        with db.transaction() as cur:
            if db.dialect == "postgres":
                cur.execute(f"SET LOCAL lock_timeout = {int(wait * 1000)}")
            cur.execute(
                "INSERT INTO web_store (namespace, key, value) VALUES ('t', 'k', ?)", (b"",)
            )
    finally:
        if db is not services.db:
            db.close()


def test_an_outage_of_the_store_is_one_and_a_fault_of_the_code_or_data_is_not(services):
    with store_held(services):
        held = failure_of(lambda: write_web_store(services))
    assert is_unavailable(held), repr(held)

    def missing_table():
        with services.db.reading() as cur:
            cur.execute("SELECT * FROM no_such_table")

    assert not is_unavailable(failure_of(missing_table))
    write_web_store(services)
    duplicate = failure_of(lambda: write_web_store(services))  # the same key again
    assert not is_unavailable(duplicate), repr(duplicate)


def test_the_event_store_wraps_an_outage_and_it_is_still_one(services):
    """The event store turns the drivers' errors into its own; their cause is followed."""
    who = as_user(services.app, "ansatt")

    def report():
        report_deviation(services.app, who, title="Under låsen", description="Skal ikke lagres")

    if services.db.dialect == "sqlite":
        with store_held(services):
            failed = failure_of(report)
    else:
        services.app.factory.datastore.pool.close()  # as at shutdown: PoolClosed
        failed = failure_of(report)
    assert isinstance(failed, PersistenceError), repr(failed)
    assert is_unavailable(failed), repr(failed)


def test_errors_psycopg_does_not_class_as_operational_and_groups_of_errors():
    cut = psycopg.OperationalError("server closed the connection unexpectedly")
    assert is_unavailable(ExceptionGroup("in a task group", [ValueError("x"), cut]))
    assert not is_unavailable(ExceptionGroup("in a task group", [ValueError("x")]))
    assert is_unavailable(psycopg.errors.lookup("25P03")())  # idle in transaction too long
    assert is_unavailable(psycopg.errors.lookup("25006")())  # a read-only standby
    assert not is_unavailable(psycopg.errors.lookup("23505")())  # a unique violation


def test_web_and_worker_give_up_within_seconds_and_long_work_does_not(settings):
    """Web-sized waits for requests and the worker; rebuilds, seeding and imports (the
    other commands) have no statement timeout and wait longer for locks."""
    for long_running, statement, lock in ((False, "10s", "3s"), (True, "0", "0")):
        chosen = msgspec.structs.replace(settings, long_running=long_running)
        services = build(chosen)
        try:
            if services.db.dialect == "sqlite":
                assert services.db.timeout == (30 if long_running else 3)
                continue
            with services.db.reading() as cur:
                assert cur.scalar("SHOW statement_timeout") == statement
                assert cur.scalar("SHOW lock_timeout") == lock
                # The server notices a client lost to a partition (and frees its locks).
                assert cur.scalar("SHOW tcp_keepalives_idle") == "5"
            kwargs = services.app.factory.datastore.pool.kwargs
            assert kwargs["connect_timeout"] == 3
            assert kwargs["keepalives"] == 1
        finally:
            services.close()


def test_signing_out_while_the_store_is_locked_is_a_503_and_the_session_stays(services, client_for):
    """The session is deleted as the response starts, after the handler: a failure
    there must still be the 503 page or body, not the server's plain-text 500."""
    employee = client_for("ansatt")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', employee.get("/").text).group(1)
    with store_held(services), ThreadPoolExecutor(2) as both:  # each waits for the lock
        api = both.submit(employee.post, "/api/v1/auth/logout", json={})
        page = both.submit(employee.post, "/logout", data={"_csrf_token": token})
        api, page = api.result(), page.result()
    assert api.status_code == 503, api.text
    assert api.json()["status_code"] == 503
    assert page.status_code == 503, page.text
    assert "Databasen svarer ikke" in page.text
    assert employee.get("/api/v1/users/me").status_code == 200  # still signed in


def test_an_outage_as_the_response_starts_is_a_503_not_a_plain_500():
    """What errors.OutageGuard is for: a middleware that writes to the store as the
    response starts (as the session middleware renews a session) and meets an outage.
    Litestar's own handlers count that as "after the response started" and leave it to
    the server's plain-text 500; nothing has reached the client yet, so a 503 can."""

    class WritesAsTheResponseStarts:
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            async def failing(message):
                if message["type"] == "http.response.start":
                    raise psycopg.OperationalError("server closed the connection")
                await send(message)

            await self.app(scope, receive, failing)

    @get("/api/v1/ping", sync_to_thread=False)
    def ping() -> dict:
        return {"ok": True}

    def app(*guard):
        return Litestar([ping], middleware=[*guard, WritesAsTheResponseStarts])

    with TestClient(app(), raise_server_exceptions=False) as client:
        assert client.get("/api/v1/ping").status_code == 500  # without the guard
    with TestClient(app(OutageGuard), raise_server_exceptions=False) as client:
        answer = client.get("/api/v1/ping")
    assert answer.status_code == 503, answer.text
    assert answer.json()["extra"]["code"] == "database_unavailable"
    assert answer.headers["retry-after"]
