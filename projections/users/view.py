"""UserListView: the people in the directory, for the user list and name look-ups.

Password and token digests are left out: a read model needs none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.db import Cursor, Database
from hms_core.directory.organisation import User
from projections.base import Projection, Rows, Tables, live_tables, sid

COLUMNS = (
    "id",
    "username",
    "name",
    "email",
    "roles",
    "unit_id",
    "leads",
    "safety_rep_for",
    "active",
)


def _ids(values) -> str:
    return ",".join(str(v) for v in values)


class UserListView(Projection):
    name = "users"
    rebuild_weight = 0.4  # measured: see bench/README.md
    version = 1
    tables = ("users",)

    def create_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE TABLE {users} (id TEXT PRIMARY KEY, username TEXT NOT NULL, "
            "name TEXT NOT NULL, email TEXT NOT NULL, roles TEXT NOT NULL, unit_id TEXT, "
            "leads TEXT NOT NULL, safety_rep_for TEXT NOT NULL, active BOOLEAN NOT NULL)"
        ]

    def index_statements(self, dialect: str) -> list[str]:
        return ["CREATE INDEX {users}_name ON {users} (name)"]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        rows = Rows(cur, t["users"], "id", COLUMNS)
        rows.prefetch(sid(e.originator_id) for _, e in events if isinstance(e, User.Event))
        for _, e in events:
            if isinstance(e, User.Registered):
                rows.add(
                    {
                        "id": sid(e.originator_id),
                        "username": e.username,
                        "name": e.name,
                        "email": e.email,
                        "roles": "employee",
                        "unit_id": sid(e.home_unit_id),
                        "leads": "",
                        "safety_rep_for": "",
                        "active": True,
                    }
                )
                continue
            if not isinstance(e, User.Event):
                continue
            row = rows.get(sid(e.originator_id))
            if row is None:
                continue
            if isinstance(e, User.RolesAssigned):
                row.update(
                    roles=_ids(e.roles), leads=_ids(e.leads), safety_rep_for=_ids(e.safety_rep_for)
                )
            elif isinstance(e, User.ProfileUpdated):
                row.update(name=e.name, email=e.email, unit_id=sid(e.home_unit_id))
            elif isinstance(e, User.Deactivated):
                row["active"] = False
            elif isinstance(e, User.Reactivated):
                row["active"] = True
        rows.flush()


T = live_tables(UserListView.tables)


def list_users(db: Database) -> list[dict[str, Any]]:
    with db.reading() as cur:
        rows = cur.execute(T.sql("SELECT * FROM {users} ORDER BY name, username")).fetchall()
    return [dict(r) for r in rows]
