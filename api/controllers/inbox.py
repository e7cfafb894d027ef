"""/api/v1/inbox: what needs the signed-in person now (the front page's lists)."""

from __future__ import annotations

from litestar import get

from api.auth import signed_in
from api.dependencies import Svc, Who
from api.presenters.inbox import inbox_out
from projections.inbox import Inbox, what_needs_me


@get(
    "/api/v1/inbox",
    guards=[signed_in],
    sync_to_thread=True,
    tags=["directory"],
    summary="What needs me now",
)
def inbox(svc: Svc, who: Who) -> Inbox:
    """Cases to acknowledge, actions due or to verify, feedback on my reports, and more."""
    return inbox_out(what_needs_me(svc.db, who))


HANDLERS = [inbox]
