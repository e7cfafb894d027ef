"""/api/v1/actions: corrective actions — plan, follow up, complete, verify."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import principal, signed_in
from api.commands import Svc, execute
from api.presenters.deviations import Names, history
from api.schemas.actions import (
    ActionComment,
    ActionCommentCreate,
    ActionCreate,
    ActionDetail,
    ActionList,
    ActionSummary,
    Cancel,
    Complete,
    Reassign,
    Reschedule,
    StatusFilter,
    Verify,
)
from api.schemas.common import DueBefore, PageCursor, page_size
from api.validation import check_query_dates, query_error
from hms_core import clock
from hms_core.access import Principal
from hms_core.actions.action import CorrectiveAction
from hms_core.actions.use_cases import ActionPlan
from hms_core.errors import NotFound
from projections.actions.queries import (
    ActionFilter,
    BadCursorError,
    is_due_soon,
    is_overdue,
    list_actions,
)
from projections.base import from_ts

Limit = page_size(200)


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


def _when(text: str | None):
    moment = from_ts(text)
    return clock.local(moment) if moment else None


def action_summary(row: dict[str, Any], today: date) -> ActionSummary:
    return ActionSummary(
        id=UUID(row["id"]),
        reference=row["reference"],
        title=row["title"],
        status=row["status"],
        source=row["source"],
        owner_id=UUID(row["owner_id"]),
        unit_id=UUID(row["unit_id"]),
        due_date=date.fromisoformat(row["due_date"]),
        original_due_date=date.fromisoformat(row["original_due_date"]),
        overdue=is_overdue(row, today),
        due_soon=is_due_soon(row, today),
        created_at=_when(row["created_at"]),
        updated_at=_when(row["updated_at"]),
        version=row["version"],
        deviation_id=_uuid(row["deviation_id"]),
        assessment_id=_uuid(row["assessment_id"]),
        hazard_id=_uuid(row["hazard_id"]),
        follows_up=_uuid(row["follows_up"]),
        follow_up_id=_uuid(row["follow_up_id"]),
        follow_up_required=bool(row["follow_up_required"]),
        effective=None if row["effective"] is None else bool(row["effective"]),
        completed_at=_when(row["completed_at"]),
        done_on_time=None if row["done_on_time"] is None else bool(row["done_on_time"]),
        verified_at=_when(row["verified_at"]),
        cancelled_at=_when(row["cancelled_at"]),
        reschedule_count=row["reschedule_count"],
        comment_count=row["comment_count"],
    )


def action_detail(app: Any, action: CorrectiveAction) -> ActionDetail:
    """The action with its comments and its history, every event with who did it."""
    events = app.history(action.id)
    names = Names(app)
    last = {type(e).__name__: clock.local(e.timestamp) for e in events}
    try:
        unit_name = app.organisation().unit(action.unit_id).name
    except NotFound:
        unit_name = None
    return ActionDetail(
        id=action.id,
        reference=action.reference,
        title=action.title,
        description=action.description,
        status=action.status,
        source=action.source,
        owner_id=action.owner_id,
        owner_name=names(str(action.owner_id)),
        unit_id=action.unit_id,
        unit_name=unit_name,
        due_date=action.due_date,
        original_due_date=action.original_due_date,
        overdue=action.is_overdue(clock.today()),
        deviation_id=action.deviation_id,
        assessment_id=action.assessment_id,
        hazard_id=action.hazard_id,
        follows_up=action.follows_up,
        follow_up_id=action.follow_up_id,
        follow_up_required=action.follow_up_required and action.follow_up_id is None,
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
        comments=[
            ActionComment(
                id=e.comment_id,
                at=clock.local(e.timestamp),
                actor=e.actor,
                actor_name=names(e.actor),
                text=e.text,
            )
            for e in events
            if isinstance(e, CorrectiveAction.Commented)
        ],
        history=history(events, names),
    )


def show(svc: Svc, who: Principal, action_id: UUID) -> ActionDetail:
    return action_detail(svc.app, svc.app.read_action(who, action_id))


def plan(data: Any) -> ActionPlan | None:
    if data is None:
        return None
    return ActionPlan(**{f: getattr(data, f) for f in data.__struct_fields__})


class ActionController(Controller):
    path = "/api/v1/actions"
    guards = [signed_in]
    tags = ["actions"]

    @post("/", status_code=201, sync_to_thread=True, summary="Create a corrective action")
    def create(self, request: Request, svc: Svc, data: JSONBody[ActionCreate]) -> ActionDetail:
        """By the unit's leader or HMS: on its own, for a deviation (`deviation_id`), for a
        hazard (`assessment_id` + `hazard_id`), or as the follow-up of an action verified
        as not effective (`follows_up`). The links are saved in the same transaction."""
        who = principal(request)
        action_id = execute(
            svc,
            svc.app.create_action,
            who,
            title=data.title,
            owner_id=data.owner_id,
            due_date=data.due_date,
            unit_id=data.unit_id,
            description=data.description,
            deviation_id=data.deviation_id,
            assessment_id=data.assessment_id,
            hazard_id=data.hazard_id,
            follows_up=data.follows_up,
        )
        return show(svc, who, action_id)

    @get("/", sync_to_thread=True, summary="Actions I may see")
    def index(
        self,
        request: Request,
        svc: Svc,
        owner_id: FromQuery[UUID | None] = None,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        status: FromQuery[StatusFilter | None] = None,
        due_before: DueBefore = None,
        deviation_id: FromQuery[UUID | None] = None,
        limit: Limit = 50,
        cursor: PageCursor = None,
    ) -> ActionList:
        """Earliest deadline first; `overdue` and `due_soon` (7 days) are open actions
        measured against today; `cursor` from the previous page's `next_cursor`."""
        check_query_dates({"due_before": due_before})
        units = None
        if unit_id is not None:
            units = svc.app.organisation().subtree(unit_id) if include_subunits else {unit_id}
        today = clock.today()
        try:
            page = list_actions(
                svc.db,
                principal(request),
                ActionFilter(
                    owner_id=owner_id,
                    unit_ids=frozenset(units) if units is not None else None,
                    status=status,
                    due_before=due_before,
                    deviation_id=deviation_id,
                    limit=limit,
                    cursor=cursor,
                ),
                today,
            )
        except BadCursorError:
            raise query_error("cursor", "Ugyldig cursor.") from None
        return ActionList(
            items=[action_summary(r, today) for r in page.items], next_cursor=page.next_cursor
        )

    @get("/{action_id:uuid}", sync_to_thread=True, summary="One action, its comments and history")
    def detail(self, request: Request, svc: Svc, action_id: FromPath[UUID]) -> ActionDetail:
        return show(svc, principal(request), action_id)

    @post("/{action_id:uuid}/complete", status_code=200, sync_to_thread=True)
    def complete(
        self, request: Request, svc: Svc, action_id: FromPath[UUID], data: JSONBody[Complete]
    ) -> ActionDetail:
        """The owner (or the unit's leader, or HMS) reports it done, and what was done."""
        who = principal(request)
        execute(
            svc,
            svc.app.complete_action,
            who,
            action_id,
            what_was_done=data.what_was_done,
            expected_version=data.expected_version,
        )
        return show(svc, who, action_id)

    @post("/{action_id:uuid}/verify", status_code=200, sync_to_thread=True)
    def verify(
        self, request: Request, svc: Svc, action_id: FromPath[UUID], data: JSONBody[Verify]
    ) -> ActionDetail:
        """The unit's leader or HMS judges whether it worked. Not by whoever completed it,
        unless they lead the unit. Not effective: include `follow_up` to create the next
        action in the same transaction (its id comes back as `follow_up_id`)."""
        who = principal(request)
        execute(
            svc,
            svc.app.verify_action,
            who,
            action_id,
            effective=data.effective,
            note=data.note,
            follow_up=plan(data.follow_up),
            expected_version=data.expected_version,
        )
        return show(svc, who, action_id)

    @post("/{action_id:uuid}/reschedule", status_code=200, sync_to_thread=True)
    def reschedule(
        self, request: Request, svc: Svc, action_id: FromPath[UUID], data: JSONBody[Reschedule]
    ) -> ActionDetail:
        """Move the due date (not into the past), with a reason."""
        who = principal(request)
        execute(
            svc,
            svc.app.reschedule_action,
            who,
            action_id,
            due_date=data.due_date,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return show(svc, who, action_id)

    @post("/{action_id:uuid}/reassign", status_code=200, sync_to_thread=True)
    def reassign(
        self, request: Request, svc: Svc, action_id: FromPath[UUID], data: JSONBody[Reassign]
    ) -> ActionDetail:
        """Give the action to another active user, with a reason."""
        who = principal(request)
        execute(
            svc,
            svc.app.reassign_action,
            who,
            action_id,
            owner_id=data.owner_id,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return show(svc, who, action_id)

    @post("/{action_id:uuid}/cancel", status_code=200, sync_to_thread=True)
    def cancel(
        self, request: Request, svc: Svc, action_id: FromPath[UUID], data: JSONBody[Cancel]
    ) -> ActionDetail:
        """Drop an open action, with a reason."""
        who = principal(request)
        execute(
            svc,
            svc.app.cancel_action,
            who,
            action_id,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return show(svc, who, action_id)

    @post("/{action_id:uuid}/comments", status_code=201, sync_to_thread=True)
    def comment(
        self,
        request: Request,
        svc: Svc,
        action_id: FromPath[UUID],
        data: JSONBody[ActionCommentCreate],
    ) -> ActionDetail:
        """A note from anyone who may see the action, the verneombud included."""
        who = principal(request)
        execute(
            svc,
            svc.app.comment_action,
            who,
            action_id,
            text=data.text,
            expected_version=data.expected_version,
        )
        return show(svc, who, action_id)


HANDLERS = [ActionController]
