"""Every HTML form post needs its CSRF token: without it (or with another browser's)
it is refused and nothing happens; with it, it does what the form says. Changes to the
API with a session cookie must be JSON, which no cross-site form can send."""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute

from tests.helpers import LURA, login, report_body


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def _forms(client, code: str) -> dict[str, dict[str, str]]:
    """Each page form's action and the fields a person fills in."""
    return {
        "/avvik/ny": {
            "title": "Glatt ved inngangen",
            "description": "Is på trappa.",
            "occurred_at": "2026-01-05T08:00",
            "unit_id": str(LURA),
            "category": "nestenulykke",
            "severity": "2",
        },
        "/kvittering": {"code": code},
        f"/kvittering/{code}": {"text": "Mer å fortelle."},
        "/login": {"username": "ansatt", "password": "demo"},
        "/logout": {},
    }


def test_the_forms_are_every_page_post_route(web):
    page_posts = {
        route.path
        for route in web.routes
        if isinstance(route, HTTPRoute)
        and "POST" in route.methods
        and not route.path.startswith("/api/")
    }
    assert page_posts == {"/avvik/ny", "/kvittering", "/kvittering/{code:str}", "/login", "/logout"}


def test_every_form_post_without_its_token_is_refused(client_for, services):
    ansatt = client_for("ansatt")
    code = ansatt.post("/api/v1/deviations", json=report_body(anonymous=True)).json()[
        "receipt_code"
    ]
    services.runner.catch_up()
    with services.db.reading() as cur:
        before = cur.execute("SELECT COUNT(*) AS n FROM rm_deviations").fetchone()["n"]
    other = client_for()
    other.get("/login")
    foreign = other.cookies.get("csrftoken")
    for action, fields in _forms(ansatt, code).items():
        missing = ansatt.post(action, data=fields, follow_redirects=False)
        assert missing.status_code == 403, action
        forged = ansatt.post(
            action, data={**fields, "_csrf_token": "0" * 64}, follow_redirects=False
        )
        assert forged.status_code == 403, action
        # A token that is valid, but another browser's.
        stolen = _token(other.get("/login").text)
        assert foreign
        theirs = ansatt.post(action, data={**fields, "_csrf_token": stolen}, follow_redirects=False)
        assert theirs.status_code == 403, action
    services.runner.catch_up()
    with services.db.reading() as cur:
        after = cur.execute("SELECT COUNT(*) AS n FROM rm_deviations").fetchone()["n"]
    assert after == before  # no report made
    assert "Mer å fortelle." not in client_for().get(f"/kvittering/{code}").text
    assert ansatt.get("/api/v1/users/me").status_code == 200  # /logout did not sign out


def test_every_form_post_with_its_token_is_accepted(client_for):
    ansatt = client_for("ansatt")
    code = ansatt.post("/api/v1/deviations", json=report_body(anonymous=True)).json()[
        "receipt_code"
    ]
    expected = {
        "/avvik/ny": 201,
        "/kvittering": 303,
        f"/kvittering/{code}": 303,
        "/login": 303,
        "/logout": 303,
    }
    for action, fields in _forms(ansatt, code).items():
        form_page = "/kvittering" if action.startswith("/kvittering") else "/avvik/ny"
        token = _token(ansatt.get("/login" if action == "/login" else form_page).text)
        response = ansatt.post(
            action, data={**fields, "_csrf_token": token}, follow_redirects=False
        )
        assert response.status_code == expected[action], (action, response.text[:300])
    assert ansatt.get("/api/v1/users/me").status_code == 401  # signed out by the last form
    assert "Mer å fortelle." in client_for().get(f"/kvittering/{code}").text


def test_a_cross_site_form_cannot_change_anything_through_the_api(client_for):
    ansatt = client_for()
    login(ansatt, "ansatt")
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain"):
        response = ansatt.post(
            "/api/v1/deviations",
            content=b'{"title": "x"}',
            headers={"content-type": content_type},
        )
        assert response.status_code == 403, content_type
    assert ansatt.post("/api/v1/auth/logout", data={"x": "1"}).status_code == 403
    assert ansatt.get("/api/v1/users/me").status_code == 200
