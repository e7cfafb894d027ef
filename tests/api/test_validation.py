"""Bad input: 400 naming every bad field, nothing written; conflicts 409; unknown ids 404."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from hms_core import clock
from tests.helpers import report_body


def test_every_bad_field_is_named_and_nothing_is_written(client_for, services):
    ansatt = client_for("ansatt")
    before = services.app.max_position()
    response = ansatt.post(
        "/api/v1/deviations",
        json=report_body(
            title="",
            description="x" * 4001,
            occurred_at="2026-01-01T10:00:00",
            unit_id="not-an-id",
            severity=9,
            person_harmed={"kind": "alien", "absence_days": -1},
            surprise=True,
        ),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["status_code"] == 400
    keys = [e["key"] for e in body["extra"]]
    assert keys == [
        "title",
        "description",
        "occurred_at",
        "unit_id",
        "severity",
        "person_harmed.kind",
        "person_harmed.absence_days",
        "surprise",
    ]
    messages = {e["key"]: e["message"] for e in body["extra"]}
    assert messages["title"] == "må fylles ut"
    assert messages["severity"] == "må være høyst 5"
    assert services.app.max_position() == before


def test_domain_refusals_of_values_name_the_field(client_for):
    ansatt = client_for("ansatt")
    future = (clock.now() + timedelta(days=1)).isoformat()
    response = ansatt.post("/api/v1/deviations", json=report_body(occurred_at=future))
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "occurred_at"

    unknown_unit = ansatt.post("/api/v1/deviations", json=report_body(unit_id=str(uuid4())))
    assert unknown_unit.status_code == 400
    assert unknown_unit.json()["extra"][0]["key"] == "unit_id"

    unknown_category = ansatt.post("/api/v1/deviations", json=report_body(category="tull"))
    assert unknown_category.status_code == 400
    assert unknown_category.json()["extra"][0]["key"] == "category"


def test_malformed_json_is_a_400_not_a_500(client_for):
    response = client_for("ansatt").post(
        "/api/v1/deviations", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


def test_unknown_ids_are_404(client_for):
    leder = client_for("leder")
    assert leder.get(f"/api/v1/deviations/{uuid4()}").status_code == 404
    missing = leder.post(f"/api/v1/deviations/{uuid4()}/acknowledge", json={})
    assert missing.status_code == 404


def test_a_stale_expected_version_is_409_and_a_fresh_one_works(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    case = ansatt.post("/api/v1/deviations", json=report_body()).json()
    url = f"/api/v1/deviations/{case['id']}"
    version = leder.get(url).json()["version"]
    ok = leder.post(f"{url}/acknowledge", json={"expected_version": version})
    assert ok.status_code == 200
    stale = leder.post(
        f"{url}/comments", json={"text": "Basert på gammel visning", "expected_version": version}
    )
    assert stale.status_code == 409
    assert stale.json()["extra"]["code"] == "stale_version"
