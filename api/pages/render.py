"""Rendering pages: templates with the signed-in person, the menu, CSRF and a strict CSP."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any
from uuid import UUID

from litestar import Request, Response
from litestar.response import Template
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

from api.auth import SESSION_COOKIE, SESSION_USER, WITHOUT_SESSION, RotatingSessionBackend
from api.presenters.common import menu
from hms_core.access import Principal

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

ERROR_TITLES = {
    400: "Noe var feil i skjemaet",
    401: "Du må logge inn",
    403: "Du har ikke tilgang",
    404: "Fant ikke siden",
    405: "Siden kan ikke brukes slik",
    409: "Handlingen passer ikke nå",
    413: "Det du sendte er for stort",
    429: "For mange forsøk",
    500: "Noe gikk galt",
}
# What the page says when the error itself says nothing a person can use (Litestar's
# own English details, a page that does not exist, a fault of ours).
ERROR_TEXTS = {
    400: "Noe i det du sendte kunne ikke leses. Gå tilbake og prøv igjen.",
    403: "Du har ikke tilgang til denne siden eller handlingen.",
    404: "Siden finnes ikke, eller du har ikke tilgang til det som står der. "
    "Sjekk adressen, eller gå tilbake til forsiden.",
    405: "Adressen finnes, men ikke for det du prøvde.",
    500: "Noe gikk galt hos oss. Det er ikke din feil. Prøv igjen om litt; skjer det igjen, "
    "gi beskjed til driftsansvarlig.",
}
_REASONS = {status.phrase for status in HTTPStatus}
_LITESTAR_DETAILS = ("Validation failed", "CSRF", "Missing required", "Request body")
_NO_SESSION_PATHS = [re.compile(p) for p in WITHOUT_SESSION]
log = logging.getLogger("hms.api")


def page(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    user = context.pop("user", None) or request.scope.get("user")
    path = request.url.path
    return Template(
        template_name=template,
        context={"user": user, "path": path, "menu": menu(user, path), **context},
        status_code=status_code,
        headers={"Content-Security-Policy": PAGE_CSP, **(headers or {})},
    )


def error_page(request: Request, status_code: int, detail: str | None) -> Response:
    """The error in Norwegian, in the frame of every page (the menu and «Logg ut» for
    whoever is signed in, also where no handler ran: a path that does not exist)."""
    return page(
        request,
        "error.html",
        status_code=status_code,
        user=signed_in_person(request),
        title=ERROR_TITLES.get(status_code, "Feil"),
        detail=_in_words(status_code, detail),
    )


def _in_words(status_code: int, detail: str | None) -> str | None:
    """Our own (Norwegian) messages as they are; Litestar's English ones replaced."""
    if status_code >= 500:
        return ERROR_TEXTS[500]
    if not detail or detail in _REASONS or detail.startswith(_LITESTAR_DETAILS):
        return ERROR_TEXTS.get(status_code, detail)
    return detail


def signed_in_person(request: Request) -> Principal | None:
    """Who is signed in: the authentication middleware's answer where it ran; where no
    route matched (and so no middleware ran), the session read without writing anything.
    Never on the anonymous reporter's paths, and never an error of its own."""
    user = request.scope.get("user")
    if user is not None or "user" in request.scope:
        return user
    path = request.scope.get("path", "")
    if any(p.search(path) for p in _NO_SESSION_PATHS):
        return None
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id or session_id == "null":
        return None
    try:
        raw = request.app.stores.get("sessions").peek(session_id)
        data = RotatingSessionBackend.deserialize_data(raw) if raw else {}
        user_id = data.get(SESSION_USER)
        who = request.app.state.services.app.principal(UUID(user_id)) if user_id else None
        _keep_csrf_token(request)
        return who
    except Exception as error:  # the error page must come, menu or not
        log.warning("no menu on the error page: %s", type(error).__name__)
        return None


def _keep_csrf_token(request: Request) -> None:
    """Where the CSRF middleware did not run, the form token is the browser's own cookie
    (what the middleware would have given), so «Logg ut» on the error page works."""
    state = ScopeState.from_scope(request.scope)
    config = request.app.csrf_config
    cookie = request.cookies.get(config.cookie_name) if config else None
    if cookie and state.csrf_token is Empty:
        state.csrf_token = cookie
