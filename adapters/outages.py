"""Whether an error means the database is away (an outage) or a fault of the data or code.

The API answers an outage 503 and the projection runner waits and tries again; a fault
is an error to report (a read model stops at the event it cannot fold).
"""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing import persistence

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
