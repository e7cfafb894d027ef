"""/api/v1/audit: the audit trail, for HMS officers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery

from api.auth import signed_in
from api.dependencies import Svc, Who
from api.presenters.audit import audit_item
from api.presenters.common import Names
from api.schemas.common import AuditCursor, FromDate, ToDate, page_size, query_text
from api.schemas.figures import AuditPage
from api.validation import check_query_dates, cursor_checked
from hms_core import access
from projections.audit.queries import BadAuditCursorError, audit_events

Limit = page_size(500)
ActorId = query_text(100, description="A user id, `anonymous` or `system:<name>`")


def trail_query(
    who: Who,
    aggregate_id: FromQuery[UUID | None] = None,
    actor_id: ActorId = None,
    from_: FromDate = None,
    to: ToDate = None,
    limit: Limit = 50,
    cursor: AuditCursor = None,
) -> dict[str, Any]:
    """What the trail is asked for (projections.audit.queries.audit_events), given to a
    handler as `asked`: for HMS officers only, within the dates the product keeps."""
    access.check_audit(who)
    check_query_dates({"from": from_, "to": to})
    return {
        "aggregate_id": str(aggregate_id) if aggregate_id else None,
        "actor_id": actor_id,
        "date_from": from_,
        "date_to": to,
        "limit": limit,
        "cursor": cursor,
    }


Asked = NamedDependency[dict[str, Any]]


class AuditController(Controller):
    path = "/api/v1/audit"
    guards = [signed_in]
    tags = ["audit"]
    dependencies = {"asked": Provide(trail_query, sync_to_thread=False)}

    @get("/events", sync_to_thread=True, summary="Every event in the log, in log order")
    def events(self, svc: Svc, asked: Asked) -> AuditPage:
        """`aggregate_id` also finds events about that record kept elsewhere (who read a
        case naming an injured person, its receipt and case number). `actor_id` is a user
        id, `anonymous` or `system:<name>`. `cursor`: the previous page's `next_cursor`."""
        with cursor_checked(BadAuditCursorError):
            page = audit_events(svc.db, **asked)
        names = Names(svc.app)
        items = [audit_item(r, names) for r in page.items]
        return AuditPage(items=items, next_cursor=page.next_cursor)


HANDLERS: list = [AuditController]
