"""StatisticsView: the goal-5 figures, pre-aggregated so every breakdown is a small sum.

Deviations are counted per month of reporting in cells: a case adds one to the cell of
its unit AND of every unit above it, so the row of a unit holds its whole subtree (a
"rollup"). The figures of any set of units are then a sum of a few rollups: plus each
top unit of the set, minus each child it leaves out. The same holds for every cube,
i.e. each choice of category and severity kept or left out, four in all: a query reads
the smallest cube with the dimensions it groups by. Each cell holds reported, closed,
near misses, injuries, and employee injuries with absence and their days; beside the
cells is a histogram of days to close per cell, from which any grouping's median is
read. Rollups follow the tree: the projection keeps its own copy of the org tree, and
when a unit moves, its rollup is taken from its old ancestors and given to the new.

A case counts where it is NOW: a reclassification (`Classified`) or a transfer moves it
from its old cells to its new ones, and a reopen makes it open again and takes its days
out of the histogram. Every change is folded as "take the case's contribution out,
change the case, put its contribution back"; a batch's changes are summed per cell and
added in one upsert.

Days to close are whole calendar days between the local dates (HMS_TIMEZONE) of the
report and of the last closing: closed the same day counts 0. Months are local months
of reporting. After changing HMS_TIMEZONE, rebuild this read model.

HR figures (per unit and period) and corrective actions (rolled up per unit and month
of the due date in force: due, done, and done on or before that date; cancelled
actions left out) are kept here too. The queries (queries.py, figures.py, hr.py) read
only these tables, and take the org tree from the caller to expand units into subtrees
and find their FTE (selection.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from adapters.db import Cursor
from hms_core import clock
from hms_core.actions.action import CANCELLED, DONE, OPEN, CorrectiveAction
from hms_core.deviations.categories import INJURY, NEAR_MISS
from hms_core.deviations.deviation import Deviation
from hms_core.directory.organisation import Organisation
from hms_core.hr.figures import HRFigures
from projections.base import Projection, Rows, Tables, sid, ts
from projections.statistics.cells import CUBES, Counts, OrgTree, counters_ddl

# Only employees' injuries count towards the H-verdi and F-verdi: the hours worked
# they are divided by are the employees' hours.
LOST_TIME_PERSON_KINDS = frozenset({"employee"})
CELL = ("cube", "unit_id", "month", "category", "severity")
COUNTED = ("reported", "closed", "near_misses", "injuries", "lost_time", "absence_days")
ACTION_CELL, ACTION_COUNTS = ("unit_id", "month"), ("due", "done", "done_on_time")
CASE_COLUMNS = ("id", "unit_id", "category", "severity", "month", "reported_on")
CASE_COLUMNS += ("closed_days", "lost_time", "absence_days")
HR_COLUMNS = ("id", "unit_id", "period", "sick_leave_percent", "turnover_percent")
HR_COLUMNS += ("hours_worked", "fte", "updated_at")
ACTION_COLUMNS = ("id", "unit_id", "due_date", "status", "done_on")


def local_date(moment: datetime) -> str:
    return clock.local(moment).date().isoformat()


class StatisticsView(Projection):
    name = "statistics"
    rebuild_weight = 7.0  # measured: see bench/README.md
    version = 3  # 2: kept cells that fell to zero; 1: an earlier layout
    tables = (
        "stat_units",
        "stat_cases",
        "stat_cells",
        "stat_close_days",
        "stat_hr",
        "stat_action_cases",
        "stat_actions",
    )

    def create_statements(self, dialect: str) -> list[str]:
        real = "DOUBLE PRECISION"
        return [
            "CREATE TABLE {stat_units} (id TEXT PRIMARY KEY, parent_id TEXT)",
            "CREATE TABLE {stat_cases} (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, "
            "category TEXT NOT NULL, severity INTEGER NOT NULL, month TEXT NOT NULL, "
            "reported_on TEXT NOT NULL, closed_days INTEGER, lost_time INTEGER NOT NULL, "
            "absence_days INTEGER NOT NULL)",
            counters_ddl("stat_cells", CELL, COUNTED, dialect),
            counters_ddl("stat_close_days", (*CELL, "days"), ("cases",), dialect),
            "CREATE TABLE {stat_hr} (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, "
            f"period TEXT NOT NULL, sick_leave_percent {real} NOT NULL, "
            f"turnover_percent {real} NOT NULL, hours_worked {real}, fte {real}, "
            "updated_at TEXT NOT NULL)",
            "CREATE TABLE {stat_action_cases} (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, "
            "due_date TEXT NOT NULL, status TEXT NOT NULL, done_on TEXT)",
            counters_ddl("stat_actions", ACTION_CELL, ACTION_COUNTS, dialect),
        ]

    def index_statements(self, dialect: str) -> list[str]:
        return ["CREATE INDEX {stat_hr}_unit ON {stat_hr} (unit_id, period)"]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        tree = OrgTree(cur, t["stat_units"])
        fold = _Fold(cur, t, events, tree)
        for _, e in events:
            if isinstance(e, Deviation.Event):
                fold.deviation(e)
            elif isinstance(e, CorrectiveAction.Event):
                fold.action(e)
            elif isinstance(e, HRFigures.Recorded | HRFigures.Revised):
                fold.hr(e)
            elif isinstance(e, Organisation.UnitAdded):
                tree.place(sid(e.unit_id), sid(e.parent_id))
            elif isinstance(e, Organisation.UnitMoved):
                fold.move_unit(sid(e.unit_id), sid(e.parent_id))
        fold.flush()


class _Fold:
    """One batch: the rows it touches, and the counters it changes."""

    CASE_MOVES = (Deviation.Classified, Deviation.Transferred, Deviation.Closed, Deviation.Reopened)
    ACTION_CHANGES = (
        CorrectiveAction.Rescheduled,
        CorrectiveAction.Cancelled,
        CorrectiveAction.Completed,
    )

    def __init__(self, cur: Cursor, t: Tables, events, tree: OrgTree) -> None:
        self.cur, self.tree = cur, tree
        self.cells = Counts(t["stat_cells"], CELL, COUNTED)
        self.close_days = Counts(t["stat_close_days"], (*CELL, "days"), ("cases",))
        self.actions = Counts(t["stat_actions"], ACTION_CELL, ACTION_COUNTS)
        # Cases' contributions, summed per (unit, month, category, severity, days, lost
        # time, absence) and spread over the units above only when written.
        self.leaves: Counter = Counter()
        self.cases = Rows(cur, t["stat_cases"], "id", CASE_COLUMNS)
        self.action_rows = Rows(cur, t["stat_action_cases"], "id", ACTION_COLUMNS)
        self.hr_rows = Rows(cur, t["stat_hr"], "id", HR_COLUMNS)
        for rows, kinds in (
            (self.cases, self.CASE_MOVES),
            (self.action_rows, self.ACTION_CHANGES),
            (self.hr_rows, HRFigures.Revised),
        ):
            rows.prefetch(sid(e.originator_id) for _, e in events if isinstance(e, kinds))

    def flush(self) -> None:
        self.spread()
        for rows in (self.cells, self.close_days, self.actions):
            rows.flush(self.cur)
        for rows in (self.cases, self.action_rows, self.hr_rows):
            rows.flush()

    def move_unit(self, unit: str, parent: str) -> None:
        self.spread()  # what was counted so far, under the tree as it was
        before = self.tree.ancestors(unit)[1:]
        self.tree.place(unit, parent)
        after = self.tree.ancestors(unit)[1:]
        leaves = [u for u in before if u not in after]
        joins = [u for u in after if u not in before]
        for counts in (self.cells, self.close_days, self.actions):
            counts.move(self.cur, unit, leaves, joins)

    # --- deviations ----------------------------------------------------------------

    def count_case(self, case: dict[str, Any], sign: int) -> None:
        columns = ("unit_id", "month", "category", "severity", "closed_days", "lost_time")
        self.leaves[(*(case[c] for c in columns), case["absence_days"])] += sign

    def spread(self) -> None:
        """The contributions counted so far, into the cells of their units and those above."""
        cells, close_days = self.cells.deltas, self.close_days.deltas
        for (unit, month, category, severity, days, lost, absence), n in self.leaves.items():
            if not n:
                continue
            injury = category == INJURY
            deltas = (
                n,
                n * (days is not None),
                n * (category == NEAR_MISS),
                n * injury,
                n * injury * lost,
                n * injury * absence,
            )
            for above in self.tree.ancestors(unit):
                for cube in CUBES:
                    cell = (
                        cube,
                        above,
                        month,
                        category if "c" in cube else "",
                        severity if "s" in cube else 0,
                    )
                    cells[cell] = [a + b for a, b in zip(cells[cell], deltas, strict=True)]
                    if days is not None:
                        close_days[(*cell, days)][0] += n
        self.leaves.clear()

    def deviation(self, e: Any) -> None:
        if isinstance(e, Deviation.Reported):
            self.count_case(self.cases.add(_new_case(e)), +1)
            return
        if (
            not isinstance(e, self.CASE_MOVES)
            or (case := self.cases.get(sid(e.originator_id))) is None
        ):
            return
        self.count_case(case, -1)
        _move(case, e)
        self.count_case(case, +1)

    # --- corrective actions ----------------------------------------------------------

    def count_action(self, action: dict[str, Any], sign: int) -> None:
        if action["status"] == CANCELLED:
            return
        done = action["status"] == DONE
        on_time = done and action["done_on"] <= action["due_date"]
        for unit in self.tree.ancestors(action["unit_id"]):
            self.actions.add((unit, action["due_date"][:7]), sign, sign * done, sign * on_time)

    def action(self, e: Any) -> None:
        if isinstance(e, CorrectiveAction.Created):
            new = {"id": sid(e.originator_id), "unit_id": sid(e.unit_id), "status": OPEN}
            new.update(due_date=e.due_date.isoformat(), done_on=None)
            self.count_action(self.action_rows.add(new), +1)
            return
        changes = self.ACTION_CHANGES
        if not isinstance(e, changes) or (a := self.action_rows.get(sid(e.originator_id))) is None:
            return
        self.count_action(a, -1)
        if isinstance(e, CorrectiveAction.Rescheduled):
            a["due_date"] = e.due_date.isoformat()
        elif isinstance(e, CorrectiveAction.Cancelled):
            a["status"] = CANCELLED
        else:
            a.update(status=DONE, done_on=local_date(e.timestamp))
        self.count_action(a, +1)

    # --- HR figures ------------------------------------------------------------------

    def hr(self, e: Any) -> None:
        if isinstance(e, HRFigures.Recorded):
            row = {"id": sid(e.originator_id), "unit_id": sid(e.unit_id), "period": e.period}
            row = self.hr_rows.add(row)
        elif (row := self.hr_rows.get(sid(e.originator_id))) is None:
            return
        row.update(
            sick_leave_percent=e.sick_leave_percent,
            turnover_percent=e.turnover_percent,
            hours_worked=e.hours_worked,
            fte=e.fte,
            updated_at=ts(e.timestamp),
        )


def _new_case(e: Deviation.Reported) -> dict[str, Any]:
    harmed = e.person_harmed
    lost_time = bool(harmed and harmed.absence and harmed.kind in LOST_TIME_PERSON_KINDS)
    return {
        "id": sid(e.originator_id),
        "unit_id": sid(e.unit_id),
        "category": e.category,
        "severity": e.severity,
        "month": local_date(e.timestamp)[:7],
        "reported_on": local_date(e.timestamp),
        "closed_days": None,
        "lost_time": int(lost_time),
        "absence_days": (harmed.absence_days or 0) if lost_time else 0,
    }


def _move(case: dict[str, Any], e: Any) -> None:
    if isinstance(e, Deviation.Classified):
        case.update(category=e.category, severity=e.severity)
    elif isinstance(e, Deviation.Transferred):
        case["unit_id"] = sid(e.to_unit_id)
    elif isinstance(e, Deviation.Closed):
        reported = date.fromisoformat(case["reported_on"])
        case["closed_days"] = (clock.local(e.timestamp).date() - reported).days
    elif isinstance(e, Deviation.Reopened):
        case["closed_days"] = None


PROJECTIONS: list[Projection] = [StatisticsView()]
