"""`hms demo seed`: a synthetic history that adds up, obeys the domain and can be repeated.

One scenario per store (seeding takes a few seconds, so it is done once): seed 3,000
deviations with `hms demo seed`, then check that the same seed gives the same history
(against an in-memory store), that the history keeps the domain's rules, that the
statistics add up and count a new report at once, and that `hms projections rebuild`
gives the same figures. Refusals, and a rule added to a use case holding for the seeded
history, need no database.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID

import msgspec
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.bootstrap import build, seed_demo_directory
from demo.history import (
    HistoryExistsError,
    HistoryPlan,
    OtherOrganisationError,
    seed_history,
)
from hms_core import clock
from hms_core.actions.action import CorrectiveAction
from hms_core.application import HMSApplication
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.references import ReferenceIssued
from hms_core.deviations.use_cases import DeviationService
from hms_core.directory.user import User
from hms_core.errors import Conflict
from hms_core.model import ANONYMOUS
from tests.conftest import SYSTEM
from tests.helpers import hms, login, report_body

N = 3000
UNTIL = "2026-11-01"  # a fixed end: the same history whatever day the tests run
PLAN = HistoryPlan(deviations=N, seed=1, until=date.fromisoformat(UNTIL))
DEVIATIONS = "/api/v1/statistics/deviations"
GROUPINGS = ("category", "unit", "month", "severity", "unit,category")


def in_memory() -> HMSApplication:
    return HMSApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def log_of(app: HMSApplication) -> list[Any]:
    to_event = app.mapper.to_domain_event
    return [to_event(n) for n in app.recorder.select_notifications(start=1, limit=10**9)]


def plain_history(events: list[Any]) -> list[tuple]:
    """The log as plain values: every id replaced by the order it first appears in, and
    password hashes (salted) left out. Receipt codes are random too; only their ids
    (digests) are stored, and those are replaced like any id."""
    ids: dict[UUID, int] = {}

    def plain(value: Any) -> Any:
        if isinstance(value, UUID):
            return ("id", ids.setdefault(value, len(ids)))
        if isinstance(value, str) and value.startswith("$argon2"):
            return "password hash"
        if isinstance(value, msgspec.Struct):
            return plain(msgspec.structs.asdict(value))
        if isinstance(value, dict):
            return tuple((plain(k), plain(v)) for k, v in value.items())
        if isinstance(value, tuple | list):
            return tuple(plain(v) for v in value)
        return value

    def plain_event(e: Any) -> tuple:
        fields = sorted((k, v) for k, v in vars(e).items() if k != "originator_id")
        return (type(e).__qualname__, plain(e.originator_id), plain(fields))

    return [plain_event(e) for e in events]


def test_a_seeded_store_adds_up_keeps_the_rules_and_survives_a_rebuild(settings, monkeypatch):
    monkeypatch.setenv("HMS_DATABASE_URL", settings.database_url)
    code, out, err = hms("demo", "seed", "--deviations", str(N), "--seed", "1", "--until", UNTIL)
    assert code == 0, err
    assert f"{N:,} deviations" in out
    assert "read models up to date" in out

    services = build(settings)
    try:
        events = log_of(services.app)
        the_same_seed_gives_the_same_history(events)
        the_history_keeps_the_rules(events)
        before = the_figures_add_up_and_count_a_new_report(services)
    finally:
        services.close()

    code, out, err = hms("projections", "rebuild")
    assert code == 0, err
    services = build(settings)
    try:
        assert figures(services, GROUPINGS) == before
        position = services.app.max_position()
        with pytest.raises(HistoryExistsError):  # `hms` prints "refused: …" and exits 1
            hms("demo", "seed", "--deviations", "10")
        assert services.app.max_position() == position
    finally:
        services.close()


def the_same_seed_gives_the_same_history(events: list[Any]) -> None:
    other = in_memory()
    assert seed_history(other, PLAN).refused == {}  # the story asks nothing refused
    theirs, ours = log_of(other), events
    assert len(ours) == len(theirs)

    def summary(log: list[Any]) -> tuple:
        reported = [e for e in log if isinstance(e, Deviation.Reported)]
        cells = Counter(
            (e.unit_id, e.category, clock.local(e.timestamp).strftime("%Y-%m")) for e in reported
        )
        return cells, [e.reference for e in reported]

    assert summary(ours) == summary(theirs)
    assert plain_history(ours) == plain_history(theirs)


def the_history_keeps_the_rules(events: list[Any]) -> None:
    """Every event at its time, by a real person, and each case and action as the
    domain allows: numbers in sequence, causes before closing, no deadline in the past."""
    users = {e.originator_id for e in events if isinstance(e, User.Registered)}
    actors = {str(u) for u in users} | {ANONYMOUS, "system:demo"}
    leads: dict[UUID, set[UUID]] = {}
    unit_of: dict[UUID, UUID] = {}
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)
    assert len(events) > 7 * N
    numbers: dict[tuple, list[int]] = {}
    causes: dict[UUID, tuple] = {}
    for e in events:
        actor = getattr(e, "actor", None)
        assert actor is None or actor in actors, e
        today = clock.local(e.timestamp).date()
        if isinstance(e, User.RolesAssigned):
            leads[e.originator_id] = set(e.leads)
        elif isinstance(e, ReferenceIssued):
            numbers.setdefault((e.prefix, e.year), []).append(e.originator_version)
            assert e.year == today.year
        elif isinstance(e, Deviation.Reported):
            assert e.occurred_at <= e.timestamp
            unit_of[e.originator_id] = e.unit_id
        elif isinstance(e, Deviation.Transferred):
            unit_of[e.originator_id] = e.to_unit_id
        elif isinstance(e, Deviation.Acknowledged):
            assert unit_of[e.originator_id] in leads[UUID(e.actor)], "handled by a non-leader"
        elif isinstance(e, Deviation.Classified):
            assert e.causes
            causes[e.originator_id] = e.causes
        elif isinstance(e, Deviation.Closed):
            assert causes.get(e.originator_id), "closed without causes"
            assert not e.open_action_ids or e.open_actions_reason
        elif isinstance(e, CorrectiveAction.Created | CorrectiveAction.Rescheduled):
            assert e.due_date >= today, "a deadline in the past"
    for (prefix, year), issued in numbers.items():
        assert issued == list(range(1, len(issued) + 1)), (prefix, year)
    assert sum(len(v) for k, v in numbers.items() if k[0] == "AVV") == N
    kinds = Counter(type(e).__qualname__ for e in events)
    for kind in (
        "Deviation.Acknowledged",
        "Deviation.Transferred",
        "Deviation.Reopened",
        "Receipt.Issued",
        "CorrectiveAction.Verified",
        "CorrectiveAction.FollowUpPlanned",
        "RiskAssessment.Approved",
        "RiskAssessment.Revised",
        "RiskAssessment.DeviationLinked",
        "HRFigures.Recorded",
    ):
        assert kinds[kind] > 0, kind


def figures(services, groupings) -> dict[str, Any]:
    """The statistics endpoint's answer for each grouping, as an HMS officer sees it."""
    app = create_app(services, run_worker=False, owns_services=False)
    with TestClient(app) as client:
        login(client, "hms")
        return {
            g: client.get(DEVIATIONS, params={"group_by": g} if g else {}).json() for g in groupings
        }


