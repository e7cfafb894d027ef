"""OPTIONS on every route is answered by Litestar's own handler: the allowed methods,
never a 500; and CORS stays off (no Access-Control-* headers) unless configured."""

from __future__ import annotations

import re
import uuid

from litestar.routes import HTTPRoute

SAMPLE = {"uuid": str(uuid.uuid4()), "str": "ABCDE", "int": "1", "path": "app.css"}


def _concrete(path: str) -> str:
    return re.sub(r"\{\w+:(\w+)\}", lambda m: SAMPLE[m.group(1)], path)


def _paths(web) -> list[str]:
    paths = sorted({_concrete(r.path) for r in web.routes if isinstance(r, HTTPRoute)})
    assert "/api/v1/deviations" in paths
    assert "/login" in paths
    assert "/" in paths
    return paths


def test_options_on_every_route_is_answered_with_the_allowed_methods(web, client_for):
    preflight = {
        "Origin": "https://elsewhere.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    for client in (client_for(), client_for("leder")):
        for path in _paths(web):
            for headers in ({}, preflight):
                response = client.options(path, headers=headers)
                assert response.status_code in (200, 204), (path, response.text)
                assert "OPTIONS" in response.headers["allow"], path
                assert not any(h.startswith("access-control-") for h in response.headers), path
                assert response.headers["x-frame-options"] == "DENY"


def test_options_reads_and_writes_nothing_about_the_caller(web, client_for, services):
    with services.db.reading() as cur:
        before = cur.execute("SELECT COUNT(*) AS n FROM web_store").fetchone()["n"]
    client = client_for()
    for path in _paths(web):
        response = client.options(path)
        assert not any(
            c.startswith("hms_session=") for c in response.headers.get_list("set-cookie")
        )
    with services.db.reading() as cur:
        assert cur.execute("SELECT COUNT(*) AS n FROM web_store").fetchone()["n"] == before
