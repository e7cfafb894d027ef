"""Wiring, in one place: which store, which read models, which scheduled policies."""

from __future__ import annotations

import itertools
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.persistence import PersistenceError

from adapters.db import Database, database_for
from adapters.outages import is_unavailable
from api.settings import ConfigurationError, Settings
from api.stores import create_store_table
from demo.directory import DEMO_PASSWORD, demo_directory
from hms_core import clock
from hms_core.access import system_principal
from hms_core.application import HMSApplication
from hms_core.infra.passwords import hash_password
from hms_core.risk.matrix import RiskMatrix, RiskMatrixError, load_matrix
from projections import all_projections
from projections.runner.runner import ProjectionRunner

log = logging.getLogger("hms")


@dataclass
class Services:
    """What the entrypoints work with."""

    settings: Settings
    app: HMSApplication
    db: Database
    runner: ProjectionRunner
    background: list[Any] = field(default_factory=list)

    def start(self) -> None:
        """Run projections (and scheduled policies) in this process."""
        if self.runner not in self.background:
            self.runner.start()
            self.background.append(self.runner)

    def close(self) -> None:
        """Stop the background work and close the store, within seconds even when the
        database is gone (a process must stop within Docker's 10 s grace)."""
        for part in reversed(self.background):
            part.stop()
        self.background.clear()
        self.db.close()
        _close_store(self.app)


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached at start: one line saying where and why."""


def build(settings: Settings, *, seed_demo: bool = False) -> Services:
    """Open the store, bring the read models' tables up to date, seed the demo if asked.

    A database that cannot be reached is tried again for `settings.database_wait`
    seconds (a database container often starts after the app), then DatabaseUnavailable.
    """
    clock.configure_timezone(settings.timezone)
    if settings.sqlite_path is not None:
        settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = started + settings.database_wait
    for attempt in itertools.count():
        try:
            if settings.is_postgres:
                _reach_postgres(settings)
            return _build(settings, seed_demo=seed_demo)
        except Exception as e:
            if not is_unavailable(e):
                if not isinstance(e, PersistenceError) or attempt >= CREATE_RETRIES:
                    raise
                # Two processes creating the same tables at once can fail on PostgreSQL.
                log.warning("the store's tables are being created by another process; waiting")
                time.sleep(0.2 * (attempt + 1))
                continue
            left = deadline - time.monotonic()
            if _refused(e) or left <= 0:
                waited = f" (tried for {time.monotonic() - started:.0f} s)" if attempt else ""
                raise DatabaseUnavailable(_unreachable(settings, e) + waited) from e
            if attempt == 0:
                log.warning("%s; trying again for %.0f s", _unreachable(settings, e), left)
            time.sleep(min(1.0, left))
    raise AssertionError("unreachable")


CREATE_RETRIES = 4


def _build(settings: Settings, *, seed_demo: bool) -> Services:
    lock_path = None
    if settings.sqlite_path is not None:
        lock_path = f"{settings.sqlite_path}.projections.lock"
    app = HMSApplication(env=settings.eventsourcing_env())
    db = None
    try:
        app.use_risk_matrix(_risk_matrix(settings))
        db = database_for(app)
        create_store_table(db)
        runner = ProjectionRunner(app, db, all_projections(), lock_path=lock_path)
        runner.setup()
        if seed_demo:
            seed_demo_directory(app)
    except BaseException:
        if db is not None:
            db.close()
        _close_store(app)
        raise
    return Services(settings=settings, app=app, db=db, runner=runner)


def _reach_postgres(settings: Settings) -> None:
    """Connect once, on our own: the pool would only say it timed out, not why."""
    import psycopg

    env = settings.eventsourcing_env()
    psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        connect_timeout=int(env["HMS_PG_CONNECT_TIMEOUT"]),
    ).close()


# The server answered, and will answer the same until somebody changes something:
# an unknown database or user, a wrong password, an address it does not accept.
_REFUSALS = ("does not exist", "authentication failed", "no pg_hba.conf entry")


def _refused(error: BaseException) -> bool:
    return any(word in _reason(error) for word in _REFUSALS)


def _reason(error: BaseException) -> str:
    """What the driver said, in one line: «Connection refused», «database "x" does not
    exist», «database is locked», or at least the error's type."""
    import psycopg

    current: BaseException | None = error
    while current is not None:
        if isinstance(current, psycopg.Error | sqlite3.Error):
            first = str(current).strip().splitlines()[0] if str(current).strip() else ""
            text = first.rsplit(" failed: ", 1)[-1].replace("FATAL:", "").strip()
            return " ".join(text.split()) or type(current).__name__
        current = current.__cause__ or current.__context__
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _unreachable(settings: Settings, error: BaseException) -> str:
    """Where the database is (never the password) and what failed."""
    if settings.sqlite_path is not None:
        return f"cannot use the database {settings.sqlite_path}: {_reason(error)}"
    env = settings.eventsourcing_env()
    where = (
        f"{env['POSTGRES_USER']}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}"
        f"/{env['POSTGRES_DBNAME']}"
    )
    return f"cannot reach the database {where}: {_reason(error)}"


def _close_store(app: HMSApplication) -> None:
    """Close the event store without waiting long for a database that is gone."""
    import psycopg_pool

    pool = getattr(getattr(app.factory, "datastore", None), "pool", None)
    if isinstance(pool, psycopg_pool.ConnectionPool):
        # Its own close waits 5 s for threads that may be stuck connecting.
        pool.close(timeout=POOL_CLOSE_SECONDS)
    app.close()


POOL_CLOSE_SECONDS = 1.0


def _risk_matrix(settings: Settings) -> RiskMatrix:
    """The matrix from HMS_RISK_MATRIX, or the default one shipped with the product."""
    try:
        return load_matrix(settings.risk_matrix)
    except (RiskMatrixError, OSError) as e:
        raise ConfigurationError(f"HMS_RISK_MATRIX: {e}") from e


def seed_demo_directory(app: HMSApplication) -> bool:
    """The demo tree and the five demo users, into an empty store only."""
    if app.has_organisation():
        return False
    app.import_directory(system_principal("demo"), demo_directory(hash_password(DEMO_PASSWORD)))
    log.info("seeded the demo organisation and users")
    return True
