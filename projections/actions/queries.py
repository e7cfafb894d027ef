"""Reading the action follow-up: lists, counts, overdue and on-time figures.

Overdue and due soon are decided when read, against today in HMS_TIMEZONE."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

import msgspec

from adapters.db import Database
from hms_core import access, clock
from hms_core.access import Principal
from hms_core.actions.action import CANCELLED, DONE, OPEN
from projections.actions.view import COLUMNS, DUE_SOON_DAYS, ActionFollowUpView
from projections.base import live_tables
from projections.deviations.queries import T as CASES
from projections.paging import Page, decode_cursor, encode_cursor, page_of
from projections.scoping import NOTHING, marks

T = live_tables(ActionFollowUpView.tables)
LIST_COLUMNS = ", ".join(f"a.{c}" for c in COLUMNS if c != "seq")


class ActionFilter(msgspec.Struct, frozen=True):
    owner_id: UUID | None = None
    unit_ids: frozenset[UUID] | None = None
    status: str | None = None
    due_before: date | None = None
    deviation_id: UUID | None = None
    limit: int = 50
    cursor: str | None = None


class ActionCounts(msgspec.Struct, frozen=True):
    open: int = 0
    due_soon: int = 0
    overdue: int = 0


def _due_date(text: str) -> str:
    return date.fromisoformat(text).isoformat()


def reader_condition(who: Principal, alias: str = "a") -> tuple[str, list[Any]]:
    """The actions a person may see (hms_core.access.can_read_action, as SQL, to be
    filled in with the tables' names)."""
    a = f"{alias}." if alias else "{actions}."
    if who.is_hms:
        return "1 = 1", []
    parts, params = [f"{a}owner_id = ?"], [str(who.user_id)]
    if who.led_units:
        m, units = marks(sorted(who.led_units, key=str))
        parts.append(f"{a}unit_id IN ({m})")
        params += units
    if who.vo_units:
        m, units = marks(sorted(who.vo_units, key=str))
        c, categories = marks(sorted(access.HMS_CATEGORIES))
        # EXISTS, not `deviation_id IN (SELECT …)`: the planners materialise the IN list
        # (most cases of the year) where EXISTS looks up each action's case by its key.
        parts.append(
            f"({a}unit_id IN ({m}) AND ({a}deviation_id IS NULL OR EXISTS "
            f"(SELECT 1 FROM {CASES['deviations']} c WHERE c.id = {a}deviation_id "
            f"AND c.category IN ({c}))))"
        )
        params += units + categories
    return "(" + " OR ".join(parts) + ")", params


def status_condition(status: str, today: date, alias: str = "a") -> tuple[str, list[Any]]:
    """`overdue` and `due_soon` are open actions measured against today's date."""
    a = f"{alias}." if alias else ""
    if status == "overdue":
        return f"{a}status = ? AND {a}due_date < ?", [OPEN, today.isoformat()]
    if status == "due_soon":
        soon = today + timedelta(days=DUE_SOON_DAYS)
        return (
            f"{a}status = ? AND {a}due_date >= ? AND {a}due_date <= ?",
            [OPEN, today.isoformat(), soon.isoformat()],
        )
    if status == "follow_up_required":
        return f"{a}follow_up_required = ?", [True]
    return f"{a}status = ?", [status]


def list_actions(db: Database, who: Principal, f: ActionFilter, today: date | None = None) -> Page:
    """One page of the actions this reader may see, the earliest deadline first."""
    today = today or clock.today()
    where, params = reader_condition(who)
    conditions, values = [where], list(params)

    def add(condition: str, args: Sequence[Any] = ()) -> None:
        conditions.append(condition)
        values.extend(args)

    if f.owner_id is not None:
        add("a.owner_id = ?", [str(f.owner_id)])
    if f.unit_ids is not None:
        m, units = marks(f.unit_ids)
        add(f"a.unit_id IN ({m})" if units else NOTHING[0], units)
    if f.status:
        add(*status_condition(f.status, today))
    if f.due_before:
        add("a.due_date < ?", [f.due_before.isoformat()])
    if f.deviation_id is not None:
        add("a.deviation_id = ?", [str(f.deviation_id)])
    if f.cursor:
        due_date, id_ = decode_cursor(f.cursor, _due_date)
        add("(a.due_date > ? OR (a.due_date = ? AND a.id > ?))", [due_date, due_date, id_])
    sql = T.sql(
        f"SELECT {LIST_COLUMNS} FROM {{actions}} a WHERE "
        + " AND ".join(conditions)
        + " ORDER BY a.due_date, a.id LIMIT ?"
    )
    with db.reading() as cur:
        rows = [dict(r) for r in cur.execute(sql, [*values, f.limit + 1]).fetchall()]
    return page_of(rows, f.limit, lambda row: encode_cursor(row["due_date"], row["id"]))


def is_overdue(row: dict[str, Any], today: date) -> bool:
    return row["status"] == OPEN and row["due_date"] < today.isoformat()


def is_due_soon(row: dict[str, Any], today: date) -> bool:
    soon = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
    return row["status"] == OPEN and today.isoformat() <= row["due_date"] <= soon


def count_actions_due(db: Database, owner_id: UUID, today: date | None = None) -> ActionCounts:
    """What one person has on their plate: open actions, those due soon, those overdue."""
    today = today or clock.today()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    sql = T.sql(
        "SELECT COUNT(*) AS open, "
        "COALESCE(SUM(CASE WHEN due_date >= ? AND due_date <= ? THEN 1 ELSE 0 END), 0) "
        "AS due_soon, "
        "COALESCE(SUM(CASE WHEN due_date < ? THEN 1 ELSE 0 END), 0) AS overdue "
        "FROM {actions} WHERE owner_id = ? AND status = ?"
    )
    params = [today.isoformat(), soon.isoformat(), today.isoformat(), str(owner_id), OPEN]
    with db.reading() as cur:
        row = cur.execute(sql, params).fetchone()
    return ActionCounts(open=row["open"], due_soon=row["due_soon"], overdue=row["overdue"])


def action_counts_by_unit(
    db: Database, who: Principal, today: date | None = None
) -> list[dict[str, Any]]:
    """Per unit the reader follows: open, overdue, due soon, and done awaiting verification."""
    today = today or clock.today()
    soon = today + timedelta(days=DUE_SOON_DAYS)
    where, params = reader_condition(who, "")
    sql = T.sql(
        "SELECT unit_id, "
        "SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS open, "
        "SUM(CASE WHEN status = ? AND due_date < ? THEN 1 ELSE 0 END) AS overdue, "
        "SUM(CASE WHEN status = ? AND due_date >= ? AND due_date <= ? THEN 1 ELSE 0 END) "
        "AS due_soon, "
        "SUM(CASE WHEN status = ? THEN 1 ELSE 0 END) AS awaiting_verification "
        "FROM {actions} WHERE status IN (?, ?) AND " + where + " GROUP BY unit_id ORDER BY unit_id"
    )
    t = today.isoformat()
    args = [OPEN, OPEN, t, OPEN, t, soon.isoformat(), DONE, OPEN, DONE, *params]
    with db.reading() as cur:
        return [dict(r) for r in cur.execute(sql, args).fetchall()]


def overdue_actions(db: Database, today: date | None = None, *, days: int = 0) -> list[dict]:
    """Open actions more than `days` past their due date (for reminders and escalation)."""
    cutoff = (today or clock.today()) - timedelta(days=days)
    sql = T.sql(
        f"SELECT {LIST_COLUMNS} FROM {{actions}} a WHERE a.status = ? AND a.due_date < ? "
        "ORDER BY a.due_date, a.id"
    )
    with db.reading() as cur:
        return [dict(r) for r in cur.execute(sql, [OPEN, cutoff.isoformat()]).fetchall()]


def actions_on_time(
    db: Database, unit_ids: frozenset[UUID] | None, date_from: date, date_to: date
) -> list[dict[str, Any]]:
    """Per unit and month of the due date: actions due, done on time, done late, not done.

    Cancelled actions are left out. An action still open whose month has not ended is
    not late yet: pass a range that ends before today for a fair share. `unit_ids` comes
    from the caller's figures scope (None: every unit).
    """
    conditions = ["status <> ?", "due_date >= ?", "due_date <= ?"]
    values: list[Any] = [CANCELLED, date_from.isoformat(), date_to.isoformat()]
    if unit_ids is not None:
        m, units = marks(sorted(unit_ids, key=str))
        conditions.append(f"unit_id IN ({m})" if units else NOTHING[0])
        values += units
    month = "substr(due_date, 1, 7)"
    sql = T.sql(
        f"SELECT unit_id, {month} AS month, COUNT(*) AS due, "
        "SUM(CASE WHEN done_on_time THEN 1 ELSE 0 END) AS done_on_time, "
        "SUM(CASE WHEN completed_on IS NOT NULL AND NOT done_on_time THEN 1 ELSE 0 END) "
        "AS done_late, "
        "SUM(CASE WHEN completed_on IS NULL THEN 1 ELSE 0 END) AS not_done "
        "FROM {actions} WHERE " + " AND ".join(conditions) + f" GROUP BY unit_id, {month} "
        "ORDER BY unit_id, month"
    )
    with db.reading() as cur:
        return [dict(r) for r in cur.execute(sql, values).fetchall()]
