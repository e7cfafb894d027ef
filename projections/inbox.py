"""What needs each person now, for the front page: a view over the other read models.

Leaders: new cases in their units to acknowledge, done actions to verify, overdue
actions. Owners: their actions due soon or overdue. Reporters: feedback on their
reports. Verneombud: injuries and near misses in their area (AML § 6-2) and overdue
actions there. HMS officers: serious injuries nobody has acknowledged yet.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import msgspec

from hms_core import clock
from hms_core.access import Principal
from hms_core.actions.action import DONE, OPEN
from hms_core.deviations.categories import INJURY, NEAR_MISS
from hms_core.deviations.deviation import REPORTED
from projections.actions.queries import T as ACTIONS
from projections.actions.queries import reader_condition
from projections.actions.view import DUE_SOON_DAYS
from projections.base import ts
from projections.deviations.queries import T as DEVIATIONS
from projections.scoping import marks

LIMIT = 10
FEEDBACK_DAYS = 30
AREA_DAYS = 14


class Inbox(msgspec.Struct):
    to_acknowledge: list[dict[str, Any]] = []
    to_verify: list[dict[str, Any]] = []
    my_actions: list[dict[str, Any]] = []
    overdue_in_my_units: list[dict[str, Any]] = []
    feedback_on_my_reports: list[dict[str, Any]] = []
    injuries_in_my_area: list[dict[str, Any]] = []
    serious_unacknowledged: list[dict[str, Any]] = []


_CASE = "id, reference, title, unit_id, category, severity, status, reported_at, last_feedback_at"
_ACTION = "id, reference, title, unit_id, owner_id, due_date, status, deviation_id"


def _cases(cur, where: str, order: str, params: list[Any]) -> list[dict[str, Any]]:
    sql = f"SELECT {_CASE} FROM {{deviations}} WHERE {where} ORDER BY {order} LIMIT ?"
    return [dict(r) for r in cur.execute(DEVIATIONS.sql(sql), [*params, LIMIT]).fetchall()]


def _actions(cur, where: str, params: list[Any]) -> list[dict[str, Any]]:
    sql = f"SELECT {_ACTION} FROM {{actions}} WHERE {where} ORDER BY due_date, id LIMIT ?"
    return [dict(r) for r in cur.execute(ACTIONS.sql(sql), [*params, LIMIT]).fetchall()]


def what_needs_me(db, who: Principal, today: date | None = None) -> Inbox:
    """The lists on a person's front page, each at most ten long, most urgent first."""
    today = today or clock.today()
    me, inbox = str(who.user_id), Inbox()
    with db.reading() as cur:
        soon = (today + timedelta(days=DUE_SOON_DAYS)).isoformat()
        inbox.my_actions = _actions(
            cur, "owner_id = ? AND status = ? AND due_date <= ?", [me, OPEN, soon]
        )
        since = ts(clock.now() - timedelta(days=FEEDBACK_DAYS))
        inbox.feedback_on_my_reports = _cases(
            cur, "reporter_id = ? AND last_feedback_at >= ?", "last_feedback_at DESC", [me, since]
        )
        if who.led_units:
            m, units = marks(who.led_units)
            inbox.to_acknowledge = _cases(
                cur,
                f"status = ? AND unit_id IN ({m})",
                "severity DESC, reported_at",
                [REPORTED, *units],
            )
            inbox.to_verify = _actions(cur, f"status = ? AND unit_id IN ({m})", [DONE, *units])
        if reach := who.led_units | who.vo_units:
            m, units = marks(reach)
            readable, args = reader_condition(who, "")
            inbox.overdue_in_my_units = _actions(
                cur,
                f"status = ? AND due_date < ? AND unit_id IN ({m}) AND {readable}",
                [OPEN, today.isoformat(), *units, *args],
            )
        if who.vo_units:
            m, units = marks(who.vo_units)
            recent = ts(clock.now() - timedelta(days=AREA_DAYS))
            inbox.injuries_in_my_area = _cases(
                cur,
                f"category IN (?, ?) AND reported_at >= ? AND unit_id IN ({m})",
                "reported_at DESC",
                [INJURY, NEAR_MISS, recent, *units],
            )
        if who.is_hms:
            inbox.serious_unacknowledged = _cases(
                cur, "status = ? AND serious_injury = ?", "reported_at", [REPORTED, True]
            )
    return inbox
