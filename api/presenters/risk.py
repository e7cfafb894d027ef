"""Risk assessments, hazards, versions and the register as the API shows them."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any
from uuid import UUID

from api.presenters.common import Names, day, history, local_ts, unit_name
from api.schemas.risk import (
    ApprovalProblem,
    AssessmentDetail,
    AssessmentSummary,
    AssessmentVersionDetail,
    HazardOut,
    HeatCell,
    HeatMap,
    ParticipantOut,
    RegisterEntry,
    VersionSummary,
)
from hms_core import clock
from hms_core.risk.assessment import APPROVED, RiskAssessment
from hms_core.risk.hazard import ApprovedVersion, Hazard, Participant
from hms_core.risk.matrix import SCALE, RiskMatrix


def _label(matrix: RiskMatrix, code: str | None) -> str | None:
    level = matrix.level(code) if code else None
    return level.label if level else None


def _scores(
    value: Callable[[str], Any], matrix: RiskMatrix, level: str | None, residual: str | None
) -> dict[str, Any]:
    """Scores and levels before and after measures, each level with its label: a hazard
    and a register row show them alike, whichever way `value` reads them."""
    return {
        "probability": value("probability"),
        "consequence": value("consequence"),
        "score": value("score"),
        "level": level,
        "level_label": _label(matrix, level),
        "residual_probability": value("residual_probability"),
        "residual_consequence": value("residual_consequence"),
        "residual_score": value("residual_score"),
        "residual_level": residual,
        "residual_level_label": _label(matrix, residual),
    }


def _review(row: dict[str, Any]) -> dict[str, Any]:
    """When a read model's row was approved, is next reviewed, and whether that is due."""
    return {
        "approved_at": local_ts(row["approved_at"]),
        "next_review_on": day(row["next_review_on"]),
        "review_due": row["review_due"],
        "review_overdue": row["review_overdue"],
    }


def hazard_out(hazard: Hazard, matrix: RiskMatrix, graded: Hazard | None = None) -> HazardOut:
    """A hazard with its levels: as approved (`graded`), or from today's matrix."""
    levels = graded or hazard.graded(matrix)
    return HazardOut(
        id=hazard.id,
        description=hazard.description,
        cause=hazard.cause,
        barriers=hazard.barriers,
        justification=hazard.justification,
        **_scores(partial(getattr, hazard), matrix, levels.level, levels.residual_level),
        measure_ids=list(hazard.measure_ids),
        deviation_ids=list(hazard.deviation_ids),
    )


def participants_out(participants: tuple[Participant, ...], names: Names) -> list[ParticipantOut]:
    return [ParticipantOut(p.user_id, p.role, names(str(p.user_id))) for p in participants]


def assessment_detail(app: Any, a: RiskAssessment) -> AssessmentDetail:
    """The assessment as it stands, with what blocks approval, its versions and history."""
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
        versions=versions_out(a, names),
        archive_reason=a.archive_reason,
        version=a.version,
        history=history(app.history(a.id), names),
    )


def versions_out(a: RiskAssessment, names: Names) -> list[VersionSummary]:
    """The approved versions, oldest first, each with what became of it."""
    return [
        VersionSummary(
            revision=v.revision,
            status=a.status_of(v),
            approved_at=clock.local(v.approved_at),
            approved_by=v.approved_by,
            approved_by_name=names(v.approved_by),
            next_review_on=v.next_review_on,
        )
        for v in a.versions
    ]


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
        status=assessment.status_of(version),
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
        **_review(row),
        without_verneombud=bool(row["without_verneombud"]),
        hazard_count=row["hazard_count"],
        updated_at=local_ts(row["updated_at"]),
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
        **_scores(row.__getitem__, matrix, row["level"], row["residual_level"]),
        **_review(row),
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
