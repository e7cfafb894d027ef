"""AML § 5-1: who was injured, and their health, is for few eyes; every look is logged.

The unit's leader, HMS officers and the injured person see the name, the person and
the health details (in the case and in its history); anyone else who may read the case
sees it without them. Health details are stored only with the person's consent. Each
read by someone who sees the identity is recorded, and HMS finds it in the audit trail.
"""

from __future__ import annotations

from typing import Any

import pytest

from hms_core.directory.user import user_id_for
from tests.api.test_anonymity import snapshot
from tests.helpers import LURA, ROVIK, add_user, report_body

NAME = "Ola Skadesen"
DETAILS = "Brudd i venstre håndledd; hadde en tidligere skade i samme arm."


def injury(person_id: Any, **harmed: Any) -> dict[str, Any]:
    return report_body(
        title="Fall fra stige",
        category="personskade",
        severity=3,
        unit_id=str(LURA),
        person_harmed={
            "kind": "employee",
            "absence": True,
            "absence_days": 3,
            "name": NAME,
            "person_id": str(person_id),
            "health_details": DETAILS,
            "health_consent": True,
        }
        | harmed,
    )


@pytest.fixture
def ola(app):
    """The injured person: an employee at Lura sykehjem."""
    add_user(app, "ola", unit_id=LURA)
    return user_id_for("ola")


@pytest.fixture
def case(client_for, ola) -> dict[str, Any]:
    """Reported by a colleague (`ansatt`), naming Ola as the injured person."""
    response = client_for("ansatt").post("/api/v1/deviations", json=injury(ola))
    assert response.status_code == 201, response.text
    return response.json()


def harmed_as_seen(client, case_id: str) -> tuple[dict, dict]:
    """`person_harmed` in the case, and in its history's Reported event."""
    body = client.get(f"/api/v1/deviations/{case_id}").json()
    [reported] = [h for h in body["history"] if h["type"] == "Reported"]
    return body["person_harmed"], reported["data"]["person_harmed"]


def personal_data_reads(hms, case_id: str) -> list[dict]:
    items = hms.get("/api/v1/audit/events", params={"aggregate_id": case_id, "limit": 500})
    return [i for i in items.json()["items"] if i["type"] == "PersonalDataRead"]


@pytest.mark.parametrize("username", ["leder", "hms"])
def test_the_leader_and_hms_see_who_was_hurt_and_their_read_is_logged(
    client_for, case, ola, username
):
    client, hms = client_for(username), client_for("hms")
    reads_before = len(personal_data_reads(hms, case["id"]))
    for harmed in harmed_as_seen(client, case["id"]):
        assert harmed["name"] == NAME
        assert harmed["person_id"] == str(ola)
        assert harmed["health_details"] == DETAILS
        assert harmed["absence_days"] == 3
    reads = personal_data_reads(hms, case["id"])
    # HMS's own look at the trail is not a read of the case; the one above is.
    mine = [r for r in reads[reads_before:] if r["actor"] == str(user_id_for(username))]
    assert len(mine) == 1
    assert mine[0]["at"][-6] in "+-"
    assert mine[0]["record_id"] == case["id"]
    assert mine[0]["actor_name"] in ("Leif Leder", "Hanne HMS-rådgiver")
    assert NAME not in str(reads)


@pytest.mark.parametrize("username", ["verneombud", "ansatt"])
def test_the_verneombud_and_the_reporter_see_the_case_without_who_and_are_not_logged(
    client_for, case, username
):
    client, hms = client_for(username), client_for("hms")
    for harmed in harmed_as_seen(client, case["id"]):
        assert harmed == {"kind": "employee", "absence": True, "absence_days": 3}
    text = client.get(f"/api/v1/deviations/{case['id']}").text
    assert NAME not in text
    assert "håndledd" not in text
    assert personal_data_reads(hms, case["id"]) == []


