"""Reading the user list."""

from __future__ import annotations

from typing import Any

from adapters.db import Database
from projections.base import live_tables
from projections.users.view import UserListView

T = live_tables(UserListView.tables)


def list_users(db: Database) -> list[dict[str, Any]]:
    """Everyone in the directory, by name."""
    with db.reading() as cur:
        rows = cur.execute(T.sql("SELECT * FROM {users} ORDER BY name, username")).fetchall()
    return [dict(r) for r in rows]
