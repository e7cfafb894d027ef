"""/api/v1/risk-assessments, /api/v1/risk-register and /api/v1/risk-matrix.

Versions: one assessment keeps its id through every revision. `GET …/{id}` is the
assessment as it stands (the draft being worked on, or the approved version) with a
list of its approved `versions`; `GET …/{id}/versions/{n}` is approved revision `n`
exactly as it was approved, also after later revisions.

Hazards of a draft: `POST …/hazards` adds, `POST …/hazards/{hazard_id}` restates the
texts, `…/score` scores, `…/remove` removes; `…/deviations` links a deviation to the
hazard (also after approval). Every command takes `expected_version` (stale → 409).
"""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import principal, signed_in
from api.commands import Svc, execute
from api.presenters.risk import (
    assessment_detail,
    assessment_summary,
    version_detail,
)
from api.schemas.common import Offset, Revision, page_size
from api.schemas.risk import (
    Approve,
    Archive,
    AssessmentCreate,
    AssessmentDetail,
    AssessmentList,
    AssessmentStatus,
    AssessmentUpdate,
    AssessmentVersionDetail,
    DeviationLink,
    HazardCreate,
    HazardCreated,
    HazardRemove,
    HazardScore,
    HazardUpdate,
    ParticipantIn,
    Revise,
)
from hms_core import access
from hms_core.access import Principal
from hms_core.risk.hazard import Participant
from projections.risk_register.queries import (
    AssessmentFilter,
    list_assessments,
)

Limit = page_size(1000)


def detail(svc: Svc, who: Principal, assessment_id: UUID) -> AssessmentDetail:
    return assessment_detail(svc.app, who, svc.app.read_assessment(who, assessment_id))


def participants_in(items: list[ParticipantIn] | None) -> list[Participant] | None:
    return None if items is None else [Participant(p.user_id, p.role) for p in items]


