"""/api/v1/deviations and /api/v1/receipts: report, list, read, handle, follow anonymously."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import leave_session_untouched, principal, signed_in
from api.commands import Svc, execute
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
from api.validation import check_query_dates, query_error
from hms_core import access
from hms_core.deviations.deviation import PersonHarmed
from projections.deviations.queries import BadCursorError, DeviationFilter, list_deviations

Limit = page_size(200)
CategoryFilter = query_text(60, description="A category code")


def list_filter(
    svc: Svc,
    *,
    unit_id: UUID | None,
    include_subunits: bool,
    status: str | None,
    category: str | None,
    from_: date | None,
    to: date | None,
    q: str | None,
    limit: int,
    cursor: str | None = None,
) -> DeviationFilter:
    """The list's filters (also the export's): a unit, with its subunits if asked."""
    check_query_dates({"from": from_, "to": to})
    units = None
    if unit_id is not None:
        units = svc.app.organisation().subtree(unit_id) if include_subunits else {unit_id}
    return DeviationFilter(
        unit_ids=frozenset(units) if units is not None else None,
        status=status,
        category=category,
        reported_from=from_,
        reported_to=to,
        q=q,
        limit=limit,
        cursor=cursor,
    )


def detail(svc: Svc, request: Request, deviation_id: FromPath[UUID]) -> DeviationDetail:
    who = principal(request)
    # Through `execute`: a read of a named injured person is recorded, and the audit
    # trail shows it as soon as this answer has come.
    deviation = execute(svc, svc.app.read_deviation, who, deviation_id)
    return deviation_detail(svc.app, who, deviation, svc.app.action_summaries(who, deviation))


class DeviationController(Controller):
    path = "/api/v1/deviations"
    guards = [signed_in]
    tags = ["deviations"]

    @post("/", status_code=201, sync_to_thread=True, summary="Report a deviation")
    def report(
        self, request: Request, svc: Svc, data: JSONBody[DeviationCreate]
    ) -> DeviationCreated:
        """Anyone signed in may report in any unit. Anonymous reports store no identity and
        return a `receipt_code` (shown once) to follow the case with."""
        harmed = data.person_harmed
        if data.anonymous:
            leave_session_untouched(request)
        receipt = execute(
            svc,
            svc.app.report_deviation,
            principal(request),
            title=data.title,
            description=data.description,
            occurred_at=data.occurred_at,
            unit_id=data.unit_id,
            category=data.category,
            severity=data.severity,
            location=data.location,
            immediate_action=data.immediate_action,
            person_harmed=PersonHarmed(**{f: getattr(harmed, f) for f in harmed.__struct_fields__})
            if harmed
            else None,
            serious_injury=data.serious_injury,
            anonymous=data.anonymous,
        )
        return DeviationCreated(
            id=receipt.id,
            reference=receipt.reference,
            status=receipt.status,
            receipt_code=receipt.receipt_code,
        )

    @get("/", sync_to_thread=True, summary="Deviations I may see")
    def index(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        status: FromQuery[Status | None] = None,
        category: CategoryFilter = None,
        from_: FromDate = None,
        to: ToDate = None,
        q: Search = None,
        limit: Limit = 50,
        cursor: PageCursor = None,
    ) -> DeviationList:
        """Newest first; `cursor` from the previous page's `next_cursor`."""
        who = principal(request)
        try:
            page = list_deviations(
                svc.db,
                access.deviation_scope(who),
                list_filter(
                    svc,
                    unit_id=unit_id,
                    include_subunits=include_subunits,
                    status=status,
                    category=category,
                    from_=from_,
                    to=to,
                    q=q,
                    limit=limit,
                    cursor=cursor,
                ),
            )
        except BadCursorError:
            raise query_error("cursor", "Ugyldig cursor.") from None
        return DeviationList(items=[summary(r) for r in page.items], next_cursor=page.next_cursor)

    @get("/{deviation_id:uuid}", sync_to_thread=True, summary="One case, its actions and history")
    def show(self, request: Request, svc: Svc, deviation_id: FromPath[UUID]) -> DeviationDetail:
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/acknowledge", status_code=200, sync_to_thread=True)
    def acknowledge(
        self,
        request: Request,
        svc: Svc,
        deviation_id: FromPath[UUID],
        data: JSONBody[Acknowledge | None] = None,
    ) -> DeviationDetail:
        """The handler (the unit's leader or HMS) takes the case."""
        version = data.expected_version if data else None
        execute(
            svc,
            svc.app.acknowledge_deviation,
            principal(request),
            deviation_id,
            expected_version=version,
        )
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/classify", status_code=200, sync_to_thread=True)
    def classify(
        self, request: Request, svc: Svc, deviation_id: FromPath[UUID], data: JSONBody[Classify]
    ) -> DeviationDetail:
        """Category, severity, probability of recurrence and causes."""
        execute(
            svc,
            svc.app.classify_deviation,
            principal(request),
            deviation_id,
            category=data.category,
            severity=data.severity,
            recurrence_probability=data.recurrence_probability,
            causes=tuple(data.causes),
            cause_description=data.cause_description,
            expected_version=data.expected_version,
        )
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/comments", status_code=201, sync_to_thread=True)
    def comment(
        self,
        request: Request,
        svc: Svc,
        deviation_id: FromPath[UUID],
        data: JSONBody[CommentCreate],
    ) -> DeviationDetail:
        """A note; `visible_to_reporter` shows it to the reporter too."""
        execute(
            svc,
            svc.app.comment_deviation,
            principal(request),
            deviation_id,
            text=data.text,
            visible_to_reporter=data.visible_to_reporter,
            expected_version=data.expected_version,
        )
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/feedback", status_code=201, sync_to_thread=True)
    def feedback(
        self,
        request: Request,
        svc: Svc,
        deviation_id: FromPath[UUID],
        data: JSONBody[FeedbackCreate],
    ) -> DeviationDetail:
        """Feedback to the reporter."""
        execute(
            svc,
            svc.app.give_feedback,
            principal(request),
            deviation_id,
            text=data.text,
            expected_version=data.expected_version,
        )
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/information", status_code=201, sync_to_thread=True)
    def information(
        self,
        request: Request,
        svc: Svc,
        deviation_id: FromPath[UUID],
        data: JSONBody[InformationCreate],
    ) -> DeviationDetail:
        """The reporter adds to their own report."""
        execute(svc, svc.app.add_information, principal(request), deviation_id, text=data.text)
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/transfer", status_code=200, sync_to_thread=True)
    def transfer(
        self, request: Request, svc: Svc, deviation_id: FromPath[UUID], data: JSONBody[Transfer]
    ) -> DeviationDetail:
        """Hand the case to another unit, with a reason."""
        who = principal(request)
        execute(
            svc,
            svc.app.transfer_deviation,
            who,
            deviation_id,
            to_unit_id=data.to_unit_id,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        # The sender may no longer reach the case; they see it as they handed it over.
        deviation = execute(svc, svc.app.read_handed_over, who, deviation_id)
        return deviation_detail(svc.app, who, deviation, svc.app.action_summaries(who, deviation))

    @post("/{deviation_id:uuid}/close", status_code=200, sync_to_thread=True)
    def close(
        self, request: Request, svc: Svc, deviation_id: FromPath[UUID], data: JSONBody[Close]
    ) -> DeviationDetail:
        """Close with a conclusion (causes must be recorded; actions, or a reason for none)."""
        execute(
            svc,
            svc.app.close_deviation,
            principal(request),
            deviation_id,
            conclusion=data.conclusion,
            no_action_reason=data.no_action_reason,
            open_actions_reason=data.open_actions_reason,
            feedback=data.feedback,
            expected_version=data.expected_version,
        )
        return detail(svc, request, deviation_id)

    @post("/{deviation_id:uuid}/reopen", status_code=200, sync_to_thread=True)
    def reopen(
        self, request: Request, svc: Svc, deviation_id: FromPath[UUID], data: JSONBody[Reopen]
    ) -> DeviationDetail:
        """Open a closed case again, with a reason."""
        execute(
            svc,
            svc.app.reopen_deviation,
            principal(request),
            deviation_id,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return detail(svc, request, deviation_id)


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
        execute(svc, svc.app.add_information_by_receipt, receipt_code, text=data.text)
        return receipt_view(svc.app, svc.app.deviation_by_receipt(receipt_code))
