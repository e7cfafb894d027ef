"""The statistics read model, on SQLite and PostgreSQL.

The property test writes random histories of deviations, corrective actions and moves
in the org tree with the real aggregates, feeds their events (after the store's own:
the demo directory) through the real `handle()` in random batches, and compares the
tables with a from-scratch fold of the same events: the cases' final states, counted in
each unit above them in the final tree. Then the queries must agree with themselves
across every grouping.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from typing import Any
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hms_core import clock
from hms_core.access import UnitScope
from hms_core.actions.action import CorrectiveAction
from hms_core.deviations.categories import category_codes
from hms_core.deviations.deviation import Deviation
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.directory.organisation import Organisation, unit_id_for
from hms_core.errors import DomainError
from hms_core.hr.figures import HRLine
from projections.statistics.cells import CUBES
from projections.statistics.figures import action_statistics
from projections.statistics.queries import deviation_statistics, median
from projections.statistics.selection import select_units
from projections.statistics.view import CELL, COUNTED, StatisticsView
from tests.conftest import SYSTEM
from tests.helpers import HELSE, HJEMME, IT, LURA, ROVIK, SKOLE, report_deviation

UNITS = (LURA, ROVIK, HJEMME, HELSE, SKOLE, IT)
PARENTS = (HELSE, LURA, unit_id_for("oppvekst"), unit_id_for("organisasjon"))
CATEGORIES = ("personskade", "nestenulykke", "farlig_forhold", "kvalitet")
START = datetime(2025, 12, 30, 22, 30, tzinfo=UTC)  # close to a local month's end
EVERYTHING = UnitScope(everything=True)
GROUPINGS = [
    list(c) for n in range(3) for c in combinations(["unit", "category", "month", "severity"], n)
]
VIEW = StatisticsView()

harmed = st.sampled_from(
    [
        None,
        ("employee", False, None),
        ("employee", True, 3),
        ("employee", True, None),
        ("patient", True, 2),
    ]
)
operation = st.one_of(
    st.tuples(
        st.just("report"),
        st.sampled_from(UNITS),
        st.sampled_from(CATEGORIES),
        st.integers(1, 5),
        harmed,
    ),
    st.tuples(
        st.just("classify"), st.integers(0, 4), st.sampled_from(CATEGORIES), st.integers(1, 5)
    ),
    st.tuples(st.just("transfer"), st.integers(0, 4), st.sampled_from(UNITS)),
    st.tuples(st.just("close"), st.integers(0, 4)),
    st.tuples(st.just("reopen"), st.integers(0, 4)),
    st.tuples(st.just("action"), st.sampled_from(UNITS), st.integers(0, 40)),
    st.tuples(st.just("reschedule"), st.integers(0, 4), st.integers(1, 40)),
    st.tuples(st.just("complete"), st.integers(0, 4)),
    st.tuples(st.just("cancel"), st.integers(0, 4)),
    st.tuples(st.just("move"), st.sampled_from(UNITS), st.sampled_from(PARENTS)),
    st.tuples(st.just("wait"), st.integers(1, 24 * 20)),
)


def history(operations: list[tuple], org: Organisation) -> list[Any]:
    """The events of these operations on real aggregates; refused commands are skipped."""
    moment, cases, actions, events = START, [], [], []
    for op in operations:
        kind, args = op[0], op[1:]
        if kind == "wait":
            moment += timedelta(hours=args[0])
            continue
        with clock.frozen_at(moment):
            try:
                changed = apply(kind, args, cases, actions, org)
            except DomainError:
                continue
            events += changed.collect_events()
    return events


def planned(
    reference: str, title: str, unit: Any, days: int, actor: str = SYSTEM.actor
) -> CorrectiveAction:
    """An action of the system principal's, due `days` from today."""
    return CorrectiveAction.create(
        reference=reference,
        title=title,
        owner_id=SYSTEM.user_id,
        unit_id=unit,
        due_date=clock.today() + timedelta(days=days),
        actor=actor,
    )


