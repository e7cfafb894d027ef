"""Scratch stores for a benchmark run: a SQLite file or a PostgreSQL database of its own."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

PG_ADMIN_URL = os.environ.get("HMS_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def scratch_store(kind: str, label: str, *, keep: bool = False) -> Iterator[str]:
    """The URL of a new, empty store; removed afterwards unless `keep`."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"hms_bench_{label}_")
        try:
            yield f"sqlite:///{folder}/hms.sqlite3"
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)
        return
    import psycopg

    name = f"hms_bench_{label}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        if not keep:
            drop_database(name)


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def database_size(url: str) -> int | None:
    """Bytes on disk: the SQLite file (with its WAL), or the PostgreSQL database."""
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        return sum(os.path.getsize(p) for p in (path, f"{path}-wal") if os.path.exists(p))
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
