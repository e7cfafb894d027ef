"""/api/v1/actions: corrective actions — plan, follow up, complete, verify."""

from __future__ import annotations

import functools
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import signed_in
from api.commands import execute, then_show
from api.dependencies import Svc, Units, Who
from api.presenters.actions import action_detail, action_summary
from api.schemas.actions import (
    ActionCommentCreate,
    ActionCreate,
    ActionDetail,
    ActionList,
    Cancel,
    Complete,
    Reassign,
    Reschedule,
    StatusFilter,
    Verify,
)
from api.schemas.common import DueBefore, PageCursor, page_size
from api.validation import check_query_dates, cursor_checked
from hms_core import clock
from projections.actions.queries import ActionFilter, list_actions
from projections.paging import BadCursorError

Limit = page_size(200)
ActionId = FromPath[UUID]


def action_filter(
    units: Units,
    owner_id: FromQuery[UUID | None] = None,
    status: FromQuery[StatusFilter | None] = None,
    due_before: DueBefore = None,
    deviation_id: FromQuery[UUID | None] = None,
    limit: Limit = 50,
    cursor: PageCursor = None,
) -> ActionFilter:
    """The list's filters and page, given to a handler as `filters`."""
    check_query_dates({"due_before": due_before})
    return ActionFilter(
        owner_id=owner_id,
        unit_ids=units,
        status=status,
        due_before=due_before,
        deviation_id=deviation_id,
        limit=limit,
        cursor=cursor,
    )


Filters = NamedDependency[ActionFilter]
FILTERS = {"filters": Provide(action_filter, sync_to_thread=False)}


def show(svc: Svc, who: Who, action_id: UUID) -> ActionDetail:
    return action_detail(svc.app, svc.app.read_action(who, action_id))


# Run a use case on the action with the request's body; the action as it now stands.
changed = functools.partial(then_show, show)


class ActionController(Controller):
    path = "/api/v1/actions"
    guards = [signed_in]
    tags = ["actions"]

    @post("/", status_code=201, sync_to_thread=True, summary="Create a corrective action")
    def create(self, svc: Svc, who: Who, data: JSONBody[ActionCreate]) -> ActionDetail:
        """By the unit's leader or HMS: on its own, for a deviation (`deviation_id`), for a
        hazard (`assessment_id` + `hazard_id`), or as the follow-up of an action verified
        as not effective (`follows_up`). The links are saved in the same transaction."""
        return show(svc, who, execute(svc, svc.app.create_action, who, data))

    @get("/", sync_to_thread=True, summary="Actions I may see", dependencies=FILTERS)
    def index(self, svc: Svc, who: Who, filters: Filters) -> ActionList:
        """Earliest deadline first; `overdue` and `due_soon` (7 days) are open actions
        measured against today; `cursor` from the previous page's `next_cursor`."""
        today = clock.today()
        with cursor_checked(BadCursorError):
            page = list_actions(svc.db, who, filters, today)
        items = [action_summary(r, today) for r in page.items]
        return ActionList(items=items, next_cursor=page.next_cursor)

    @get("/{action_id:uuid}", sync_to_thread=True, summary="One action, its comments and history")
    def detail(self, svc: Svc, who: Who, action_id: ActionId) -> ActionDetail:
        return show(svc, who, action_id)

    @post("/{action_id:uuid}/complete", status_code=200, sync_to_thread=True)
    def complete(
        self, svc: Svc, who: Who, action_id: ActionId, data: JSONBody[Complete]
    ) -> ActionDetail:
        """The owner (or the unit's leader, or HMS) reports it done, and what was done."""
        return changed(svc, who, svc.app.complete_action, action_id, data)

    @post("/{action_id:uuid}/verify", status_code=200, sync_to_thread=True)
    def verify(
        self, svc: Svc, who: Who, action_id: ActionId, data: JSONBody[Verify]
    ) -> ActionDetail:
        """The unit's leader or HMS judges whether it worked. Not by whoever completed it,
        unless they lead the unit. Not effective: include `follow_up` to create the next
        action in the same transaction (its id comes back as `follow_up_id`)."""
        return changed(svc, who, svc.app.verify_action, action_id, data)

    @post("/{action_id:uuid}/reschedule", status_code=200, sync_to_thread=True)
    def reschedule(
        self, svc: Svc, who: Who, action_id: ActionId, data: JSONBody[Reschedule]
    ) -> ActionDetail:
        """Move the due date (not into the past), with a reason."""
        return changed(svc, who, svc.app.reschedule_action, action_id, data)

    @post("/{action_id:uuid}/reassign", status_code=200, sync_to_thread=True)
    def reassign(
        self, svc: Svc, who: Who, action_id: ActionId, data: JSONBody[Reassign]
    ) -> ActionDetail:
        """Give the action to another active user, with a reason."""
        return changed(svc, who, svc.app.reassign_action, action_id, data)

    @post("/{action_id:uuid}/cancel", status_code=200, sync_to_thread=True)
    def cancel(
        self, svc: Svc, who: Who, action_id: ActionId, data: JSONBody[Cancel]
    ) -> ActionDetail:
        """Drop an open action, with a reason."""
        return changed(svc, who, svc.app.cancel_action, action_id, data)

    @post("/{action_id:uuid}/comments", status_code=201, sync_to_thread=True)
    def comment(
        self, svc: Svc, who: Who, action_id: ActionId, data: JSONBody[ActionCommentCreate]
    ) -> ActionDetail:
        """A note from anyone who may see the action, the verneombud included."""
        return changed(svc, who, svc.app.comment_action, action_id, data)


HANDLERS = [ActionController]
