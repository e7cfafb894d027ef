"""Configuration from the environment (CONTRACT.md), and what it means for the store."""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

import msgspec

DEFAULT_DATABASE_URL = "sqlite:///var/hms.sqlite3"
DEFAULT_DATABASE_WAIT = 10.0
# How long a web request or the worker waits on the database before answering 503 (or
# trying again): for a connection from the pool, for a lock, for one statement.
POOL_WAIT_SECONDS = 2
CONNECT_SECONDS = 3
LOCK_SECONDS = 3
STATEMENT_SECONDS = 10
# Long-running commands: SQLite's lock wait (PostgreSQL's lock and statement: none).
LONG_LOCK_SECONDS = 30


class ConfigurationError(ValueError):
    pass


def _trusted_proxies(value: str) -> tuple[str, ...]:
    """HMS_TRUSTED_PROXIES: comma-separated addresses or CIDR networks (empty: none)."""
    entries = tuple(part.strip() for part in value.split(",") if part.strip())
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as e:
            raise ConfigurationError(f"HMS_TRUSTED_PROXIES: {entry!r} is not an address") from e
    return entries


def _database_wait(value: str) -> float:
    """HMS_DATABASE_WAIT: seconds, at most an hour (empty: the default)."""
    if not value.strip():
        return DEFAULT_DATABASE_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise ConfigurationError(f"HMS_DATABASE_WAIT: {value!r} is not 0 to 3600 seconds")
    return seconds


class Settings(msgspec.Struct, frozen=True):
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = ""
    smtp_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Europe/Oslo"
    demo: bool = False
    secure_cookies: bool = False
    risk_matrix: str | None = None
    # Addresses or networks whose X-Forwarded-For is believed (HMS_TRUSTED_PROXIES).
    trusted_proxies: tuple[str, ...] = ()
    # Commands that may run for minutes (rebuilds, seeding, imports) wait longer for
    # locks and have no statement timeout; web and worker give up within seconds.
    long_running: bool = False
    # Seconds to keep trying at start while the database cannot be reached
    # (HMS_DATABASE_WAIT): a database container often starts after the app.
    database_wait: float = DEFAULT_DATABASE_WAIT

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, *, demo: bool = False) -> Settings:
        env = os.environ if environ is None else environ
        secret = env.get("HMS_SECRET_KEY", "")
        if not secret:
            if not demo:
                raise ConfigurationError("HMS_SECRET_KEY is required unless running with --demo")
            secret = secrets.token_urlsafe(32)
        base_url = env.get("HMS_BASE_URL", "http://127.0.0.1:8000")
        return cls(
            database_url=env.get("HMS_DATABASE_URL", DEFAULT_DATABASE_URL),
            secret_key=secret,
            smtp_url=env.get("HMS_SMTP_URL") or None,
            base_url=base_url,
            timezone=env.get("HMS_TIMEZONE", "Europe/Oslo"),
            demo=demo,
            secure_cookies=base_url.startswith("https://"),
            risk_matrix=env.get("HMS_RISK_MATRIX") or None,
            trusted_proxies=_trusted_proxies(env.get("HMS_TRUSTED_PROXIES", "")),
            database_wait=_database_wait(env.get("HMS_DATABASE_WAIT", "")),
        )

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))

    @property
    def sqlite_path(self) -> Path | None:
        if not self.database_url.startswith("sqlite:///"):
            return None
        return Path(self.database_url.removeprefix("sqlite:///"))

    def eventsourcing_env(self) -> dict[str, str]:
        """The eventsourcing library's settings for HMS_DATABASE_URL."""
        if self.sqlite_path is not None:
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": str(
                    LONG_LOCK_SECONDS if self.long_running else LOCK_SECONDS
                ),
            }
        if self.is_postgres:
            url = urlsplit(self.database_url)
            if not url.path.strip("/"):
                raise ConfigurationError("HMS_DATABASE_URL names no database")
            lock = "0" if self.long_running else str(LOCK_SECONDS)  # 0: no limit
            return {
                "POSTGRES_DBNAME": unquote(url.path.lstrip("/")),
                "POSTGRES_HOST": url.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": unquote(url.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(url.password or ""),
                "POSTGRES_POOL_SIZE": "4",
                "POSTGRES_MAX_OVERFLOW": "16",
                # adapters.postgres.PostgresFactory: eventsourcing's, with timeouts.
                "PERSISTENCE_MODULE": "adapters.postgres:PostgresFactory",
                # eventsourcing's name for the wait for a connection from the pool.
                "POSTGRES_CONNECT_TIMEOUT": str(POOL_WAIT_SECONDS),
                "HMS_PG_CONNECT_TIMEOUT": str(CONNECT_SECONDS),
                # eventsourcing's lock on the event table while writing; ours per session.
                "POSTGRES_LOCK_TIMEOUT": lock,
                "HMS_PG_LOCK_TIMEOUT": lock,
                "HMS_PG_STATEMENT_TIMEOUT": "0" if self.long_running else str(STATEMENT_SECONDS),
                "POSTGRES_PRE_PING": "y",
                # Left off on purpose: it mixes up applications sharing a schema.
                "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            }
        raise ConfigurationError(
            "HMS_DATABASE_URL must be sqlite:///PATH or postgresql://USER[:PASS]@HOST[:PORT]/DB"
        )