def apply(kind: str, args: tuple, cases: list, actions: list, org: Organisation) -> Any:
    actor = str(SYSTEM.user_id)
    pick = (lambda items: items[args[0] % len(items)]) if kind not in ("report", "action") else None
    if kind == "move":
        org.move_unit(actor=actor, unit_id=args[0], parent_id=args[1])
        return org
    if kind == "report":
        unit, category, severity, hurt = args
        person = PersonHarmed(kind=hurt[0], absence=hurt[1], absence_days=hurt[2]) if hurt else None
        case = Deviation.report(
            reference=f"AVV-2026-{len(cases) + 1:06d}",
            title="Hendelse",
            description="Beskrivelse",
            occurred_at=clock.now() - timedelta(hours=1),
            unit_id=unit,
            category=category,
            categories=category_codes(),
            severity=severity,
            actor=actor,
            reporter_id=SYSTEM.user_id,
            person_harmed=person,
        )
        cases.append(case)
        return case
    if kind == "action":
        unit, days = args
        action = planned(f"TLT-2026-{len(actions) + 1:06d}", "Tiltak", unit, days, actor)
        actions.append(action)
        return action
    items = actions if kind in ("reschedule", "complete", "cancel") else cases
    if not items:
        raise DomainError
    target = pick(items)
    if kind == "classify":
        target.classify(
            actor=actor,
            category=args[1],
            categories=category_codes(),
            severity=args[2],
            recurrence_probability=2,
            causes=("human",),
        )
    elif kind == "transfer":
        target.transfer(actor=actor, to_unit_id=args[1], reason="Feil enhet")
    elif kind == "close":
        if not target.causes:
            apply("classify", (args[0], target.category, target.severity), cases, actions, org)
        target.close(actor=actor, conclusion="Ferdig", no_action_reason="Ikke nødvendig")
    elif kind == "reopen":
        target.reopen(actor=actor, reason="Igjen")
    elif kind == "reschedule":
        target.reschedule(actor=actor, due_date=clock.today() + timedelta(days=args[1]), reason="x")
    elif kind == "complete":
        target.complete(actor=actor, what_was_done="Gjort")
    else:
        target.cancel(actor=actor, reason="Unødvendig")
    return target


# --- the reference: fold the events into final states, then count -------------------


def local_day(moment: datetime) -> date:
    return moment.astimezone(clock.timezone()).date()


def reference(events: list[Any]) -> tuple[Counter, Counter, Counter, Counter]:
    parent: dict[str, str | None] = {}
    cases: dict[Any, dict] = {}
    actions: dict[Any, dict] = {}
    for e in events:
        case, action = cases.get(e.originator_id), actions.get(e.originator_id)
        if isinstance(e, Organisation.UnitAdded | Organisation.UnitMoved):
            parent[str(e.unit_id)] = str(e.parent_id) if e.parent_id else None
        elif isinstance(e, Deviation.Reported):
            hurt = e.person_harmed
            lost = bool(hurt and hurt.absence and hurt.kind == "employee")
            cases[e.originator_id] = {
                "unit": str(e.unit_id),
                "category": e.category,
                "severity": e.severity,
                "reported": local_day(e.timestamp),
                "closed": None,
                "lost": int(lost),
                "absence": (hurt.absence_days or 0) if lost else 0,
            }
        elif isinstance(e, Deviation.Classified):
            case.update(category=e.category, severity=e.severity)
        elif isinstance(e, Deviation.Transferred):
            case["unit"] = str(e.to_unit_id)
        elif isinstance(e, Deviation.Closed):
            case["closed"] = local_day(e.timestamp)
        elif isinstance(e, Deviation.Reopened):
            case["closed"] = None
        elif isinstance(e, CorrectiveAction.Created):
            actions[e.originator_id] = {"unit": str(e.unit_id), "due": e.due_date, "done": None}
        elif isinstance(e, CorrectiveAction.Rescheduled):
            action["due"] = e.due_date
        elif isinstance(e, CorrectiveAction.Completed):
            action["done"] = local_day(e.timestamp)
        elif isinstance(e, CorrectiveAction.Cancelled):
            action["cancelled"] = True

    def above(unit: str) -> list[str]:
        chain = [unit]
        while parent.get(chain[-1]):
            chain.append(parent[chain[-1]])
        return chain

    cells, days, done, closing = Counter(), Counter(), Counter(), Counter()
    for c in cases.values():
        closed = c["closed"] is not None
        if closed:  # by the case's own unit: (unit, month, category, days)
            month = c["reported"].strftime("%Y-%m")
            closing[(c["unit"], month, c["category"], (c["closed"] - c["reported"]).days)] += 1
        injury = c["category"] == "personskade"
        counted = {
            "reported": 1,
            "closed": closed,
            "near_misses": c["category"] == "nestenulykke",
            "injuries": injury,
            "lost_time": c["lost"] if injury else 0,
            "absence_days": c["absence"] if injury else 0,
        }
        # In every unit above the case, and in every cube: what a cube leaves out is blank.
        for unit in above(c["unit"]):
            for cube in CUBES:
                cell = (
                    cube,
                    unit,
                    c["reported"].strftime("%Y-%m"),
                    c["category"] if "c" in cube else "",
                    c["severity"] if "s" in cube else 0,
                )
                cells.update({(*cell, column): n for column, n in counted.items()})
                if closed:
                    days[(*cell, (c["closed"] - c["reported"]).days)] += 1
    for a in actions.values():
        if a.get("cancelled"):
            continue
        on_time = a["done"] is not None and a["done"] <= a["due"]
        for unit in above(a["unit"]):
            key = (unit, a["due"].strftime("%Y-%m"))
            done.update({(*key, "due"): 1, (*key, "done"): a["done"] is not None})
            done.update({(*key, "done_on_time"): on_time})
    return +cells, +days, +done, closing


