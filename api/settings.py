"""Configuration from the environment (CONTRACT.md), and what it means for the store."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

import msgspec

DEFAULT_DATABASE_URL = "sqlite:///var/hms.sqlite3"


class ConfigurationError(ValueError):
    pass


class Settings(msgspec.Struct, frozen=True):
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: str = ""
    smtp_url: str | None = None
    base_url: str = "http://127.0.0.1:8000"
    timezone: str = "Europe/Oslo"
    demo: bool = False
    secure_cookies: bool = False
    risk_matrix: str | None = None

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
                "SQLITE_LOCK_TIMEOUT": "30",
            }
        if self.is_postgres:
            url = urlsplit(self.database_url)
            if not url.path.strip("/"):
                raise ConfigurationError("HMS_DATABASE_URL names no database")
            return {
                "PERSISTENCE_MODULE": "eventsourcing.postgres",
                "POSTGRES_DBNAME": unquote(url.path.lstrip("/")),
                "POSTGRES_HOST": url.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(url.port or 5432),
                "POSTGRES_USER": unquote(url.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(url.password or ""),
                "POSTGRES_POOL_SIZE": "4",
                "POSTGRES_MAX_OVERFLOW": "16",
                "POSTGRES_CONNECT_TIMEOUT": "10",
                "POSTGRES_PRE_PING": "y",
                # Left off on purpose: it mixes up applications sharing a schema.
                "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
            }
        raise ConfigurationError(
            "HMS_DATABASE_URL must be sqlite:///PATH or postgresql://USER[:PASS]@HOST[:PORT]/DB"
        )
