"""What the deviation use cases take (hms_core.commands says how commands work)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from msgspec import Meta

from hms_core.commands import Change, Command, Scale, optional_text, text
from hms_core.deviations.deviation import LOCATION_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX
from hms_core.deviations.person_harmed import HEALTH_MAX, NAME_MAX, PersonHarmed

PersonKind = Literal["employee", "pupil", "patient", "visitor", "other"]
Cause = Literal["human", "technical", "organisational", "environmental", "unknown"]
Category = text(60, description="A category code, e.g. nestenulykke")
MultiLine = text(TEXT_MAX, multiline=True)
OptionalMultiLine = optional_text(TEXT_MAX, multiline=True)
Reason = text(REASON_MAX, multiline=True)
OptionalReason = optional_text(REASON_MAX, multiline=True)


class InjuredPerson(Command):
    """Who was hurt, as a report gives it (stored as PersonHarmed: `person_harmed`)."""

    kind: PersonKind
    absence: bool = False
    absence_days: Annotated[int, Meta(ge=0, le=366)] | None = None
    name: optional_text(
        NAME_MAX, description="Shown only to the unit's leader, HMS and the person"
    ) = None
    person_id: UUID | None = None
    health_details: optional_text(
        HEALTH_MAX, description="Stored only with health_consent", multiline=True
    ) = None
    health_consent: bool = False


def person_harmed(given: InjuredPerson | PersonHarmed | Any) -> PersonHarmed | Any:
    """The stored form of who was hurt. Anything else (a PersonHarmed, None, or what code
    made up) is passed on as it is, for the aggregate to take or refuse."""
    if isinstance(given, InjuredPerson):
        return PersonHarmed(**msgspec.structs.asdict(given))
    return given


class ReportDeviation(Command):
    title: text(TITLE_MAX)
    description: MultiLine
    occurred_at: Annotated[
        datetime, Meta(tz=True, description="ISO 8601 with offset; from 1900, not in the future")
    ]
    unit_id: UUID
    category: Category
    severity: Scale
    location: optional_text(LOCATION_MAX) = None
    immediate_action: OptionalMultiLine = None
    # Code may give the stored form (a PersonHarmed) as well: see `person_harmed`.
    person_harmed: InjuredPerson | None = None
    serious_injury: bool = False
    anonymous: bool = False


class AcknowledgeDeviation(Change):
    pass


class ClassifyDeviation(Change):
    category: Category
    severity: Scale
    recurrence_probability: Scale
    causes: Annotated[list[Cause], Meta(min_length=1)]
    cause_description: OptionalMultiLine = None


class CommentDeviation(Change):
    text: MultiLine
    visible_to_reporter: bool = False


class GiveFeedback(Change):
    text: MultiLine


class TransferDeviation(Change):
    to_unit_id: UUID
    reason: Reason


class CloseDeviation(Change):
    conclusion: MultiLine
    no_action_reason: OptionalReason = None
    open_actions_reason: OptionalReason = None
    feedback: optional_text(TEXT_MAX, description="Sent to the reporter", multiline=True) = None


class ReopenDeviation(Change):
    reason: Reason


class AddInformation(Command):
    text: MultiLine
