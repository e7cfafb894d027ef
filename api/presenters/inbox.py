"""The inbox (projections.inbox) as the API and the front page show it, and a person's
own reports (/mine)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import msgspec

from api.presenters.common import date_text, local_ts, moment_text
from hms_core import access, clock
from hms_core.access import Principal, disclosure
from hms_core.actions.action import OPEN
from hms_core.deviations.categories import STATUS_LABELS
from hms_core.deviations.deviation import REPORTED
from projections.actions.queries import (
    ActionFilter,
    action_counts_by_unit,
    count_actions_due,
    is_overdue,
    list_actions,
)
from projections.deviations.queries import DeviationFilter, list_deviations
from projections.inbox import AREA_DAYS, LIMIT, Inbox, what_needs_me

ACTION_LABELS = {"open": "Åpent", "done": "Utført", "verified": "Verifisert", "cancelled": "Avlyst"}


def _local(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: local_ts(v) if k.endswith("_at") and isinstance(v, str) else v for k, v in row.items()
    }


def inbox_out(found: Inbox) -> Inbox:
    """The same lists, their times in the configured zone."""
    for field in found.__struct_fields__:
        setattr(found, field, [_local(r) for r in getattr(found, field)])
    return found


# --- the front page ---------------------------------------------------------------------


class Line(msgspec.Struct, frozen=True):
    href: str
    reference: str
    title: str
    meta: str
    late: bool = False


class Section(msgspec.Struct, frozen=True):
    """One list of the front page: at most ten lines, how many there are in all (or at
    least), and the whole list."""

    id: str
    title: str
    lines: list[Line]
    count: int
    exact: bool
    more: str
    empty: str

    @property
    def count_text(self) -> str:
        return str(self.count) if self.exact else f"minst {self.count}"


def case_line(row: dict[str, Any]) -> Line:
    """«Meldt 01.12.2026», or «Under behandling · meldt 01.12.2026»."""
    status, day = row["status"], date_text(local_ts(row["reported_at"]))
    label = STATUS_LABELS.get(status, status)
    meta = f"Meldt {day}" if status == REPORTED else f"{label} · meldt {day}"
    return Line(f"/avvik/{row['id']}", row["reference"], row["title"], meta)


def action_line(row: dict[str, Any], today: date) -> Line:
    """«Åpent · frist 05.12.2026», or «Forfalt · frist …» in words, not only in colour."""
    late = is_overdue(row, today)
    label = "Forfalt" if late else ACTION_LABELS.get(row["status"], row["status"])
    meta = f"{label} · frist {date_text(date.fromisoformat(row['due_date']))}"
    return Line(f"/tiltak/{row['id']}", row["reference"], row["title"], meta, late)


def _href(path: str, **query: Any) -> str:
    given = {k: str(v) for k, v in query.items() if v is not None}
    return f"{path}?{urlencode(given)}" if given else path


def _unit_query(unit_ids: tuple[UUID, ...]) -> dict[str, Any]:
    """The list's unit filter when the person's role names one unit (and below it)."""
    return {"unit_id": unit_ids[0], "include_subunits": "true"} if len(unit_ids) == 1 else {}


def _cases(key: str, title: str, rows: list[dict], more: str, empty: str) -> Section:
    # projections.inbox returns at most LIMIT rows and no count: a full list may be longer.
    lines = [case_line(r) for r in rows]
    return Section(key, title, lines, len(lines), len(lines) < LIMIT, more, empty)


def _actions(key, title, rows, count, more, empty, today) -> Section:
    return Section(key, title, [action_line(r, today) for r in rows], count, True, more, empty)


def front_page(svc: Any, who: Principal, today: date | None = None) -> list[Section]:
    """The front page's lists for this person, each with its true count where the read
    models can count it, and a link to the whole list."""
    today = today or clock.today()
    inbox = what_needs_me(svc.db, who, today)
    user = svc.app.user(who.user_id)
    by_unit = action_counts_by_unit(svc.db, who, today) if who.led_units or who.vo_units else []
    return [
        *_for_hms(who, inbox),
        *_for_leaders(who, user, inbox, by_unit, today),
        _my_actions(svc, who, today),
        *_for_followers(who, user, inbox, by_unit, today),
        _cases(
            "svar",
            "Svar på mine meldinger",
            inbox.feedback_on_my_reports,
            "/mine",
            "Ingen nye svar.",
        ),
    ]


def _for_hms(who: Principal, inbox: Any) -> list[Section]:
    if not who.is_hms:
        return []
    return [
        _cases(
            "alvorlige",
            "Alvorlige skader som ikke er tatt",
            inbox.serious_unacknowledged,
            _href("/avvik", status=REPORTED),
            "Ingen.",
        )
    ]


def _for_leaders(
    who: Principal, user: Any, inbox: Any, by_unit: list, today: date
) -> list[Section]:
    if not who.led_units:
        return []
    leads = _unit_query(user.leads)
    return [
        _cases(
            "nye-saker",
            "Nye saker å ta",
            inbox.to_acknowledge,
            _href("/avvik", status=REPORTED, **leads),
            "Ingen nye saker.",
        ),
        _actions(
            "verifisere",
            "Tiltak å verifisere",
            inbox.to_verify,
            _sum(by_unit, who.led_units, "awaiting_verification"),
            _href("/tiltak", status="done", **leads),
            "Ingen tiltak venter på deg.",
            today,
        ),
    ]


def _for_followers(
    who: Principal, user: Any, inbox: Any, by_unit: list, today: date
) -> list[Section]:
    """What leaders and verneombud follow up: overdue actions, and the area's injuries."""
    sections: list[Section] = []
    if who.led_units or who.vo_units:
        sections.append(
            _actions(
                "forfalte",
                "Forfalte tiltak der jeg følger opp",
                inbox.overdue_in_my_units,
                _sum(by_unit, who.led_units | who.vo_units, "overdue"),
                _href("/tiltak", status="overdue"),
                "Ingen forfalte tiltak.",
                today,
            )
        )
    if who.vo_units:
        since = today - timedelta(days=AREA_DAYS)
        sections.append(
            _cases(
                "verneomradet",
                "Skader og nestenulykker i verneområdet",
                inbox.injuries_in_my_area,
                _href("/avvik", **{"from": since.isoformat()}, **_unit_query(user.safety_rep_for)),
                "Ingen de siste to ukene.",
            )
        )
    return sections


