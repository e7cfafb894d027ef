"""Who is asking: a session cookie (people) or a bearer token (programs).

Sessions live in the shared database store (api.stores), are rotated at login so a
planted session id is worthless, and hold only the user id. Cookie-authenticated
API calls that change things must be JSON: a cross-site HTML form cannot send that,
which is the API's CSRF defence (the HTML forms use Litestar's CSRF tokens).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import anyio
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)

from hms_core.access import Principal

SESSION_USER = "uid"
# The anonymous reporter's paths: no session is read or renewed there, and nobody is
# signed in, so following a case by its receipt leaves no trace tied to a person.
WITHOUT_SESSION = ["^/api/v1/receipts", "^/kvittering"]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
ROTATE = "hms_rotate_session"
UNTOUCHED = "hms_session_untouched"


class RotatingSessionBackend(ServerSideSessionBackend):
    """Gives a fresh session id when the handler asked for one (at login)."""

    def get_session_id(self, connection: ASGIConnection) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE):
            fresh = state.get("hms_fresh_session_id")
            if fresh is None:
                fresh = state["hms_fresh_session_id"] = self.generate_session_id()
            return fresh
        return super().get_session_id(connection)

    async def store_in_message(self, scope_session, message, connection) -> None:
        state = connection.scope.get("state", {})
        if state.get(UNTOUCHED):
            return
        if state.get(ROTATE) and state.get("hms_old_session_id"):
            store = self.config.get_store_from_app(connection.scope["app"])
            await store.delete(state["hms_old_session_id"])
        await super().store_in_message(scope_session, message, connection)


class SessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def session_config(secure: bool) -> SessionConfig:
    return SessionConfig(
        key="hms_session",
        max_age=8 * 3600,
        secure=secure,
        httponly=True,
        samesite="lax",
        store="sessions",
        exclude=WITHOUT_SESSION,
    )


def leave_session_untouched(connection: ASGIConnection) -> None:
    """Write nothing to the session store for this response.

    An anonymous report must leave no trace tying it to the reporter: not even a
    session row whose expiry was renewed at the moment the report was made.
    """
    connection.scope.setdefault("state", {})[UNTOUCHED] = True


def rotate_session(connection: ASGIConnection) -> None:
    """Ask for a new session id on this response (call before setting the session)."""
    state = connection.scope.setdefault("state", {})
    state["hms_old_session_id"] = connection.cookies.get("hms_session")
    state[ROTATE] = True


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
    """Guard: somebody must be signed in."""
    if connection.user is None:
        raise NotAuthorizedException("Du må logge inn.")


def principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    user = connection.user
    if user is None:
        raise NotAuthorizedException("Du må logge inn.")
    return user
