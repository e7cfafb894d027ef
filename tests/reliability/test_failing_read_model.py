"""A read model that cannot fold an event is contained: named, and the rest goes on.

The domain refuses what no read model could fold (tests/reliability/test_every_input_folds.py);
this is the second line: a fault in a projection's code, simulated here by making the
statistics fail on one report. That model stops just before the report and is named
with the position and the error — in /readyz, `hms projections status`, a failed
`hms projections rebuild`, and on the HMS officers' front page — while every other read
model goes on, nobody's request waits for the stopped one, and once the code is fixed it
resumes by itself.
"""

from __future__ import annotations

import time

import pytest

from projections.statistics.view import StatisticsView
from tests.helpers import dump, hms, report_body

POISON = "Giftig sak"


@pytest.fixture
def faulty_statistics(monkeypatch):
    """Statistics that fail on the report titled POISON (as a bug in its code would);
    calling the fixture's value fixes the code."""
    original = StatisticsView.handle

    def handle(self, cur, t, events):
        if any(getattr(e, "title", None) == POISON for _, e in events):
            raise ValueError("a bug in the statistics")
        return original(self, cur, t, events)

    monkeypatch.setattr(StatisticsView, "handle", handle)
    return lambda: monkeypatch.setattr(StatisticsView, "handle", original)


def reported_at(app, deviation_id: str) -> int:
    for n in app.recorder.select_notifications(start=1, limit=10**6):
        if str(n.originator_id) == deviation_id and n.topic.endswith("Deviation.Reported"):
            return n.id
    raise AssertionError("not in the log")


def counted(client) -> int:
    rows = client.get("/api/v1/statistics/deviations", params={"group_by": "category"}).json()
    return sum(r["reported"] for r in rows["rows"])


def test_a_read_model_that_fails_is_named_and_the_others_go_on(
    services, client_for, faulty_statistics, monkeypatch
):
    monkeypatch.setenv("HMS_DATABASE_URL", services.settings.database_url)  # for `hms`
    employee, officer = client_for("ansatt"), client_for("hms")
    before = counted(officer)
    poison = employee.post("/api/v1/deviations", json=report_body(title=POISON))
    assert poison.status_code == 201, poison.text
    position = reported_at(services.app, poison.json()["id"])
    # Read-your-writes waits for the live models only: this returns at once, where
    # waiting on the stopped one would run out the 30 s.
    assert services.runner.wait_for(services.app.max_position(), timeout=30)

    later = employee.post("/api/v1/deviations", json=report_body(title="Etterpå"))
    assert later.status_code == 201
    titles = [d["title"] for d in employee.get("/api/v1/deviations").json()["items"]]
    assert titles[:2] == ["Etterpå", POISON]  # the case list goes on

    (failure,) = services.runner.failures()
    assert (failure.name, failure.position, failure.event_type, failure.error) == (
        "statistics",
        position,
        "Deviation.Reported",
        "ValueError",
    )
    assert counted(officer) == before  # stopped just before the report

    ready = employee.get("/readyz")
    assert ready.status_code == 200, ready.text  # one model must not take the web out
    body = ready.json()
    assert body["status"] == "degraded"
    assert [(f["name"], f["position"], f["error"]) for f in body["failing"]] == [
        ("statistics", position, "ValueError")
    ]
    assert body["lagging"] == []

    home = officer.get("/")
    assert "Statistikk" in home.text
    assert f"posisjon {position}" in home.text
    assert "posisjon" not in client_for("leder").get("/").text  # for HMS officers only

    code, out, _ = hms("projections", "status")
    assert code == 1
    assert f"STOPPED statistics: cannot fold the event at position {position}" in out

    tables = dump(services.db)
    code, _, err = hms("projections", "rebuild", "statistics")
    assert code == 1
    assert f"statistics: cannot fold the event at position {position}" in err
    assert dump(services.db) == tables  # the live tables as they were

    faulty_statistics()  # the code is fixed (a new version would also rebuild it)
    deadline = time.monotonic() + 30
    while services.runner.failures():  # polling for the retry, with a deadline
        assert time.monotonic() < deadline, "the fixed read model did not resume"
        time.sleep(0.05)
    assert services.runner.wait_for(services.app.max_position(), timeout=30)
    assert counted(officer) == before + 2
    assert employee.get("/readyz").json()["status"] == "ok"
