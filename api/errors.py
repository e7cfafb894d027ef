"""Domain refusals and other errors as JSON `{"status_code", "detail", "extra"}`.

InvalidValue → 400 naming the field, Forbidden → 403, NotFound → 404, Conflict → 409.
Nothing about the request body goes into the log: it may hold personal data.
"""

from __future__ import annotations

import logging
import traceback

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, ValidationException
from litestar.response import Redirect
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from api.validation import body_errors
from hms_core.errors import Conflict, DomainError, Forbidden, InvalidValue, NotFound

log = logging.getLogger("hms.api")


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
    # The stack, but not the message: messages of database errors can quote values.
    stack = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "unhandled %s on %s %s\n%s",
        type(error).__name__,
        request.method,
        request.scope.get("route_handler").handler_name
        if request.scope.get("route_handler")
        else "?",
        stack,
    )
    body = {"status_code": 500, "detail": "Noe gikk galt hos oss.", "extra": {}}
    return Response(content=body, status_code=HTTP_500_INTERNAL_SERVER_ERROR)
