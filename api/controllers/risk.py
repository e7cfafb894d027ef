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

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.auth import principal, signed_in
from api.commands import Svc, execute
from api.schemas.risk import (
    ApprovalProblem,
    Approve,
    Archive,
    AssessmentCreate,
    AssessmentDetail,
    AssessmentList,
    AssessmentStatus,
    AssessmentSummary,
    AssessmentUpdate,
    AssessmentVersionDetail,
    DeviationLink,
    HazardCreate,
    HazardCreated,
    HazardOut,
    HazardRemove,
    HazardScore,
    HazardUpdate,
    HeatCell,
    HeatMap,
    ParticipantIn,
    ParticipantOut,
    RegisterEntry,
    RegisterList,
    Revise,
    VersionSummary,
)
from api.views import Names, history
from hms_core import access, clock, rules
from hms_core.access import Principal
from hms_core.errors import NotFound
from hms_core.risk import (
    APPROVED,
    ARCHIVED,
    ApprovedVersion,
    Hazard,
    Participant,
    RiskAssessment,
)
from hms_core.risk_matrix import SCALE, RiskMatrix
from projections.base import from_ts
from projections.risk_register import (
    AssessmentFilter,
    RegisterFilter,
    heat_map,
    list_assessments,
    list_register,
)

Limit = Annotated[int, QueryParameter(ge=1, le=1000)]
Offset = Annotated[int, QueryParameter(ge=0)]


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
        self, request: Request, svc: Svc, assessment_id: FromPath[UUID], revision: FromPath[int]
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


class RiskRegisterController(Controller):
    path = "/api/v1/risk-register"
    guards = [signed_in]
    tags = ["risk register"]

    @get("/", sync_to_thread=True, summary="Hazards of the assessments in force, and the heat map")
    def index(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        level: FromQuery[str | None] = None,
        residual_level: FromQuery[str | None] = None,
        review_overdue: FromQuery[bool | None] = None,
        limit: Limit = 500,
        offset: Offset = 0,
    ) -> RegisterList:
        """Highest score first. Leaders see their units, verneombud their area, HMS all."""
        scope, f = register_query(
            svc, request, unit_id, include_subunits, level, residual_level, review_overdue
        )
        f = msgspec.structs.replace(f, limit=limit, offset=offset)
        matrix = svc.app.risk_matrix
        rows = list_register(svc.db, scope, f)
        return RegisterList(
            items=[register_entry(r, matrix) for r in rows],
            heatmap=heat_map_out(heat_map(svc.db, scope, f), matrix),
        )

    @get("/heatmap", sync_to_thread=True, summary="Hazards per cell of the risk matrix")
    def heatmap(
        self,
        request: Request,
        svc: Svc,
        unit_id: FromQuery[UUID | None] = None,
        include_subunits: FromQuery[bool] = False,
        level: FromQuery[str | None] = None,
        residual_level: FromQuery[str | None] = None,
        review_overdue: FromQuery[bool | None] = None,
    ) -> HeatMap:
        """Counts before measures (`inherent`) and after them (`residual`)."""
        scope, f = register_query(
            svc, request, unit_id, include_subunits, level, residual_level, review_overdue
        )
        return heat_map_out(heat_map(svc.db, scope, f), svc.app.risk_matrix)


@get("/api/v1/risk-matrix", guards=[signed_in], sync_to_thread=False, tags=["risk register"])
def risk_matrix(svc: Svc) -> RiskMatrix:
    """The levels scores are graded by, their labels and what each requires."""
    return svc.app.risk_matrix


HANDLERS: list = [RiskAssessmentController, RiskRegisterController, risk_matrix]


# --- queries -------------------------------------------------------------------------


def units_asked(svc: Svc, unit_id: UUID | None, include_subunits: bool) -> frozenset[UUID] | None:
    if unit_id is None:
        return None
    return svc.app.organisation().subtree(unit_id) if include_subunits else frozenset({unit_id})


def register_query(
    svc: Svc,
    request: Request,
    unit_id: UUID | None,
    include_subunits: bool,
    level: str | None,
    residual_level: str | None,
    review_overdue: bool | None,
) -> tuple[access.UnitScope, RegisterFilter]:
    scope = access.check_figures(principal(request))
    codes = svc.app.risk_matrix.codes
    return scope, RegisterFilter(
        unit_ids=units_asked(svc, unit_id, include_subunits),
        level=rules.choice("level", level, codes) if level else None,
        residual_level=rules.choice("residual_level", residual_level, codes)
        if residual_level
        else None,
        review_overdue=review_overdue,
    )


# --- shaping: domain objects and rows as the API's values ----------------------------


def _label(matrix: RiskMatrix, code: str | None) -> str | None:
    level = matrix.level(code) if code else None
    return level.label if level else None


def _local(moment: datetime | None) -> datetime | None:
    return clock.local(moment) if moment else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def hazard_out(hazard: Hazard, matrix: RiskMatrix, graded: Hazard | None = None) -> HazardOut:
    """A hazard with its levels: as approved (`graded`), or from today's matrix."""
    levels = graded or hazard.graded(matrix)
    return HazardOut(
        id=hazard.id,
        description=hazard.description,
        cause=hazard.cause,
        barriers=hazard.barriers,
        justification=hazard.justification,
        probability=hazard.probability,
        consequence=hazard.consequence,
        score=hazard.score,
        level=levels.level,
        level_label=_label(matrix, levels.level),
        residual_probability=hazard.residual_probability,
        residual_consequence=hazard.residual_consequence,
        residual_score=hazard.residual_score,
        residual_level=levels.residual_level,
        residual_level_label=_label(matrix, levels.residual_level),
        measure_ids=list(hazard.measure_ids),
        deviation_ids=list(hazard.deviation_ids),
    )


