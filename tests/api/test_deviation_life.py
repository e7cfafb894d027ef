"""A deviation's whole life through the JSON API, on SQLite and on PostgreSQL."""

from __future__ import annotations

from tests.helpers import LURA, ROVIK, report_body


def test_report_acknowledge_classify_comment_close_reopen(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")

    created = ansatt.post("/api/v1/deviations", json=report_body())
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["reference"].startswith("AVV-")
    assert len(case["reference"]) == len("AVV-2026-000001")
    assert case["status"] == "reported"
    assert case["receipt_code"] is None
    url = f"/api/v1/deviations/{case['id']}"

    # The reporter sees the report in their list at once (read-your-writes).
    listed = ansatt.get("/api/v1/deviations").json()["items"]
    assert [d["id"] for d in listed] == [case["id"]]

    steps = [
        ("acknowledge", {}),
        (
            "classify",
            {
                "category": "personskade",
                "severity": 3,
                "recurrence_probability": 2,
                "causes": ["human", "organisational"],
            },
        ),
        ("comments", {"text": "Snakket med beboer og pårørende.", "visible_to_reporter": True}),
        ("close", {"conclusion": "Nye rutiner for vask.", "no_action_reason": "Rutine endret"}),
    ]
    for step, body in steps:
        response = leder.post(f"{url}/{step}", json=body)
        assert response.status_code in (200, 201), (step, response.text)

    again = leder.post(f"{url}/close", json={"conclusion": "Igjen", "no_action_reason": "x"})
    assert again.status_code == 409
    assert again.json()["extra"]["code"] == "deviation_closed"

    reopened = leder.post(f"{url}/reopen", json={"reason": "Det skjedde igjen."})
    assert reopened.status_code == 200
    detail = reopened.json()
    assert detail["status"] == "under_treatment"
    assert detail["category"] == "personskade"

    history = detail["history"]
    assert [h["type"] for h in history] == [
        "Reported",
        "Acknowledged",
        "Classified",
        "Commented",
        "Closed",
        "Reopened",
    ]
    me_ansatt = ansatt.get("/api/v1/users/me").json()
    me_leder = leder.get("/api/v1/users/me").json()
    assert history[0]["actor"] == me_ansatt["id"]
    assert history[0]["actor_name"] == "Ada Ansatt"
    assert {h["actor"] for h in history[1:]} == {me_leder["id"]}
    for entry in history:
        assert entry["at"][-6] in "+-"  # ISO 8601 with an offset
    assert history[4]["data"]["conclusion"] == "Nye rutiner for vask."
    assert history[5]["data"]["reason"] == "Det skjedde igjen."


def test_the_list_reflects_handling_and_filters(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    first = ansatt.post("/api/v1/deviations", json=report_body(title="Glatt gulv")).json()
    ansatt.post(
        "/api/v1/deviations",
        json=report_body(title="Trussel fra pårørende", category="vold_og_trusler"),
    )
    leder.post(f"/api/v1/deviations/{first['id']}/acknowledge", json={})

    def titles(**params):
        return [d["title"] for d in leder.get("/api/v1/deviations", params=params).json()["items"]]

    assert titles() == ["Trussel fra pårørende", "Glatt gulv"]
    assert titles(status="under_treatment") == ["Glatt gulv"]
    assert titles(category="vold_og_trusler") == ["Trussel fra pårørende"]
    assert titles(q="trussel") == ["Trussel fra pårørende"]
    assert titles(q="glat") == ["Glatt gulv"]
    assert titles(unit_id=str(ROVIK)) == []
    assert titles(unit_id=str(LURA)) == ["Trussel fra pårørende", "Glatt gulv"]


def test_pages_of_the_list_follow_the_cursor(client_for):
    ansatt = client_for("ansatt")
    for n in range(5):
        ansatt.post("/api/v1/deviations", json=report_body(title=f"Avvik {n}"))
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = ansatt.get("/api/v1/deviations", params=params).json()
        seen += [d["title"] for d in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"Avvik {n}" for n in reversed(range(5))]
    bad = ansatt.get("/api/v1/deviations", params={"cursor": "!!"})
    assert bad.status_code == 400


def test_transfer_hands_the_case_to_another_unit(client_for):
    ansatt, leder, hms = client_for("ansatt"), client_for("leder"), client_for("hms")
    case = ansatt.post("/api/v1/deviations", json=report_body()).json()
    url = f"/api/v1/deviations/{case['id']}"
    same = leder.post(f"{url}/transfer", json={"to_unit_id": str(LURA), "reason": "?"})
    assert same.status_code == 409
    moved = leder.post(f"{url}/transfer", json={"to_unit_id": str(ROVIK), "reason": "Rovik"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["unit_id"] == str(ROVIK)
    # Lura's leader no longer reaches it; HMS does, and the reporter still sees their report.
    assert leder.get(url).status_code == 404
    assert hms.get(url).json()["unit_name"] == "Rovik sykehjem"
    assert ansatt.get(url).status_code == 200
