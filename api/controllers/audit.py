"""/api/v1/audit: the audit trail, for HMS officers."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from litestar import Controller, Request, get
from litestar.exceptions import ValidationException
from litestar.params import FromQuery, QueryParameter

from api.auth import principal, signed_in
from api.commands import Svc
from api.schemas.figures import AuditItem, AuditPage
from api.views import Names
from hms_core import access, clock
from projections.audit import BadAuditCursorError, audit_events
from projections.base import from_ts


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
        actor_id: Annotated[str | None, QueryParameter(max_length=100)] = None,
        from_: Annotated[date | None, QueryParameter(name="from")] = None,
        to: FromQuery[date | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        cursor: FromQuery[str | None] = None,
    ) -> AuditPage:
        """`aggregate_id` also finds events about that record kept elsewhere (who read a
        case naming an injured person, its receipt and case number). `actor_id` is a user
        id, `anonymous` or `system:<name>`. `cursor`: the previous page's `next_cursor`."""
        access.check_audit(principal(request))
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
            raise ValidationException(
                "Ugyldig cursor.", extra=[{"key": "cursor", "message": "Ugyldig cursor."}]
            ) from None
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