def the_figures_add_up_and_count_a_new_report(services) -> dict[str, Any]:
    services.start()
    seen = figures(services, ("", *GROUPINGS))
    assert seen.pop("")["totals"]["reported"] == N
    for grouping, body in seen.items():
        assert sum(row["reported"] for row in body["rows"]) == N, grouping
        for row in [*body["rows"], body["totals"]]:
            assert row["open"] + row["closed"] == row["reported"], (grouping, row)
    categories = {row["category"]: row["reported"] for row in seen["category"]["rows"]}
    assert categories["nestenulykke"] + categories["farlig_forhold"] > categories["personskade"]
    assert 48 <= len(seen["month"]["rows"]) <= 49

    app = create_app(services, run_worker=False, owns_services=False)
    with TestClient(app) as ansatt, TestClient(app) as officer:
        login(ansatt, "ansatt")
        login(officer, "hms")
        started = time.monotonic()
        assert ansatt.post("/api/v1/deviations", json=report_body()).status_code == 201
        totals = officer.get(DEVIATIONS).json()["totals"]
        assert totals["reported"] == N + 1
        assert time.monotonic() - started < 2.0
    return figures(services, GROUPINGS)


def test_only_an_empty_store_or_the_demo_organisation_is_seeded():
    plan = HistoryPlan(deviations=50, seed=3, until=date.fromisoformat(UNTIL))
    with_demo = in_memory()
    seed_demo_directory(with_demo)  # as `hms serve --demo` leaves it
    result = seed_history(with_demo, plan)
    assert result.deviations == 50
    position = with_demo.max_position()
    with pytest.raises(HistoryExistsError):
        seed_history(with_demo, plan)
    assert with_demo.max_position() == position

    other = in_memory()
    other.found_organisation(SYSTEM, code="bygda", name="Bygda kommune")
    position = other.max_position()
    with pytest.raises(OtherOrganisationError):
        seed_history(other, plan)
    assert other.max_position() == position


def test_another_seed_gives_another_history():
    def reported(seed: int) -> list[tuple]:
        app = in_memory()
        seed_history(app, HistoryPlan(deviations=200, seed=seed, until=date(2026, 11, 1)))
        return [
            (e.unit_id, e.category, e.timestamp)
            for e in log_of(app)
            if isinstance(e, Deviation.Reported)
        ]

    assert reported(1) != reported(2)
    assert len(reported(2)) == 200


class FeedbackRequiredError(Conflict):
    code = "feedback_required"
    message = "En alvorlig sak lukkes bare med tilbakemelding til den som meldte."


def test_a_rule_added_to_a_use_case_holds_for_the_seeded_history(monkeypatch):
    """Say closing a serious case (severity 4 or 5) came to need feedback to the reporter:
    the seeder closes through the use case, so the history keeps the new rule, and the
    closings it refuses do not happen."""
    close = DeviationService.close_deviation

    def close_with_feedback(self, by, deviation_id, **kwargs):
        if self.deviation(deviation_id).severity >= 4 and not kwargs.get("feedback"):
            raise FeedbackRequiredError
        return close(self, by, deviation_id, **kwargs)

    monkeypatch.setattr(DeviationService, "close_deviation", close_with_feedback)
    app = in_memory()
    result = seed_history(app, HistoryPlan(deviations=400, seed=5, until=date(2026, 11, 1)))
    assert result.deviations == 400
    assert result.refused["close: feedback_required"] > 0
    severity: dict[UUID, int] = {}
    closed: list[tuple[int, str | None]] = []
    for e in log_of(app):
        if isinstance(e, Deviation.Reported | Deviation.Classified):
            severity[e.originator_id] = e.severity
        elif isinstance(e, Deviation.Closed):
            closed.append((severity[e.originator_id], e.feedback))
    serious = [feedback for level, feedback in closed if level >= 4]
    assert serious, "serious cases are still closed, with feedback"
    assert all(serious)
