"""Corrective actions as the API shows them: the list's rows and one action in full."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from api.presenters.common import (
    Names,
    date_text,
    day,
    history,
    local_ts,
    moment_text,
    unit_name,
    uuid_or_none,
)
from api.schemas.actions import ActionComment, ActionDetail, ActionSummary
from hms_core import clock
from hms_core.actions.action import CorrectiveAction
from projections.actions.queries import is_due_soon, is_overdue


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def action_summary(row: dict[str, Any], today: date) -> ActionSummary:
    """A row of the list (projections.actions); overdue and due soon as of `today`."""
    return ActionSummary(
        id=UUID(row["id"]),
        reference=row["reference"],
        title=row["title"],
        status=row["status"],
        source=row["source"],
        owner_id=UUID(row["owner_id"]),
        unit_id=UUID(row["unit_id"]),
        due_date=day(row["due_date"]),
        original_due_date=day(row["original_due_date"]),
        overdue=is_overdue(row, today),
        due_soon=is_due_soon(row, today),
        created_at=local_ts(row["created_at"]),
        updated_at=local_ts(row["updated_at"]),
        version=row["version"],
        deviation_id=uuid_or_none(row["deviation_id"]),
        assessment_id=uuid_or_none(row["assessment_id"]),
        hazard_id=uuid_or_none(row["hazard_id"]),
        follows_up=uuid_or_none(row["follows_up"]),
        follow_up_id=uuid_or_none(row["follow_up_id"]),
        follow_up_required=bool(row["follow_up_required"]),
        effective=_flag(row["effective"]),
        completed_at=local_ts(row["completed_at"]),
        done_on_time=_flag(row["done_on_time"]),
        verified_at=local_ts(row["verified_at"]),
        cancelled_at=local_ts(row["cancelled_at"]),
        reschedule_count=row["reschedule_count"],
        comment_count=row["comment_count"],
    )


def action_detail(app: Any, action: CorrectiveAction) -> ActionDetail:
    """The action with its comments and its history, every event with who did it."""
    events = app.history(action.id)
    names = Names(app)
    last = {type(e).__name__: clock.local(e.timestamp) for e in events}
    return ActionDetail(
        **_what_and_who(app, action, names),
        **_links(action),
        created_at=clock.local(action.created_on),
        created_by=action.created_by,
        what_was_done=action.what_was_done,
        completed_at=last.get("Completed") if action.completed_by else None,
        completed_by=action.completed_by,
        effective=action.effective,
        verification_note=action.verification_note,
        verified_at=last.get("Verified"),
        verified_by=action.verified_by,
        cancel_reason=action.cancel_reason,
        cancelled_at=last.get("Cancelled"),
        version=action.version,
        comments=comments(events, names),
        history=history(events, names),
    )


def _what_and_who(app: Any, action: CorrectiveAction, names: Names) -> dict[str, Any]:
    return {
        "id": action.id,
        "reference": action.reference,
        "title": action.title,
        "description": action.description,
        "status": action.status,
        "source": action.source,
        "owner_id": action.owner_id,
        "owner_name": names(str(action.owner_id)),
        "unit_id": action.unit_id,
        "unit_name": unit_name(app, action.unit_id),
        "due_date": action.due_date,
        "original_due_date": action.original_due_date,
        "overdue": action.is_overdue(clock.today()),
    }


def _links(action: CorrectiveAction) -> dict[str, Any]:
    return {
        "deviation_id": action.deviation_id,
        "assessment_id": action.assessment_id,
        "hazard_id": action.hazard_id,
        "follows_up": action.follows_up,
        "follow_up_id": action.follow_up_id,
        "follow_up_required": action.awaits_follow_up,
    }


def comments(events: list[Any], names: Names) -> list[ActionComment]:
    return [
        ActionComment(
            id=e.comment_id,
            at=clock.local(e.timestamp),
            actor=e.actor,
            actor_name=names(e.actor),
            text=e.text,
        )
        for e in events
        if isinstance(e, CorrectiveAction.Commented)
    ]


# --- the pages (/tiltak): template values in Norwegian ---------------------------------

STATUS_WORDS = {
    "open": "Åpent",
    "done": "Utført, venter på verifisering",
    "verified": "Verifisert",
    "cancelled": "Avlyst",
}
SOURCE_WORDS = {
    "deviation": "Avvik",
    "risk_assessment": "Risikovurdering",
    "follow_up": "Oppfølging av tiltak",
    "standalone": "Eget tiltak",
}


def status_words(status: str, effective: Any = None, awaits_follow_up: bool = False) -> str:
    """The status in words; a verified action says whether it worked."""
    if status == "verified":
        if effective is None:
            return STATUS_WORDS["verified"]
        if effective:
            return "Verifisert: virket"
        if awaits_follow_up:
            return "Verifisert: virket ikke, mangler oppfølgingstiltak"
        return "Verifisert: virket ikke"
    return STATUS_WORDS.get(status, status)


def _row_origin(row: dict[str, Any]) -> dict[str, str | None]:
    """Where the action came from, linked by id (the list reads no other record)."""
    if row["deviation_id"]:
        return {"label": "Avvik", "url": f"/avvik/{row['deviation_id']}"}
    if row["assessment_id"]:
        return {"label": "Risikovurdering", "url": f"/risiko/{row['assessment_id']}"}
    if row["follows_up"]:
        return {"label": "Oppfølging av tiltak", "url": f"/tiltak/{row['follows_up']}"}
    return {"label": "Eget tiltak", "url": None}


def action_row(row: dict[str, Any], today: date, names: Names) -> dict[str, Any]:
    """A row of the page's list (projections.actions), overdue as of `today`."""
    overdue = is_overdue(row, today)
    return {
        "id": row["id"],
        "reference": row["reference"],
        "title": row["title"],
        "origin": _row_origin(row),
        "owner_name": names(row["owner_id"]) or "Ukjent person",
        "due": date_text(row["due_date"]),
        "overdue": overdue,
        "due_soon": is_due_soon(row, today),
        "status": status_words(
            row["status"], _flag(row["effective"]), bool(row["follow_up_required"])
        ),
    }


