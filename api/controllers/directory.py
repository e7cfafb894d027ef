"""Sign-in, the signed-in person, org units and users."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from api.auth import end_session, principal, signed_in, start_session
from api.commands import Svc
from api.limits import authenticate
from api.schemas.directory import Login, Me, TokenOut, UnitOut, UserOut
from hms_core import access
from projections.users.view import list_users


def me(svc: Svc, user_id: UUID) -> Me:
    user = svc.app.user(user_id)
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


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["authentication"]

    @post(
        "/login", status_code=200, sync_to_thread=True, summary="Sign in; sets the session cookie"
    )
    def login(self, request: Request, svc: Svc, data: JSONBody[Login]) -> Me:
        """After 10 wrong passwords for a username (30 from one address) within 15
        minutes, each attempt waits: 429 with Retry-After, the right password too."""
        who = authenticate(request, data.username, data.password)
        if who is None:
            raise NotAuthorizedException("Feil brukernavn eller passord.")
        start_session(request, who.user_id)
        return me(svc, who.user_id)

    @post("/logout", status_code=204, sync_to_thread=True, summary="Sign out")
    def logout(self, request: Request) -> None:
        end_session(request)

    @post("/tokens", status_code=201, guards=[signed_in], sync_to_thread=True)
    def create_token(self, request: Request, svc: Svc) -> TokenOut:
        """A new API token for yourself (shown once; use it as `Authorization: Bearer`)."""
        who = principal(request)
        return TokenOut(token=svc.app.issue_token(who, user_id=who.user_id))


class DirectoryController(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["directory"]

    @get("/users/me", sync_to_thread=True, summary="The signed-in person")
    def me(self, request: Request, svc: Svc) -> Me:
        return me(svc, principal(request).user_id)

    @get("/users", sync_to_thread=True, summary="Users (HMS officers and administrators)")
    def users(self, request: Request, svc: Svc) -> list[UserOut]:
        access.check_read_directory(principal(request))
        return [
            UserOut(
                id=UUID(r["id"]),
                username=r["username"],
                name=r["name"],
                email=r["email"],
                roles=r["roles"].split(","),
                unit_id=UUID(r["unit_id"]) if r["unit_id"] else None,
                leads=[UUID(u) for u in r["leads"].split(",") if u],
                safety_rep_for=[UUID(u) for u in r["safety_rep_for"].split(",") if u],
                active=bool(r["active"]),
            )
            for r in list_users(svc.db)
        ]

    @get("/org/units", sync_to_thread=True, summary="The org tree, flat")
    def units(self, request: Request, svc: Svc) -> list[UnitOut]:
        """Every signed-in person may list units: reporting needs them. Head counts (`fte`)
        only for HMS officers and administrators (null for others)."""
        if not svc.app.has_organisation():
            return []
        sees_fte = access.can_read_directory(principal(request))
        return [
            UnitOut(
                id=u.id,
                code=u.code,
                name=u.name,
                parent_id=u.parent_id,
                kind=u.kind,
                fte=u.fte if sees_fte else None,
            )
            for u in svc.app.organisation().units.values()
        ]
