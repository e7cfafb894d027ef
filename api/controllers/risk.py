"""/api/v1/risk-assessments: draft, score, approve, revise and archive risk assessments.

Versions: one assessment keeps its id through every revision. `GET …/{id}` is the
assessment as it stands (the draft being worked on, or the approved version) with a
list of its approved `versions`; `GET …/{id}/versions/{n}` is approved revision `n`
exactly as it was approved, also after later revisions.

Hazards of a draft: `POST …/hazards` adds, `POST …/hazards/{hazard_id}` restates the
texts, `…/score` scores, `…/remove` removes; `…/deviations` links a deviation to the
hazard (also after approval). Every command takes `expected_version` (stale → 409).
"""

from __future__ import annotations

import functools
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody

from api.auth import signed_in
from api.commands import execute, then_show
from api.dependencies import Svc, Units, Who
from api.presenters.risk import assessment_detail, assessment_summary, version_detail
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
    Revise,
)
from hms_core import access
from projections.risk_register.queries import AssessmentFilter, list_assessments

Limit = page_size(1000)
AssessmentId = FromPath[UUID]
HAZARD = "/{assessment_id:uuid}/hazards/{hazard_id:uuid}"


def hazard_path(assessment_id: AssessmentId, hazard_id: FromPath[UUID]) -> tuple[UUID, UUID]:
    """The assessment and the hazard a path names, given to a handler as `hazard`."""
    return assessment_id, hazard_id


Hazard = NamedDependency[tuple[UUID, UUID]]
HAZARD_PATH = {"hazard": Provide(hazard_path, sync_to_thread=False)}


