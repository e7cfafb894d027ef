"""People and org units as the API shows them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.presenters.common import uuid_or_none
from api.schemas.directory import Me, UnitOut, UserOut
from hms_core.directory.organisation import Unit
from hms_core.directory.user import User


def me(user: User) -> Me:
    return Me(
        id=user.id,
        username=user.username,
        name=user.name,
        email=user.email,
        roles=list(user.roles),
        unit_id=user.home_unit_id,
        leads=list(user.leads),
        safety_rep_for=list(user.safety_rep_for),
    )


def _ids(text: str) -> list[UUID]:
    return [UUID(u) for u in text.split(",") if u]


def user_out(row: dict[str, Any]) -> UserOut:
    """A row of the users' read model (projections.users)."""
    return UserOut(
        id=UUID(row["id"]),
        username=row["username"],
        name=row["name"],
        email=row["email"],
        roles=row["roles"].split(","),
        unit_id=uuid_or_none(row["unit_id"]),
        leads=_ids(row["leads"]),
        safety_rep_for=_ids(row["safety_rep_for"]),
        active=bool(row["active"]),
    )


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.id,
        code=unit.code,
        name=unit.name,
        parent_id=unit.parent_id,
        kind=unit.kind,
        fte=unit.fte,
    )
