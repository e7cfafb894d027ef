"""The front page: what needs each person now."""

from __future__ import annotations

from datetime import timedelta

from hms_core import clock
from tests.helpers import action_body, report_body


def test_each_person_sees_what_needs_them(client_for):
    ansatt, leder, vo, hms = (client_for(u) for u in ("ansatt", "leder", "verneombud", "hms"))
    me = ansatt.get("/api/v1/users/me").json()

    injury = ansatt.post(
        "/api/v1/deviations",
        json=report_body(title="Klemt finger", category="personskade", serious_injury=True),
    ).json()
    near_miss = ansatt.post("/api/v1/deviations", json=report_body(title="Nesten fall")).json()

    leader_view = leder.get("/api/v1/inbox").json()
    assert {c["reference"] for c in leader_view["to_acknowledge"]} == {
        injury["reference"],
        near_miss["reference"],
    }
    assert leader_view["to_acknowledge"][0]["title"] == "Klemt finger"  # most severe first
    assert [c["title"] for c in hms.get("/api/v1/inbox").json()["serious_unacknowledged"]] == [
        "Klemt finger"
    ]
    area = vo.get("/api/v1/inbox").json()["injuries_in_my_area"]
    assert {c["title"] for c in area} == {"Klemt finger", "Nesten fall"}

    leder.post(f"/api/v1/deviations/{near_miss['id']}/feedback", json={"text": "Takk!"})
    due = (clock.today() + timedelta(days=3)).isoformat()
    action = leder.post(
        "/api/v1/actions",
        json=action_body(me["id"], deviation_id=near_miss["id"], due_date=due),
    ).json()

    mine = ansatt.get("/api/v1/inbox").json()
    assert [c["title"] for c in mine["feedback_on_my_reports"]] == ["Nesten fall"]
    assert [a["id"] for a in mine["my_actions"]] == [action["id"]]
    assert mine["to_acknowledge"] == []  # not a leader

    ansatt.post(f"/api/v1/actions/{action['id']}/complete", json={"what_was_done": "Lagt matter"})
    assert [a["id"] for a in leder.get("/api/v1/inbox").json()["to_verify"]] == [action["id"]]
    assert leder.get("/api/v1/inbox").json()["to_acknowledge"][0]["title"] == "Klemt finger"


def test_the_front_page_shows_the_lists(client_for):
    ansatt, leder = client_for("ansatt"), client_for("leder")
    ansatt.post("/api/v1/deviations", json=report_body(title="Glatt trapp"))
    page = leder.get("/")
    assert page.status_code == 200
    assert "Nye saker å ta" in page.text
    assert "Glatt trapp" in page.text
