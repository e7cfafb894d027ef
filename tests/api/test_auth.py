"""Signing in: argon2 passwords, sessions every process shares, bearer tokens, CSRF."""

from __future__ import annotations

import re

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.bootstrap import build
from hms_core.access import system_principal
from tests.helpers import login, report_body


def test_login_sets_a_session_and_me_says_who_i_am(client_for):
    client = client_for()
    assert client.get("/api/v1/users/me").status_code == 401
    wrong = client.post("/api/v1/auth/login", json={"username": "leder", "password": "feil"})
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "Feil brukernavn eller passord."
    me = login(client, "leder")
    assert me["username"] == "leder"
    assert set(me["roles"]) == {"employee", "leader"}
    assert client.get("/api/v1/users/me").json()["id"] == me["id"]
    assert client.post("/api/v1/auth/logout", json={}).status_code == 204
    assert client.get("/api/v1/users/me").status_code == 401


def test_passwords_are_stored_as_argon2_hashes(app):
    user = app.find_user("leder")
    assert user.password_hash.startswith("$argon2")
    assert "demo" not in user.password_hash


def test_login_gives_a_fresh_session_id(client_for):
    client = client_for()
    client.cookies.set("hms_session", "planted-by-an-attacker", domain="testserver.local")
    login(client, "ansatt")
    assert client.cookies.get("hms_session") not in (None, "planted-by-an-attacker")


def test_a_session_works_in_every_process_sharing_the_store(client_for, settings):
    first = client_for()
    login(first, "hms")
    cookie = first.cookies.get("hms_session")
    # A second web process: its own application, same database.
    other = build(settings)
    try:
        second = TestClient(create_app(other, run_worker=False, owns_services=False))
        second.cookies.set("hms_session", cookie, domain="testserver.local")
        assert second.get("/api/v1/users/me").json()["username"] == "hms"
    finally:
        other.close()


def test_bearer_tokens_authenticate_programs_and_are_stored_hashed(client_for, app, services):
    user = app.find_user("hms")
    token = app.issue_token(system_principal("cli"), user_id=user.id)
    client = client_for()
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["username"] == "hms"
    # No CSRF concern for bearer clients: no JSON content type needed.
    ok = client.post(
        "/api/v1/deviations",
        content=__import__("json").dumps(report_body()),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert ok.status_code == 201
    bad = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}x"})
    assert bad.status_code == 401
    secret = token.rsplit(".", 1)[1]
    with services.db.reading() as cur:
        rows = cur.execute("SELECT state FROM " + _events_table(services)).fetchall()
    assert all(secret.encode() not in bytes(r["state"]) for r in rows)


def _events_table(services) -> str:
    return "hms_events" if services.db.dialect == "postgres" else "stored_events"


def test_token_api_issues_a_token_for_yourself(client_for):
    client = client_for("leder")
    token = client.post("/api/v1/auth/tokens", json={}).json()["token"]
    assert (
        client_for()
        .get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
        .json()["username"]
        == "leder"
    )


def test_cookie_authenticated_changes_must_be_json(client_for):
    client = client_for("ansatt")
    forged = client.post(
        "/api/v1/deviations",
        content=__import__("json").dumps(report_body()),
        headers={"content-type": "text/plain"},
    )
    assert forged.status_code == 403


def test_html_forms_need_a_csrf_token(client_for):
    client = client_for()
    refused = client.post("/login", data={"username": "leder", "password": "demo"})
    assert refused.status_code == 403
    page = client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    signed_in = client.post(
        "/login",
        data={"username": "leder", "password": "demo", "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert client.get("/api/v1/users/me").json()["username"] == "leder"


def test_pages_send_people_to_the_login_page(client_for):
    response = client_for().get("/", follow_redirects=False)
    assert response.status_code in (302, 303, 307)
    assert response.headers["location"].startswith("/login")


def test_repeated_login_attempts_are_throttled(client_for):
    client = client_for()
    codes = [
        client.post("/api/v1/auth/login", json={"username": "leder", "password": "x"}).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [401] * 10
    assert codes[-1] == 429


@pytest.mark.parametrize("username", ["ansatt", "verneombud"])
def test_only_the_units_leader_or_hms_handles_a_case(client_for, username):
    ansatt = client_for("ansatt")
    case = ansatt.post("/api/v1/deviations", json=report_body()).json()
    other = client_for(username)
    response = other.post(f"/api/v1/deviations/{case['id']}/acknowledge", json={})
    assert response.status_code == 403
    assert (
        client_for("hms").post(f"/api/v1/deviations/{case['id']}/acknowledge", json={}).status_code
        == 200
    )


def test_an_anonymous_report_leaves_the_session_store_untouched(client_for, services):
    client = client_for("ansatt")
    with services.db.reading() as cur:
        before = [tuple(dict(r).items()) for r in cur.execute("SELECT * FROM web_store").fetchall()]
    created = client.post("/api/v1/deviations", json=report_body(anonymous=True))
    assert created.status_code == 201
    with services.db.reading() as cur:
        after = [tuple(dict(r).items()) for r in cur.execute("SELECT * FROM web_store").fetchall()]
    assert after == before
    # The session still works afterwards.
    assert client.get("/api/v1/users/me").json()["username"] == "ansatt"


def test_an_unchanged_session_is_not_rewritten_on_every_request(client_for, services):
    client = client_for("leder")

    def session_rows():
        with services.db.reading() as cur:
            return cur.execute(
                "SELECT key, value, expires_at FROM web_store WHERE namespace LIKE ?",
                ("%sessions",),
            ).fetchall()

    before = [tuple(dict(r).values()) for r in session_rows()]
    for _ in range(3):
        assert client.get("/api/v1/users/me").status_code == 200
    assert [tuple(dict(r).values()) for r in session_rows()] == before
