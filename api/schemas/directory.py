"""Users and org units as the API shows them."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from hms_core.directory.user import PASSWORD_MAX, USERNAME_MAX


class Login(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(max_length=USERNAME_MAX * 4)]
    password: Annotated[str, Meta(max_length=PASSWORD_MAX)]


# What the API shows of a person, to themselves (Me) and in the user list (UserOut).
# No docstring: the schema's description of each would inherit it.
class _Person(msgspec.Struct):
    id: UUID
    username: str
    name: str
    email: str
    roles: list[str]
    unit_id: UUID | None
    leads: list[UUID]
    safety_rep_for: list[UUID]


class Me(_Person):
    pass


class UnitOut(msgspec.Struct):
    id: UUID
    code: str
    name: str
    parent_id: UUID | None
    kind: str
    fte: float | None


class UserOut(_Person):
    active: bool


class TokenOut(msgspec.Struct):
    token: str
