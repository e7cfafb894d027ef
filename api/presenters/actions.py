"""Corrective actions as the API shows them: the list's rows and one action in full."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from api.presenters.common import Names, day, history, local_ts, unit_name, uuid_or_none
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
