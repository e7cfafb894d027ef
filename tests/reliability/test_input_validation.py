"""The probe's reproductions of hostile and clumsy input, through the API and the report
page, on both stores: each is refused with a 400 naming the field or parameter, nothing
is written, and every read model goes on folding.

Before: a report dated 0001-01-01T00:30+14:00 or in year 999 was stored and stopped the
deviation list for good; dates, offsets and cursors at the ends of their types gave 500s;
NUL in a title stopped read models on PostgreSQL; control characters and line breaks
were taken anywhere; the risk matrix failed its own response schema.
"""

from __future__ import annotations

import re
from datetime import timedelta

from hms_core import clock
from tests.helpers import LURA, action_body, as_user, report_body

HUGE = "99999999999999999999999"


def keys(response) -> list[str]:
    return [e["key"] for e in response.json()["extra"]]


def assert_refused(response, key: str) -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status_code"] == 400
    assert key in keys(response), body
    assert all({"key", "message", "source"} <= set(e) for e in body["extra"]), body


def assert_folds(services) -> None:
    services.runner.catch_up()
    assert services.runner.errors == {}


# --- times of occurrence -------------------------------------------------------------


def test_a_report_outside_the_times_that_make_sense_is_refused(client_for, services):
    ansatt = client_for("ansatt")
    before = services.app.max_position()
    for occurred_at in (
        "0001-01-01T00:30:00+14:00",  # UTC is before year 1: ts() overflowed
        "0999-06-01T12:00:00+01:00",  # stored as "999-…": unreadable, sorted after 2020
        "1899-12-31T23:59:59+01:00",
        "9999-12-31T23:59:59-12:00",
    ):
        response = ansatt.post("/api/v1/deviations", json=report_body(occurred_at=occurred_at))
        assert_refused(response, "occurred_at")
    assert services.app.max_position() == before
    assert ansatt.get("/api/v1/deviations").status_code == 200
    assert_folds(services)


def test_a_report_at_the_earliest_moment_is_stored_and_listed_in_order(client_for, services):
    ansatt = client_for("ansatt")
    early = ansatt.post(
        "/api/v1/deviations", json=report_body(occurred_at="1900-01-01T00:00:00+01:00")
    )
    assert early.status_code == 201, early.text
    later = ansatt.post("/api/v1/deviations", json=report_body(title="Senere"))
    assert later.status_code == 201, later.text
    listed = ansatt.get("/api/v1/deviations").json()["items"]
    assert [i["id"] for i in listed[:2]] == [later.json()["id"], early.json()["id"]]
    assert listed[1]["occurred_at"].startswith("1900-01-01T00:00:00")
    assert_folds(services)


def test_the_report_page_shows_an_impossible_date_beside_the_field(client_for, services):
    client = client_for("ansatt")
    page = client.get("/avvik/ny")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    form = {k: str(v) for k, v in report_body().items()} | {"_csrf_token": token}
    form["occurred_at"] = "0001-01-01T00:10"
    before = services.app.max_position()
    response = client.post("/avvik/ny", data=form)
    assert response.status_code == 400
    error = re.search(r'<p class="error" id="occurred_at-error">([^<]+)</p>', response.text)
    assert error is not None, response.text
    assert "1900" in error.group(1)
    assert 'value="0001-01-01T00:10"' in response.text  # what was typed is kept
    assert services.app.max_position() == before
    assert_folds(services)


# --- dates, offsets and cursors in queries -------------------------------------------


def test_list_dates_beyond_the_calendar_kept_are_a_400_naming_them(client_for):
    hms = client_for("hms")
    for path in ("/api/v1/deviations", "/api/v1/deviations/export"):
        for param, value in (("from", "0001-01-01"), ("to", "9999-12-31")):
            response = hms.get(path, params={param: value})
            assert_refused(response, param)
            assert response.json()["extra"][0]["source"] == "query"


def test_list_dates_at_the_ends_of_the_calendar_kept_answer(client_for):
    hms = client_for("hms")
    assert hms.post("/api/v1/deviations", json=report_body()).status_code == 201
    for path in ("/api/v1/deviations", "/api/v1/deviations/export"):
        response = hms.get(path, params={"from": "1900-01-01", "to": "2999-12-31"})
        assert response.status_code == 200, response.text
        assert "Fall i korridoren" in response.text


