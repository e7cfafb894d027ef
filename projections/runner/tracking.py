"""Where each read model stands in the log: its row in `projection_tracking`.

A row moves only from the position it was read at (`advance`), in the transaction that
writes the batch, so two processes can never both apply the same batch: the second finds
the row moved and is `Overtaken`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.db import Cursor, Database
from projections.base import Projection
from projections.runner.errors import ProjectionVersionError

TRACKING_DDL = (
    "CREATE TABLE IF NOT EXISTS projection_tracking ("
    "name TEXT PRIMARY KEY, position BIGINT NOT NULL, version INTEGER NOT NULL, "
    "updated_at TEXT NOT NULL)"
)
# Above every position: what "no read model is behind" compares as.
BEYOND = 2**62


class Overtaken(Exception):
    """Another process (or a rebuild) moved the read model since its position was read."""


def now_text() -> str:
    return datetime.now(UTC).isoformat()


def version(cur: Cursor, name: str) -> int | None:
    """The version of the code that built the read model's tables (None: never built)."""
    return cur.scalar("SELECT version FROM projection_tracking WHERE name = ?", (name,))


def start_afresh(cur: Cursor, projection: Projection) -> None:
    """The read model is at the start of the log, with tables of this version."""
    cur.execute("DELETE FROM projection_tracking WHERE name = ?", (projection.name,))
    cur.execute(
        "INSERT INTO projection_tracking (name, position, version, updated_at) VALUES (?, 0, ?, ?)",
        (projection.name, projection.version, now_text()),
    )


def positions(db: Database, names: list[str]) -> dict[str, int]:
    with db.reading() as cur:
        rows = cur.execute("SELECT name, position FROM projection_tracking").fetchall()
    known = {row["name"]: row["position"] for row in rows}
    return {name: known.get(name, 0) for name in names}


def tracked(db: Database) -> dict[str, dict]:
    """Every tracked read model's position and version, by name."""
    with db.reading() as cur:
        rows = cur.execute("SELECT name, position, version FROM projection_tracking").fetchall()
    return {row["name"]: {"position": row["position"], "version": row["version"]} for row in rows}


def check_version(db: Database, projection: Projection) -> None:
    with db.reading() as cur:
        built_by = version(cur, projection.name)
    if built_by != projection.version:
        # Tables of another version of the code: leave them to that code.
        raise ProjectionVersionError(
            f"{projection.name}: tables are version {built_by}, code is {projection.version}"
        )


def advance(cur: Cursor, projection: Projection, position: int, to: int) -> None:
    """Move the read model from `position` to `to`, or raise Overtaken if it is not there."""
    cur.execute(
        "UPDATE projection_tracking SET position = ?, updated_at = ? "
        "WHERE name = ? AND position = ? AND version = ?",
        (to, now_text(), projection.name, position, projection.version),
    )
    if cur.rowcount != 1:
        raise Overtaken


def hold(cur: Cursor, name: str) -> None:
    """Lock the read model's row until the transaction ends: the live runner waits."""
    cur.execute("UPDATE projection_tracking SET updated_at = ? WHERE name = ?", (now_text(), name))


def replaced(cur: Cursor, projection: Projection, position: int) -> None:
    """The read model's tables were replaced by copies built up to `position`."""
    cur.execute(
        "UPDATE projection_tracking SET position = ?, version = ?, updated_at = ? WHERE name = ?",
        (position, projection.version, now_text(), projection.name),
    )


def lowest_unfailed(db: Database) -> int:
    """The lowest position among read models not stopped by a failure, as any process
    sees it (BEYOND if there are none)."""
    with db.reading() as cur:
        value = cur.scalar(
            "SELECT MIN(t.position) FROM projection_tracking t WHERE NOT EXISTS "
            "(SELECT 1 FROM projection_failures f WHERE f.name = t.name)"
        )
    return BEYOND if value is None else value
