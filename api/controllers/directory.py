"""Sign-in, the signed-in person, org units and users."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import JSONBody

from api.auth import end_session, signed_in, start_session
from api.dependencies import Svc, Who
from api.limits import authenticate
from api.presenters.directory import me, unit_out, user_out
from api.schemas.directory import Login, Me, TokenOut, UnitOut, UserOut
from hms_core import access
from hms_core.access import disclosure
from projections.users.queries import list_users


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
        return me(svc.app.user(who.user_id))

    @post("/logout", status_code=204, sync_to_thread=True, summary="Sign out")
    def logout(self, request: Request) -> None:
        end_session(request)

    @post("/tokens", status_code=201, guards=[signed_in], sync_to_thread=True)
    def create_token(self, svc: Svc, who: Who) -> TokenOut:
        """A new API token for yourself (shown once; use it as `Authorization: Bearer`)."""
        return TokenOut(token=svc.app.issue_token(who, user_id=who.user_id))


class DirectoryController(Controller):
    path = "/api/v1"
    guards = [signed_in]
    tags = ["directory"]

    @get("/users/me", sync_to_thread=True, summary="The signed-in person")
    def me(self, svc: Svc, who: Who) -> Me:
        return me(svc.app.user(who.user_id))

    @get("/users", sync_to_thread=True, summary="Users (HMS officers and administrators)")
    def users(self, svc: Svc, who: Who) -> list[UserOut]:
        access.check_read_directory(who)
        return [user_out(r) for r in list_users(svc.db)]

    @get("/org/units", sync_to_thread=True, summary="The org tree, flat")
    def units(self, svc: Svc, who: Who) -> list[UnitOut]:
        """Every signed-in person may list units: reporting needs them. Head counts (`fte`)
        only for HMS officers and administrators (null for others)."""
        if not svc.app.has_organisation():
            return []
        return [unit_out(u) for u in disclosure.units_for(who, svc.app.organisation())]


HANDLERS: list = [AuthController, DirectoryController]
