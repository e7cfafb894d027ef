"""Anonymous reporting is real: nothing stored or logged ties the report to its reporter.

The search: every table of the database (the event store's `stored_events` or
`hms_events`, every read model `rm_*`, `web_store` with sessions and rate limits,
`projection_tracking`, and whatever else is there), row by row, before and after the
report; every row the report added or changed, and every log record and every byte
written to stderr while it was made, must hold none of the reporter's identifiers:
their user id (hex and dashed), username, name, e-mail, the client address they
reported from and their session id. Nor the receipt code, in any spelling. The
reporter's named activity (their session row, written at login) exists, of course:
the report must leave it unchanged.
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

import pytest

from hms_core.directory.user import user_id_for
from hms_core.infra.passwords import normalise_receipt_code
from tests.api.test_receipts import client_at
from tests.helpers import LURA, login, report_body

ADDRESS = "203.0.113.77"
USER = user_id_for("ansatt")


def identifiers(session_id: str) -> dict[str, bytes]:
    return {
        "user id": str(USER).encode(),
        "user id (hex)": USER.hex.encode(),
        "username": b"ansatt",
        "name": b"Ada Ansatt",
        "e-mail": b"ansatt@sandnes.example",
        "client address": ADDRESS.encode(),
        "session id": session_id.encode(),
    }


def code_spellings(code: str) -> dict[str, bytes]:
    plain = normalise_receipt_code(code).replace("-", "")
    return {
        "receipt code": code.encode(),
        "receipt code (plain)": plain.encode(),
        "receipt code (lower)": plain.lower().encode(),
    }


def _tables(cur, dialect: str) -> list[str]:
    if dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    else:
        sql = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
    return [r["name"] for r in cur.execute(sql).fetchall()]


def _cell(value: Any) -> bytes:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


def snapshot(db) -> dict[str, set[tuple[bytes, ...]]]:
    """Every row of every table, as bytes."""
    with db.reading() as cur:
        return {
            table: {
                tuple(_cell(v) for v in dict(row).values())
                for row in cur.execute(f'SELECT * FROM "{table}"').fetchall()
            }
            for table in _tables(cur, db.dialect)
        }


def new_rows(before: dict, after: dict) -> dict[str, set[tuple[bytes, ...]]]:
    return {
        t: rows - before.get(t, set()) for t, rows in after.items() if rows - before.get(t, set())
    }


def found_in(rows: dict[str, set[tuple[bytes, ...]]], needles: dict[str, bytes]) -> list[str]:
    return [
        f"{name} in {table}"
        for table, table_rows in rows.items()
        for row in table_rows
        for name, needle in needles.items()
        if any(needle.lower() in cell.lower() for cell in row)
    ]


@pytest.fixture
def reporter(web):
    """`ansatt`, signed in from an address of their own."""
    client = client_at(web, ADDRESS)
    login(client, "ansatt")
    return client


def prepare_report(client, how: str):
    """The report, ready to send: through the API, or the form (its page fetched first)."""
    body = report_body(title="Trusler i gangen")
    if how == "api":

        def send_json() -> dict[str, str]:
            response = client.post("/api/v1/deviations", json=body | {"anonymous": True})
            assert response.status_code == 201, response.text
            return response.json()

        return send_json
    page = client.get("/avvik/ny")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    form = {k: str(v) for k, v in body.items()} | {"_csrf_token": token, "anonymous": "1"}
    form["occurred_at"] = body["occurred_at"][:16]

    def send_form() -> dict[str, str]:
        response = client.post("/avvik/ny", data=form)
        assert [r.status_code for r in response.history] == [303], response.text
        assert response.status_code == 200, response.text  # the thank-you page
        reference = re.search(r'id="reference">([^<]+)<', response.text).group(1)
        code = re.search(r'id="receipt-code">([^<]+)<', response.text).group(1)
        return {"reference": reference, "receipt_code": code}

    return send_form


@pytest.mark.parametrize("how", ["api", "form"])
def test_an_anonymous_report_stores_and_logs_nothing_of_the_reporter(
    how, reporter, services, caplog, capfd
):
    session_id = reporter.cookies.get("hms_session")
    assert session_id
    send = prepare_report(reporter, how)
    before = snapshot(services.db)
    capfd.readouterr()
    caplog.clear()
    with contextlib.ExitStack() as every_logger_at_debug:
        for name in ["", *list(logging.Logger.manager.loggerDict)]:
            every_logger_at_debug.enter_context(caplog.at_level(logging.DEBUG, logger=name))
        made = send()
        services.runner.catch_up()
    logged = [f"{r.name} {r.levelname} {r.getMessage()}".encode() for r in caplog.records] + [
        capfd.readouterr().err.encode()
    ]
    after = snapshot(services.db)

    added = new_rows(before, after)
    assert any(made["reference"].encode() in c for rows in added.values() for r in rows for c in r)
    assert added.keys() >= {"rm_deviations", "rm_audit"}
    # The session row (named activity, from the login) was not touched by the report.
    assert "web_store" not in added
    assert after["web_store"] == before["web_store"]

    needles = identifiers(session_id) | code_spellings(made["receipt_code"])
    assert found_in(added, needles) == []
    assert [
        n for n, needle in needles.items() if any(needle.lower() in line.lower() for line in logged)
    ] == []


def test_the_anonymous_report_is_by_anonymous_in_the_history_and_the_audit_trail(
    reporter, client_for
):
    made = reporter.post("/api/v1/deviations", json=report_body(anonymous=True)).json()
    leder, hms = client_for("leder"), client_for("hms")
    case = leder.get(f"/api/v1/deviations/{made['id']}").json()
    assert (case["anonymous"], case["reporter_id"]) == (True, None)
    assert (case["history"][0]["actor"], case["history"][0]["actor_name"]) == (
        "anonymous",
        "Anonym",
    )
    trail = hms.get("/api/v1/audit/events", params={"aggregate_id": made["id"]}).json()["items"]
    kinds = {item["aggregate_kind"]: item["actor"] for item in trail}
    assert kinds == {"Deviation": "anonymous", "Receipt": "anonymous", "References": "system"}
    # The reporter does not find it among their own, signed in or not.
    assert reporter.get(f"/api/v1/deviations/{made['id']}").status_code == 404
    assert made["id"] not in {d["id"] for d in reporter.get("/api/v1/deviations").json()["items"]}
    exported = leder.get("/api/v1/deviations/export").text
    line = next(x for x in exported.splitlines() if x.startswith(made["reference"]))
    assert ";ja;;" in line  # Anonym: ja, Melder: empty


def test_the_receipt_shows_what_is_meant_for_the_reporter_and_takes_more(reporter, client_for, web):
    made = reporter.post("/api/v1/deviations", json=report_body(anonymous=True)).json()
    code, url = made["receipt_code"], f"/api/v1/deviations/{made['id']}"
    leder = client_for("leder")
    stranger = client_at(web, "198.51.100.1")  # signed out, another machine
    steps = [
        ("acknowledge", {}),
        ("comments", {"text": "Intern: sjekk vaktlista."}),
        ("comments", {"text": "Vi ser på saken.", "visible_to_reporter": True}),
        ("feedback", {"text": "Takk for at du meldte."}),
    ]
    for step, body in steps:
        assert leder.post(f"{url}/{step}", json=body).status_code in (200, 201)

    added = stranger.post(f"/api/v1/receipts/{code}/information", json={"text": "Kl. 15."})
    assert added.status_code == 201, added.text
    page = stranger.get(f"/kvittering/{code}")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    posted = stranger.post(
        f"/kvittering/{code}",
        data={"_csrf_token": token, "text": "Det var to personer."},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    classify = {"category": "nestenulykke", "severity": 2, "recurrence_probability": 2}
    assert leder.post(f"{url}/classify", json=classify | {"causes": ["human"]}).status_code == 200
    closed = leder.post(
        f"{url}/close",
        json={"conclusion": "Rutine", "no_action_reason": "Rutine", "feedback": "Ny rutine."},
    )
    assert closed.status_code == 200

    view = stranger.get(f"/api/v1/receipts/{code}").json()
    assert (view["reference"], view["status"]) == (made["reference"], "closed")
    assert view["closed_at"]
    assert [(m["from"], m["text"]) for m in view["messages"]] == [
        ("handler", "Vi ser på saken."),
        ("handler", "Takk for at du meldte."),
        ("reporter", "Kl. 15."),
        ("reporter", "Det var to personer."),
        ("handler", "Ny rutine."),
    ]
    page = stranger.get(f"/kvittering/{code.lower().replace('-', '')}").text
    for text in ("Vi ser på saken.", "Takk for at du meldte.", "Det var to personer.", "Lukket"):
        assert text in page
    assert "Intern" not in page
    assert "Intern" not in str(view)
    history = leder.get(url).json()["history"]
    assert [h["actor"] for h in history if h["type"] == "InformationAdded"] == ["anonymous"] * 2


def test_following_the_receipt_while_signed_in_touches_no_session(reporter, services):
    made = reporter.post("/api/v1/deviations", json=report_body(anonymous=True)).json()

    def sessions() -> list:
        with services.db.reading() as cur:
            rows = cur.execute(
                "SELECT key, value, expires_at FROM web_store WHERE namespace LIKE '%sessions'"
            ).fetchall()
        return sorted(tuple(_cell(v) for v in dict(r).values()) for r in rows)

    before = sessions()
    for response in (
        reporter.get(f"/api/v1/receipts/{made['receipt_code']}"),
        reporter.get(f"/kvittering/{made['receipt_code']}"),
    ):
        assert response.status_code == 200
        assert "hms_session" not in response.headers.get("set-cookie", "")
        assert "Ada Ansatt" not in response.text  # nobody is signed in there
    assert sessions() == before
    assert reporter.get("/api/v1/users/me").json()["username"] == "ansatt"


def test_a_named_reporter_sees_their_case_but_not_the_internal_notes(client_for):
    ansatt, leder, vo = client_for("ansatt"), client_for("leder"), client_for("verneombud")
    case = ansatt.post("/api/v1/deviations", json=report_body(unit_id=str(LURA))).json()
    url = f"/api/v1/deviations/{case['id']}"
    leder.post(f"{url}/comments", json={"text": "Intern: snakk med vakta."})
    leder.post(f"{url}/comments", json={"text": "Vi følger opp.", "visible_to_reporter": True})
    ansatt.post(f"{url}/comments", json={"text": "Jeg glemte å si at det var mørkt."})

    def notes(client) -> list[str]:
        history = client.get(url).json()["history"]
        return [h["data"]["text"] for h in history if h["type"] == "Commented"]

    assert notes(ansatt) == ["Vi følger opp.", "Jeg glemte å si at det var mørkt."]
    everything = ["Intern: snakk med vakta.", "Vi følger opp.", "Jeg glemte å si at det var mørkt."]
    assert notes(leder) == everything
    assert notes(vo) == everything  # a near miss in the area: the verneombud follows it
