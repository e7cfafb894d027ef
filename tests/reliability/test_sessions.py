"""A session is written only when there is something to keep: a sign-in.

Health probes, bearer-token calls, anonymous pages and failed sign-ins write no row and
set no session cookie (so nobody can grow the table, and reads never wait on a write);
signing in writes one row; signing out deletes it.
"""

from __future__ import annotations

import re

from hms_core.access import system_principal
from tests.helpers import login, report_body


def _rows(services, namespace: str = "%") -> list[tuple]:
    with services.db.reading() as cur:
        rows = cur.execute(
            "SELECT namespace, key, value, expires_at FROM web_store WHERE namespace LIKE ? "
            "ORDER BY namespace, key",
            (namespace,),
        ).fetchall()
    return [tuple(dict(r).values()) for r in rows]


def _sessions(services) -> list[tuple]:
    return _rows(services, "%sessions")


def _session_cookie_set(response) -> bool:
    return any(
        c.startswith("hms_session=") and not c.startswith("hms_session=null")
        for c in response.headers.get_list("set-cookie")
    )


def test_probes_and_anonymous_pages_write_nothing(client_for, services):
    client = client_for()
    before = _rows(services)
    for path in (
        "/healthz",
        "/readyz",
        "/login",
        "/kvittering",
        "/",
        "/static/app.css",
        "/schema",
        "/schema/openapi.json",
        "/api/v1/users/me",
        "/finnes-ikke",
    ):
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500, path
        assert not _session_cookie_set(response), path
    assert "hms_session" not in client.cookies
    assert _rows(services) == before


def test_bearer_token_calls_write_no_session(client_for, services, app):
    token = app.issue_token(system_principal("test"), user_id=app.find_user("hms").id)
    client = client_for()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    assert client.get("/api/v1/deviations", headers=headers).status_code == 200
    created = client.post("/api/v1/deviations", json=report_body(), headers=headers)
    assert created.status_code == 201
    assert not _session_cookie_set(created)
    assert _sessions(services) == []


def test_failed_sign_ins_write_no_session(client_for, services):
    client = client_for()
    wrong = client.post("/api/v1/auth/login", json={"username": "leder", "password": "feil"})
    assert wrong.status_code == 401
    assert not _session_cookie_set(wrong)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    page = client.post(
        "/login", data={"username": "leder", "password": "feil", "_csrf_token": token}
    )
    assert page.status_code == 400
    assert not _session_cookie_set(page)
    assert _sessions(services) == []


def test_one_row_per_sign_in_and_none_after_signing_out(client_for, services):
    client = client_for()
    login(client, "leder")
    assert len(_sessions(services)) == 1
    for _ in range(3):
        assert client.get("/api/v1/users/me").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert len(_sessions(services)) == 1
    out = client.post("/api/v1/auth/logout", json={})
    assert out.status_code == 204
    assert _sessions(services) == []
    assert any(c.startswith("hms_session=null") for c in out.headers.get_list("set-cookie"))
    assert client.get("/api/v1/users/me").status_code == 401
    assert _sessions(services) == []


def test_signing_in_and_out_on_the_pages(client_for, services):
    client = client_for()
    token = re.search(r'name="_csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    signed_in = client.post(
        "/login",
        data={"username": "ansatt", "password": "demo", "_csrf_token": token},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert len(_sessions(services)) == 1
    home = client.get("/")
    assert home.status_code == 200
    token = re.search(r'name="_csrf_token" value="([^"]+)"', home.text).group(1)
    out = client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code == 303
    assert _sessions(services) == []
    assert client.get("/", follow_redirects=False).status_code in (302, 303)


def test_a_second_sign_in_replaces_the_first_session(client_for, services):
    client = client_for()
    login(client, "leder")
    first = client.cookies.get("hms_session")
    login(client, "leder")
    assert client.cookies.get("hms_session") != first
    assert [row[1] for row in _sessions(services)] == [client.cookies.get("hms_session")]


def test_a_stale_cookie_is_expired_without_a_write(client_for, services):
    client = client_for()
    client.cookies.set("hms_session", "no-such-session", domain="testserver.local")
    before = _rows(services)
    response = client.get("/login")
    assert response.status_code == 200
    assert any(c.startswith("hms_session=null") for c in response.headers.get_list("set-cookie"))
    assert _rows(services) == before
