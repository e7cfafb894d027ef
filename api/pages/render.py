"""Rendering pages: templates with the signed-in person, CSRF and a strict CSP."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.response import Template

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

ERROR_TITLES = {
    400: "Noe var feil i skjemaet",
    401: "Du må logge inn",
    403: "Du har ikke tilgang",
    404: "Fant ikke siden",
    409: "Handlingen passer ikke nå",
    429: "For mange forsøk",
    500: "Noe gikk galt",
}


def page(
    request: Request,
    template: str,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    user = request.scope.get("user")
    return Template(
        template_name=template,
        context={"user": user, "path": request.url.path, **context},
        status_code=status_code,
        headers={"Content-Security-Policy": PAGE_CSP, **(headers or {})},
    )


def error_page(request: Request, status_code: int, detail: str | None) -> Response:
    return page(
        request,
        "error.html",
        status_code=status_code,
        title=ERROR_TITLES.get(status_code, "Feil"),
        detail=detail,
    )
