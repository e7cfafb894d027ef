"""Corrective actions through the JSON API, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hms_core import clock
from tests.helpers import IT, LURA, action_body, frozen_clock, report_body

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TODAY = date(2026, 3, 10)


_frozen = frozen_clock(NOW)


@pytest.fixture
def people(client_for):
    clients = {n: client_for(n) for n in ("ansatt", "leder", "verneombud", "hms")}
    ids = {n: c.get("/api/v1/users/me").json()["id"] for n, c in clients.items()}
    return clients, ids


def days(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def classify(client, deviation_url: str) -> None:
    body = {
        "category": "nestenulykke",
        "severity": 2,
        "recurrence_probability": 3,
        "causes": ["technical"],
    }
    assert client.post(f"{deviation_url}/classify", json=body).status_code == 200


def test_an_action_for_a_case_is_done_by_its_owner_and_verified_by_the_leader(people):
    (c, ids) = people
    case = c["ansatt"].post("/api/v1/deviations", json=report_body()).json()
    case_url = f"/api/v1/deviations/{case['id']}"
    classify(c["leder"], case_url)

    created = c["leder"].post(
        "/api/v1/actions",
        json=action_body(ids["ansatt"], unit_id=None, deviation_id=case["id"]),
    )
    assert created.status_code == 201, created.text
    action = created.json()
    assert action["reference"] == "TIL-2026-000001"
    assert (action["status"], action["source"], action["unit_id"]) == (
        "open",
        "deviation",
        str(LURA),
    )
    assert action["owner_name"] == "Ada Ansatt"
    url = f"/api/v1/actions/{action['id']}"

    # The case shows its action at once.
    [shown] = c["leder"].get(case_url).json()["actions"]
    assert (shown["id"], shown["status"], shown["owner_name"]) == (
        action["id"],
        "open",
        "Ada Ansatt",
    )
    assert shown["due_date"] == days(14)

    # Verifying an open action, or closing the case over it without a reason: 409.
    early = c["leder"].post(f"{url}/verify", json={"effective": True, "note": "OK"})
    assert early.status_code == 409
    assert early.json()["extra"]["code"] == "action_not_done"
    close = {"conclusion": "Matter bestilt."}
    refused = c["leder"].post(f"{case_url}/close", json=close)
    assert refused.status_code == 409
    assert refused.json()["extra"]["code"] == "open_actions"

    done = c["ansatt"].post(f"{url}/complete", json={"what_was_done": "Matter lagt ut."})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["completed_by"] == ids["ansatt"]

    verified = c["leder"].post(
        f"{url}/verify",
        json={"effective": True, "note": "Ingen fall siden.", "expected_version": 2},
    )
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert (body["status"], body["effective"], body["verified_by"]) == (
        "verified",
        True,
        ids["leder"],
    )
    assert [h["type"] for h in body["history"]] == ["Created", "Completed", "Verified"]
    assert [h["actor_name"] for h in body["history"]] == ["Leif Leder", "Ada Ansatt", "Leif Leder"]
    assert body["history"][1]["data"]["what_was_done"] == "Matter lagt ut."

    closed = c["leder"].post(f"{case_url}/close", json=close)
    assert closed.status_code == 200, closed.text
    assert closed.json()["actions"][0]["status"] == "verified"


def test_a_case_closes_over_an_open_action_with_a_reason(people):
    (c, ids) = people
    case = c["ansatt"].post("/api/v1/deviations", json=report_body()).json()
    case_url = f"/api/v1/deviations/{case['id']}"
    classify(c["leder"], case_url)
    action = (
        c["leder"]
        .post("/api/v1/actions", json=action_body(ids["ansatt"], deviation_id=case["id"]))
        .json()
    )
    closed = c["leder"].post(
        f"{case_url}/close",
        json={"conclusion": "Bestilt.", "open_actions_reason": "Levering om to uker."},
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["actions"][0]["status"] == "open"  # closing cancels nothing
    assert c["leder"].get(f"/api/v1/actions/{action['id']}").json()["status"] == "open"


def test_the_verneombud_comments_but_may_not_verify(people):
    (c, ids) = people
    action = c["leder"].post("/api/v1/actions", json=action_body(ids["ansatt"])).json()
    url = f"/api/v1/actions/{action['id']}"
    c["ansatt"].post(f"{url}/complete", json={"what_was_done": "Gjort."})

    commented = c["verneombud"].post(f"{url}/comments", json={"text": "Sjekket: ser bra ut."})
    assert commented.status_code == 201, commented.text
    [comment] = commented.json()["comments"]
    assert (comment["text"], comment["actor_name"]) == ("Sjekket: ser bra ut.", "Vera Verneombud")

    refused = c["verneombud"].post(f"{url}/verify", json={"effective": True, "note": "Bra"})
    assert refused.status_code == 403
    assert c["verneombud"].post(f"{url}/cancel", json={"reason": "x"}).status_code == 403
    assert c["ansatt"].post(f"{url}/verify", json={"effective": True, "note": "x"}).status_code == (
        403
    )


def test_an_employee_gets_404_on_someone_elses_action(people):
    (c, ids) = people
    action = c["leder"].post("/api/v1/actions", json=action_body(ids["hms"])).json()
    url = f"/api/v1/actions/{action['id']}"
    assert c["ansatt"].get(url).status_code == 404
    assert c["ansatt"].post(f"{url}/complete", json={"what_was_done": "x"}).status_code == 404
    assert c["ansatt"].post(f"{url}/comments", json={"text": "x"}).status_code == 404
    assert c["ansatt"].get("/api/v1/actions").json()["items"] == []
    assert c["hms"].get(url).status_code == 200


def test_overdue_is_decided_when_the_list_is_read(people):
    (c, ids) = people
    leder = c["leder"]
    for title, due in (("Snart", 3), ("Senere", 30)):
        body = action_body(ids["ansatt"], title=title, due_date=days(due))
        assert leder.post("/api/v1/actions", json=body).status_code == 201

    def titles(client, **params) -> list[str]:
        response = client.get("/api/v1/actions", params=params)
        assert response.status_code == 200, response.text
        return [a["title"] for a in response.json()["items"]]

    assert titles(leder, status="overdue") == []
    assert titles(leder, status="due_soon") == ["Snart"]
    with clock.frozen_at(NOW + timedelta(days=5)):
        assert titles(leder, status="overdue") == ["Snart"]
        assert titles(c["ansatt"], status="overdue", owner_id=ids["ansatt"]) == ["Snart"]
        [item] = leder.get("/api/v1/actions", params={"status": "overdue"}).json()["items"]
        assert (item["overdue"], item["due_soon"]) == (True, False)
    assert titles(leder, due_before=days(10)) == ["Snart"]
    assert titles(leder, unit_id=str(LURA)) == ["Snart", "Senere"]
    assert titles(leder, unit_id=str(IT)) == []
    assert leder.get("/api/v1/actions", params={"status": "late"}).status_code == 400


def test_the_list_pages_with_a_cursor(people):
    (c, ids) = people
    for n in range(3):
        body = action_body(ids["ansatt"], title=f"Tiltak {n}", due_date=days(n))
        c["leder"].post("/api/v1/actions", json=body)
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = c["ansatt"].get("/api/v1/actions", params=params).json()
        seen += [a["title"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["Tiltak 0", "Tiltak 1", "Tiltak 2"]
    assert c["ansatt"].get("/api/v1/actions", params={"cursor": "!!"}).status_code == 400


def test_not_effective_creates_the_follow_up_in_the_same_call(people):
    (c, ids) = people
    case = c["ansatt"].post("/api/v1/deviations", json=report_body()).json()
    first = (
        c["leder"]
        .post("/api/v1/actions", json=action_body(ids["ansatt"], deviation_id=case["id"]))
        .json()
    )
    url = f"/api/v1/actions/{first['id']}"
    c["ansatt"].post(f"{url}/complete", json={"what_was_done": "Matter lagt ut."})
    verified = c["leder"].post(
        f"{url}/verify",
        json={
            "effective": False,
            "note": "Fortsatt glatt.",
            "follow_up": {
                "title": "Nytt gulvbelegg",
                "owner_id": ids["leder"],
                "due_date": days(60),
            },
        },
    )
    assert verified.status_code == 200, verified.text
    follow_up_id = verified.json()["follow_up_id"]
    assert follow_up_id
    assert verified.json()["follow_up_required"] is False
    follow_up = c["leder"].get(f"/api/v1/actions/{follow_up_id}").json()
    assert (follow_up["follows_up"], follow_up["deviation_id"]) == (first["id"], case["id"])
    actions = c["leder"].get(f"/api/v1/deviations/{case['id']}").json()["actions"]
    assert [a["id"] for a in actions] == [first["id"], follow_up_id]
    listed = c["leder"].get("/api/v1/actions", params={"deviation_id": case["id"]}).json()
    assert {a["id"] for a in listed["items"]} == {first["id"], follow_up_id}


def test_a_follow_up_may_also_come_right_after(people):
    (c, ids) = people
    first = c["leder"].post("/api/v1/actions", json=action_body(ids["ansatt"])).json()
    url = f"/api/v1/actions/{first['id']}"
    c["ansatt"].post(f"{url}/complete", json={"what_was_done": "Gjort."})
    c["leder"].post(f"{url}/verify", json={"effective": False, "note": "Virket ikke."})
    waiting = c["leder"].get("/api/v1/actions", params={"status": "follow_up_required"}).json()
    assert [a["id"] for a in waiting["items"]] == [first["id"]]
    created = c["leder"].post(
        "/api/v1/actions",
        json=action_body(ids["ansatt"], title="Neste forsøk", unit_id=None, follows_up=first["id"]),
    )
    assert created.status_code == 201, created.text
    assert created.json()["source"] == "follow_up"
    again = c["leder"].post(
        "/api/v1/actions", json=action_body(ids["ansatt"], follows_up=first["id"])
    )
    assert again.status_code == 409
    assert again.json()["extra"]["code"] == "follow_up_exists"


def test_reschedule_reassign_cancel_need_reasons_and_check_versions(people):
    (c, ids) = people
    leder = c["leder"]
    action = leder.post("/api/v1/actions", json=action_body(ids["ansatt"])).json()
    url = f"/api/v1/actions/{action['id']}"

    missing = leder.post(f"{url}/reschedule", json={"due_date": days(30)})
    assert missing.status_code == 400
    moved = leder.post(f"{url}/reschedule", json={"due_date": days(30), "reason": "Levering"})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["due_date"], moved.json()["original_due_date"]) == (days(30), days(14))

    stale = leder.post(
        f"{url}/reassign",
        json={"owner_id": ids["hms"], "reason": "Ferie", "expected_version": 1},
    )
    assert stale.status_code == 409
    assert stale.json()["extra"]["code"] == "stale_version"
    moved_to = leder.post(
        f"{url}/reassign",
        json={"owner_id": ids["hms"], "reason": "Ferie", "expected_version": 2},
    )
    assert moved_to.status_code == 200, moved_to.text
    assert moved_to.json()["owner_name"] == "Hanne HMS-rådgiver"
    # The former owner no longer sees it.
    assert c["ansatt"].get(url).status_code == 404

    cancelled = leder.post(f"{url}/cancel", json={"reason": "Ikke nødvendig lenger."})
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Ikke nødvendig lenger."
    assert leder.post(f"{url}/cancel", json={"reason": "igjen"}).status_code == 409
    history = [h["type"] for h in leder.get(url).json()["history"]]
    assert history == ["Created", "Rescheduled", "Reassigned", "Cancelled"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"due_date": days(-1)}, "due_date"),
        ({"title": "x" * 151}, "title"),
        ({"owner_id": "00000000-0000-0000-0000-000000000001"}, "owner_id"),
        ({"unit_id": "00000000-0000-0000-0000-000000000002"}, "unit_id"),
        ({"unit_id": None}, "unit_id"),
    ],
)
def test_bad_values_get_400_naming_the_field(people, overrides, field):
    (c, ids) = people
    response = c["leder"].post("/api/v1/actions", json=action_body(ids["ansatt"]) | overrides)
    assert response.status_code == 400, response.text
    assert [e["key"] for e in response.json()["extra"]] == [field]


def test_only_leaders_and_hms_create_actions(people):
    (c, ids) = people
    for name in ("ansatt", "verneombud"):
        response = c[name].post("/api/v1/actions", json=action_body(ids["ansatt"]))
        assert response.status_code == 403
    elsewhere = c["leder"].post("/api/v1/actions", json=action_body(ids["ansatt"], unit_id=str(IT)))
    assert elsewhere.status_code == 403
    assert c["hms"].post("/api/v1/actions", json=action_body(ids["ansatt"])).status_code == 201
