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
actions left out) are kept here too. The queries below read only these tables, and take
the org tree from the caller to expand units into subtrees and find their FTE.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from hms_core import clock
from hms_core.access import UnitScope
from hms_core.action import CANCELLED, DONE, OPEN, CorrectiveAction
from hms_core.categories import INJURY, NEAR_MISS
from hms_core.deviation import Deviation
from hms_core.directory import Organisation
from hms_core.hr import HRFigures
from projections.base import Projection, Rows, Tables, live_tables, sid, ts
from projections.db import Cursor, Database
from projections.scoping import marks

# Only employees' injuries count towards the H-verdi and F-verdi: the hours worked
# they are divided by are the employees' hours.
LOST_TIME_PERSON_KINDS = frozenset({"employee"})
# Which of category and severity a cube keeps; the others are blank ('' or 0).
CUBES = ("", "c", "s", "cs")
CELL = ("cube", "unit_id", "month", "category", "severity")
COUNTED = ("reported", "closed", "near_misses", "injuries", "lost_time", "absence_days")
ACTION_CELL, ACTION_COUNTS = ("unit_id", "month"), ("due", "done", "done_on_time")
CASE_COLUMNS = ("id", "unit_id", "category", "severity", "month", "reported_on")
CASE_COLUMNS += ("closed_days", "lost_time", "absence_days")
HR_COLUMNS = ("id", "unit_id", "period", "sick_leave_percent", "turnover_percent")
HR_COLUMNS += ("hours_worked", "fte", "updated_at")
ACTION_COLUMNS = ("id", "unit_id", "due_date", "status", "done_on")


class _Counts:
    """Counters keyed by some columns: a batch's changes summed, then added in one upsert."""

    def __init__(self, table: str, key: tuple[str, ...], counts: tuple[str, ...]) -> None:
        self.table, self.key, self.counts = table, key, counts
        self.deltas: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(counts))
        increments = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counts)
        self.upsert = f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {increments}"

    def add(self, key: tuple, *deltas: int) -> None:
        self.deltas[key] = [a + b for a, b in zip(self.deltas[key], deltas, strict=True)]

    def flush(self, cur: Cursor) -> None:
        rows = [(*k, *d) for k, d in self.deltas.items() if any(d)]
        columns = (*self.key, *self.counts)
        cur.executemany(
            f"INSERT INTO {self.table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))}) {self.upsert}",
            rows,
        )
        self.deltas.clear()

    def move(self, cur: Cursor, unit: str, leaves: Iterable[str], joins: Iterable[str]) -> None:
        """A unit moved: its rollup leaves its old ancestors and joins its new ones."""
        self.flush(cur)
        columns = (*self.key, *self.counts)
        # The cube first, so the key's index finds the unit's rows.
        listed = ", ".join(f"'{cube}'" for cube in CUBES)
        cubes = f"cube IN ({listed}) AND " if "cube" in self.key else ""
        for target, sign in [(u, -1) for u in leaves] + [(u, 1) for u in joins]:
            values = [
                "?" if c == "unit_id" else f"{sign} * {c}" if c in self.counts else c
                for c in columns
            ]
            cur.execute(
                f"INSERT INTO {self.table} ({', '.join(columns)}) "
                f"SELECT {', '.join(values)} FROM {self.table} "
                f"WHERE {cubes}unit_id = ? {self.upsert}",
                (target, unit),
            )


class _Tree:
    """The projection's own copy of the org tree: whose rollups a case counts in."""

    def __init__(self, cur: Cursor, table: str) -> None:
        self.cur, self.table = cur, table
        rows = cur.execute(f"SELECT id, parent_id FROM {table}").fetchall()
        self.parent: dict[str, str | None] = {r["id"]: r["parent_id"] for r in rows}

    def ancestors(self, unit: str) -> list[str]:
        """The unit and every unit above it."""
        chain = [unit]
        while (parent := self.parent.get(chain[-1])) is not None and parent not in chain:
            chain.append(parent)
        return chain

    def place(self, unit: str, parent: str | None) -> None:
        self.parent[unit] = parent
        self.cur.execute(
            f"INSERT INTO {self.table} (id, parent_id) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id",
            (unit, parent),
        )


