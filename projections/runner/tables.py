"""Creating and dropping a read model's tables: the live ones, or a rebuild's copies."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.db import Cursor, Database
from projections.base import Projection, Tables


def drop(cur: Cursor, projection: Projection, t: Tables) -> None:
    """Drop the projection's tables named by `t`, children before parents."""
    for name in reversed(projection.tables):
        cur.execute(f"DROP TABLE IF EXISTS {t[name]}")


def recreate(
    cur: Cursor, dialect: str, projection: Projection, t: Tables, *, indexes: bool = True
) -> None:
    """Empty tables named by `t`; a rebuild's copies get their indexes after the bulk
    load (`create_indexes`, at the swap)."""
    drop(cur, projection, t)
    for statement in projection.create_statements(dialect):
        cur.execute(t.sql(statement))
    if indexes:
        create_indexes(cur, dialect, projection, t)


def create_indexes(cur: Cursor, dialect: str, projection: Projection, t: Tables) -> None:
    for statement in projection.index_statements(dialect):
        cur.execute(t.sql(statement))


def analyze(db: Database, projections: Iterable[Projection]) -> None:
    """Planner statistics for the live tables, after a rebuild or a bulk load.

    Without them both databases guess: with 250,000 deviations some lists took
    100-400 ms instead of 1-3 ms until PostgreSQL's autovacuum came by, and SQLite
    never gathers them by itself."""
    for p in projections:
        for name in p.tables:
            with db.transaction() as cur:
                cur.execute(f"ANALYZE {p.live[name]}")