def test_the_injured_person_sees_their_own_injury(client_for, ola):
    """Ola reports their own fall: the case is theirs, and so is the name in it."""
    own = client_for("ola").post("/api/v1/deviations", json=injury(ola)).json()
    ola_client, hms = client_for("ola"), client_for("hms")
    for harmed in harmed_as_seen(ola_client, own["id"]):
        assert (harmed["name"], harmed["health_details"]) == (NAME, DETAILS)
    assert [r["actor"] for r in personal_data_reads(hms, own["id"])] == [str(ola)]


def test_others_do_not_reach_the_case_and_only_hms_reads_the_trail(client_for, case):
    for username in ("admin", "ola"):
        assert client_for(username).get(f"/api/v1/deviations/{case['id']}").status_code == 404
    for username in ("ansatt", "leder", "verneombud", "admin"):
        trail = client_for(username).get(
            "/api/v1/audit/events", params={"aggregate_id": case["id"]}
        )
        assert trail.status_code == 403


def test_health_details_without_consent_are_refused_and_nothing_is_written(
    client_for, ola, services
):
    ansatt = client_for("ansatt")
    before = services.app.max_position()
    refused = ansatt.post("/api/v1/deviations", json=injury(ola, health_consent=False))
    assert refused.status_code == 400
    assert [e["key"] for e in refused.json()["extra"]] == ["person_harmed.health_consent"]
    assert services.app.max_position() == before
    # Without details, no consent is needed; none is recorded.
    plain = ansatt.post(
        "/api/v1/deviations", json=injury(ola, health_details=None, health_consent=False)
    )
    assert plain.status_code == 201, plain.text
    harmed, _ = harmed_as_seen(client_for("leder"), plain.json()["id"])
    assert harmed["name"] == NAME
    assert "health_details" not in harmed


def test_lists_search_figures_exports_and_the_trail_never_hold_the_name(client_for, case, services):
    hms = client_for("hms")
    hms.get(f"/api/v1/deviations/{case['id']}")  # a logged read, in the trail
    services.runner.catch_up()
    for path, params in [
        ("/api/v1/deviations", {}),
        ("/api/v1/deviations", {"q": "Skadesen"}),
        ("/api/v1/deviations/export", {}),
        ("/api/v1/statistics/deviations", {"group_by": "unit,category"}),
        ("/api/v1/audit/events", {"limit": 500}),
        ("/api/v1/inbox", {}),
    ]:
        response = hms.get(path, params=params)
        assert response.status_code == 200, path
        assert NAME.split()[1] not in response.text, path
        assert "håndledd" not in response.text, path
    assert hms.get("/api/v1/deviations", params={"q": "Skadesen"}).json()["items"] == []
    # Nor does any read model hold it: only the case's own events do.
    tables = snapshot(services.db)
    holding = {
        table
        for table, rows in tables.items()
        for row in rows
        if any(NAME.encode() in cell or "håndledd".encode() in cell for cell in row)
    }
    assert holding <= {"stored_events", "hms_events"}


def test_transferring_such_a_case_logs_the_read_its_answer_shows(client_for, case):
    hms, leder = client_for("hms"), client_for("leder")
    moved = leder.post(
        f"/api/v1/deviations/{case['id']}/transfer",
        json={"to_unit_id": str(ROVIK), "reason": "Skjedde på Rovik"},
    )
    assert moved.status_code == 200, moved.text
    # Lura's leader handed it over and no longer leads its unit: no name, no read logged.
    assert "name" not in moved.json()["person_harmed"]
    assert personal_data_reads(hms, case["id"]) == []
    back = hms.post(
        f"/api/v1/deviations/{case['id']}/transfer",
        json={"to_unit_id": str(LURA), "reason": "Tilbake til Lura"},
    )
    assert back.json()["person_harmed"]["name"] == NAME
    assert [r["actor"] for r in personal_data_reads(hms, case["id"])] == [str(user_id_for("hms"))]
