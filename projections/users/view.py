"""UserListView: the people in the directory, for the user list and name look-ups.

Password and token digests are left out: a read model needs none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.db import Cursor
from hms_core.directory.user import User
from projections.base import Projection, Rows, Tables, fold_records, sid

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
        fold_records(rows, events, User, User.Registered, _new_row, _apply, stamped=False)


def _new_row(position: int, e: User.Registered) -> dict[str, Any]:
    return {
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


def _apply(row: dict[str, Any], e: Any) -> None:
    if isinstance(e, User.RolesAssigned):
        row.update(roles=_ids(e.roles), leads=_ids(e.leads), safety_rep_for=_ids(e.safety_rep_for))
    elif isinstance(e, User.ProfileUpdated):
        row.update(name=e.name, email=e.email, unit_id=sid(e.home_unit_id))
    elif isinstance(e, User.Deactivated):
        row["active"] = False
    elif isinstance(e, User.Reactivated):
        row["active"] = True