def stored(db) -> tuple[Counter, Counter, Counter]:
    cells, days, done = Counter(), Counter(), Counter()
    with db.reading() as cur:
        for r in cur.execute(VIEW.live.sql("SELECT * FROM {stat_cells}")).fetchall():
            for column in COUNTED:
                cells[(*(r[k] for k in CELL), column)] = r[column]
        for r in cur.execute(VIEW.live.sql("SELECT * FROM {stat_close_days}")).fetchall():
            days[(*(r[k] for k in CELL), r["days"])] = r["cases"]
        for r in cur.execute(VIEW.live.sql("SELECT * FROM {stat_actions}")).fetchall():
            for column in ("due", "done", "done_on_time"):
                done[(r["unit_id"], r["month"], column)] = r[column]
    return +cells, +days, +done


def empty(db) -> None:
    with db.transaction() as cur:
        for table in VIEW.tables:
            cur.execute(f"DELETE FROM {VIEW.live[table]}")


@pytest.mark.timeout(600)  # room for hypothesis to shrink a failure on PostgreSQL
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=20, max_size=80), data=st.data())
def test_the_read_model_equals_a_fold_from_scratch(services, operations, data):
    app, db = services.app, services.db
    directory = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(1, 1000)]
    org = app.organisation()  # a copy, moved about by the history
    written = directory + history(operations, org)
    events = list(enumerate(written, start=1))
    empty(db)
    while events:
        size = data.draw(st.integers(1, 12), label="batch size")
        with db.transaction() as cur:
            VIEW.handle(cur, VIEW.live, events[:size])
        events = events[size:]
    *expected, closing = reference(written)
    assert stored(db) == tuple(expected)

    cells, days, done = expected
    root = str(org.root().id)
    totals = None
    for group_by in GROUPINGS:
        result = deviation_statistics(db, EVERYTHING, org, group_by=group_by)
        assert_rows_add_up(result)
        totals = totals or result["totals"]
        assert result["totals"] == totals, group_by
    month_totals = Counter()
    for k, n in cells.items():
        if k[:2] == ("", root):
            month_totals[k[-1]] += n
    assert totals["reported"] == month_totals["reported"]
    assert totals["closed"] == month_totals["closed"]
    histogram = Counter()
    for key, n in days.items():
        if key[:2] == ("", root):
            histogram[key[-1]] += n
    assert totals["median_days_to_close"] == median(histogram)
    # Medians of rows, from the closed cases themselves.
    row_of = select_units(EVERYTHING, org, None, True).row_of
    for row in deviation_statistics(db, EVERYTHING, org, group_by=["unit", "category"])["rows"]:
        histogram = Counter()
        for (unit, _, category, n_days), n in closing.items():
            if row_of.get(unit) == row["unit_id"] and category == row["category"]:
                histogram[n_days] += n
        assert row["median_days_to_close"] == median(histogram), row
    for group_by in ([], ["unit"], ["month"], ["unit", "month"]):
        result = action_statistics(db, EVERYTHING, org, group_by=group_by)
        due = sum(n for k, n in done.items() if k[0] == root and k[-1] == "due")
        assert result["totals"]["due"] == due
        for column in ("due", "done", "done_on_time"):
            assert sum(r[column] for r in result["rows"]) == result["totals"][column]


def assert_rows_add_up(result: dict[str, Any]) -> None:
    for column in ("reported", "open", "closed", "near_misses", "injuries", "absence_days"):
        assert sum(r[column] for r in result["rows"]) == result["totals"][column], column
    histogram_sizes = sum(r["closed"] for r in result["rows"])
    assert histogram_sizes == result["totals"]["closed"]