def test_other_dates_beyond_the_calendar_kept_are_a_400(client_for):
    hms = client_for("hms")
    for path, param in (
        ("/api/v1/statistics/deviations", "from"),
        ("/api/v1/statistics/actions", "to"),
        ("/api/v1/statistics/hr", "from"),
        ("/api/v1/audit/events", "to"),
        ("/api/v1/actions", "due_before"),
    ):
        assert_refused(hms.get(path, params={param: "0001-01-01"}), param)


def test_numbers_and_cursors_beyond_what_the_storage_holds_are_a_400(client_for):
    hms = client_for("hms")
    for path, param, value in (
        ("/api/v1/risk-assessments", "offset", HUGE),
        ("/api/v1/risk-register", "offset", HUGE),
        ("/api/v1/risk-assessments", "offset", "2147483648"),
        ("/api/v1/audit/events", "cursor", HUGE),
        ("/api/v1/audit/events", "cursor", "²"),  # str.isdigit says yes; int() says no
        ("/api/v1/deviations", "cursor", "AAAA\x00"),
        ("/api/v1/deviations", "limit", HUGE),
        ("/api/v1/actions", "cursor", "x" * 300),
    ):
        assert_refused(hms.get(path, params={param: value}), param)


def test_a_cursor_that_decodes_to_something_else_is_a_400(client_for):
    import base64

    forged = base64.urlsafe_b64encode(b"2026-01-01T00:00:00.000000Z|\x00'--").decode()
    for path in ("/api/v1/deviations", "/api/v1/actions"):
        response = client_for("hms").get(path, params={"cursor": forged.rstrip("=")})
        assert_refused(response, "cursor")


def test_a_text_filter_with_nul_is_a_400_not_a_database_error(client_for):
    hms = client_for("hms")
    assert_refused(hms.get("/api/v1/deviations", params={"category": "a\x00b"}), "category")
    assert_refused(hms.get("/api/v1/audit/events", params={"actor_id": "\x00"}), "actor_id")
    assert_refused(hms.get("/api/v1/risk-register", params={"level": "red\x00"}), "level")


# --- text ------------------------------------------------------------------------------

HOSTILE = ["Tittel\x00", "\x1b[31mRød\x1b[0m", "bjelle\x07", "slett\x7f", "c1\x85", "\x9b31m"]


def test_control_characters_are_refused_in_a_report(client_for, services):
    ansatt = client_for("ansatt")
    before = services.app.max_position()
    for value in HOSTILE:
        for field in ("title", "description", "location", "immediate_action"):
            response = ansatt.post("/api/v1/deviations", json=report_body(**{field: value}))
            assert_refused(response, field)
        harmed = {"kind": "employee", "name": value}
        response = ansatt.post("/api/v1/deviations", json=report_body(person_harmed=harmed))
        assert_refused(response, "person_harmed.name")
    assert services.app.max_position() == before


def test_one_line_fields_refuse_line_breaks_and_tabs(client_for):
    ansatt = client_for("ansatt")
    for value in ("Første linje\nandre", "CR\rLF", "tab\there", "ls\u2028ps"):
        for field in ("title", "location"):
            response = ansatt.post("/api/v1/deviations", json=report_body(**{field: value}))
            assert_refused(response, field)


def test_multi_line_text_keeps_its_lines_as_lf_and_nfc(client_for, services):
    ansatt = client_for("ansatt")
    text = "Første linje\r\nandre linje\rtredje\u2028fjerde\tmed tab; e\u0301"
    response = ansatt.post("/api/v1/deviations", json=report_body(description=text))
    assert response.status_code == 201, response.text
    case = ansatt.get(f"/api/v1/deviations/{response.json()['id']}").json()
    assert case["description"] == "Første linje\nandre linje\ntredje\nfjerde\tmed tab; é"
    assert_folds(services)


