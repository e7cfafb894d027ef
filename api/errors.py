"""Domain refusals and other errors as JSON `{"status_code", "detail", "extra"}`.

InvalidValue → 400 naming the field, Forbidden → 403, NotFound → 404, Conflict → 409.
A database that is down, cut off or locked → 503 with Retry-After (the error page on
pages, the JSON body on the API), from a handler or a middleware alike; `OutageGuard`
catches the one place Litestar's handlers cannot: the session being stored as the
response starts. Nothing about the request body goes into the log: it may hold
personal data.
"""

from __future__ import annotations

import logging
import traceback

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from adapters.outages import is_unavailable
from api.validation import body_errors
from hms_core.errors import Conflict, DomainError, Forbidden, InvalidValue, NotFound

log = logging.getLogger("hms.api")

RETRY_AFTER_SECONDS = 5
UNAVAILABLE_TITLE = "Databasen svarer ikke"
UNAVAILABLE_READ = "Databasen svarer ikke akkurat nå. Prøv igjen om litt."
# A write cut off by an outage may or may not have been stored: never say either.
UNAVAILABLE_WRITE = (
    "Databasen svarer ikke akkurat nå, så vi vet ikke om det du sendte ble lagret. "
    "Sjekk om det er kommet med før du prøver igjen om litt."
)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def status_for(error: DomainError) -> int:
    if isinstance(error, InvalidValue):
        return 400
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Conflict):
        return 409
    return 400


def error_body(error: DomainError) -> dict:
    status = status_for(error)
    if isinstance(error, InvalidValue):
        extra = [{"key": error.field, "message": error.detail, "source": "body"}]
    else:
        extra = {"code": error.code}
    return {"status_code": status, "detail": error.detail, "extra": extra}


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/schema", "/healthz", "/readyz"))


def domain_error_handler(request: Request, error: DomainError) -> Response:
    body = error_body(error)
    if wants_html(request):
        from api.pages.render import error_page

        return error_page(request, body["status_code"], error.detail)
    return Response(content=body, status_code=body["status_code"])


def not_authorized_handler(request: Request, error: NotAuthorizedException) -> Response:
    if wants_html(request):
        return Redirect(f"/login?next={request.url.path}")
    detail = error.detail if error.detail and error.detail != "Unauthorized" else "Du må logge inn."
    return Response(content={"status_code": 401, "detail": detail, "extra": {}}, status_code=401)


def http_error_handler(request: Request, error: HTTPException) -> Response:
    if error.status_code >= 500 and is_unavailable(error):
        return unavailable_response(request, error)
    if wants_html(request) and error.status_code >= 400:
        from api.pages.render import error_page

        return error_page(request, error.status_code, error.detail)
    extra = error.extra if error.extra is not None else {}
    detail = error.detail
    if isinstance(error, ValidationException) and _from_body(extra):
        extra = body_errors(request) or extra
        detail = "Ugyldige verdier: " + ", ".join(e["key"] for e in extra if "key" in e)
    body = {"status_code": error.status_code, "detail": detail, "extra": extra}
    return Response(content=body, status_code=error.status_code, headers=error.headers)


def _from_body(extra: object) -> bool:
    return isinstance(extra, list) and any(
        isinstance(e, dict) and e.get("source") == "body" for e in extra
    )


def unexpected_error_handler(request: Request, error: Exception) -> Response:
    if is_unavailable(error):
        return unavailable_response(request, error)
    # The stack, but not the message: messages of database errors can quote values.
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "unhandled %s on %s %s\n%s",
        type(error).__name__,
        request.method,
        _handler_name(request),
        stack,
    )
    if wants_html(request):
        from api.pages.render import error_page

        return error_page(request, HTTP_500_INTERNAL_SERVER_ERROR, None)
    body = {"status_code": 500, "detail": "Noe gikk galt hos oss.", "extra": {}}
    return Response(content=body, status_code=HTTP_500_INTERNAL_SERVER_ERROR)


def _handler_name(request: Request) -> str:
    handler = request.scope.get("route_handler")
    return handler.handler_name if handler else "?"


def unavailable_response(request: Request, error: BaseException) -> Response:
    """503: the database did not answer in time. Pages get the error page, the API the
    JSON error body; both say when to try again, and a write is not said to be saved."""
    # The error's type only: messages of database errors can quote values.
    log.warning(
        "database unavailable on %s %s: %s",
        request.method,
        _handler_name(request),
        type(error).__name__,
    )
    detail = UNAVAILABLE_READ if request.method in SAFE_METHODS else UNAVAILABLE_WRITE
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if wants_html(request):
        from api.pages.render import page

        response = page(
            request,
            "error.html",
            status_code=503,
            title=UNAVAILABLE_TITLE,
            detail=detail,
            retry=True,
        )
        for name, value in headers.items():
            response.headers[name] = value
        return response
    body = {
        "status_code": 503,
        "detail": detail,
        "extra": {"code": "database_unavailable", "retry_after": RETRY_AFTER_SECONDS},
    }
    return Response(content=body, status_code=HTTP_503_SERVICE_UNAVAILABLE, headers=headers)


class OutageGuard:
    """Outermost middleware: a database outage nothing else answered becomes a 503.

    Litestar's exception handlers cannot answer an exception raised while the response
    starts (the session middleware stores the session then): it counts as "after the
    response started" and reaches the server, which sends a plain-text 500. Nothing has
    reached the client at that point, so the error page or body can still be sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            await send(message)
            if message["type"] == "http.response.start":
                started = True

        try:
            await self.app(scope, receive, watch)
        except Exception as e:
            if started or not is_unavailable(e):
                raise
            request: Request = Request(scope, receive)
            response = unavailable_response(request, e)
            await response.to_asgi_response(app=None, request=request)(scope, receive, send)
