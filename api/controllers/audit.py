"""/api/v1/audit: the audit trail, for HMS officers."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get
from litestar.params import FromQuery

from api.auth import principal, signed_in
from api.commands import Svc
from api.presenters.deviations import Names
from api.schemas.common import AuditCursor, FromDate, ToDate, page_size, query_text
from api.schemas.figures import AuditItem, AuditPage
from api.validation import check_query_dates, query_error
from hms_core import access, clock
from projections.audit.view import BadAuditCursorError, audit_events
from projections.base import from_ts

Limit = page_size(500)
ActorId = query_text(100, description="A user id, `anonymous` or `system:<name>`")


class AuditController(Controller):
    path = "/api/v1/audit"
    guards = [signed_in]
    tags = ["audit"]

    @get("/events", sync_to_thread=True, summary="Every event in the log, in log order")
    def events(
        self,
        request: Request,
        svc: Svc,
        aggregate_id: FromQuery[UUID | None] = None,
        actor_id: ActorId = None,
        from_: FromDate = None,
        to: ToDate = None,
        limit: Limit = 50,
        cursor: AuditCursor = None,
    ) -> AuditPage:
        """`aggregate_id` also finds events about that record kept elsewhere (who read a
        case naming an injured person, its receipt and case number). `actor_id` is a user
        id, `anonymous` or `system:<name>`. `cursor`: the previous page's `next_cursor`."""
        access.check_audit(principal(request))
        check_query_dates({"from": from_, "to": to})
        try:
            page = audit_events(
                svc.db,
                aggregate_id=str(aggregate_id) if aggregate_id else None,
                actor_id=actor_id,
                date_from=from_,
                date_to=to,
                limit=limit,
                cursor=cursor,
            )
        except BadAuditCursorError:
            raise query_error("cursor", "Ugyldig cursor.") from None
        names = Names(svc.app)
        return AuditPage(
            items=[
                AuditItem(
                    position=r["position"],
                    at=clock.local(from_ts(r["at"])),
                    actor=r["actor"],
                    actor_name=names(r["actor"]),
                    type=r["type"],
                    aggregate_id=UUID(r["aggregate_id"]),
                    aggregate_kind=r["aggregate_kind"],
                    record_id=UUID(r["record_id"]) if r["record_id"] else None,
                    summary=r["summary"],
                )
                for r in page.items
            ],
            next_cursor=page.next_cursor,
        )


HANDLERS: list = [AuditController]