def _my_actions(svc: Any, who: Principal, today: date) -> Section:
    """Every open action I own, not only those due soon: the earliest deadline first."""
    mine = ActionFilter(owner_id=who.user_id, status=OPEN, limit=LIMIT)
    rows = list_actions(svc.db, who, mine, today).items
    count = count_actions_due(svc.db, who.user_id, today).open
    more = _href("/tiltak", owner_id=who.user_id, status=OPEN)
    return _actions(
        "mine-tiltak", "Mine åpne tiltak", rows, count, more, "Du har ingen åpne tiltak.", today
    )


def _sum(rows: list[dict[str, Any]], units: frozenset[UUID], column: str) -> int:
    wanted = {str(u) for u in units}
    return sum(int(r[column] or 0) for r in rows if r["unit_id"] in wanted)


# --- my own reports (/mine) ---------------------------------------------------------------


class Feedback(msgspec.Struct, frozen=True):
    at: str
    text: str


class MyReport(msgspec.Struct, frozen=True):
    id: str
    reference: str
    title: str
    status: str
    reported: str
    closed: str
    feedback: list[Feedback]


MINE_PAGE = 20


def my_reports(svc: Any, who: Principal, cursor: str | None) -> tuple[list[MyReport], str | None]:
    """My reports that carry my name (anonymous ones keep none), newest first, with their
    status and the feedback meant for me (hms_core.access.disclosure)."""
    wanted = DeviationFilter(reporter_id=who.user_id, limit=MINE_PAGE, cursor=cursor)
    page = list_deviations(svc.db, access.deviation_scope(who), wanted)
    return [_my_report(svc.app, row) for row in page.items], page.next_cursor


def _my_report(app: Any, row: dict[str, Any]) -> MyReport:
    feedback: list[Feedback] = []
    if row["feedback_count"]:
        for event in app.history(UUID(row["id"])):
            text = disclosure.feedback_to_reporter(event)
            if text is not None:
                feedback.append(Feedback(moment_text(event.timestamp), text))
    return MyReport(
        id=row["id"],
        reference=row["reference"],
        title=row["title"],
        status=STATUS_LABELS.get(row["status"], row["status"]),
        reported=date_text(local_ts(row["reported_at"])),
        closed=date_text(local_ts(row["closed_at"])),
        feedback=feedback,
    )