def owner_choices(
    users: list[dict[str, Any]], unit_ids: frozenset[str] | None
) -> list[dict[str, str]]:
    """Active people (rows of projections.users) whose home unit, or a unit they lead,
    is one of `unit_ids` (None: everyone), by name."""

    def belongs(user: dict[str, Any]) -> bool:
        if unit_ids is None:
            return True
        led = {u for u in user["leads"].split(",") if u}
        return user["unit_id"] in unit_ids or bool(led & unit_ids)

    return [{"id": u["id"], "name": u["name"]} for u in users if u["active"] and belongs(u)]


def _history_text(entry: Any, names: Names) -> str:
    d = entry.data
    if entry.type == "Created":
        return f"Opprettet med frist {date_text(d.get('due_date'))}"
    if entry.type == "Rescheduled":
        moved = f"{date_text(d.get('from_due_date'))} til {date_text(d.get('due_date'))}"
        return f"Flyttet fristen fra {moved}. Begrunnelse: {d.get('reason')}"
    if entry.type == "Reassigned":
        owner = names(str(d.get("owner_id"))) or "en annen person"
        return f"Ga tiltaket til {owner}. Begrunnelse: {d.get('reason')}"
    if entry.type == "Completed":
        return f"Meldte tiltaket utført: {d.get('what_was_done')}"
    if entry.type == "Verified":
        verdict = "virket" if d.get("effective") else "virket ikke"
        return f"Verifiserte at tiltaket {verdict}: {d.get('note')}"
    if entry.type == "FollowUpPlanned":
        return "Opprettet et oppfølgingstiltak"
    if entry.type == "Cancelled":
        return f"Avlyste tiltaket. Begrunnelse: {d.get('reason')}"
    if entry.type == "Commented":
        return "Skrev en kommentar"
    return "Endret tiltaket"


def history_lines(entries: list[Any], names: Names) -> list[dict[str, str]]:
    """The action's history (presenters.common.history), each step in words, oldest first."""
    return [
        {
            "at": moment_text(e.at),
            "who": e.actor_name or "Ukjent",
            "what": _history_text(e, names),
        }
        for e in entries
    ]


def action_facts(detail: ActionDetail) -> dict[str, Any]:
    """One action (action_detail) as the page shows it."""
    moved = detail.due_date != detail.original_due_date
    return {
        "id": str(detail.id),
        "reference": detail.reference,
        "title": detail.title,
        "description": detail.description,
        "owner_name": detail.owner_name or "Ukjent person",
        "unit_name": detail.unit_name or "Ukjent enhet",
        "due": date_text(detail.due_date),
        "original_due": date_text(detail.original_due_date) if moved else None,
        "overdue": detail.overdue,
        "status": status_words(detail.status, detail.effective, detail.follow_up_required),
        "what_was_done": detail.what_was_done,
        "completed_at": moment_text(detail.completed_at) if detail.completed_at else None,
        "effective": detail.effective,
        "verification_note": detail.verification_note,
        "cancel_reason": detail.cancel_reason,
        "follows_up": str(detail.follows_up) if detail.follows_up else None,
        "follow_up_id": str(detail.follow_up_id) if detail.follow_up_id else None,
        "version": detail.version,
        "comments": [
            {"at": moment_text(c.at), "who": c.actor_name or "Ukjent", "text": c.text}
            for c in detail.comments
        ],
    }
