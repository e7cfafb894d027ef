"""Every HTML form post needs its CSRF token: without it (or with another browser's)
it is refused and nothing happens; with it, it does what the form says. Changes to the
API with a session cookie must be JSON, which no cross-site form can send."""

from __future__ import annotations

import re
from uuid import UUID

from litestar.routes import HTTPRoute

from hms_core.directory.user import user_id_for
from tests.helpers import LURA, action_body, login, report_body


def _token(html: str) -> str:
    return re.search(r'name="_csrf_token" value="([^"]+)"', html).group(1)


def _forms(client, code: str, case: dict, action: dict) -> dict[str, dict[str, str]]:
    """Each page form's action and the fields a person fills in (the employee's own case
    and an action they own: the case page's and the action page's forms share a route)."""
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
        f"/avvik/{case['id']}/comment": {
            "text": "Og en ting til.",
            "expected_version": str(case["version"]),
        },
        f"/tiltak/{action['id']}/comments": {
            "text": "Jeg har bestilt strøsand.",
            "expected_version": str(action["version"]),
        },
        "/login": {"username": "ansatt", "password": "demo"},
        "/profil": {
            "current_password": "demo",
            "new_password": "et nytt passord",
            "new_password_again": "et nytt passord",
        },
        "/logout": {},
    }


def _own_case_and_action(client_for, services) -> tuple[dict, dict]:
    """A case the employee reported, and an action on it they own (made by their leader)."""
    case = client_for("ansatt").post("/api/v1/deviations", json=report_body()).json()
    action = client_for("leder").post(
        "/api/v1/actions",
        json=action_body(user_id_for("ansatt"), deviation_id=case["id"]),
    )
    assert action.status_code == 201, action.text
    case = client_for("ansatt").get(f"/api/v1/deviations/{case['id']}").json()  # as it is now
    return case, action.json()


def test_the_forms_are_every_page_post_route(web):
    page_posts = {
        route.path
        for route in web.routes
        if isinstance(route, HTTPRoute)
        and "POST" in route.methods
        and not route.path.startswith("/api/")
    }
    assert page_posts == {
        "/avvik/ny",
        "/avvik/{deviation_id:uuid}/{command:str}",
        "/kvittering",
        "/kvittering/{code:str}",
        "/login",
        "/logout",
        "/profil",
        "/tiltak/{action_id:uuid}/{command:str}",
    }


def test_every_form_post_without_its_token_is_refused(client_for, services):
    ansatt = client_for("ansatt")
    code = ansatt.post("/api/v1/deviations", json=report_body(anonymous=True)).json()[
        "receipt_code"
    ]
    case, action = _own_case_and_action(client_for, services)
    services.runner.catch_up()
    with services.db.reading() as cur:
        before = cur.execute("SELECT COUNT(*) AS n FROM rm_deviations").fetchone()["n"]
    other = client_for()
    other.get("/login")
    foreign = other.cookies.get("csrftoken")
    for target, fields in _forms(ansatt, code, case, action).items():
        missing = ansatt.post(target, data=fields, follow_redirects=False)
        assert missing.status_code == 403, target
        forged = ansatt.post(
            target, data={**fields, "_csrf_token": "0" * 64}, follow_redirects=False
        )
        assert forged.status_code == 403, target
        # A token that is valid, but another browser's.
        stolen = _token(other.get("/login").text)
        assert foreign
        theirs = ansatt.post(target, data={**fields, "_csrf_token": stolen}, follow_redirects=False)
        assert theirs.status_code == 403, target
    services.runner.catch_up()
    with services.db.reading() as cur:
        after = cur.execute("SELECT COUNT(*) AS n FROM rm_deviations").fetchone()["n"]
    assert after == before  # no report made
    assert "Mer å fortelle." not in client_for().get(f"/kvittering/{code}").text
    assert ansatt.get("/api/v1/users/me").status_code == 200  # /logout did not sign out
    assert len(services.app.history(UUID(case["id"]))) == case["version"]  # not commented
    assert len(services.app.history(UUID(action["id"]))) == action["version"]  # nor the action
    assert services.app.authenticate("ansatt", "demo") is not None  # the password is as it was


def test_every_form_post_with_its_token_is_accepted(client_for, services):
    ansatt = client_for("ansatt")
    code = ansatt.post("/api/v1/deviations", json=report_body(anonymous=True)).json()[
        "receipt_code"
    ]
    case, action = _own_case_and_action(client_for, services)
    for target, fields in _forms(ansatt, code, case, action).items():
        form_page = {
            "/kvittering": "/kvittering",
            "/login": "/login",
            "/avvik/": f"/avvik/{case['id']}",
            "/tiltak": f"/tiltak/{action['id']}",
            "/profil": "/profil",
        }
        page = next(
            (p for prefix, p in form_page.items() if target.startswith(prefix)), "/avvik/ny"
        )
        token = _token(ansatt.get(page).text)
        response = ansatt.post(
            target, data={**fields, "_csrf_token": token}, follow_redirects=False
        )
        # Every form does what it says, then sends the browser on (post/redirect/get).
        assert response.status_code == 303, (target, response.text[:300])
    assert ansatt.get("/api/v1/users/me").status_code == 401  # signed out by the last form
    assert "Mer å fortelle." in client_for().get(f"/kvittering/{code}").text
    assert len(services.app.history(UUID(case["id"]))) == case["version"] + 1  # commented
    assert len(services.app.history(UUID(action["id"]))) == action["version"] + 1
    assert services.app.authenticate("ansatt", "et nytt passord") is not None


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
