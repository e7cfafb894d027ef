"""HR figures and corrective actions on time, beside the deviation statistics.

Both read only the statistics read model's tables; units come expanded by the caller."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from adapters.db import Database
from hms_core.access import UnitScope
from hms_core.directory.organisation import Organisation
from projections.statistics.hr import hr_rows, hr_totals
from projections.statistics.queries import group_labels, group_order, report, rolled
from projections.statistics.selection import (
    check_groups,
    month_range,
    select_units,
)
from projections.statistics.view import ACTION_COUNTS


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
    sel = select_units(scope, org, unit_id, include_subunits)
    months = month_range(date_from, date_to)
    with db.reading() as cur:
        rows = hr_rows(cur, sel, months)
    for row in rows:
        row["unit_name"] = sel.names.get(row["unit_id"])
    return report(rows, hr_totals(rows), months)


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
    extra = ["month"] if "month" in groups else []
    with db.reading() as cur:
        counts = rolled(
            cur, "stat_actions", None, sel.weights_by(groups), extra, ACTION_COUNTS, months
        )
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
        {**group_labels(groups, k, sel), **figures(c)}
        for k, c in sorted(grouped.items(), key=group_order(groups, sel))
        if c["due"] > 0
    ]
    return report(rows, figures(total), months)
