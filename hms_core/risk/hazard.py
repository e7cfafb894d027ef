"""The values a risk assessment is made of: participants, hazards, approved versions.

Scores are probability × consequence; levels come from the risk matrix, never from here.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

import msgspec

from hms_core import rules
from hms_core.errors import InvalidValue
from hms_core.risk.matrix import SCALE, RiskMatrix

LEADER, VERNEOMBUD, EMPLOYEE = "leader", "verneombud", "employee"
PARTICIPANT_ROLES = (LEADER, VERNEOMBUD, EMPLOYEE, "hms", "other")
TEXT_MAX = 2000
MAX_HAZARDS = 200
MAX_PARTICIPANTS = 50
MAX_REVIEW_MONTHS = 60

# A review is "due" this long before its date, so it can be planned.
REVIEW_NOTICE = timedelta(days=30)


NO_VERNEOMBUD_NOTE = "Godkjent uten verneombud blant deltakerne."


class Participant(msgspec.Struct, frozen=True):
    """Who took part in the assessment, and as what (AML § 3-1: done with the employees)."""

    user_id: UUID
    role: str


class Hazard(msgspec.Struct, frozen=True, omit_defaults=True):
    """One line of the assessment. `level` and `residual_level` are set only in an
    approved version: the levels it was approved at, whatever the matrix says later."""

    id: UUID
    description: str
    cause: str | None = None
    barriers: str | None = None
    justification: str | None = None
    probability: int | None = None
    consequence: int | None = None
    residual_probability: int | None = None
    residual_consequence: int | None = None
    measure_ids: tuple[UUID, ...] = ()
    deviation_ids: tuple[UUID, ...] = ()
    level: str | None = None
    residual_level: str | None = None

    @property
    def score(self) -> int | None:
        return score_of(self.probability, self.consequence)

    @property
    def residual_score(self) -> int | None:
        return score_of(self.residual_probability, self.residual_consequence)

    @property
    def is_scored(self) -> bool:
        return self.score is not None

    def graded(self, matrix: RiskMatrix) -> Hazard:
        """This hazard with the levels the matrix gives its scores."""
        residual = self.residual_score
        return msgspec.structs.replace(
            self,
            level=matrix.level_for(self.score).code if self.is_scored else None,
            residual_level=matrix.level_for(residual).code if residual else None,
        )


class ReviewState(msgspec.Struct, frozen=True):
    due: bool
    overdue: bool


def review_state(next_review_on: date | None, today: date, recurring: bool = False) -> ReviewState:
    """Due a month before the review date, or when deviations recur; overdue after the date."""
    if next_review_on is None:
        return ReviewState(due=False, overdue=False)
    return ReviewState(
        due=recurring or next_review_on - REVIEW_NOTICE <= today,
        overdue=next_review_on < today,
    )


class ApprovedVersion(msgspec.Struct, frozen=True):
    """One approved revision of the assessment, as it was approved."""

    revision: int
    title: str
    scope: str
    participants: tuple[Participant, ...]
    review_interval_months: int
    hazards: tuple[Hazard, ...]
    approved_at: datetime
    approved_by: str
    approved_on: date
    next_review_on: date
    without_verneombud: bool
    matrix_name: str

    @property
    def notes(self) -> tuple[str, ...]:
        return approval_notes(self.without_verneombud)


def score_of(probability: int | None, consequence: int | None) -> int | None:
    if probability is None or consequence is None:
        return None
    return probability * consequence


def approval_notes(without_verneombud: bool) -> tuple[str, ...]:
    return (NO_VERNEOMBUD_NOTE,) if without_verneombud else ()


def check_participants(participants: Iterable[Participant]) -> tuple[Participant, ...]:
    if isinstance(participants, str):
        raise InvalidValue("participants", "Oppgi deltakerne som en liste.")
    participants = tuple(participants)
    if len(participants) > MAX_PARTICIPANTS:
        raise InvalidValue("participants", f"Høyst {MAX_PARTICIPANTS} deltakere.")
    seen: set[UUID] = set()
    for participant in participants:
        if not isinstance(participant, Participant) or not isinstance(participant.user_id, UUID):
            raise InvalidValue("participants", "Ugyldig deltaker.")
        rules.choice("participants.role", participant.role, PARTICIPANT_ROLES)
        if participant.user_id in seen:
            raise InvalidValue("participants", "Samme person er ført opp to ganger.")
        seen.add(participant.user_id)
    return participants


def check_review_interval(months: int) -> int:
    return rules.in_range("review_interval_months", months, 1, MAX_REVIEW_MONTHS)


def check_hazard_texts(
    description: str, cause: str | None, barriers: str | None, justification: str | None
) -> tuple[str, str | None, str | None, str | None]:
    return (
        rules.text("description", description, TEXT_MAX, multiline=True),
        rules.optional_text("cause", cause, TEXT_MAX, multiline=True),
        rules.optional_text("barriers", barriers, TEXT_MAX, multiline=True),
        rules.optional_text("justification", justification, TEXT_MAX, multiline=True),
    )


def check_scores(
    probability: int | None,
    consequence: int | None,
    residual_probability: int | None,
    residual_consequence: int | None,
    *,
    optional: bool = False,
) -> tuple[int | None, int | None, int | None, int | None]:
    """Each 1–5; each pair given whole or not at all; measures never raise a risk."""
    inherent = check_pair("probability", probability, "consequence", consequence, optional)
    residual = check_pair(
        "residual_probability",
        residual_probability,
        "residual_consequence",
        residual_consequence,
        optional=True,
    )
    if residual != (None, None) and inherent == (None, None):
        raise InvalidValue("probability", "Vurder risikoen før tiltak først.")
    for field, before, after in (
        ("residual_probability", probability, residual_probability),
        ("residual_consequence", consequence, residual_consequence),
    ):
        if after is not None and after > before:
            raise InvalidValue(field, "Restrisikoen kan ikke være høyere enn risikoen før tiltak.")
    return (*inherent, *residual)


def check_pair(
    first: str, a: int | None, second: str, b: int | None, optional: bool
) -> tuple[int | None, int | None]:
    if a is None and b is None and optional:
        return None, None
    for field, value in ((first, a), (second, b)):
        if value is not None:
            rules.in_range(field, value, 1, SCALE)
    for field, value in ((first, a), (second, b)):
        if value is None:
            raise InvalidValue(field, f"Oppgi «{field}» (1–{SCALE}).")
    return a, b


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where that month is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