def _counters(name: str, key: tuple[str, ...], counts: tuple[str, ...], dialect: str) -> str:
    """A table of counters clustered by its key (SQLite), or covered by it (PostgreSQL)."""
    numbers = ("severity", "days", *counts)
    columns = [f"{c} {'INTEGER' if c in numbers else 'TEXT'} NOT NULL" for c in (*key, *counts)]
    include = f" INCLUDE ({', '.join(counts)})" if dialect == "postgres" else ""
    clustered = " WITHOUT ROWID" if dialect == "sqlite" else ""
    return (
        f"CREATE TABLE {{{name}}} ({', '.join(columns)}, "
        f"PRIMARY KEY ({', '.join(key)}){include}){clustered}"
    )


def local_date(moment: datetime) -> str:
    return clock.local(moment).date().isoformat()


class StatisticsView(Projection):
    name = "statistics"
    version = 2  # 1: drafts of this read model with another layout
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
            _counters("stat_cells", CELL, COUNTED, dialect),
            _counters("stat_close_days", (*CELL, "days"), ("cases",), dialect),
            "CREATE TABLE {stat_hr} (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, "
            f"period TEXT NOT NULL, sick_leave_percent {real} NOT NULL, "
            f"turnover_percent {real} NOT NULL, hours_worked {real}, fte {real}, "
            "updated_at TEXT NOT NULL)",
            "CREATE TABLE {stat_action_cases} (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, "
            "due_date TEXT NOT NULL, status TEXT NOT NULL, done_on TEXT)",
            _counters("stat_actions", ACTION_CELL, ACTION_COUNTS, dialect),
        ]

    def index_statements(self, dialect: str) -> list[str]:
        return ["CREATE INDEX {stat_hr}_unit ON {stat_hr} (unit_id, period)"]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        tree = _Tree(cur, t["stat_units"])
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

    def __init__(self, cur: Cursor, t: Tables, events, tree: _Tree) -> None:
        self.cur, self.tree = cur, tree
        self.cells = _Counts(t["stat_cells"], CELL, COUNTED)
        self.close_days = _Counts(t["stat_close_days"], (*CELL, "days"), ("cases",))
        self.actions = _Counts(t["stat_actions"], ACTION_CELL, ACTION_COUNTS)
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


# --- queries -------------------------------------------------------------------------

T = live_tables(StatisticsView.tables)
GROUPS = {"unit": "unit_id", "category": "category", "month": "month", "severity": "severity"}
Months = tuple[str | None, str | None]
Weights = dict[str, int]


class UnknownGroupError(ValueError):
    """A `group_by` value this statistic cannot be broken down by."""


def check_groups(group_by: Iterable[str], allowed: Iterable[str] = GROUPS) -> tuple[str, ...]:
    groups = tuple(dict.fromkeys(g.strip() for g in group_by if g.strip()))
    for group in groups:
        if group not in allowed:
            raise UnknownGroupError(group)
    return groups


@dataclass(frozen=True)
class Selection:
    """The units a query counts, and the row each falls in when grouped by unit.

    Grouped by unit, the rows are one level below the selection's top unit: the top
    unit's own cases, then each unit under it with its whole subtree (so the rows add
    up to the total). A selection with several tops (a leader of two separate units)
    has a row per top, each with its subtree.
    """

    units: frozenset[str]
    row_of: dict[str, str]
    parent: dict[str, str | None]
    children: dict[str, list[str]]
    names: dict[str, str]
    fte: dict[str, float | None]
    total_fte: float | None
    anchor: str | None

    def row(self, unit_id: str) -> str:
        return self.row_of.get(unit_id, unit_id)

    def subunits(self, row: str) -> bool:
        return sum(1 for r in self.row_of.values() if r == row) > 1

    def condition(self) -> tuple[str, list[Any]]:
        m, values = marks(sorted(self.units))
        return (f"unit_id IN ({m})", values) if values else ("1 = 0", [])

    def weights(self, members: Iterable[str]) -> Weights:
        """How rollups add up to exactly these units: plus each top unit among them,
        minus each child of one of them that is not among them."""
        members, found = set(members), {}
        for unit in members:
            if self.parent.get(unit) not in members:
                found[unit] = 1
            for child in self.children.get(unit, ()):
                if child not in members:
                    found[child] = -1
        return found

    def row_weights(self) -> dict[str, Weights]:
        members: dict[str, set[str]] = defaultdict(set)
        for unit, row in self.row_of.items():
            members[row].add(unit)
        return {row: self.weights(units) for row, units in members.items()}


