"""/mine: my own reports, with their status and the feedback given to me."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from api.auth import signed_in
from api.dependencies import Svc, Who
from api.pages.render import page
from api.presenters.inbox import my_reports
from api.schemas.common import PageCursor
from api.validation import cursor_checked
from projections.paging import BadCursorError


class MyReportsPage(Controller):
    path = "/mine"
    include_in_schema = False
    guards = [signed_in]

    @get("/", sync_to_thread=True)
    def index(self, request: Request, svc: Svc, who: Who, cursor: PageCursor = None) -> Template:
        """Reports with my name on them, newest first; anonymous ones are followed by code."""
        with cursor_checked(BadCursorError):
            reports, next_cursor = my_reports(svc, who, cursor)
        return page(
            request, "mine.html", reports=reports, next_cursor=next_cursor, paged=bool(cursor)
        )
