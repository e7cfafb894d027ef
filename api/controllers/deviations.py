"""/api/v1/deviations and /api/v1/receipts: report, list, read, handle, follow anonymously."""

from __future__ import annotations

import functools
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import leave_session_untouched, signed_in
from api.commands import execute, then_show
from api.dependencies import Svc, Units, Who
from api.presenters.deviations import deviation_detail, receipt_view, summary
from api.schemas.common import FromDate, PageCursor, Search, ToDate, page_size, query_text
from api.schemas.deviations import (
    Acknowledge,
    Classify,
    Close,
    CommentCreate,
    DeviationCreate,
    DeviationCreated,
    DeviationDetail,
    DeviationList,
    FeedbackCreate,
    InformationCreate,
    ReceiptView,
    Reopen,
    Status,
    Transfer,
)
from api.validation import check_query_dates, cursor_checked
from hms_core import access
from hms_core.deviations.deviation import Deviation
from projections.deviations.queries import DeviationFilter, list_deviations
from projections.paging import BadCursorError

Limit = page_size(200)
CategoryFilter = query_text(60, description="A category code")
CaseId = FromPath[UUID]


def deviation_filter(
    units: Units,
    status: FromQuery[Status | None] = None,
    category: CategoryFilter = None,
    from_: FromDate = None,
    to: ToDate = None,
    q: Search = None,
) -> DeviationFilter:
    """The list's filters (the export's too), given to a handler as `filters`."""
    check_query_dates({"from": from_, "to": to})
    return DeviationFilter(
        unit_ids=units, status=status, category=category, reported_from=from_, reported_to=to, q=q
    )


Filters = NamedDependency[DeviationFilter]
FILTERS = {"filters": Provide(deviation_filter, sync_to_thread=False)}


def shown(svc: Svc, who: Who, deviation: Deviation) -> DeviationDetail:
    return deviation_detail(svc.app, who, deviation, svc.app.action_summaries(who, deviation))


def detail(svc: Svc, who: Who, deviation_id: UUID) -> DeviationDetail:
    # Through `execute`: a read of a named injured person is recorded, and the audit
    # trail shows it as soon as this answer has come.
    return shown(svc, who, execute(svc, svc.app.read_deviation, who, deviation_id))


# Run a use case on the case with the request's body; the case as it now stands.
handled = functools.partial(then_show, detail)


class DeviationController(Controller):
    path = "/api/v1/deviations"
    guards = [signed_in]
    tags = ["deviations"]

    @post("/", status_code=201, sync_to_thread=True, summary="Report a deviation")
    def report(
        self, request: Request, svc: Svc, who: Who, data: JSONBody[DeviationCreate]
    ) -> DeviationCreated:
        """Anyone signed in may report in any unit. Anonymous reports store no identity and
        return a `receipt_code` (shown once) to follow the case with."""
        if data.anonymous:
            leave_session_untouched(request)
        receipt = execute(svc, svc.app.report_deviation, who, data)
        return DeviationCreated(**msgspec.structs.asdict(receipt))

    @get("/", sync_to_thread=True, summary="Deviations I may see", dependencies=FILTERS)
    def index(
        self, svc: Svc, who: Who, filters: Filters, limit: Limit = 50, cursor: PageCursor = None
    ) -> DeviationList:
        """Newest first; `cursor` from the previous page's `next_cursor`."""
        asked = msgspec.structs.replace(filters, limit=limit, cursor=cursor)
        with cursor_checked(BadCursorError):
            page = list_deviations(svc.db, access.deviation_scope(who), asked)
        return DeviationList(items=[summary(r) for r in page.items], next_cursor=page.next_cursor)

    @get("/{deviation_id:uuid}", sync_to_thread=True, summary="One case, its actions and history")
    def show(self, svc: Svc, who: Who, deviation_id: CaseId) -> DeviationDetail:
        return detail(svc, who, deviation_id)

    @post("/{deviation_id:uuid}/acknowledge", status_code=200, sync_to_thread=True)
    def acknowledge(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[Acknowledge | None] = None
    ) -> DeviationDetail:
        """The handler (the unit's leader or HMS) takes the case."""
        return handled(svc, who, svc.app.acknowledge_deviation, deviation_id, data)

    @post("/{deviation_id:uuid}/classify", status_code=200, sync_to_thread=True)
    def classify(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[Classify]
    ) -> DeviationDetail:
        """Category, severity, probability of recurrence and causes."""
        return handled(svc, who, svc.app.classify_deviation, deviation_id, data)

    @post("/{deviation_id:uuid}/comments", status_code=201, sync_to_thread=True)
    def comment(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[CommentCreate]
    ) -> DeviationDetail:
        """A note; `visible_to_reporter` shows it to the reporter too."""
        return handled(svc, who, svc.app.comment_deviation, deviation_id, data)

    @post("/{deviation_id:uuid}/feedback", status_code=201, sync_to_thread=True)
    def feedback(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[FeedbackCreate]
    ) -> DeviationDetail:
        """Feedback to the reporter."""
        return handled(svc, who, svc.app.give_feedback, deviation_id, data)

    @post("/{deviation_id:uuid}/information", status_code=201, sync_to_thread=True)
    def information(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[InformationCreate]
    ) -> DeviationDetail:
        """The reporter adds to their own report."""
        return handled(svc, who, svc.app.add_information, deviation_id, data)

    @post("/{deviation_id:uuid}/transfer", status_code=200, sync_to_thread=True)
    def transfer(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[Transfer]
    ) -> DeviationDetail:
        """Hand the case to another unit, with a reason."""
        execute(svc, svc.app.transfer_deviation, who, deviation_id, data)
        # The sender may no longer reach the case; they see it as they handed it over.
        return shown(svc, who, execute(svc, svc.app.read_handed_over, who, deviation_id))

    @post("/{deviation_id:uuid}/close", status_code=200, sync_to_thread=True)
    def close(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[Close]
    ) -> DeviationDetail:
        """Close with a conclusion (causes must be recorded; actions, or a reason for none)."""
        return handled(svc, who, svc.app.close_deviation, deviation_id, data)

    @post("/{deviation_id:uuid}/reopen", status_code=200, sync_to_thread=True)
    def reopen(
        self, svc: Svc, who: Who, deviation_id: CaseId, data: JSONBody[Reopen]
    ) -> DeviationDetail:
        """Open a closed case again, with a reason."""
        return handled(svc, who, svc.app.reopen_deviation, deviation_id, data)


class ReceiptController(Controller):
    """No login: the receipt code is the key. Wrong codes are throttled (api.app)."""

    path = "/api/v1/receipts"
    tags = ["receipts"]

    @get("/{receipt_code:str}", sync_to_thread=True, summary="What an anonymous reporter may see")
    def show(self, svc: Svc, receipt_code: FromPath[str]) -> ReceiptView:
        return receipt_view(svc.app, svc.app.deviation_by_receipt(receipt_code))

    @post("/{receipt_code:str}/information", status_code=201, sync_to_thread=True)
    def add(
        self, svc: Svc, receipt_code: FromPath[str], data: JSONBody[InformationCreate]
    ) -> ReceiptView:
        """Add information to the report, still anonymously."""
        execute(svc, svc.app.add_information_by_receipt, receipt_code, data)
        return receipt_view(svc.app, svc.app.deviation_by_receipt(receipt_code))


HANDLERS: list = [DeviationController, ReceiptController]
