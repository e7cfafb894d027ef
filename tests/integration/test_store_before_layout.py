"""A store written before the code moved into one folder per part of the domain still works.

Stored events name their class by module path (`hms_core.deviation:Deviation.Reported`).
`tests/data/store-before-layout.sqlite3` was written by the code as it was before the
move (every kind of event at least once: a seeded history, plus the commands the seeder
does not use), with the figures it gave then in `store-before-layout.figures.json`
(read under the same frozen clock). It must open, every aggregate load, `hms projections
rebuild` and `hms audit verify` succeed, and the figures be the same.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.utils import resolve_topic
from litestar.testing import TestClient

from api.app import create_app
from api.bootstrap import build
from api.settings import Settings
from hms_core import clock
from tests.helpers import hms, login

DATA = Path(__file__).parent.parent / "data"
WRITTEN_AT = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the clock it was written and read at
GROUPINGS = ("category", "unit", "month", "severity", "unit,category")


@pytest.fixture
def old_store(tmp_path, monkeypatch):
    path = tmp_path / "hms.sqlite3"
    shutil.copy(DATA / "store-before-layout.sqlite3", path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("HMS_DATABASE_URL", url)
    with clock.frozen_at(WRITTEN_AT):
        services = build(Settings(database_url=url, secret_key="test"))
        yield services
        services.close()


def figures(services) -> dict:
    with TestClient(create_app(services, run_worker=False, owns_services=False)) as client:
        login(client, "hms")
        found = {
            f"deviations by {g}": client.get(
                "/api/v1/statistics/deviations",
                params={"group_by": g, "from": "2020-01-01", "to": "2026-12-31"},
            ).json()
            for g in GROUPINGS
        }
        found["risk register"] = client.get("/api/v1/risk-register", params={"limit": 200}).json()
        found["deviation list"] = client.get("/api/v1/deviations", params={"limit": 200}).json()
        found["actions"] = client.get("/api/v1/actions", params={"limit": 200}).json()
    return found


def test_a_store_written_before_the_move_opens_loads_rebuilds_and_verifies(old_store):
    expected = json.loads((DATA / "store-before-layout.figures.json").read_text("utf-8"))
    notifications = old_store.app.recorder.select_notifications(start=1, limit=10**6)
    assert sorted({n.topic for n in notifications}) == expected["topics"]
    for topic in expected["topics"]:
        resolve_topic(topic)  # every old name still finds its class
    aggregates = {
        n.originator_id
        for n in notifications
        if issubclass(resolve_topic(n.topic), Aggregate.Event)  # not the reference logs
    }
    for originator in aggregates:
        old_store.app.repository.get(originator)  # every aggregate loads
    for n in notifications:
        old_store.app.mapper.to_domain_event(n)  # and every other event decodes
    old_store.runner.catch_up()
    assert old_store.runner.failures() == []
    assert figures(old_store) == expected["figures"]

    code, out, err = hms("projections", "rebuild")
    assert code == 0, err
    code, out, err = hms("audit", "verify")
    assert code == 0, out + err
    assert figures(old_store) == expected["figures"]
