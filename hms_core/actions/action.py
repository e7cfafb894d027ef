"""A corrective action (tiltak): planned, done, verified — or cancelled.

Created from a deviation, from a hazard in a risk assessment, as the follow-up of an
action that did not work, or on its own. Every command checks its preconditions with
small named methods, then triggers one event through a private `@event` method, so
replaying history never re-runs a rule that may have changed since.
"""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

from eventsourcing.domain import event

from hms_core import clock, rules
from hms_core.actions.errors import (
    AlreadyVerifiedError,
    DueDateInPastError,
    DueDateTooFarError,
    FollowUpExistsError,
    NoFollowUpRequiredError,
    NotDoneError,
    NotOpenError,
    SameDueDateError,
    SameOwnerError,
    SelfVerificationError,
)
from hms_core.errors import InvalidValue
from hms_core.model import HMSAggregate

OPEN = "open"
DONE = "done"
VERIFIED = "verified"
CANCELLED = "cancelled"

FROM_DEVIATION = "deviation"
FROM_HAZARD = "risk_assessment"
FOLLOW_UP = "follow_up"
STANDALONE = "standalone"

TITLE_MAX = 150
TEXT_MAX = 4000
REASON_MAX = 1000
# A due date further ahead than this is a typing error, not a plan.
MAX_DAYS_AHEAD = 5 * 366