def select_units(
    scope: UnitScope, org: Organisation, unit_id: UUID | None, include_subunits: bool
) -> Selection:
    """The asked-for unit (and its subtree), narrowed to what the scope may read."""
    asked = () if unit_id is None else (org.subtree(unit_id) if include_subunits else {unit_id})
    narrowed = scope.narrowed(asked)
    units = {str(u) for u in (org.units if narrowed is None else narrowed)}
    parent = {str(u.id): sid(u.parent_id) for u in org.units.values()}
    children: dict[str, list[str]] = defaultdict(list)
    for unit, above in parent.items():
        children[above].append(unit)
    tops = {u for u in units if parent.get(u) not in units}
    row_of = {}
    for unit in units:
        path = [unit]
        while path[-1] not in tops:
            path.append(parent[path[-1]])
        row_of[unit] = path[-2] if len(tops) == 1 and len(path) > 1 else path[-1]
    own_fte = {str(u.id): u.fte for u in org.units.values()}
    fte: dict[str, float] = defaultdict(float)
    for unit, row in row_of.items():
        fte[row] += own_fte.get(unit) or 0.0
    return Selection(
        units=frozenset(units),
        row_of=row_of,
        parent=parent,
        children=dict(children),
        names={str(u.id): u.name for u in org.units.values()},
        fte={row: value or None for row, value in fte.items()},
        total_fte=sum(fte.values()) or None,
        anchor=next(iter(tops)) if len(tops) == 1 else None,
    )


def month_range(date_from: date | None, date_to: date | None) -> Months:
    """Statistics count whole months: those `date_from` and `date_to` fall in."""
    return (
        date_from.strftime("%Y-%m") if date_from else None,
        date_to.strftime("%Y-%m") if date_to else None,
    )


def _in(month: str, months: Months) -> bool:
    return (months[0] is None or month >= months[0]) and (months[1] is None or month <= months[1])


def _weighted(weights: dict[Any, Weights]) -> tuple[str, list[Any]]:
    """The weights as a table `w(unit, g, k)` the database joins the rollups with."""
    triples = [(u, "" if g is None else g, k) for g, w in weights.items() for u, k in w.items()]
    rows = ", ".join(["(?, ?, ?)"] * len(triples))
    return f"WITH w(unit, g, k) AS (VALUES {rows})", [v for t in triples for v in t]


def _where(cube: str | None, months: Months, condition: str = "") -> tuple[str, list[Any]]:
    where, params = ("h.cube = ?", [cube]) if cube is not None else ("1 = 1", [])
    for value, bound in zip(months, ("h.month >= ?", "h.month <= ?"), strict=True):
        if value:
            where, params = f"{where} AND {bound}", [*params, value]
    return where + condition, params


def _rows(cur, sql: str, params: list[Any], n: int) -> dict[tuple, list]:
    """Rows as {(g, *n keys): [values]}; PostgreSQL's rows are dicts, SQLite's are not."""
    found = {}
    for r in cur.execute(sql, params).fetchall():
        values = tuple(r.values()) if isinstance(r, dict) else tuple(r)
        found[(values[0] or None, *values[1 : n + 1])] = [v or 0 for v in values[n + 1 :]]
    return found


def _rolled(cur, table, cube, weights, extra, sums, months, condition="") -> dict[tuple, list]:
    """Sums per (weights' key, *extra), each a weighted sum of a few units' rollups,
    added up by the database."""
    if not any(weights.values()):
        return {}
    cte, params = _weighted(weights)
    where, more = _where(cube, months, condition)
    # The units once more as a condition: without it PostgreSQL scans the whole table.
    units, listed = marks(sorted({unit for w in weights.values() for unit in w}))
    where, more = f"{where} AND h.unit_id IN ({units})", [*more, *listed]
    # Named c0, c1, …: PostgreSQL's rows are dicts, and would fold two columns named "sum".
    columns = ["w.g", *(f"h.{c}" for c in extra), *(f"SUM(w.k * h.{s})" for s in sums)]
    named = ", ".join(f"{c} AS c{i}" for i, c in enumerate(columns))
    group = ", ".join(str(i + 1) for i in range(len(extra) + 1))
    sql = T.sql(
        f"{cte} SELECT {named} FROM {{{table}}} h JOIN w ON w.unit = h.unit_id "
        f"WHERE {where} GROUP BY {group}"
    )
    return _rows(cur, sql, [*params, *more], len(extra))


