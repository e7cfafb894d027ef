"""What the corrective-action use cases take (hms_core.commands says how commands work)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from hms_core.actions.action import REASON_MAX, TEXT_MAX, TITLE_MAX
from hms_core.commands import Change, Command, optional_text, text

MultiLine = text(TEXT_MAX, multiline=True)
Reason = text(REASON_MAX, multiline=True)


class ActionPlan(Command, frozen=True):
    """What a new action is to be; a follow-up's unit defaults to the first action's."""

    title: text(TITLE_MAX)
    owner_id: UUID
    due_date: date
    description: optional_text(TEXT_MAX, multiline=True) = None
    unit_id: UUID | None = None


class CreateAction(Command):
    """`unit_id` defaults to the deviation's, the assessment's or the first action's unit.
    `follows_up` names an action verified as not effective; the new one inherits its links."""

    title: text(TITLE_MAX)
    owner_id: UUID
    due_date: date
    unit_id: UUID | None = None
    description: optional_text(TEXT_MAX, multiline=True) = None
    deviation_id: UUID | None = None
    assessment_id: UUID | None = None
    hazard_id: UUID | None = None
    follows_up: UUID | None = None

    @property
    def plan(self) -> ActionPlan:
        return ActionPlan(self.title, self.owner_id, self.due_date, self.description, self.unit_id)


class CompleteAction(Change):
    what_was_done: MultiLine


class VerifyAction(Change):
    """Not effective asks for a follow-up: planned here (`follow_up`), or afterwards as an
    action that `follows_up` this one."""

    effective: bool
    note: MultiLine
    follow_up: ActionPlan | None = None


class RescheduleAction(Change):
    due_date: date
    reason: Reason


class ReassignAction(Change):
    owner_id: UUID
    reason: Reason


class CancelAction(Change):
    reason: Reason


class CommentAction(Change):
    text: MultiLine