def participants_out(participants: tuple[Participant, ...], names: Names) -> list[ParticipantOut]:
    return [ParticipantOut(p.user_id, p.role, names(str(p.user_id))) for p in participants]


def version_status(assessment: RiskAssessment, version: ApprovedVersion) -> str:
    if version is not assessment.versions[-1]:
        return "superseded"
    return "archived" if assessment.status == ARCHIVED else "in_force"


def unit_name(app: Any, unit_id: UUID) -> str | None:
    try:
        return app.organisation().unit(unit_id).name
    except NotFound:
        return None


def assessment_detail(app: Any, who: Principal, a: RiskAssessment) -> AssessmentDetail:
    matrix = app.risk_matrix
    names = Names(app)
    in_force = a.in_force
    approved = {h.id: h for h in in_force.hazards} if in_force and a.status == APPROVED else {}
    review = a.review(clock.today())
    return AssessmentDetail(
        id=a.id,
        unit_id=a.unit_id,
        unit_name=unit_name(app, a.unit_id),
        title=a.title,
        scope=a.scope,
        status=a.status,
        revision=a.revision,
        review_interval_months=a.review_interval_months,
        participants=participants_out(a.participants, names),
        hazards=[hazard_out(h, matrix, approved.get(h.id)) for h in a.hazards.values()],
        approved_revision=in_force.revision if in_force else None,
        approved_at=clock.local(in_force.approved_at) if in_force else None,
        next_review_on=in_force.next_review_on if in_force else None,
        review_due=review.due,
        review_overdue=review.overdue,
        notes=list(in_force.notes) if in_force else [],
        approval_problems=[
            ApprovalProblem(code=p.code, message=p.detail, hazard_id=p.hazard_id)
            for p in app.approval_problems(a)
        ],
        versions=[
            VersionSummary(
                revision=v.revision,
                status=version_status(a, v),
                approved_at=clock.local(v.approved_at),
                approved_by=v.approved_by,
                approved_by_name=names(v.approved_by),
                next_review_on=v.next_review_on,
            )
            for v in a.versions
        ],
        archive_reason=a.archive_reason,
        version=a.version,
        history=history(app.history(a.id), names),
    )


def version_detail(
    app: Any, assessment: RiskAssessment, version: ApprovedVersion
) -> AssessmentVersionDetail:
    matrix = app.risk_matrix
    names = Names(app)
    return AssessmentVersionDetail(
        id=assessment.id,
        unit_id=assessment.unit_id,
        unit_name=unit_name(app, assessment.unit_id),
        revision=version.revision,
        status=version_status(assessment, version),
        title=version.title,
        scope=version.scope,
        review_interval_months=version.review_interval_months,
        participants=participants_out(version.participants, names),
        hazards=[hazard_out(h, matrix, h) for h in version.hazards],
        approved_at=clock.local(version.approved_at),
        approved_by=version.approved_by,
        approved_by_name=names(version.approved_by),
        approved_on=version.approved_on,
        next_review_on=version.next_review_on,
        matrix_name=version.matrix_name,
        notes=list(version.notes),
    )


def assessment_summary(row: dict[str, Any]) -> AssessmentSummary:
    return AssessmentSummary(
        id=UUID(row["id"]),
        unit_id=UUID(row["unit_id"]),
        title=row["title"],
        status=row["status"],
        revision=row["revision"],
        approved_revision=row["approved_revision"],
        approved_at=_local(from_ts(row["approved_at"])),
        next_review_on=_day(row["next_review_on"]),
        review_due=row["review_due"],
        review_overdue=row["review_overdue"],
        without_verneombud=bool(row["without_verneombud"]),
        hazard_count=row["hazard_count"],
        updated_at=_local(from_ts(row["updated_at"])),
        version=row["version"],
    )


def register_entry(row: dict[str, Any], matrix: RiskMatrix) -> RegisterEntry:
    return RegisterEntry(
        hazard_id=UUID(row["hazard_id"]),
        assessment_id=UUID(row["assessment_id"]),
        unit_id=UUID(row["unit_id"]),
        title=row["title"],
        revision=row["revision"],
        description=row["description"],
        cause=row["cause"],
        justification=row["justification"],
        probability=row["probability"],
        consequence=row["consequence"],
        score=row["score"],
        level=row["level"],
        level_label=_label(matrix, row["level"]),
        residual_probability=row["residual_probability"],
        residual_consequence=row["residual_consequence"],
        residual_score=row["residual_score"],
        residual_level=row["residual_level"],
        residual_level_label=_label(matrix, row["residual_level"]),
        approved_at=_local(from_ts(row["approved_at"])),
        next_review_on=_day(row["next_review_on"]),
        review_due=row["review_due"],
        review_overdue=row["review_overdue"],
        recurring=row["recurring"],
        measure_count=row["measure_count"],
        open_measure_count=row["open_measure_count"],
        deviation_count=row["deviation_count"],
        recent_deviation_count=row["recent_deviation_count"],
    )


def heat_map_out(counts: dict[str, dict[tuple, int]], matrix: RiskMatrix) -> HeatMap:
    """All 25 cells, empty ones too, coloured by today's matrix."""

    def cells(found: dict[tuple, int]) -> list[HeatCell]:
        return [
            HeatCell(
                probability=p,
                consequence=c,
                score=p * c,
                level=matrix.level_for(p * c).code,
                count=found.get((p, c), 0),
            )
            for p in range(1, SCALE + 1)
            for c in range(1, SCALE + 1)
        ]

    return HeatMap(inherent=cells(counts["inherent"]), residual=cells(counts["residual"]))
