"""A deviation (avvik): reported, handled, closed, perhaps reopened.

Every command checks its preconditions with small named methods, then triggers one
event through a private `@event` method, so replaying history never re-runs a rule
that may have changed since.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from eventsourcing.domain import event

from hms_core import clock, rules
from hms_core.deviations.categories import CAUSE_KINDS
from hms_core.deviations.errors import (
    ActionOrReasonRequiredError,
    AlreadyAcknowledgedError,
    CausesRequiredError,
    DeviationClosedError,
    DeviationNotClosedError,
    OccurredInFutureError,
    OpenActionsError,
    SameUnitTransferError,
)
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.errors import InvalidValue
from hms_core.model import ANONYMOUS, HMSAggregate

REPORTED = "reported"
UNDER_TREATMENT = "under_treatment"
CLOSED = "closed"

TITLE_MAX = 150
TEXT_MAX = 4000
LOCATION_MAX = 200
REASON_MAX = 1000
# A report's time of occurrence may be this far ahead of our clock (phones drift).
CLOCK_SKEW = timedelta(minutes=5)


class Deviation(HMSAggregate):
    """One reported deviation and everything done about it."""

    @event("Reported")
    def __init__(
        self,
        reference: str,
        title: str,
        description: str,
        occurred_at: datetime,
        unit_id: UUID,
        location: str | None,
        category: str,
        severity: int,
        immediate_action: str | None,
        person_harmed: PersonHarmed | None,
        serious_injury: bool,
        anonymous: bool,
        reporter_id: UUID | None,
        actor: str,
    ) -> None:
        self.reference = reference
        self.title = title
        self.description = description
        self.occurred_at = occurred_at
        self.unit_id = unit_id
        self.location = location
        self.category = category
        self.severity = severity
        self.immediate_action = immediate_action
        self.person_harmed = person_harmed
        self.serious_injury = serious_injury
        self.anonymous = anonymous
        self.reporter_id = reporter_id
        self.status = REPORTED
        self.handler_id: UUID | None = None
        self.recurrence_probability: int | None = None
        self.causes: tuple[str, ...] = ()
        self.cause_description: str | None = None
        self.conclusion: str | None = None
        self.action_ids: tuple[UUID, ...] = ()
        self.hazard_links: tuple[tuple[UUID, UUID], ...] = ()

    @classmethod
    def report(
        cls,
        *,
        reference: str,
        title: str,
        description: str,
        occurred_at: datetime,
        unit_id: UUID,
        category: str,
        categories: frozenset[str],
        severity: int,
        actor: str,
        reporter_id: UUID | None,
        anonymous: bool = False,
        location: str | None = None,
        immediate_action: str | None = None,
        person_harmed: PersonHarmed | None = None,
        serious_injury: bool = False,
    ) -> Deviation:
        """Report a deviation; an anonymous one keeps no trace of who reported it."""
        if person_harmed is not None and not isinstance(person_harmed, PersonHarmed):
            raise InvalidValue("person_harmed", "Ugyldige opplysninger om den skadde.")
        return cls(
            reference=reference,
            title=rules.text("title", title, TITLE_MAX),
            description=rules.text("description", description, TEXT_MAX, multiline=True),
            occurred_at=check_occurred_at(occurred_at),
            unit_id=unit_id,
            location=rules.optional_text("location", location, LOCATION_MAX),
            category=rules.choice("category", category, categories),
            severity=rules.in_range("severity", severity, 1, 5),
            immediate_action=rules.optional_text(
                "immediate_action", immediate_action, TEXT_MAX, multiline=True
            ),
            person_harmed=person_harmed.validated() if person_harmed else None,
            serious_injury=bool(serious_injury),
            anonymous=bool(anonymous),
            reporter_id=None if anonymous else reporter_id,
            actor=ANONYMOUS if anonymous else actor,
        )

    # --- handling ------------------------------------------------------------------

    def acknowledge(self, *, actor: str, handler_id: UUID) -> None:
        """A handler takes the case."""
        self.check_not_closed()
        if self.status == UNDER_TREATMENT:
            raise AlreadyAcknowledgedError
        self._acknowledge(handler_id=handler_id, actor=actor)

    @event("Acknowledged")
    def _acknowledge(self, handler_id: UUID, actor: str) -> None:
        self.status = UNDER_TREATMENT
        self.handler_id = handler_id

    def classify(
        self,
        *,
        actor: str,
        category: str,
        categories: frozenset[str],
        severity: int,
        recurrence_probability: int,
        causes: tuple[str, ...],
        cause_description: str | None = None,
    ) -> None:
        """Record what kind of deviation this was, how bad, how likely again, and why."""
        self.check_not_closed()
        causes = check_causes(causes)
        self._classify(
            category=rules.choice("category", category, categories),
            severity=rules.in_range("severity", severity, 1, 5),
            recurrence_probability=rules.in_range(
                "recurrence_probability", recurrence_probability, 1, 5
            ),
            causes=causes,
            cause_description=rules.optional_text(
                "cause_description", cause_description, TEXT_MAX, multiline=True
            ),
            actor=actor,
        )

    @event("Classified")
    def _classify(
        self,
        category: str,
        severity: int,
        recurrence_probability: int,
        causes: tuple[str, ...],
        cause_description: str | None,
        actor: str,
    ) -> None:
        self.category = category
        self.severity = severity
        self.recurrence_probability = recurrence_probability
        self.causes = causes
        self.cause_description = cause_description

    def comment(
        self, *, actor: str, comment_id: UUID, text: str, visible_to_reporter: bool
    ) -> None:
        """Add a note to the case; some notes are meant for the reporter too."""
        self.check_not_closed()
        self._comment(
            comment_id=comment_id,
            text=rules.text("text", text, TEXT_MAX, multiline=True),
            visible_to_reporter=bool(visible_to_reporter),
            actor=actor,
        )

    @event("Commented")
    def _comment(self, comment_id: UUID, text: str, visible_to_reporter: bool, actor: str) -> None:
        pass

    def give_feedback(self, *, actor: str, text: str) -> None:
        """Tell the reporter what became of the report."""
        self.check_not_closed()
        self._give_feedback(text=rules.text("text", text, TEXT_MAX, multiline=True), actor=actor)

    @event("FeedbackGiven")
    def _give_feedback(self, text: str, actor: str) -> None:
        pass

    def add_information(self, *, actor: str, text: str) -> None:
        """The reporter adds to the report afterwards (anonymously through the receipt)."""
        self.check_not_closed()
        self._add_information(text=rules.text("text", text, TEXT_MAX, multiline=True), actor=actor)

    @event("InformationAdded")
    def _add_information(self, text: str, actor: str) -> None:
        pass

    def transfer(self, *, actor: str, to_unit_id: UUID, reason: str) -> None:
        """Hand the case to another unit, which then acknowledges it afresh."""
        self.check_not_closed()
        if to_unit_id == self.unit_id:
            raise SameUnitTransferError
        self._transfer(
            from_unit_id=self.unit_id,
            to_unit_id=to_unit_id,
            reason=rules.text("reason", reason, REASON_MAX, multiline=True),
            actor=actor,
        )

    @event("Transferred")
    def _transfer(self, from_unit_id: UUID, to_unit_id: UUID, reason: str, actor: str) -> None:
        self.unit_id = to_unit_id
        self.status = REPORTED
        self.handler_id = None

    def link_action(self, *, actor: str, action_id: UUID) -> None:
        """A corrective action was created for this case."""
        self.check_not_closed()
        if action_id not in self.action_ids:
            self._link_action(action_id=action_id, actor=actor)

    @event("ActionLinked")
    def _link_action(self, action_id: UUID, actor: str) -> None:
        self.action_ids = (*self.action_ids, action_id)

    def link_hazard(self, *, actor: str, assessment_id: UUID, hazard_id: UUID) -> None:
        """This case is an instance of a hazard in a risk assessment."""
        if (assessment_id, hazard_id) not in self.hazard_links:
            self._link_hazard(assessment_id=assessment_id, hazard_id=hazard_id, actor=actor)

    @event("HazardLinked")
    def _link_hazard(self, assessment_id: UUID, hazard_id: UUID, actor: str) -> None:
        self.hazard_links = (*self.hazard_links, (assessment_id, hazard_id))

    def close(
        self,
        *,
        actor: str,
        conclusion: str,
        no_action_reason: str | None = None,
        open_action_ids: tuple[UUID, ...] = (),
        open_actions_reason: str | None = None,
        feedback: str | None = None,
    ) -> None:
        """Close the case: a conclusion, causes recorded, and actions or a reason for none.

        Open actions stay open (closing never cancels them); closing over them needs a reason.
        """
        self.check_not_closed()
        conclusion = rules.text("conclusion", conclusion, TEXT_MAX, multiline=True)
        no_action_reason = rules.optional_text(
            "no_action_reason", no_action_reason, REASON_MAX, multiline=True
        )
        open_actions_reason = rules.optional_text(
            "open_actions_reason", open_actions_reason, REASON_MAX, multiline=True
        )
        feedback = rules.optional_text("feedback", feedback, TEXT_MAX, multiline=True)
        if not self.causes:
            raise CausesRequiredError
        if not self.action_ids and not no_action_reason:
            raise ActionOrReasonRequiredError
        if open_action_ids and not open_actions_reason:
            raise OpenActionsError
        self._close(
            conclusion=conclusion,
            no_action_reason=no_action_reason,
            open_action_ids=tuple(open_action_ids),
            open_actions_reason=open_actions_reason if open_action_ids else None,
            feedback=feedback,
            actor=actor,
        )

    @event("Closed")
    def _close(
        self,
        conclusion: str,
        no_action_reason: str | None,
        open_action_ids: tuple[UUID, ...],
        open_actions_reason: str | None,
        feedback: str | None,
        actor: str,
    ) -> None:
        self.status = CLOSED
        self.conclusion = conclusion

    def reopen(self, *, actor: str, reason: str) -> None:
        """Open a closed case again, saying why."""
        if self.status != CLOSED:
            raise DeviationNotClosedError
        self._reopen(reason=rules.text("reason", reason, REASON_MAX, multiline=True), actor=actor)

    @event("Reopened")
    def _reopen(self, reason: str, actor: str) -> None:
        self.status = UNDER_TREATMENT

    # --- checks --------------------------------------------------------------------

    @property
    def names_injured_person(self) -> bool:
        return self.person_harmed is not None and self.person_harmed.is_named

    @property
    def is_closed(self) -> bool:
        return self.status == CLOSED

    def check_not_closed(self) -> None:
        if self.is_closed:
            raise DeviationClosedError


def check_occurred_at(occurred_at: datetime) -> datetime:
    """When it happened: with a time zone, not before 1900 (rules.earliest_moment), and not
    later than now, give or take the clock skew of a phone."""
    aware = isinstance(occurred_at, datetime) and occurred_at.utcoffset() is not None
    if aware and occurred_at > clock.now() + CLOCK_SKEW:
        raise OccurredInFutureError
    return rules.moment("occurred_at", occurred_at)


def check_causes(causes: tuple[str, ...]) -> tuple[str, ...]:
    """Known causes, each once, in the order given."""
    if isinstance(causes, str) or not isinstance(causes, tuple | list):
        raise InvalidValue("causes", "Oppgi årsakene som en liste.")
    causes = tuple(rules.choice("causes", cause, CAUSE_KINDS) for cause in causes)
    return tuple(dict.fromkeys(causes))