def test_nul_in_a_risk_assessment_or_action_title_is_refused_and_nothing_stops(
    client_for, services
):
    hms = client_for("hms")
    before = services.app.max_position()
    assessment = hms.post(
        "/api/v1/risk-assessments",
        json={"unit_id": str(LURA), "title": "Vask\x00", "scope": "Kjøkkenet"},
    )
    assert_refused(assessment, "title")
    owner = as_user(services.app, "ansatt").user_id
    action = hms.post("/api/v1/actions", json=action_body(owner, title="Matter\x00"))
    assert_refused(action, "title")
    hazard_text = hms.post(
        "/api/v1/risk-assessments",
        json={"unit_id": str(LURA), "title": "Vask", "scope": "Kjøkkenet\x00"},
    )
    assert_refused(hazard_text, "scope")
    assert services.app.max_position() == before
    fine = hms.post(
        "/api/v1/risk-assessments",
        json={"unit_id": str(LURA), "title": "Vask", "scope": "Kjøkkenet\nog vaskerommet"},
    )
    assert fine.status_code == 201, fine.text
    assert hms.get("/api/v1/risk-assessments").status_code == 200
    assert hms.get("/api/v1/risk-register").status_code == 200
    assert_folds(services)


def test_control_characters_are_refused_in_later_commands(client_for, services):
    hms = client_for("hms")
    case = hms.post("/api/v1/deviations", json=report_body()).json()["id"]
    owner = as_user(services.app, "ansatt").user_id
    action = hms.post("/api/v1/actions", json=action_body(owner)).json()["id"]
    before = services.app.max_position()
    for path, body, field in (
        (f"/api/v1/deviations/{case}/comments", {"text": "\x00"}, "text"),
        (f"/api/v1/deviations/{case}/feedback", {"text": "\x1b[2J"}, "text"),
        (
            f"/api/v1/deviations/{case}/transfer",
            {"to_unit_id": str(LURA), "reason": "\x00"},
            "reason",
        ),
        (f"/api/v1/actions/{action}/complete", {"what_was_done": "\x00"}, "what_was_done"),
        (f"/api/v1/actions/{action}/comments", {"text": "\x7f"}, "text"),
        (f"/api/v1/actions/{action}/cancel", {"reason": "\x1b[31m"}, "reason"),
    ):
        assert_refused(hms.post(path, json=body), field)
    assert services.app.max_position() == before


def test_a_due_date_beyond_the_calendar_kept_is_refused(client_for, services):
    hms = client_for("hms")
    owner = as_user(services.app, "ansatt").user_id
    for due in ("9999-12-31", "0001-01-01", (clock.today() - timedelta(days=1)).isoformat()):
        response = hms.post("/api/v1/actions", json=action_body(owner, due_date=due))
        assert_refused(response, "due_date")


def test_integers_beyond_their_bounds_are_refused_in_bodies(client_for):
    hms = client_for("hms")
    case = hms.post("/api/v1/deviations", json=report_body()).json()["id"]
    response = hms.post(
        f"/api/v1/deviations/{case}/acknowledge", json={"expected_version": int(HUGE)}
    )
    assert_refused(response, "expected_version")
    response = hms.post("/api/v1/deviations", json=report_body(severity=int(HUGE)))
    assert_refused(response, "severity")


# --- the risk matrix ------------------------------------------------------------------


def _empty_alternatives(node, path="$"):
    """Paths in a JSON Schema where `oneOf`/`anyOf` has an alternative that matches anything."""
    if isinstance(node, dict):
        for word in ("oneOf", "anyOf"):
            for i, alternative in enumerate(node.get(word, [])):
                if alternative == {}:
                    yield f"{path}.{word}[{i}]"
        for k, v in node.items():
            yield from _empty_alternatives(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _empty_alternatives(v, f"{path}[{i}]")


def test_the_risk_matrix_answers_with_its_own_schema(client_for):
    client = client_for("leder")
    schema = client.get("/schema/openapi.json").json()
    assert list(_empty_alternatives(schema)) == []
    ref = schema["paths"]["/api/v1/risk-matrix"]["get"]["responses"]["200"]["content"]
    name = ref["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][name]
    assert component["properties"]["probability_labels"]["items"] == {"type": "string"}
    matrix = client.get("/api/v1/risk-matrix").json()
    assert set(matrix) == set(component["properties"])
    assert all(isinstance(label, str) for label in matrix["probability_labels"])
    assert len(matrix["consequence_labels"]) == 5
    levels = [(level["min_score"], level["max_score"]) for level in matrix["levels"]]
    assert levels[0][0] == 1
    assert levels[-1][1] == 25