# --- scenarios through the application ------------------------------------------------


def report(app, unit=LURA, category="nestenulykke", severity=2, **extra) -> Any:
    return report_deviation(
        app,
        SYSTEM,
        title="Glatt gulv",
        description="Vått gulv ved vaskerommet.",
        unit_id=unit,
        category=category,
        severity=severity,
        **extra,
    ).id


def classify(app, case, category="nestenulykke", severity=2) -> None:
    app.classify_deviation(
        SYSTEM,
        case,
        category=category,
        severity=severity,
        recurrence_probability=2,
        causes=("human",),
    )


def close(app, case) -> None:
    app.close_deviation(SYSTEM, case, conclusion="Ryddet", no_action_reason="Rutine endret")


def figures(services, **query) -> dict[str, Any]:
    services.runner.catch_up()
    return deviation_statistics(services.db, EVERYTHING, services.app.organisation(), **query)


def by(result: dict[str, Any], key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in result["rows"]}


def test_a_case_counts_where_it_is_now(services):
    app = services.app
    with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=UTC)):
        case = report(app, category="nestenulykke", severity=2)
        report(app, unit=ROVIK, category="farlig_forhold")
        classify(app, case, category="personskade", severity=4)
        app.transfer_deviation(SYSTEM, case, to_unit_id=HJEMME, reason="Hjemmetjenesten sin")
    result = figures(services, group_by=["category"])
    assert set(by(result, "category")) == {"personskade", "farlig_forhold"}
    units = by(figures(services, unit_id=HELSE, group_by=["unit"]), "unit_id")
    assert units[str(HJEMME)]["reported"] == 1
    assert str(LURA) not in units
    severities = by(figures(services, group_by=["severity"]), "severity")
    assert severities[4]["reported"] == 1


def test_closing_and_reopening_move_open_and_closed_and_the_median(services):
    app = services.app
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    with clock.frozen_at(start):
        cases = [report(app) for _ in range(4)]
        for case in cases:
            classify(app, case)
        close(app, cases[0])  # the same day: 0 days
    with clock.frozen_at(start + timedelta(days=2)):
        close(app, cases[1])
    with clock.frozen_at(start + timedelta(days=10)):
        close(app, cases[2])
    totals = figures(services)["totals"]
    assert (totals["reported"], totals["open"], totals["closed"]) == (4, 1, 3)
    assert totals["median_days_to_close"] == 2
    with clock.frozen_at(start + timedelta(days=11)):
        app.reopen_deviation(SYSTEM, cases[2], reason="Det skjedde igjen")
    totals = figures(services)["totals"]
    assert (totals["open"], totals["closed"]) == (2, 2)
    assert totals["median_days_to_close"] == 1.0
    with clock.frozen_at(start + timedelta(days=15)):
        close(app, cases[2])
    assert figures(services)["totals"]["median_days_to_close"] == 2


def test_the_month_is_the_local_month_of_reporting(services):
    # 23:30 UTC on 31 January is 00:30 on 1 February in Oslo.
    with clock.frozen_at(datetime(2026, 1, 31, 23, 30, tzinfo=UTC)):
        report(services.app)
    with clock.frozen_at(datetime(2026, 1, 31, 22, 30, tzinfo=UTC)):
        report(services.app)
    months = by(figures(services, group_by=["month"]), "month")
    assert {m: r["reported"] for m, r in months.items()} == {"2026-01": 1, "2026-02": 1}
    only_february = figures(services, date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))
    assert only_february["totals"]["reported"] == 1
    assert only_february["month_from"] == "2026-02"


def test_per_100_fte_and_the_rows_of_a_subtree(services):
    with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=UTC)):
        for unit in (LURA, LURA, ROVIK, HELSE):
            report(services.app, unit=unit)
    result = figures(services, unit_id=HELSE, group_by=["unit"])
    rows = by(result, "unit_id")
    # The area's own row first, then each unit below it with its subtree.
    assert [r["unit_name"] for r in result["rows"]] == [
        "Helse og velferd",
        "Lura sykehjem",
        "Rovik sykehjem",
    ]
    assert rows[str(LURA)]["per_100_fte"] == round(2 * 100 / 86.5, 2)
    assert rows[str(HELSE)]["fte"] == 9.0
    assert result["totals"]["fte"] == 9.0 + 86.5 + 71.0 + 118.0
    assert result["totals"]["per_100_fte"] == round(4 * 100 / 284.5, 2)
    whole = figures(services, group_by=["unit"])
    assert [r["unit_name"] for r in whole["rows"]] == ["Helse og velferd"]
    assert whole["rows"][0]["subunits"] is True


