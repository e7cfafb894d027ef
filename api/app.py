"""The Litestar application: JSON API under /api/v1, pages for people, OpenAPI at /schema."""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from api import errors
from api.auth import WITHOUT_SESSION, HMSAuthenticationMiddleware, session_config
from api.bootstrap import Services, build
from api.controllers import api_handlers
from api.dependencies import DEPENDENCIES
from api.limits import GuessLimits, ReceiptGuessing
from api.pages import page_handlers
from api.schema_viewer import LocalRapidoc
from api.security import TrustedProxies, refuse_deeply_nested_json, security_headers
from api.settings import Settings
from api.stores import DatabaseStore
from hms_core.errors import DomainError

HERE = Path(__file__).parent
# Our largest bodies (a risk assessment with its hazards) are a few tens of kilobytes.
MAX_BODY_BYTES = 1024 * 1024


def create_app(
    services: Services, *, run_worker: bool = True, owns_services: bool = True
) -> Litestar:
    """The web application around already-built services."""
    settings = services.settings
    store = DatabaseStore(services.db)
    trusted = TrustedProxies(settings.trusted_proxies)
    guesses = GuessLimits(store.with_namespace("guesses"), settings.secret_key)

    async def start() -> None:
        if run_worker:
            services.start()

    async def stop() -> None:
        if owns_services:
            services.close()

    return Litestar(
        route_handlers=[
            *api_handlers(),
            *page_handlers(),
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        dependencies=DEPENDENCIES,
        state=State({"services": services, "guesses": guesses, "trusted_proxies": trusted}),
        stores={"sessions": store.with_namespace("sessions")},
        middleware=_middleware(settings, guesses, trusted),
        csrf_config=_csrf(settings),
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        openapi_config=_openapi(),
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=refuse_deeply_nested_json,
        before_send=[security_headers(settings)],
        request_max_body_size=MAX_BODY_BYTES,
        on_startup=[start],
        on_shutdown=[stop],
        debug=False,
    )


def _middleware(settings: Settings, guesses: GuessLimits, trusted: TrustedProxies) -> list:
    return [
        errors.OutageGuard,
        ReceiptGuessing(guesses, trusted),
        session_config(settings.secure_cookies).middleware,
        DefineMiddleware(
            HMSAuthenticationMiddleware,
            exclude=["^/static", "^/schema", "^/healthz", "^/readyz", *WITHOUT_SESSION],
        ),
    ]


def _csrf(settings: Settings) -> CSRFConfig:
    """The forms' CSRF tokens (the API's defence is JSON-only changes: api.auth)."""
    return CSRFConfig(
        secret=settings.secret_key,
        exclude=["/api/", "/schema"],
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
    )


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="HMS avvik og risiko",
        version="1.0.0",
        description="Deviations, corrective actions, risk assessments and figures.",
        path="/schema",
        render_plugins=[LocalRapidoc()],
    )


EXCEPTION_HANDLERS: dict = {
    DomainError: errors.domain_error_handler,
    NotAuthorizedException: errors.not_authorized_handler,
    HTTPException: errors.http_error_handler,
    Exception: errors.unexpected_error_handler,
}


def app_from_env() -> Litestar:
    """Factory for `hms serve` (also with several worker processes)."""
    demo = os.environ.get("HMS_DEMO") == "1"
    settings = Settings.from_env(demo=demo)
    services = build(settings, seed_demo=demo)
    return create_app(services, run_worker=os.environ.get("HMS_NO_WORKER") != "1")
