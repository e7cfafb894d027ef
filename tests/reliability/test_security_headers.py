"""Every response carries the security headers: pages, JSON, every kind of error,
redirects, static files, the router's own 404/405; HSTS only when the site is https.
The API viewer loads nothing from anywhere but this origin."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
import uuid
from pathlib import Path

import msgspec
import pytest
from litestar import get
from litestar.exceptions import ServiceUnavailableException
from litestar.testing import TestClient

from api.app import create_app
from api.limits import PER_USER
from api.pages.render import PAGE_CSP
from api.security import STRICT_CSP
from tests.browser.fixtures import demo_site, shared_chromium
from tests.helpers import report_body

FIXED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
VENDOR = Path(__file__).parents[2] / "api" / "static" / "vendor" / "rapidoc"


@get("/api/v1/test-only/crash", sync_to_thread=False)
def crash() -> None:
    raise RuntimeError("a bug")


@get("/api/v1/test-only/unavailable", sync_to_thread=False)
def unavailable() -> None:
    raise ServiceUnavailableException("Databasen svarer ikke.")


def _responses(web, client_for) -> dict[str, object]:
    """One response of each kind, by name."""
    web.register(crash)
    web.register(unavailable)
    anonymous, ansatt, leder = client_for(), client_for("ansatt"), client_for("leder")
    case = ansatt.post("/api/v1/deviations", json=report_body()).json()
    assert leder.post(f"/api/v1/deviations/{case['id']}/acknowledge", json={}).status_code == 200
    for _ in range(PER_USER.max_failures):
        anonymous.post("/api/v1/auth/login", json={"username": "hms", "password": "x"})
    token = re.search(r'name="_csrf_token" value="([^"]+)"', anonymous.get("/login").text)[1]
    return {
        "page": anonymous.get("/login"),
        "page 303": anonymous.post(
            "/login",
            data={"username": "leder", "password": "demo", "_csrf_token": token},
            follow_redirects=False,
        ),
        "page redirect to login": client_for().get("/", follow_redirects=False),
        "page 400": anonymous.post(
            "/login", data={"username": "leder", "password": "feil", "_csrf_token": token}
        ),
        "page 403": client_for().post("/login", data={"username": "leder", "password": "demo"}),
        "page 404": anonymous.get("/finnes-ikke"),
        "json 200": anonymous.get("/healthz"),
        "json 201": ansatt.post("/api/v1/deviations", json=report_body()),
        "json 400": ansatt.post("/api/v1/deviations", json={"title": 5}),
        "json 401": client_for().get("/api/v1/users/me"),
        "json 403": ansatt.post(
            "/api/v1/deviations", content=b"{}", headers={"content-type": "text/plain"}
        ),
        "json 404": ansatt.get(f"/api/v1/deviations/{uuid.uuid4()}"),
        "json 409": leder.post(f"/api/v1/deviations/{case['id']}/acknowledge", json={}),
        "json 413": ansatt.post(
            "/api/v1/deviations",
            content=b"[" + b" " * (2 * 1024 * 1024) + b"]",
            headers={"content-type": "application/json"},
        ),
        "json 429": anonymous.post(
            "/api/v1/auth/login", json={"username": "hms", "password": "demo"}
        ),
        "json 500": anonymous.get("/api/v1/test-only/crash"),
        "json 503": anonymous.get("/api/v1/test-only/unavailable"),
        "router 404": anonymous.get("/api/v1/finnes-ikke"),
        "router 405": anonymous.delete("/healthz"),
        "options": anonymous.options("/api/v1/deviations"),
        "static": anonymous.get("/static/app.css"),
        "static vendor": anonymous.get("/static/vendor/rapidoc/rapidoc-min.js"),
        "static 404": anonymous.get("/static/finnes-ikke.css"),
        "schema json": anonymous.get("/schema/openapi.json"),
        "schema viewer": anonymous.get("/schema"),
    }


EXPECTED_STATUS = {
    "page": 200,
    "page 303": 303,
    "page redirect to login": 302,
    "page 400": 400,
    "page 403": 403,
    "page 404": 404,
    "json 200": 200,
    "json 201": 201,
    "json 400": 400,
    "json 401": 401,
    "json 403": 403,
    "json 404": 404,
    "json 409": 409,
    "json 413": 413,
    "json 429": 429,
    "json 500": 500,
    "json 503": 503,
    "router 404": 404,
    "router 405": 405,
    "options": 204,
    "static": 200,
    "static vendor": 200,
    "static 404": 404,
    "schema json": 200,
    "schema viewer": 200,
}


def test_every_kind_of_response_carries_the_headers(web, client_for):
    responses = _responses(web, client_for)
    assert {name: r.status_code for name, r in responses.items()} == EXPECTED_STATUS
    for name, response in responses.items():
        for header, value in FIXED.items():
            assert response.headers.get(header) == value, (name, header)
        assert response.headers.get_list("content-security-policy"), name
        assert "strict-transport-security" not in response.headers, name
    html = {
        n for n, r in responses.items() if r.headers.get("content-type", "").startswith("text/html")
    }
    assert {"page", "page 400", "page 403", "page 404", "schema viewer"} <= html
    for name in html - {"schema viewer"}:
        assert responses[name].headers["content-security-policy"] == PAGE_CSP, name
    for name in responses.keys() - html:
        assert responses[name].headers["content-security-policy"] == STRICT_CSP, name


def test_hsts_only_when_the_site_is_https(services):
    https = msgspec.structs.replace(
        services.settings, base_url="https://hms.sandnes.example", secure_cookies=True
    )
    app = create_app(
        dataclasses.replace(services, settings=https), run_worker=False, owns_services=False
    )
    client = TestClient(app, base_url="https://testserver.local")
    for response in (
        client.get("/healthz"),
        client.get("/login"),
        client.get("/", follow_redirects=False),
        client.get("/finnes-ikke"),
        client.delete("/healthz"),
        client.get("/static/app.css"),
    ):
        assert response.headers["strict-transport-security"].startswith("max-age="), response
        assert int(response.headers["strict-transport-security"].split("=")[1]) >= 31536000
        assert response.headers["x-frame-options"] == "DENY"


def test_the_api_viewer_is_served_from_the_project(client_for):
    client = client_for()
    viewer = client.get("/schema")
    csp = viewer.headers["content-security-policy"]
    assert "http" not in csp
    assert "*" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in viewer.text  # no inline script
    references = re.findall(r'(?:src|href)="([^"]*)"', viewer.text)
    assert references
    assert all(ref.startswith(("/", "data:")) and not ref.startswith("//") for ref in references)
    assert 'load-fonts="false"' in viewer.text
    served = client.get("/static/vendor/rapidoc/rapidoc-min.js").content
    assert served == (VENDOR / "rapidoc-min.js").read_bytes()
    readme = (VENDOR / "README.md").read_text()
    assert hashlib.sha256(served).hexdigest() in readme
    assert "MIT" in readme
    assert "9.3.8" in readme


def test_the_vendored_viewer_is_in_the_package_data():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    data = pyproject["tool"]["setuptools"]["package-data"]["api"]
    assert "static/**/*" in data


@pytest.mark.browser
def test_the_api_viewer_asks_nothing_of_other_origins(tmp_path):
    with demo_site(tmp_path) as (base, _):
        context = shared_chromium().new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        requests: list[str] = []
        console: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: console.append(message.text))
        page.goto(f"{base}/schema")
        # RapiDoc renders the operations it read from /schema/openapi.json.
        page.locator("rapi-doc").get_by_text("Report a deviation").first.wait_for()
        context.close()
    assert f"{base}/schema/openapi.json" in requests
    assert [m for m in console if "Content Security Policy" in m] == []
    assert [url for url in requests if not url.startswith(f"{base}/")] == []