class CorrectiveAction(HMSAggregate):
    """One measure with an owner and a deadline, and what became of it."""

    @event("Created")
    def __init__(
        self,
        reference: str,
        title: str,
        description: str | None,
        owner_id: UUID,
        unit_id: UUID,
        due_date: date,
        source: str,
        deviation_id: UUID | None,
        assessment_id: UUID | None,
        hazard_id: UUID | None,
        follows_up: UUID | None,
        actor: str,
    ) -> None:
        self.reference = reference
        self.title = title
        self.description = description
        self.owner_id = owner_id
        self.unit_id = unit_id
        self.due_date = due_date
        self.original_due_date = due_date
        self.source = source
        self.deviation_id = deviation_id
        self.assessment_id = assessment_id
        self.hazard_id = hazard_id
        self.follows_up = follows_up
        self.created_by = actor
        self.status = OPEN
        self.what_was_done: str | None = None
        self.completed_by: str | None = None
        self.effective: bool | None = None
        self.verification_note: str | None = None
        self.verified_by: str | None = None
        self.follow_up_required = False
        self.follow_up_id: UUID | None = None
        self.cancel_reason: str | None = None

    @classmethod
    def create(
        cls,
        *,
        reference: str,
        title: str,
        owner_id: UUID,
        unit_id: UUID,
        due_date: date,
        actor: str,
        description: str | None = None,
        deviation_id: UUID | None = None,
        assessment_id: UUID | None = None,
        hazard_id: UUID | None = None,
        follows_up: UUID | None = None,
    ) -> CorrectiveAction:
        """Plan a measure: what, who, in which unit, by when, and where it came from."""
        check_hazard_link(assessment_id, hazard_id)
        return cls(
            reference=reference,
            title=rules.text("title", title, TITLE_MAX),
            description=rules.optional_text("description", description, TEXT_MAX, multiline=True),
            owner_id=owner_id,
            unit_id=unit_id,
            due_date=check_due_date(due_date),
            source=source_of(deviation_id, hazard_id, follows_up),
            deviation_id=deviation_id,
            assessment_id=assessment_id,
            hazard_id=hazard_id,
            follows_up=follows_up,
            actor=actor,
        )

    # --- planning ------------------------------------------------------------------

    def reschedule(self, *, actor: str, due_date: date, reason: str) -> None:
        """Move the deadline, saying why."""
        self.check_open()
        reason = rules.text("reason", reason, REASON_MAX, multiline=True)
        if rules.day("due_date", due_date) == self.due_date:
            raise SameDueDateError
        self._reschedule(
            from_due_date=self.due_date,
            due_date=check_due_date(due_date),
            reason=reason,
            actor=actor,
        )

    @event("Rescheduled")
    def _reschedule(self, from_due_date: date, due_date: date, reason: str, actor: str) -> None:
        self.due_date = due_date

    def reassign(self, *, actor: str, owner_id: UUID, reason: str) -> None:
        """Give the action to someone else, saying why."""
        self.check_open()
        reason = rules.text("reason", reason, REASON_MAX, multiline=True)
        if owner_id == self.owner_id:
            raise SameOwnerError
        self._reassign(from_owner_id=self.owner_id, owner_id=owner_id, reason=reason, actor=actor)

    @event("Reassigned")
    def _reassign(self, from_owner_id: UUID, owner_id: UUID, reason: str, actor: str) -> None:
        self.owner_id = owner_id

    def cancel(self, *, actor: str, reason: str) -> None:
        """Drop an open action that is no longer needed, saying why."""
        self.check_open()
        self._cancel(reason=rules.text("reason", reason, REASON_MAX, multiline=True), actor=actor)

    @event("Cancelled")
    def _cancel(self, reason: str, actor: str) -> None:
        self.status = CANCELLED
        self.cancel_reason = reason

    # --- carrying out and checking ---------------------------------------------------

    def complete(self, *, actor: str, what_was_done: str) -> None:
        """The owner (or the leader) reports the action done, and what was done."""
        self.check_open()
        self._complete(
            what_was_done=rules.text("what_was_done", what_was_done, TEXT_MAX, multiline=True),
            actor=actor,
        )

    @event("Completed")
    def _complete(self, what_was_done: str, actor: str) -> None:
        self.status = DONE
        self.what_was_done = what_was_done
        self.completed_by = actor

    def verify(self, *, actor: str, effective: bool, note: str, verifier_leads_unit: bool) -> None:
        """Judge whether the action worked; one that did not asks for a follow-up action.

        Four eyes: whoever completed it may not verify it too, unless they lead the unit
        (in a small unit the leader is often both). An HMS officer gets no such exception:
        they are not the line of responsibility, so nobody would have checked their work.
        """
        self.check_done()
        note = rules.text("note", note, TEXT_MAX, multiline=True)
        if actor == self.completed_by and not verifier_leads_unit:
            raise SelfVerificationError
        self._verify(
            effective=bool(effective),
            note=note,
            follow_up_required=not effective,
            actor=actor,
        )

    @event("Verified")
    def _verify(self, effective: bool, note: str, follow_up_required: bool, actor: str) -> None:
        self.status = VERIFIED
        self.effective = effective
        self.verification_note = note
        self.verified_by = actor
        self.follow_up_required = follow_up_required

    def plan_follow_up(self, *, actor: str, follow_up_id: UUID) -> None:
        """A new action takes over from this one, which did not work."""
        self.check_follow_up_wanted()
        self._plan_follow_up(follow_up_id=follow_up_id, actor=actor)

    @event("FollowUpPlanned")
    def _plan_follow_up(self, follow_up_id: UUID, actor: str) -> None:
        self.follow_up_id = follow_up_id

    def comment(self, *, actor: str, comment_id: UUID, text: str) -> None:
        """A note from anyone who may see the action, the verneombud included."""
        self._comment(
            comment_id=comment_id,
            text=rules.text("text", text, TEXT_MAX, multiline=True),
            actor=actor,
        )

    @event("Commented")
    def _comment(self, comment_id: UUID, text: str, actor: str) -> None:
        pass

    # --- checks --------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def is_settled(self) -> bool:
        """Nothing more to do here: cancelled, verified effective, or handed to a follow-up."""
        return self.status == CANCELLED or (
            self.status == VERIFIED and (self.effective or self.follow_up_id is not None)
        )

    @property
    def awaits_follow_up(self) -> bool:
        """Verified as not effective, and no follow-up action planned yet."""
        return self.follow_up_required and self.follow_up_id is None

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.due_date < today

    def check_open(self) -> None:
        if not self.is_open:
            raise NotOpenError

    def check_follow_up_wanted(self) -> None:
        if not self.follow_up_required:
            raise NoFollowUpRequiredError
        if self.follow_up_id is not None:
            raise FollowUpExistsError

    def check_done(self) -> None:
        if self.status == VERIFIED:
            raise AlreadyVerifiedError
        if self.status != DONE:
            raise NotDoneError


def check_due_date(due_date: date) -> date:
    """A calendar date from today to five years ahead."""
    rules.day("due_date", due_date, date.min, date.max)  # a date; the range follows
    today = clock.today()
    if due_date < today:
        raise DueDateInPastError
    if due_date > today + timedelta(days=MAX_DAYS_AHEAD):
        raise DueDateTooFarError
    return due_date


def check_hazard_link(assessment_id: UUID | None, hazard_id: UUID | None) -> None:
    """A measure belongs to one hazard of one assessment: both ids or neither."""
    if (assessment_id is None) != (hazard_id is None):
        missing = "hazard_id" if hazard_id is None else "assessment_id"
        raise InvalidValue(missing, "Oppgi både risikovurdering og fare.")


def source_of(deviation_id: UUID | None, hazard_id: UUID | None, follows_up: UUID | None) -> str:
    if follows_up is not None:
        return FOLLOW_UP
    if deviation_id is not None:
        return FROM_DEVIATION
    if hazard_id is not None:
        return FROM_HAZARD
    return STANDALONE
