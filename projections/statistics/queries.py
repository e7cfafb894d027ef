"""Reading the goal-5 statistics: any grouping of unit, category, month and severity.

Sums of rollups, never a scan of the cases: see view.py for the cells."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from adapters.db import Database
from hms_core.access import UnitScope
from hms_core.deviations.categories import INJURY
from hms_core.directory.organisation import Organisation
from projections.base import live_tables
from projections.scoping import marks
from projections.statistics.hr import hr_rows, worked_hours
from projections.statistics.selection import (
    GROUPS,
    Months,
    Selection,
    Weights,
    check_groups,
    month_range,
    select_units,
)
from projections.statistics.view import COUNTED, StatisticsView

T = live_tables(StatisticsView.tables)


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


def rolled(cur, table, cube, weights, extra, sums, months, condition="") -> dict[tuple, list]:
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
    found = rolled(cur, "stat_close_days", cube, weights, [*extra, "days"], ["cases"], months)
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


def group_labels(groups: tuple[str, ...], key: tuple, sel: Selection) -> dict[str, Any]:
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


def group_order(groups: tuple[str, ...], sel: Selection):
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
    with db.reading() as cur:
        sums, total_median = _counted(cur, sel, months, groups)
        hours = worked_hours(hr_rows(cur, sel, months, "hours_worked IS NOT NULL"), months)
        _add_lost_time(cur, sel, months, groups, hours, sums)
    total = _Sums(median=total_median)
    for s in sums.values():
        total.add(s)
    rows = _figure_rows(sums, sel, groups, _hours_by_row(hours, sel, groups))
    totals = _figures(total, sel.total_fte, sum(hours.values()) or None, None)
    return report(rows, totals, months)


def report(rows: list[dict[str, Any]], totals: dict[str, Any], months: Months) -> dict[str, Any]:
    """A statistic as the API gives it: its rows, their totals, and the months counted."""
    return {"rows": rows, "totals": totals, "month_from": months[0], "month_to": months[1]}


def _cube(groups: tuple[str, ...]) -> str:
    """The smallest cube that keeps the dimensions grouped by."""
    return "c" * ("category" in groups) + "s" * ("severity" in groups)


def _counted(cur, sel: Selection, months: Months, groups: tuple[str, ...]) -> tuple[dict, Any]:
    """The counts and median of each row, keyed in the order of `groups`; and the median
    of them all."""
    cube, weights = _cube(groups), sel.weights_by(groups)
    extra = [GROUPS[g] for g in groups if g != "unit"]
    counts = rolled(cur, "stat_cells", cube, weights, extra, COUNTED, months)
    medians = _medians(cur, cube, weights, extra, months)
    totals = {None: sel.weights(sel.units)}
    total_median = (_medians(cur, "", totals, [], months) if groups else medians).get((None,))
    at = groups.index("unit") if "unit" in groups else None

    def key(k: tuple) -> tuple:
        """A row's key in the order of `groups`, from (unit, *the other keys …)."""
        return k[1:] if at is None else (*k[1 : at + 1], k[0], *k[at + 1 :])

    sums: dict[tuple, _Sums] = defaultdict(_Sums)
    for k, values in counts.items():
        sums[key(k)] = _Sums(counts=values, median=medians.get(k))
    return sums, total_median


def _add_lost_time(cur, sel: Selection, months: Months, groups, hours, sums) -> None:
    """Injuries with absence and their days, into each row's sums: H and F count them
    only in the (unit, month)s whose hours worked are known."""
    extra = list(dict.fromkeys(["month", *(GROUPS[g] for g in groups if g != "unit")]))
    own = {unit: sel.weights({unit}) for unit in {unit for unit, _ in hours}}
    lost_sums, condition = ["lost_time", "absence_days"], " AND h.lost_time <> 0"
    lost = rolled(cur, "stat_cells", _cube(groups), own, extra, lost_sums, months, condition)
    for (unit, month, *others), values in lost.items():
        if (unit, month) in hours:
            found = dict(zip(extra, (month, *others), strict=True))
            k = tuple(sel.row(unit) if g == "unit" else found[GROUPS[g]] for g in groups)
            sums[k].add(_Sums(covered=values))


def _hours_by_row(hours: dict, sel: Selection, groups: tuple[str, ...]) -> dict[tuple, float]:
    """Hours worked per (row, month), and per (row, None) over all the months."""
    hours_by: dict[tuple, float] = defaultdict(float)
    for (unit, month), value in hours.items():
        row = sel.row(unit) if "unit" in groups else None
        hours_by[(row, month)] += value
        hours_by[(row, None)] += value
    return hours_by


def _figure_rows(sums: dict, sel: Selection, groups: tuple[str, ...], hours_by: dict) -> list:
    rows = []
    for k, s in sorted(sums.items(), key=group_order(groups, sel)):
        if s.reported <= 0:
            continue
        labels = group_labels(groups, k, sel)
        unit = labels.get("unit_id")
        fte = sel.fte.get(unit) if "unit" in groups else sel.total_fte
        hours_worked = hours_by.get((unit, labels.get("month")))
        rows.append({**labels, **_figures(s, fte, hours_worked, labels.get("category"))})
    return rows
