"""Who is asking: a session cookie (people) or a bearer token (programs).

Sessions live in the shared database store (api.stores), are rotated at login so a
planted session id is worthless, and hold only the user id. A session is written only
when there is something to keep (a sign-in): health probes, bearer-token calls,
anonymous pages and failed sign-ins write no row and get no session cookie, so nobody
can grow the session table without signing in, and reads never wait on a write.
Signing out deletes the row. The forms' CSRF tokens are Litestar's, in a cookie of
their own: they need no session.

Cookie-authenticated API calls that change things must be JSON: a cross-site HTML form
cannot send that, which is the API's CSRF defence (the HTML forms use Litestar's CSRF
tokens).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any
from uuid import UUID

import anyio
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty
from litestar.utils.dataclass import extract_dataclass_items

from adapters.outages import is_unavailable

SESSION_USER = "uid"
SESSION_COOKIE = "hms_session"
SESSION_SECONDS = 8 * 3600
# The anonymous reporter's paths: no session is read or renewed there, and nobody is
# signed in, so following a case by its receipt leaves no trace tied to a person.
WITHOUT_SESSION = ["^/api/v1/receipts", "^/kvittering"]
# Paths where no session is read: nobody signs in there.
NO_SESSION_NEEDED = ["^/static", "^/healthz", "^/readyz"]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ROTATE = "hms_rotate_session"
FRESH_ID = "hms_fresh_session_id"
UNTOUCHED = "hms_session_untouched"
KEPT = "hms_session_kept"  # the request came with a session that has a row
ENDED = "hms_session_ended"  # the handler deleted the row itself

log = logging.getLogger("hms.api")


class RotatingSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, written only when there is something to keep.

    Signing in and out write the row in the handler (`start_session`, `end_session`),
    where a database that is down gives the 503 of any other request; what is left for
    the moment the response starts is setting the cookie and, now and then, renewing
    a row's expiry.
    """

    def get_session_id(self, connection: ASGIConnection) -> str:
        fresh = connection.scope.get("state", {}).get(FRESH_ID)
        return fresh or super().get_session_id(connection)

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data = await super().load_from_connection(connection)
        connection.scope.setdefault("state", {})[KEPT] = bool(data)
        return data

    async def store_in_message(self, scope_session, message, connection) -> None:
        if connection.scope.get("state", {}).get(UNTOUCHED):
            return
        if scope_session is Empty or not scope_session:
            await self._forget(message, connection)
            return
        try:
            await super().store_in_message(scope_session, message, connection)
        except Exception as error:
            # Only a renewal of an unchanged session can be left to write here (a new one
            # was written by `start_session`): when the store is down, renew it later.
            if not is_unavailable(error):
                raise
            log.warning("session not renewed: the store is unavailable")

    async def _forget(self, message, connection: ASGIConnection) -> None:
        """Nothing to keep: no row, and a cookie the browser sent is expired."""
        session_id = connection.cookies.get(self.config.key)
        if not session_id or session_id == "null":
            return
        state = connection.scope.get("state", {})
        if state.get(KEPT) and not state.get(ENDED):
            await self.config.get_store_from_app(connection.scope["app"]).delete(session_id)
        params = extract_dataclass_items(
            self.config, exclude_none=True, include=Cookie.__dict__.keys()
        )
        expired = Cookie(value="null", key=self.config.key, expires=0, **dict(params))
        MutableScopeHeaders.from_message(message).add("Set-Cookie", expired.to_header(header=""))


class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(secure: bool) -> SessionConfig:
    return SessionConfig(
        key=SESSION_COOKIE,
        max_age=SESSION_SECONDS,
        secure=secure,
        httponly=True,
        samesite="lax",
        store="sessions",
        exclude=[*WITHOUT_SESSION, *NO_SESSION_NEEDED],
    )


def leave_session_untouched(connection: ASGIConnection) -> None:
    """Write nothing to the session store for this response.

    An anonymous report must leave no trace tying it to the reporter: not even a
    session row whose expiry was renewed at the moment the report was made.
    """
    connection.scope.setdefault("state", {})[UNTOUCHED] = True


def start_session(connection: ASGIConnection, user_id: UUID) -> None:
    """Sign `user_id` in (blocking: call from a sync handler).

    A fresh session id, so a planted one is worthless; the row is written here and the
    one the browser came with is deleted, before the response starts.
    """
    store = connection.app.stores.get("sessions")
    state = connection.scope.setdefault("state", {})
    data = {SESSION_USER: str(user_id)}
    fresh = secrets.token_hex(32)
    store.put(fresh, RotatingSessionBackend.serialize_data(data, connection.scope), SESSION_SECONDS)
    old = connection.cookies.get(SESSION_COOKIE)
    if old and old != "null":
        store.remove(old)
    state[FRESH_ID] = fresh
    connection.set_session(data)


def end_session(connection: ASGIConnection) -> None:
    """Sign out (blocking: call from a sync handler): the row is deleted here, so a store
    that is down gives a 503 and the session stays as it was."""
    session_id = connection.cookies.get(SESSION_COOKIE)
    if session_id and session_id != "null":
        connection.app.stores.get("sessions").remove(session_id)
        connection.scope.setdefault("state", {})[ENDED] = True
    connection.clear_session()


class HMSAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    """Sets `request.user` to a Principal, or None when nobody is signed in."""

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        app = connection.app.state.services.app
        header = connection.headers.get("authorization", "")
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
            principal = await anyio.to_thread.run_sync(app.principal_for_token, token)
            if principal is None:
                raise NotAuthorizedException("Ugyldig eller tilbakekalt API-nøkkel.")
            return AuthenticationResult(user=principal, auth="token")
        user_id = _session_user(connection)
        if user_id is None:
            return AuthenticationResult(user=None, auth=None)
        principal = await anyio.to_thread.run_sync(app.principal, user_id)
        if principal is not None:
            _refuse_cookie_csrf(connection)
        return AuthenticationResult(user=principal, auth="session" if principal else None)


def _session_user(connection: ASGIConnection) -> UUID | None:
    try:
        raw = connection.session.get(SESSION_USER)
    except Exception:  # no session middleware on this path, or no session
        return None
    try:
        return UUID(raw) if raw else None
    except ValueError:
        return None


def _refuse_cookie_csrf(connection: ASGIConnection) -> None:
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    if not connection.scope["path"].startswith("/api/"):
        return
    content_type = connection.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        raise PermissionDeniedException(
            "Endringer med innloggingscookie må sendes som application/json."
        )


def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard: somebody must be signed in.

    Not for OPTIONS: Litestar's own handler answers it with the allowed methods and
    reads nothing, and its authentication middleware skips OPTIONS (so a CORS preflight,
    which never carries credentials, is not refused).
    """
    if connection.scope.get("method") == "OPTIONS":
        return
    if connection.user is None:
        raise NotAuthorizedException("Du må logge inn.")