def test_a_leader_counts_only_their_units(services):
    with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=UTC)):
        for unit in (LURA, ROVIK, SKOLE):
            report(services.app, unit=unit)
    services.runner.catch_up()
    org = services.app.organisation()
    leader = UnitScope(units=org.subtree(LURA))
    result = deviation_statistics(services.db, leader, org, group_by=["unit"])
    assert [r["unit_id"] for r in result["rows"]] == [str(LURA)]
    assert result["totals"]["reported"] == 1
    asked_elsewhere = deviation_statistics(services.db, leader, org, unit_id=ROVIK)
    assert asked_elsewhere["totals"]["reported"] == 0


def test_near_misses_per_injury_and_h_and_f_values(services):
    app = services.app
    with clock.frozen_at(datetime(2026, 2, 10, 9, tzinfo=UTC)):
        for _ in range(3):
            report(app, category="nestenulykke")
        hurt = PersonHarmed(kind="employee", absence=True, absence_days=5, name="Kari")
        report(app, category="personskade", severity=3, person_harmed=hurt)
        pupil = PersonHarmed(kind="pupil", absence=True, absence_days=2)
        report(app, unit=SKOLE, category="personskade", severity=2, person_harmed=pupil)
    with clock.frozen_at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        app.import_hr_figures(SYSTEM, [HRLine(2, "lura-sykehjem", "2026-02", "7", "1", "12500")])
    totals = figures(services)["totals"]
    assert totals["near_misses_per_injury"] == 1.5
    assert totals["lost_time_injuries"] == 1  # the pupil's absence is not lost work time
    assert totals["hours_worked"] == 12500
    assert totals["h_value"] == round(1 * 1_000_000 / 12500, 1)
    assert totals["f_value"] == round(5 * 1_000_000 / 12500, 1)
    categories = by(figures(services, group_by=["category"]), "category")
    assert categories["personskade"]["h_value"] == totals["h_value"]
    assert categories["nestenulykke"]["h_value"] is None
    schools = figures(services, unit_id=SKOLE)["totals"]
    assert schools["h_value"] is None  # no hours worked known there


def test_actions_done_on_time(services):
    app = services.app
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    ids = []
    with clock.frozen_at(start):
        for days in (5, 5, 5, 40):
            action = planned(f"TLT-2026-{uuid4().hex[:6]}", "Sklisikre matter", LURA, days)
            app.save(action)
            ids.append(action.id)

    def change(moment: datetime, index: int, how) -> None:
        with clock.frozen_at(moment):
            action = app.repository.get(ids[index])
            how(action)
            app.save(action)

    change(start + timedelta(days=3), 0, lambda a: a.complete(actor="x", what_was_done="Gjort"))
    change(start + timedelta(days=9), 1, lambda a: a.complete(actor="x", what_was_done="Sent"))
    change(start + timedelta(days=1), 2, lambda a: a.cancel(actor="x", reason="Unødvendig"))
    services.runner.catch_up()
    org = app.organisation()
    result = action_statistics(services.db, EVERYTHING, org, group_by=["month"])
    months = {r["month"]: r for r in result["rows"]}
    assert (months["2026-03"]["due"], months["2026-03"]["done_on_time"]) == (2, 1)
    assert months["2026-03"]["on_time_percent"] == 50.0
    assert months["2026-04"]["due"] == 1
    assert result["totals"] == {"due": 3, "done": 2, "done_on_time": 1, "on_time_percent": 33.3}


def test_a_rebuild_gives_the_same_figures(services):
    app = services.app
    with clock.frozen_at(datetime(2026, 3, 2, 9, tzinfo=UTC)):
        cases = [report(app, unit=unit) for unit in (LURA, ROVIK, SKOLE)]
        classify(app, cases[0], category="personskade", severity=3)
        close(app, cases[0])
        app.move_unit(SYSTEM, unit_id=ROVIK, parent_id=unit_id_for("oppvekst"))
    before = figures(services, group_by=["unit", "category"])
    assert {r["unit_name"]: r["reported"] for r in before["rows"]} == {
        "Helse og velferd": 1,
        "Oppvekst": 2,
    }
    services.runner.rebuild(["statistics"])
    assert figures(services, group_by=["unit", "category"]) == before