def _medians(cur, cube, weights, extra, months) -> dict[tuple, float | None]:
    """Median days to close per (weights' key, *extra), from the histograms the database
    adds up (a window-function median in SQL was slower on SQLite)."""
    found = _rolled(cur, "stat_close_days", cube, weights, [*extra, "days"], ["cases"], months)
    histograms: dict[tuple, Counter] = defaultdict(Counter)
    for key, (cases,) in found.items():
        histograms[key[:-1]][key[-1]] += cases
    return {key: median(histogram) for key, histogram in histograms.items()}


@dataclass
class _Sums:
    counts: list[int] = field(default_factory=lambda: [0] * len(COUNTED))
    # Injuries with absence, and their days, where the unit's hours worked are known.
    covered: list[int] = field(default_factory=lambda: [0, 0])
    median: float | None = None

    def add(self, other: _Sums) -> None:
        self.counts = [a + b for a, b in zip(self.counts, other.counts, strict=True)]
        self.covered = [a + b for a, b in zip(self.covered, other.covered, strict=True)]

    def __getattr__(self, name: str) -> int:
        try:
            return self.counts[COUNTED.index(name)]
        except ValueError:
            raise AttributeError(name) from None


def median(histogram: Counter) -> float | None:
    """The median of values counted in a histogram {value: how many} (as `_medians`)."""
    n = sum(c for c in histogram.values() if c > 0)
    if not n:
        return None
    wanted, found, seen = ((n - 1) // 2, n // 2), {}, 0
    for value in sorted(v for v, c in histogram.items() if c > 0):
        for rank in wanted:
            if seen <= rank < seen + histogram[value]:
                found[rank] = value
        seen += histogram[value]
    return (found[wanted[0]] + found[wanted[1]]) / 2


def worked_hours(rows: list[dict[str, Any]], months: Months) -> dict[tuple[str, str], float]:
    """Hours worked per (unit, month) in range. A year's figure is spread evenly over its
    months, unless the unit has figures for single months of that year: those win."""
    monthly = {(r["unit_id"], r["period"]): r["hours_worked"] for r in rows if len(r["period"]) > 4}
    has_months = {(unit, period[:4]) for unit, period in monthly}
    hours = {}
    for r in rows:
        if len(r["period"]) == 4 and (r["unit_id"], r["period"]) not in has_months:
            for m in range(1, 13):
                hours[(r["unit_id"], f"{r['period']}-{m:02d}")] = r["hours_worked"] / 12
    hours.update(monthly)
    return {key: value for key, value in hours.items() if _in(key[1], months)}


def _figures(s: _Sums, fte: float | None, hours: float | None, category: str | None) -> dict:
    """The figures of one row; `category` is the row's when grouped by category."""
    injuries_row = category in (None, INJURY)
    return {
        "reported": s.reported,
        "open": s.reported - s.closed,
        "closed": s.closed,
        "median_days_to_close": s.median,
        "fte": fte,
        "per_100_fte": round(s.reported * 100 / fte, 2) if fte else None,
        "near_misses": s.near_misses,
        "injuries": s.injuries,
        "near_misses_per_injury": round(s.near_misses / s.injuries, 2)
        if category is None and s.injuries
        else None,
        "lost_time_injuries": s.lost_time,
        "absence_days": s.absence_days,
        "hours_worked": round(hours, 1) if hours else None,
        "h_value": round(s.covered[0] * 1e6 / hours, 1) if hours and injuries_row else None,
        "f_value": round(s.covered[1] * 1e6 / hours, 1) if hours and injuries_row else None,
    }


def _labels(groups: tuple[str, ...], key: tuple, sel: Selection) -> dict[str, Any]:
    labels = dict(zip(groups, key, strict=True))
    if "unit" in labels:
        unit = labels.pop("unit")
        labels = {
            "unit_id": unit,
            "unit_name": sel.names.get(unit),
            "subunits": sel.subunits(unit),
            **labels,
        }
    return labels


def _order(groups: tuple[str, ...], sel: Selection):
    def key(item: tuple[tuple, Any]) -> tuple:
        return tuple(
            (v != sel.anchor, sel.names.get(v, v)) if g == "unit" else v
            for g, v in zip(groups, item[0], strict=True)
        )

    return key


def deviation_statistics(
    db: Database,
    scope: UnitScope,
    org: Organisation,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    unit_id: UUID | None = None,
    include_subunits: bool = True,
    group_by: Iterable[str] = (),
) -> dict[str, Any]:
    """Goal-5 figures of deviations grouped as asked; rows and totals are the same sums."""
    groups = check_groups(group_by)
    sel = select_units(scope, org, unit_id, include_subunits)
    months = month_range(date_from, date_to)
    cube = "c" * ("category" in groups) + "s" * ("severity" in groups)
    weights = sel.row_weights() if "unit" in groups else {None: sel.weights(sel.units)}
    extra = [GROUPS[g] for g in groups if g != "unit"]
    # H and F count injuries only in the (unit, month)s whose hours worked are known.
    lost_extra = list(dict.fromkeys(["month", *extra]))
    totals = {None: sel.weights(sel.units)}
    with db.reading() as cur:
        counts = _rolled(cur, "stat_cells", cube, weights, extra, COUNTED, months)
        medians = _medians(cur, cube, weights, extra, months)
        total_median = (_medians(cur, "", totals, [], months) if groups else medians).get((None,))
        hours = worked_hours(_hr_rows(cur, sel, months, "hours_worked IS NOT NULL"), months)
        own = {unit: sel.weights({unit}) for unit in {unit for unit, _ in hours}}
        lost_sums = ["lost_time", "absence_days"]
        condition = " AND h.lost_time <> 0"
        lost = _rolled(cur, "stat_cells", cube, own, lost_extra, lost_sums, months, condition)

    at = groups.index("unit") if "unit" in groups else None

    def key(k: tuple) -> tuple:
        """A row's key in the order of `groups`, from (unit, *the other keys …)."""
        return k[1:] if at is None else (*k[1 : at + 1], k[0], *k[at + 1 :])

    sums: dict[tuple, _Sums] = defaultdict(_Sums)
    for k, values in counts.items():
        sums[key(k)] = _Sums(counts=values, median=medians.get(k))
    for (unit, month, *others), values in lost.items():
        if (unit, month) in hours:
            found = dict(zip(lost_extra, (month, *others), strict=True))
            k = tuple(sel.row(unit) if g == "unit" else found[GROUPS[g]] for g in groups)
            sums[k].add(_Sums(covered=values))
    total = _Sums(median=total_median)
    for s in sums.values():
        total.add(s)
    hours_by: dict[tuple, float] = defaultdict(float)
    for (unit, month), value in hours.items():
        row = sel.row(unit) if "unit" in groups else None
        hours_by[(row, month)] += value
        hours_by[(row, None)] += value

    rows = []
    for k, s in sorted(sums.items(), key=_order(groups, sel)):
        if s.reported <= 0:
            continue
        labels = _labels(groups, k, sel)
        unit = labels.get("unit_id")
        fte = sel.fte.get(unit) if "unit" in groups else sel.total_fte
        hours_worked = hours_by.get((unit, labels.get("month")))
        rows.append({**labels, **_figures(s, fte, hours_worked, labels.get("category"))})
    return {
        "rows": rows,
        "totals": _figures(total, sel.total_fte, sum(hours.values()) or None, None),
        "month_from": months[0],
        "month_to": months[1],
    }


def _hr_rows(cur, sel: Selection, months: Months, condition: str = "1 = 1") -> list[dict]:
    where, params = sel.condition()
    # Text order puts a year (`2025`) before its months, so this keeps every period
    # that may overlap the months asked; `_overlaps` then keeps exactly those.
    if months[0]:
        where, params = f"{where} AND period >= ?", [*params, months[0][:4]]
    if months[1]:
        where, params = f"{where} AND period <= ?", [*params, months[1]]
    sql = T.sql(
        "SELECT unit_id, period, sick_leave_percent, turnover_percent, hours_worked, fte "
        f"FROM {{stat_hr}} WHERE {where} AND {condition} ORDER BY period, unit_id"
    )
    rows = [dict(r) for r in cur.execute(sql, params).fetchall()]
    return [r for r in rows if _overlaps(r["period"], months)]


def _overlaps(period: str, months: Months) -> bool:
    if len(period) > 4:
        return _in(period, months)
    return (months[0] is None or f"{period}-12" >= months[0]) and (
        months[1] is None or f"{period}-01" <= months[1]
    )


def hr_statistics(
    db: Database,
    scope: UnitScope,
    org: Organisation,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    unit_id: UUID | None = None,
    include_subunits: bool = True,
) -> dict[str, Any]:
    """Sick leave % and turnover % per unit and period from the HR system, and their mean."""
    sel, months = (
        select_units(scope, org, unit_id, include_subunits),
        month_range(date_from, date_to),
    )
    with db.reading() as cur:
        rows = _hr_rows(cur, sel, months)
    for row in rows:
        row["unit_name"] = sel.names.get(row["unit_id"])
    return {"rows": rows, "totals": hr_totals(rows), "month_from": months[0], "month_to": months[1]}


def hr_totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Means over the periods, weighted by hours worked (or FTE) when every period has them.

    A unit's year figure is left out where the same unit has figures for months of that
    year, as for hours worked."""
    has_months = {(r["unit_id"], r["period"][:4]) for r in rows if len(r["period"]) > 4}
    rows = [
        r for r in rows if len(r["period"]) > 4 or (r["unit_id"], r["period"]) not in has_months
    ]
    weighted_by = next(
        (w for w in ("hours_worked", "fte") if rows and all(r[w] for r in rows)), None
    )
    weights = [r[weighted_by] if weighted_by else 1.0 for r in rows]

    def mean(column: str) -> float | None:
        if not rows:
            return None
        return round(
            sum(r[column] * w for r, w in zip(rows, weights, strict=True)) / sum(weights), 2
        )

    return {
        "sick_leave_percent": mean("sick_leave_percent"),
        "turnover_percent": mean("turnover_percent"),
        "weighted_by": weighted_by,
        "periods": len(rows),
    }


def action_statistics(
    db: Database,
    scope: UnitScope,
    org: Organisation,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    unit_id: UUID | None = None,
    include_subunits: bool = True,
    group_by: Iterable[str] = (),
) -> dict[str, Any]:
    """Corrective actions due per unit and month of the due date, and how many were done
    on or before it (cancelled actions are left out)."""
    groups = check_groups(group_by, ("unit", "month"))
    sel = select_units(scope, org, unit_id, include_subunits)
    months = month_range(date_from, date_to)
    weights = sel.row_weights() if "unit" in groups else {None: sel.weights(sel.units)}
    extra = ["month"] if "month" in groups else []
    with db.reading() as cur:
        counts = _rolled(cur, "stat_actions", None, weights, extra, ACTION_COUNTS, months)
    grouped: dict[tuple, Counter] = defaultdict(Counter)
    total: Counter = Counter()
    for (unit, *dims), values in counts.items():
        k = tuple(unit if g == "unit" else dims[0] for g in groups)
        for c in (grouped[k], total):
            c.update(dict(zip(ACTION_COUNTS, values, strict=True)))

    def figures(c: Counter) -> dict[str, Any]:
        due, on_time = c["due"], c["done_on_time"]
        percent = round(on_time * 100 / due, 1) if due else None
        return {"due": due, "done": c["done"], "done_on_time": on_time, "on_time_percent": percent}

    rows = [
        {**_labels(groups, k, sel), **figures(c)}
        for k, c in sorted(grouped.items(), key=_order(groups, sel))
        if c["due"] > 0
    ]
    return {"rows": rows, "totals": figures(total), "month_from": months[0], "month_to": months[1]}
