"""/api/v1/inbox: what needs the signed-in person now (the front page's lists)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from api.auth import principal, signed_in
from api.commands import Svc
from hms_core import clock
from projections.base import from_ts
from projections.inbox import Inbox, what_needs_me


def _local(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: clock.local(from_ts(v)) if k.endswith("_at") and isinstance(v, str) else v
        for k, v in row.items()
    }


def inbox_for(svc, request: Request) -> Inbox:
    found = what_needs_me(svc.db, principal(request))
    for field in found.__struct_fields__:
        setattr(found, field, [_local(r) for r in getattr(found, field)])
    return found


@get(
    "/api/v1/inbox",
    guards=[signed_in],
    sync_to_thread=True,
    tags=["directory"],
    summary="What needs me now",
)
def inbox(request: Request, svc: Svc) -> Inbox:
    """Cases to acknowledge, actions due or to verify, feedback on my reports, and more."""
    return inbox_for(svc, request)


HANDLERS = [inbox]