def assessment_filter(
    units: Units,
    status: FromQuery[AssessmentStatus | None] = None,
    review_overdue: FromQuery[bool | None] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> AssessmentFilter:
    """The list's filters and page, given to a handler as `filters`."""
    return AssessmentFilter(
        unit_ids=units, status=status, review_overdue=review_overdue, limit=limit, offset=offset
    )


Filters = NamedDependency[AssessmentFilter]


def detail(svc: Svc, who: Who, assessment_id: UUID) -> AssessmentDetail:
    return assessment_detail(svc.app, svc.app.read_assessment(who, assessment_id))


# Run a use case on the assessment (with the hazard and the request's body, where given);
# the assessment as it now stands.
changed = functools.partial(then_show, detail)


class RiskAssessmentController(Controller):
    path = "/api/v1/risk-assessments"
    guards = [signed_in]
    tags = ["risk assessments"]

    @post("/", status_code=201, sync_to_thread=True, summary="Start a risk assessment (draft)")
    def create(self, svc: Svc, who: Who, data: JSONBody[AssessmentCreate]) -> AssessmentDetail:
        """The unit's leader or HMS; participants are users with their role in the work."""
        return detail(svc, who, execute(svc, svc.app.create_assessment, who, data))

    @get(
        "/",
        sync_to_thread=True,
        summary="Risk assessments I follow or take part in",
        dependencies={"filters": Provide(assessment_filter, sync_to_thread=False)},
    )
    def index(self, svc: Svc, who: Who, filters: Filters) -> AssessmentList:
        """Most recently changed first."""
        rows = list_assessments(svc.db, access.figures_scope(who), who.user_id, filters)
        return AssessmentList(items=[assessment_summary(r) for r in rows])

    @get("/{assessment_id:uuid}", sync_to_thread=True, summary="The assessment as it stands")
    def show(self, svc: Svc, who: Who, assessment_id: AssessmentId) -> AssessmentDetail:
        """With its hazards, what blocks approval, its approved versions and its history."""
        return detail(svc, who, assessment_id)

    @get(
        "/{assessment_id:uuid}/versions/{revision:int}",
        sync_to_thread=True,
        summary="An approved version, as it was approved",
    )
    def show_version(
        self, svc: Svc, who: Who, assessment_id: AssessmentId, revision: Revision
    ) -> AssessmentVersionDetail:
        assessment, version = svc.app.read_assessment_version(who, assessment_id, revision)
        return version_detail(svc.app, assessment, version)

    @post("/{assessment_id:uuid}/details", status_code=200, sync_to_thread=True)
    def update(
        self, svc: Svc, who: Who, assessment_id: AssessmentId, data: JSONBody[AssessmentUpdate]
    ) -> AssessmentDetail:
        """A draft's title, scope, review interval and (if given) participants."""
        return changed(svc, who, svc.app.update_assessment, assessment_id, data)

    @post("/{assessment_id:uuid}/hazards", status_code=201, sync_to_thread=True)
    def add_hazard(
        self, svc: Svc, who: Who, assessment_id: AssessmentId, data: JSONBody[HazardCreate]
    ) -> HazardCreated:
        """A hazard of a draft, scored now or later; returns its `id` and the assessment."""
        hazard_id = execute(svc, svc.app.add_hazard, who, assessment_id, data)
        return HazardCreated(id=hazard_id, assessment=detail(svc, who, assessment_id))

    @post(HAZARD, status_code=200, sync_to_thread=True, dependencies=HAZARD_PATH)
    def edit_hazard(
        self, svc: Svc, who: Who, hazard: Hazard, data: JSONBody[HazardUpdate]
    ) -> AssessmentDetail:
        """Restate a hazard's texts (they are replaced as given)."""
        return changed(svc, who, svc.app.edit_hazard, *hazard, data)

    @post(f"{HAZARD}/score", status_code=200, sync_to_thread=True, dependencies=HAZARD_PATH)
    def score_hazard(
        self, svc: Svc, who: Who, hazard: Hazard, data: JSONBody[HazardScore]
    ) -> AssessmentDetail:
        """Probability and consequence 1–5; residual ones after planned measures."""
        return changed(svc, who, svc.app.score_hazard, *hazard, data)

    @post(f"{HAZARD}/remove", status_code=200, sync_to_thread=True, dependencies=HAZARD_PATH)
    def remove_hazard(
        self, svc: Svc, who: Who, hazard: Hazard, data: JSONBody[HazardRemove | None] = None
    ) -> AssessmentDetail:
        return changed(svc, who, svc.app.remove_hazard, *hazard, data)

    @post(f"{HAZARD}/deviations", status_code=201, sync_to_thread=True, dependencies=HAZARD_PATH)
    def link_deviation(
        self, svc: Svc, who: Who, hazard: Hazard, data: JSONBody[DeviationLink]
    ) -> AssessmentDetail:
        """A deviation this hazard foresaw (its handler links it); recurrence asks for review."""
        link, version = svc.app.link_deviation_to_hazard, data.expected_version
        execute(svc, link, who, data.deviation_id, *hazard, expected_version=version)
        return detail(svc, who, hazard[0])

    @post("/{assessment_id:uuid}/approve", status_code=200, sync_to_thread=True)
    def approve(
        self, svc: Svc, who: Who, assessment_id: AssessmentId, data: JSONBody[Approve | None] = None
    ) -> AssessmentDetail:
        """The unit's leader or HMS. Refused (409) while `approval_problems` is not empty."""
        return changed(svc, who, svc.app.approve_assessment, assessment_id, data)

    @post("/{assessment_id:uuid}/revise", status_code=200, sync_to_thread=True)
    def revise(
        self, svc: Svc, who: Who, assessment_id: AssessmentId, data: JSONBody[Revise | None] = None
    ) -> AssessmentDetail:
        """A new draft revision; the approved version stays in force until it is approved."""
        return changed(svc, who, svc.app.revise_assessment, assessment_id, data)

    @post("/{assessment_id:uuid}/archive", status_code=200, sync_to_thread=True)
    def archive(
        self, svc: Svc, who: Who, assessment_id: AssessmentId, data: JSONBody[Archive]
    ) -> AssessmentDetail:
        """Retire the assessment, with a reason; it leaves the risk register."""
        return changed(svc, who, svc.app.archive_assessment, assessment_id, data)


HANDLERS: list = [RiskAssessmentController]
