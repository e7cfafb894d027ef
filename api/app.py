"""The Litestar application: JSON API under /api/v1, pages for people, OpenAPI at /schema."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from api import errors
from api.auth import WITHOUT_SESSION, HMSAuthenticationMiddleware, session_config
from api.bootstrap import Services, build
from api.controllers import api_handlers
from api.pages import page_handlers
from api.settings import Settings
from api.stores import DatabaseStore
from hms_core.errors import DomainError

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Receipt codes travel in URLs: never let them leave in a Referer header.
    "Referrer-Policy": "no-referrer",
}


def _client_key(secret: str):
    """Rate limits count per client without keeping its address: a keyed digest of it."""

    def identifier(request: Request) -> str:
        address = get_remote_address(request)
        return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]

    return identifier


def _rate_limits(settings: Settings) -> list[DefineMiddleware]:
    identify = _client_key(settings.secret_key)

    def on(prefixes: tuple[str, ...]):
        return lambda request: request.url.path.startswith(prefixes)

    receipts = RateLimitConfig(
        rate_limit=("minute", 20),
        identifier_for_request=identify,
        check_throttle_handler=on(("/api/v1/receipts", "/kvittering")),
        store="rate_limit_receipts",
    )
    logins = RateLimitConfig(
        rate_limit=("minute", 10),
        identifier_for_request=identify,
        check_throttle_handler=lambda r: (
            r.method == "POST" and r.url.path in ("/api/v1/auth/login", "/login")
        ),
        store="rate_limit_login",
    )
    return [receipts.middleware, logins.middleware]


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def _provide_services(state: State) -> Services:
    return state.services


def create_app(
    services: Services, *, run_worker: bool = True, owns_services: bool = True
) -> Litestar:
    """The web application around already-built services."""
    settings = services.settings
    store = DatabaseStore(services.db)

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
        dependencies={"svc": Provide(_provide_services, sync_to_thread=False)},
        state=State({"services": services}),
        stores={
            "sessions": store.with_namespace("sessions"),
            "rate_limit_receipts": store.with_namespace("rl_receipts"),
            "rate_limit_login": store.with_namespace("rl_login"),
        },
        middleware=[
            *_rate_limits(settings),
            session_config(settings.secure_cookies).middleware,
            DefineMiddleware(
                HMSAuthenticationMiddleware,
                exclude=["^/static", "^/schema", "^/healthz", "^/readyz", *WITHOUT_SESSION],
            ),
        ],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            exclude=["/api/", "/schema"],
            cookie_secure=settings.secure_cookies,
            cookie_samesite="lax",
        ),
        template_config=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine),
        openapi_config=OpenAPIConfig(
            title="HMS avvik og risiko",
            version="1.0.0",
            description="Deviations, corrective actions, risk assessments and figures.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin()],
        ),
        exception_handlers={
            DomainError: errors.domain_error_handler,
            NotAuthorizedException: errors.not_authorized_handler,
            HTTPException: errors.http_error_handler,
            Exception: errors.unexpected_error_handler,
        },
        after_request=_security_headers,
        on_startup=[start],
        on_shutdown=[stop],
        debug=False,
    )


def app_from_env() -> Litestar:
    """Factory for `hms serve` (also with several worker processes)."""
    demo = os.environ.get("HMS_DEMO") == "1"
    settings = Settings.from_env(demo=demo)
    services = build(settings, seed_demo=demo)
    return create_app(services, run_worker=os.environ.get("HMS_NO_WORKER") != "1")
