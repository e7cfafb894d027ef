"""Fixtures: a fresh store per test on SQLite and on PostgreSQL.

PostgreSQL: one database per test session (created here, dropped at the end); between
tests its schema is emptied. On CI (CI=true) an unreachable server fails the run
instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from api.bootstrap import Services, build
from api.settings import Settings
from demo.directory import demo_directory
from hms_core import clock
from hms_core.access import system_principal
from hms_core.infra.passwords import hash_password

PG_ADMIN_URL = os.environ.get("HMS_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEMO_HASH = hash_password("demo")
SYSTEM = system_principal("test")


def _pg_available() -> bool:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def new_pg_database(prefix: str) -> str:
    """A new, empty database named `prefix_…` (its name); the test is skipped when
    PostgreSQL cannot be reached, and fails instead on CI."""
    import psycopg

    if not _pg_available():
        if ON_CI:
            pytest.fail("PostgreSQL is required on CI but is not reachable")
        pytest.skip("PostgreSQL is not reachable")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A database of our own for this test session, dropped afterwards."""
    import psycopg

    name = new_pg_database("hms_test")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _empty_pg_schema(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """The same test, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hms.sqlite3'}"
        return
    url = request.getfixturevalue("pg_url")
    _empty_pg_schema(url)
    yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, secret_key="test-secret", timezone="Europe/Oslo")


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    """A store with the demo organisation and users; projections caught up on demand."""
    svc = build(settings)
    svc.app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    svc.runner.catch_up()
    yield svc
    svc.close()


@pytest.fixture
def app(services: Services):
    return services.app


@pytest.fixture
def frozen_now() -> Iterator[datetime]:
    moment = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
    with clock.frozen_at(moment):
        yield moment


def hours_ago(hours: float) -> datetime:
    return clock.now() - timedelta(hours=hours)
