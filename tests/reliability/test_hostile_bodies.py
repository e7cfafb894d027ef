"""Bodies built to hurt: absurdly nested JSON gives a 400 naming the body, a huge body a
413, broken bytes a 400 — never a 500, on every route that takes a body."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from litestar.routes import HTTPRoute

from api.security import MAX_JSON_DEPTH, json_depth_exceeds
from tests.helpers import report_body

DEEP = 100_000
HOSTILE = {
    "arrays": b"[" * DEEP + b"]" * DEEP,
    "objects": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "in an unknown field": b'{"x":' + b"[" * DEEP + b"]" * DEEP + b"}",
    "unclosed": b"[" * DEEP,
}
SAMPLE = {"uuid": str(uuid.uuid4()), "str": "ABCDE", "int": "1", "path": "x"}


def _json(client, path: str, body: bytes):
    return client.post(path, content=body, headers={"content-type": "application/json"})


@pytest.mark.parametrize("kind", HOSTILE)
def test_deeply_nested_json_is_a_400_naming_the_body(client_for, kind):
    response = _json(client_for("ansatt"), "/api/v1/deviations", HOSTILE[kind])
    assert response.status_code == 400, response.text
    assert response.json()["extra"][0]["key"] == "body"
    assert "nestet" in response.json()["detail"]


def test_no_route_that_takes_a_body_fails_on_deep_json(web, client_for):
    leder = client_for("leder")
    anonymous = client_for()
    posts = sorted(
        {
            re.sub(r"\{\w+:(\w+)\}", lambda m: SAMPLE[m.group(1)], route.path)
            for route in web.routes
            if isinstance(route, HTTPRoute) and "POST" in route.methods
        }
    )
    assert "/api/v1/auth/login" in posts
    assert "/api/v1/deviations" in posts
    for path in posts:
        for client in (leder, anonymous):
            response = _json(client, path, HOSTILE["arrays"])
            assert response.status_code < 500, (path, response.text)


def test_nesting_inside_strings_is_just_text(client_for):
    ansatt = client_for("ansatt")
    description = '[{"he said \\"[[[" ' + "[" * 300 + "{" * 300 + " \\\\"
    created = ansatt.post(
        "/api/v1/deviations", json=report_body(description=description, title="[[[ ]]] {{{")
    )
    assert created.status_code == 201, created.text
    read = ansatt.get(f"/api/v1/deviations/{created.json()['id']}").json()
    assert read["description"] == description


def test_nesting_as_deep_as_we_allow_is_judged_by_the_schema(client_for):
    body = report_body()
    nested: object = "x"
    for _ in range(MAX_JSON_DEPTH - 1):
        nested = [nested]
    body["title"] = nested
    response = client_for("ansatt").post("/api/v1/deviations", json=body)
    assert response.status_code == 400
    assert any(e["key"] == "title" for e in response.json()["extra"])


def test_a_huge_body_is_a_413(client_for):
    ansatt = client_for("ansatt")
    huge = json.dumps(report_body(description="x" * (2 * 1024 * 1024))).encode()
    response = _json(ansatt, "/api/v1/deviations", huge)
    assert response.status_code == 413
    assert response.json()["status_code"] == 413
    page = client_for().post(
        "/login",
        content=b"username=" + b"x" * (2 * 1024 * 1024),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code in (403, 413)  # no CSRF token; never a 500


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe{", b'{"title": "\x00"', b"nul", b"", b'{"title": "\\ud800"}', b"1e999999"],
    ids=["not utf-8", "unterminated", "bare word", "empty", "lone surrogate", "huge number"],
)
def test_broken_json_is_a_400(client_for, body):
    response = _json(client_for("ansatt"), "/api/v1/deviations", body)
    assert response.status_code == 400, response.text


def test_the_depth_check_is_linear_even_on_pathological_text():
    """A scan that backtracked on unterminated strings would take minutes on these."""
    megabyte = 1024 * 1024
    cases = [
        b'"' + b'\\"' * (megabyte // 2),
        b"[" * 40 + b'"\\' * (megabyte // 2),
        b"[]" * (megabyte // 2),
        b"[" * 33 + b'"' + b"\\" * megabyte + b'"' + b"]" * 33,
    ]
    started = time.monotonic()
    results = [json_depth_exceeds(case) for case in cases]
    assert time.monotonic() - started < 5
    assert results == [False, True, False, True]
    assert json_depth_exceeds(b"[" * 33 + b"]" * 33)
    assert not json_depth_exceeds(b"[" * 32 + b"]" * 32)
    assert not json_depth_exceeds(b'["' + b"[" * 100 + b'"]')