class RiskAssessmentController(Controller):
    path = "/api/v1/risk-assessments"
    guards = [signed_in]
    tags = ["risk assessments"]

    @post("/", status_code=201, sync_to_thread=True, summary="Start a risk assessment (draft)")
    def create(
        self, request: Request, svc: Svc, data: JSONBody[AssessmentCreate]
    ) -> AssessmentDetail:
        """The unit's leader or HMS; participants are users with their role in the work."""
        who = principal(request)
        assessment_id = execute(
            svc,
            svc.app.create_assessment,
            who,
            unit_id=data.unit_id,
            title=data.title,
            scope=data.scope,
            participants=participants_in(data.participants),
            review_interval_months=data.review_interval_months,
        )
        return detail(svc, who, assessment_id)

    @get("/", sync_to_thread=True, summary="Risk assessments I follow or take part in")
    def index(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        status: FromQuery[AssessmentStatus | None] = None,
        review_overdue: FromQuery[bool | None] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> AssessmentList:
        """Most recently changed first."""
        who = principal(request)
        rows = list_assessments(
            svc.db,
            access.figures_scope(who),
            who.user_id,
            AssessmentFilter(
                unit_ids=units_asked(svc, unit_id, include_subunits),
                status=status,
                review_overdue=review_overdue,
                limit=limit,
                offset=offset,
            ),
        )
        return AssessmentList(items=[assessment_summary(r) for r in rows])

    @get("/{assessment_id:uuid}", sync_to_thread=True, summary="The assessment as it stands")
    def show(self, request: Request, svc: Svc, assessment_id: FromPath[UUID]) -> AssessmentDetail:
        """With its hazards, what blocks approval, its approved versions and its history."""
        return detail(svc, principal(request), assessment_id)

    @get(
        "/{assessment_id:uuid}/versions/{revision:int}",
        sync_to_thread=True,
        summary="An approved version, as it was approved",
    )
    def show_version(
        self, request: Request, svc: Svc, assessment_id: FromPath[UUID], revision: Revision
    ) -> AssessmentVersionDetail:
        who = principal(request)
        assessment, version = svc.app.read_assessment_version(who, assessment_id, revision)
        return version_detail(svc.app, assessment, version)

    @post("/{assessment_id:uuid}/details", status_code=200, sync_to_thread=True)
    def update(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        data: JSONBody[AssessmentUpdate],
    ) -> AssessmentDetail:
        """A draft's title, scope, review interval and (if given) participants."""
        who = principal(request)
        execute(
            svc,
            svc.app.update_assessment,
            who,
            assessment_id,
            title=data.title,
            scope=data.scope,
            review_interval_months=data.review_interval_months,
            participants=participants_in(data.participants),
            expected_version=data.expected_version,
        )
        return detail(svc, who, assessment_id)

    @post("/{assessment_id:uuid}/hazards", status_code=201, sync_to_thread=True)
    def add_hazard(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        data: JSONBody[HazardCreate],
    ) -> HazardCreated:
        """A hazard of a draft, scored now or later; returns its `id` and the assessment."""
        who = principal(request)
        hazard_id = execute(
            svc,
            svc.app.add_hazard,
            who,
            assessment_id,
            description=data.description,
            cause=data.cause,
            barriers=data.barriers,
            justification=data.justification,
            probability=data.probability,
            consequence=data.consequence,
            residual_probability=data.residual_probability,
            residual_consequence=data.residual_consequence,
            expected_version=data.expected_version,
        )
        return HazardCreated(id=hazard_id, assessment=detail(svc, who, assessment_id))

    @post("/{assessment_id:uuid}/hazards/{hazard_id:uuid}", status_code=200, sync_to_thread=True)
    def edit_hazard(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        hazard_id: FromPath[UUID],
        data: JSONBody[HazardUpdate],
    ) -> AssessmentDetail:
        """Restate a hazard's texts (they are replaced as given)."""
        who = principal(request)
        execute(
            svc,
            svc.app.edit_hazard,
            who,
            assessment_id,
            hazard_id,
            description=data.description,
            cause=data.cause,
            barriers=data.barriers,
            justification=data.justification,
            expected_version=data.expected_version,
        )
        return detail(svc, who, assessment_id)

    @post(
        "/{assessment_id:uuid}/hazards/{hazard_id:uuid}/score",
        status_code=200,
        sync_to_thread=True,
    )
    def score_hazard(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        hazard_id: FromPath[UUID],
        data: JSONBody[HazardScore],
    ) -> AssessmentDetail:
        """Probability and consequence 1–5; residual ones after planned measures."""
        who = principal(request)
        execute(
            svc,
            svc.app.score_hazard,
            who,
            assessment_id,
            hazard_id,
            probability=data.probability,
            consequence=data.consequence,
            residual_probability=data.residual_probability,
            residual_consequence=data.residual_consequence,
            expected_version=data.expected_version,
        )
        return detail(svc, who, assessment_id)

    @post(
        "/{assessment_id:uuid}/hazards/{hazard_id:uuid}/remove",
        status_code=200,
        sync_to_thread=True,
    )
    def remove_hazard(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        hazard_id: FromPath[UUID],
        data: JSONBody[HazardRemove | None] = None,
    ) -> AssessmentDetail:
        who = principal(request)
        execute(
            svc,
            svc.app.remove_hazard,
            who,
            assessment_id,
            hazard_id,
            expected_version=data.expected_version if data else None,
        )
        return detail(svc, who, assessment_id)

    @post(
        "/{assessment_id:uuid}/hazards/{hazard_id:uuid}/deviations",
        status_code=201,
        sync_to_thread=True,
    )
    def link_deviation(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        hazard_id: FromPath[UUID],
        data: JSONBody[DeviationLink],
    ) -> AssessmentDetail:
        """A deviation this hazard foresaw (its handler links it); recurrence asks for review."""
        who = principal(request)
        execute(
            svc,
            svc.app.link_deviation_to_hazard,
            who,
            data.deviation_id,
            assessment_id,
            hazard_id,
            expected_version=data.expected_version,
        )
        return detail(svc, who, assessment_id)

    @post("/{assessment_id:uuid}/approve", status_code=200, sync_to_thread=True)
    def approve(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        data: JSONBody[Approve | None] = None,
    ) -> AssessmentDetail:
        """The unit's leader or HMS. Refused (409) while `approval_problems` is not empty."""
        who = principal(request)
        version = data.expected_version if data else None
        execute(svc, svc.app.approve_assessment, who, assessment_id, expected_version=version)
        return detail(svc, who, assessment_id)

    @post("/{assessment_id:uuid}/revise", status_code=200, sync_to_thread=True)
    def revise(
        self,
        request: Request,
        svc: Svc,
        assessment_id: FromPath[UUID],
        data: JSONBody[Revise | None] = None,
    ) -> AssessmentDetail:
        """A new draft revision; the approved version stays in force until it is approved."""
        who = principal(request)
        execute(
            svc,
            svc.app.revise_assessment,
            who,
            assessment_id,
            reason=data.reason if data else None,
            expected_version=data.expected_version if data else None,
        )
        return detail(svc, who, assessment_id)

    @post("/{assessment_id:uuid}/archive", status_code=200, sync_to_thread=True)
    def archive(
        self, request: Request, svc: Svc, assessment_id: FromPath[UUID], data: JSONBody[Archive]
    ) -> AssessmentDetail:
        """Retire the assessment, with a reason; it leaves the risk register."""
        who = principal(request)
        execute(
            svc,
            svc.app.archive_assessment,
            who,
            assessment_id,
            reason=data.reason,
            expected_version=data.expected_version,
        )
        return detail(svc, who, assessment_id)


def units_asked(svc: Svc, unit_id: UUID | None, include_subunits: bool) -> frozenset[UUID] | None:
    if unit_id is None:
        return None
    return svc.app.organisation().subtree(unit_id) if include_subunits else frozenset({unit_id})


HANDLERS: list = [RiskAssessmentController]
