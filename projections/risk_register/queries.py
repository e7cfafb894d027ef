"""Reading the risk register: hazards in force, the heat map, and the assessments list.

Review due and overdue are decided when read, against today in HMS_TIMEZONE."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from adapters.db import Database
from hms_core import clock
from hms_core.access import UnitScope
from hms_core.risk.hazard import review_state
from hms_core.risk.state import ARCHIVED, RECURRENCE_THRESHOLD
from projections.base import live_tables
from projections.risk_register.view import RiskRegisterView
from projections.scoping import marks, unit_condition

T = live_tables(RiskRegisterView.tables)


class RegisterFilter(msgspec.Struct, frozen=True):
    unit_ids: frozenset[UUID] | None = None
    assessment_id: UUID | None = None
    level: str | None = None
    residual_level: str | None = None
    review_overdue: bool | None = None
    limit: int = 500
    offset: int = 0


class AssessmentFilter(msgspec.Struct, frozen=True):
    unit_ids: frozenset[UUID] | None = None
    status: str | None = None
    review_overdue: bool | None = None
    limit: int = 100
    offset: int = 0


def _review_on(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


_COUNTS = (
    "(SELECT COUNT(*) FROM {risk_measures} m WHERE m.hazard_id = r.hazard_id) "
    "AS measure_count, "
    "(SELECT COUNT(*) FROM {risk_measures} m LEFT JOIN {risk_action_status} s "
    "ON s.action_id = m.action_id WHERE m.hazard_id = r.hazard_id "
    "AND COALESCE(s.status, 'open') = 'open') AS open_measure_count, "
    "(SELECT COUNT(*) FROM {risk_deviations} d WHERE d.hazard_id = r.hazard_id) "
    "AS deviation_count, "
    "(SELECT COUNT(*) FROM {risk_deviations} d WHERE d.hazard_id = r.hazard_id "
    "AND d.linked_at >= r.approved_at) AS recent_deviation_count"
)


def _register_where(scope: UnitScope, f: RegisterFilter, today: date) -> tuple[str, list[Any]]:
    where, params = unit_condition(scope, f.unit_ids, "r.unit_id")
    conditions, values = [where], list(params)
    if f.unit_ids is not None and not f.unit_ids:
        conditions.append("1 = 0")
    if f.assessment_id is not None:
        conditions.append("r.assessment_id = ?")
        values.append(str(f.assessment_id))
    if f.level:
        conditions.append("r.level = ?")
        values.append(f.level)
    if f.residual_level:
        conditions.append("COALESCE(r.residual_level, r.level) = ?")
        values.append(f.residual_level)
    if f.review_overdue is not None:
        conditions.append("r.next_review_on < ?" if f.review_overdue else "r.next_review_on >= ?")
        values.append(today.isoformat())
    return " AND ".join(conditions), values


def list_register(db: Database, scope: UnitScope, f: RegisterFilter) -> list[dict[str, Any]]:
    """Hazards in force that this reader may see, highest risk first, with their counts
    and whether their assessment's review is due."""
    today = clock.today()
    where, values = _register_where(scope, f, today)
    sql = T.sql(
        "SELECT r.*, " + _COUNTS + " FROM {risk_register} r WHERE " + where + " "
        "ORDER BY r.score DESC, COALESCE(r.residual_score, r.score) DESC, r.title, "
        "r.position, r.hazard_id LIMIT ? OFFSET ?"
    )
    with db.reading() as cur:
        rows = [dict(r) for r in cur.execute(sql, [*values, f.limit, f.offset]).fetchall()]
    for row in rows:
        recurring = row["recent_deviation_count"] >= RECURRENCE_THRESHOLD
        state = review_state(_review_on(row["next_review_on"]), today, recurring)
        row.update(recurring=recurring, review_due=state.due, review_overdue=state.overdue)
    return rows


def heat_map(db: Database, scope: UnitScope, f: RegisterFilter) -> dict[str, dict[tuple, int]]:
    """Hazards per (probability, consequence), before measures and after (residual; a
    hazard without a residual estimate counts where it was before)."""
    where, values = _register_where(scope, f, clock.today())
    inherent = T.sql(
        "SELECT r.probability AS p, r.consequence AS c, COUNT(*) AS n "
        "FROM {risk_register} r WHERE " + where + " GROUP BY r.probability, r.consequence"
    )
    residual = T.sql(
        "SELECT COALESCE(r.residual_probability, r.probability) AS p, "
        "COALESCE(r.residual_consequence, r.consequence) AS c, COUNT(*) AS n "
        "FROM {risk_register} r WHERE " + where + " GROUP BY "
        "COALESCE(r.residual_probability, r.probability), "
        "COALESCE(r.residual_consequence, r.consequence)"
    )
    with db.reading() as cur:
        return {
            name: {(r["p"], r["c"]): r["n"] for r in cur.execute(sql, values).fetchall()}
            for name, sql in (("inherent", inherent), ("residual", residual))
        }


def list_assessments(
    db: Database, scope: UnitScope, user_id: UUID, f: AssessmentFilter
) -> list[dict[str, Any]]:
    """Assessments of the units this reader follows, and those they take part in."""
    today = clock.today()
    units, params = unit_condition(scope, None, "a.unit_id")
    conditions = [
        f"({units} OR a.id IN "
        + T.sql("(SELECT p.assessment_id FROM {risk_participants} p WHERE p.user_id = ?)")
        + ")"
    ]
    values = [*params, str(user_id)]
    if f.unit_ids is not None:
        m, asked = marks(f.unit_ids)
        conditions.append(f"a.unit_id IN ({m})" if asked else "1 = 0")
        values += asked
    if f.status:
        conditions.append("a.status = ?")
        values.append(f.status)
    if f.review_overdue is not None:
        conditions.append(
            "(a.status <> 'archived' AND a.next_review_on < ?)"
            if f.review_overdue
            else "(a.next_review_on IS NULL OR a.next_review_on >= ?)"
        )
        values.append(today.isoformat())
    sql = T.sql(
        "SELECT a.* FROM {risk_assessments} a WHERE "
        + " AND ".join(conditions)
        + " ORDER BY a.updated_at DESC, a.id LIMIT ? OFFSET ?"
    )
    with db.reading() as cur:
        rows = [dict(r) for r in cur.execute(sql, [*values, f.limit, f.offset]).fetchall()]
    for row in rows:
        in_force = row["status"] != ARCHIVED
        state = review_state(_review_on(row["next_review_on"]) if in_force else None, today)
        row.update(review_due=state.due, review_overdue=state.overdue)
    return rows
