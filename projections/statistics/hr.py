"""HR figures as the statistics read them: a selection's rows, hours worked, and means."""

from __future__ import annotations

from typing import Any

from projections.base import live_tables
from projections.statistics.selection import Months, Selection, in_months
from projections.statistics.view import StatisticsView

T = live_tables(StatisticsView.tables)


def hr_rows(cur, sel: Selection, months: Months, condition: str = "1 = 1") -> list[dict]:
    where, params = sel.condition()
    # Text order puts a year (`2025`) before its months, so this keeps every period
    # that may overlap the months asked; `overlaps` then keeps exactly those.
    if months[0]:
        where, params = f"{where} AND period >= ?", [*params, months[0][:4]]
    if months[1]:
        where, params = f"{where} AND period <= ?", [*params, months[1]]
    sql = T.sql(
        "SELECT unit_id, period, sick_leave_percent, turnover_percent, hours_worked, fte "
        f"FROM {{stat_hr}} WHERE {where} AND {condition} ORDER BY period, unit_id"
    )
    rows = [dict(r) for r in cur.execute(sql, params).fetchall()]
    return [r for r in rows if overlaps(r["period"], months)]


def overlaps(period: str, months: Months) -> bool:
    if len(period) > 4:
        return in_months(period, months)
    return (months[0] is None or f"{period}-12" >= months[0]) and (
        months[1] is None or f"{period}-01" <= months[1]
    )


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
    return {key: value for key, value in hours.items() if in_months(key[1], months)}


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
