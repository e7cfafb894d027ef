"""Risk assessments and the risk register through the JSON API, on SQLite and PostgreSQL."""

from __future__ import annotations

from hms_core.directory.user import user_id_for
from hms_core.risk.hazard import NO_VERNEOMBUD_NOTE
from tests.helpers import LURA, ROVIK, action_body, add_user, report_body

URL = "/api/v1/risk-assessments"
ANSATT, LEDER, VERNEOMBUD = (user_id_for(u) for u in ("ansatt", "leder", "verneombud"))


def create(client, **overrides):
    body = {
        "unit_id": str(LURA),
        "title": "Tunge løft",
        "scope": "Forflytning av beboere på Lura sykehjem",
        "participants": [
            {"user_id": str(LEDER), "role": "leader"},
            {"user_id": str(VERNEOMBUD), "role": "verneombud"},
            {"user_id": str(ANSATT), "role": "employee"},
        ],
        "review_interval_months": 12,
    }
    body.update(overrides)
    response = client.post(URL, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def add_hazard(client, assessment_id, **overrides):
    body = {"description": "Ryggskade ved løft", "cause": "Tunge beboere"} | overrides
    response = client.post(f"{URL}/{assessment_id}/hazards", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def plan_measure(client, assessment_id, hazard_id):
    body = action_body(LEDER, assessment_id=assessment_id, hazard_id=hazard_id)
    response = client.post("/api/v1/actions", json=body)
    assert response.status_code == 201, response.text


def approved(client, **overrides):
    """An approved assessment with one red hazard (4 × 4) and its measure."""
    assessment = create(client, **overrides)
    hazard = add_hazard(client, assessment["id"], probability=4, consequence=4)
    plan_measure(client, assessment["id"], hazard["id"])
    response = client.post(f"{URL}/{assessment['id']}/approve", json={})
    assert response.status_code == 200, response.text
    return response.json(), hazard["id"]


def test_a_4_by_4_hazard_scores_16_is_red_and_blocks_approval_until_it_has_a_measure(client_for):
    leder = client_for("leder")
    assessment = create(leder)
    assert (assessment["status"], assessment["revision"], assessment["version"]) == ("draft", 1, 1)
    assert [p["name"] for p in assessment["participants"]] == [
        "Leif Leder",
        "Vera Verneombud",
        "Ada Ansatt",
    ]
    assert assessment["approval_problems"][0]["code"] == "no_hazards"

    created = add_hazard(leder, assessment["id"])
    hazard_id = created["id"]
    url = f"{URL}/{assessment['id']}/hazards/{hazard_id}"
    scored = leder.post(f"{url}/score", json={"probability": 4, "consequence": 4})
    assert scored.status_code == 200, scored.text
    [hazard] = scored.json()["hazards"]
    assert (hazard["score"], hazard["level"], hazard["level_label"]) == (
        16,
        "red",
        "Ikke akseptabel",
    )

    refused = leder.post(f"{URL}/{assessment['id']}/approve", json={})
    assert refused.status_code == 409
    assert refused.json()["extra"]["code"] == "measure_required"
    assert "«Ryggskade ved løft»" in refused.json()["detail"]

    plan_measure(leder, assessment["id"], hazard_id)
    detail = leder.get(f"{URL}/{assessment['id']}").json()
    assert detail["hazards"][0]["measure_ids"]
    assert detail["approval_problems"] == []
    response = leder.post(f"{URL}/{assessment['id']}/approve", json={})
    assert response.status_code == 200, response.text
    done = response.json()
    assert done["status"] == "approved"
    assert done["approved_revision"] == 1
    assert done["approved_at"][-6] in "+-"
    assert done["next_review_on"][:4] == str(int(done["approved_at"][:4]) + 1)
    assert done["notes"] == []
    assert [h["type"] for h in done["history"]] == [
        "Created",
        "HazardAdded",
        "HazardScored",
        "MeasureLinked",
        "Approved",
    ]
    assert {h["actor_name"] for h in done["history"]} == {"Leif Leder"}


def test_drafts_are_edited_scored_and_emptied_and_bad_values_are_named(client_for):
    leder = client_for("leder")
    assessment = create(leder)
    hazard_id = add_hazard(leder, assessment["id"])["id"]
    url = f"{URL}/{assessment['id']}/hazards/{hazard_id}"

    edited = leder.post(url, json={"description": "Klemskade", "justification": "Sjelden"})
    assert edited.status_code == 200, edited.text
    assert edited.json()["hazards"][0]["justification"] == "Sjelden"
    bad = leder.post(f"{url}/score", json={"probability": 6, "consequence": 2})
    assert bad.status_code == 400
    assert bad.json()["extra"][0]["key"] == "probability"
    worse = leder.post(
        f"{url}/score",
        json={
            "probability": 2,
            "consequence": 2,
            "residual_probability": 3,
            "residual_consequence": 2,
        },
    )
    assert worse.status_code == 400
    assert worse.json()["extra"][0]["key"] == "residual_probability"
    stale = leder.post(
        f"{url}/score", json={"probability": 1, "consequence": 1, "expected_version": 1}
    )
    assert stale.status_code == 409
    assert stale.json()["extra"]["code"] == "stale_version"

    details = leder.post(
        f"{URL}/{assessment['id']}/details",
        json={"title": "Forflytning", "scope": "Alle rom", "review_interval_months": 6},
    )
    assert details.status_code == 200, details.text
    assert (details.json()["title"], details.json()["review_interval_months"]) == (
        "Forflytning",
        6,
    )
    removed = leder.post(f"{url}/remove", json={})
    assert removed.status_code == 200, removed.text
    assert removed.json()["hazards"] == []
    assert leder.post(f"{url}/remove", json={}).status_code == 404
    assert leder.get(f"{URL}/{LURA}").status_code == 404


def test_an_employee_cannot_approve(client_for):
    leder, ansatt = client_for("leder"), client_for("ansatt")
    taking_part = create(leder)
    add_hazard(leder, taking_part["id"], probability=1, consequence=1)
    not_taking_part = create(leder, participants=[])
    add_hazard(leder, not_taking_part["id"], probability=1, consequence=1)

    assert ansatt.get(f"{URL}/{taking_part['id']}").status_code == 200
    forbidden = ansatt.post(f"{URL}/{taking_part['id']}/approve", json={})
    assert forbidden.status_code == 403
    adding = ansatt.post(f"{URL}/{taking_part['id']}/hazards", json={"description": "x"})
    assert adding.status_code == 403

    assert ansatt.get(f"{URL}/{not_taking_part['id']}").status_code == 404
    assert ansatt.post(f"{URL}/{not_taking_part['id']}/approve", json={}).status_code == 404
    assert [a["title"] for a in ansatt.get(URL).json()["items"]] == ["Tunge løft"]
    assert ansatt.post(URL, json={**_body(), "title": "Egen"}).status_code == 403


def test_approved_without_a_verneombud_the_assessment_says_so(client_for):
    leder = client_for("leder")
    assessment, _ = approved(leder, participants=[{"user_id": str(ANSATT), "role": "employee"}])
    assert assessment["notes"] == [NO_VERNEOMBUD_NOTE]
    [listed] = leder.get(URL, params={"status": "approved"}).json()["items"]
    assert listed["without_verneombud"] is True
    version = leder.get(f"{URL}/{assessment['id']}/versions/1").json()
    assert version["notes"] == [NO_VERNEOMBUD_NOTE]


def test_a_revised_assessment_keeps_its_earlier_approved_version_readable(client_for):
    leder = client_for("leder")
    assessment, hazard_id = approved(leder)
    url = f"{URL}/{assessment['id']}"
    assert leder.post(f"{url}/revise", json={"expected_version": 1}).status_code == 409

    revised = leder.post(f"{url}/revise", json={"reason": "Årlig gjennomgang"})
    assert revised.status_code == 200, revised.text
    draft = revised.json()
    assert (draft["status"], draft["revision"], draft["approved_revision"]) == ("draft", 2, 1)
    assert [(v["revision"], v["status"]) for v in draft["versions"]] == [(1, "in_force")]
    leder.post(f"{url}/hazards/{hazard_id}/score", json={"probability": 2, "consequence": 4})
    assert leder.post(f"{url}/approve", json={}).status_code == 200

    current = leder.get(url).json()
    assert (current["status"], current["revision"]) == ("approved", 2)
    assert [(v["revision"], v["status"]) for v in current["versions"]] == [
        (1, "superseded"),
        (2, "in_force"),
    ]
    assert current["hazards"][0]["score"] == 8
    first = leder.get(f"{url}/versions/1")
    assert first.status_code == 200, first.text
    old = first.json()
    assert (old["revision"], old["status"], old["title"]) == (1, "superseded", "Tunge løft")
    assert (old["hazards"][0]["score"], old["hazards"][0]["level"]) == (16, "red")
    assert old["approved_by_name"] == "Leif Leder"
    assert leder.get(f"{url}/versions/3").status_code == 404
    assert client_for("ansatt").get(f"{url}/versions/1").status_code == 200

    archived = leder.post(f"{url}/archive", json={"reason": "Avdelingen er lagt ned"})
    assert archived.status_code == 200, archived.text
    assert archived.json()["versions"][-1]["status"] == "archived"
    assert leder.post(f"{url}/revise", json={}).status_code == 409


def test_the_register_shows_approved_hazards_to_those_who_follow_the_unit(services, client_for):
    add_user(services.app, "rovikleder", unit_id=ROVIK, roles=("leader",), leads=(ROVIK,))
    leder = client_for("leder")
    create(leder, title="Bare et utkast")
    _, hazard_id = approved(leder)

    def hazards(client, **params):
        response = client.get("/api/v1/risk-register", params=params)
        assert response.status_code == 200, response.text
        return [
            (r["hazard_id"], r["title"], r["score"], r["level"]) for r in response.json()["items"]
        ]

    expected = [(hazard_id, "Tunge løft", 16, "red")]
    assert hazards(leder) == expected
    assert hazards(client_for("hms")) == expected
    assert hazards(client_for("rovikleder")) == []
    assert hazards(leder, unit_id=str(LURA)) == expected
    assert hazards(leder, unit_id=str(ROVIK)) == []
    assert hazards(leder, level="yellow") == []
    assert hazards(leder, review_overdue="true") == []
    assert client_for("ansatt").get("/api/v1/risk-register").status_code == 403
    assert leder.get("/api/v1/risk-register", params={"level": "purple"}).status_code == 400

    [row] = leder.get("/api/v1/risk-register").json()["items"]
    assert (row["measure_count"], row["open_measure_count"], row["review_due"]) == (1, 1, False)
    heatmap = leder.get("/api/v1/risk-register/heatmap").json()
    assert len(heatmap["inherent"]) == 25
    [hot] = [c for c in heatmap["inherent"] if c["count"]]
    assert (hot["probability"], hot["consequence"], hot["level"], hot["count"]) == (4, 4, "red", 1)


def test_deviations_are_linked_to_a_hazard_so_recurring_events_show(client_for):
    leder, ansatt = client_for("leder"), client_for("ansatt")
    assessment, hazard_id = approved(leder)
    url = f"{URL}/{assessment['id']}/hazards/{hazard_id}/deviations"
    for n in range(2):
        case = ansatt.post("/api/v1/deviations", json=report_body(title=f"Vondt i ryggen {n}"))
        linked = leder.post(url, json={"deviation_id": case.json()["id"]})
        assert linked.status_code == 201, linked.text
    detail = linked.json()
    assert len(detail["hazards"][0]["deviation_ids"]) == 2
    assert detail["review_due"] is True
    [row] = leder.get("/api/v1/risk-register").json()["items"]
    assert (row["deviation_count"], row["recurring"]) == (2, True)
    deviation = leder.get(f"/api/v1/deviations/{case.json()['id']}").json()
    assert deviation["hazards"] == [{"assessment_id": assessment["id"], "hazard_id": hazard_id}]
    assert ansatt.post(url, json={"deviation_id": case.json()["id"]}).status_code == 403


def test_the_matrix_is_published(client_for):
    matrix = client_for("ansatt").get("/api/v1/risk-matrix").json()
    assert [level["code"] for level in matrix["levels"]] == ["green", "yellow", "red"]
    assert [(lv["min_score"], lv["max_score"]) for lv in matrix["levels"]] == [
        (1, 4),
        (5, 9),
        (10, 25),
    ]
    assert client_for(None).get("/api/v1/risk-matrix").status_code == 401


def _body():
    return {"unit_id": str(LURA), "title": "T", "scope": "S"}
