"""Use cases of corrective actions (tiltak): plan, carry out, verify, follow up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import msgspec

from hms_core import access
from hms_core.access import Principal
from hms_core.actions.action import CorrectiveAction, check_hazard_link
from hms_core.actions.commands import (
    ActionPlan,
    CancelAction,
    CommentAction,
    CompleteAction,
    CreateAction,
    ReassignAction,
    RescheduleAction,
    VerifyAction,
)
from hms_core.actions.reading import ActionReading
from hms_core.commands import Change
from hms_core.deviations.references import ReferenceIssued
from hms_core.directory.errors import UnknownUserError
from hms_core.errors import InvalidValue
from hms_core.service import UsesRisk, command, takes

if TYPE_CHECKING:

    class _Base(ActionReading, UsesRisk):
        """What these use cases call of risk's (and, through ActionReading, of others')."""

else:
    _Base = ActionReading

PREFIX = "TIL"


class ActionService(_Base):
    """Plan, carry out, verify and follow up; reading is ActionReading's."""

    @command
    @takes(CreateAction)
    def create_action(self, by: Principal, data: CreateAction) -> UUID:
        """Plan an action, on its own or for a deviation, a hazard or an action that failed.

        The action and what it is linked to are saved in one transaction. The unit is the
        source's unless another is given; the creator must manage actions there.
        """
        if data.follows_up is None:
            return self._linked_action(
                by, data.plan, data.deviation_id, data.assessment_id, data.hazard_id
            )
        if data.deviation_id or data.assessment_id or data.hazard_id:
            raise InvalidValue(
                "follows_up", "Et oppfølgingstiltak arver koblingene fra tiltaket det følger."
            )
        first = self.action(data.follows_up)
        access.check_manage_action(by, first, self._case_category(by, first))
        first.check_follow_up_wanted()
        return self._follow_up(by, first, data.plan)

    def _linked_action(
        self,
        by: Principal,
        plan: ActionPlan,
        deviation_id: UUID | None,
        assessment_id: UUID | None,
        hazard_id: UUID | None,
    ) -> UUID:
        check_hazard_link(assessment_id, hazard_id)
        deviation = None if deviation_id is None else self.deviation(deviation_id)
        assessment = None if assessment_id is None else self.risk_assessment(assessment_id)
        # Both must be readable before anything is said about what may be done with them.
        if deviation is not None:
            access.check_read_deviation(by, deviation)
        if assessment is not None:
            access.check_read_assessment(by, assessment)
        unit_id = plan.unit_id
        if deviation is not None:
            access.check_handle_deviation(by, deviation)
            deviation.check_not_closed()
            unit_id = unit_id or deviation.unit_id
        if assessment is not None:
            access.check_create_action(by, unit_id=assessment.unit_id)
            unit_id = unit_id or assessment.unit_id
        action, issued = self._new_action(
            by,
            msgspec.structs.replace(plan, unit_id=unit_id),
            deviation_id=deviation_id,
            assessment_id=assessment_id,
            hazard_id=hazard_id,
        )
        if deviation is not None:
            deviation.link_action(actor=by.actor, action_id=action.id)
        if assessment is not None:
            assessment.link_measure(actor=by.actor, hazard_id=hazard_id, action_id=action.id)
        self.save(action, issued, deviation, assessment)
        return action.id

    def _follow_up(self, by: Principal, first: CorrectiveAction, plan: ActionPlan) -> UUID:
        """Create `plan` as the follow-up of `first`, and save both (and the case's link).

        The follow-up keeps the first action's origin. It is linked to the deviation only
        while that is open (a closed case takes no new links); `action_summaries` finds it
        through the first action either way.
        """
        action, issued = self._new_action(
            by,
            msgspec.structs.replace(plan, unit_id=plan.unit_id or first.unit_id),
            deviation_id=first.deviation_id,
            assessment_id=first.assessment_id,
            hazard_id=first.hazard_id,
            follows_up=first.id,
        )
        first.plan_follow_up(actor=by.actor, follow_up_id=action.id)
        deviation = None
        if first.deviation_id is not None:
            deviation = self.deviation(first.deviation_id)
            if deviation.is_closed:
                deviation = None
            else:
                deviation.link_action(actor=by.actor, action_id=action.id)
        self.save(action, issued, first, deviation)
        return action.id

    def _new_action(
        self, by: Principal, plan: ActionPlan, **links: UUID | None
    ) -> tuple[CorrectiveAction, ReferenceIssued]:
        if plan.unit_id is None:
            raise InvalidValue("unit_id", "Velg enheten tiltaket hører til.")
        self.unit_in_tree(plan.unit_id, "unit_id")
        access.check_create_action(by, unit_id=plan.unit_id)
        self._check_owner(plan.owner_id)
        number = self.next_reference(PREFIX)
        action = CorrectiveAction.create(
            reference=number.text,
            title=plan.title,
            description=plan.description,
            owner_id=plan.owner_id,
            unit_id=plan.unit_id,
            due_date=plan.due_date,
            actor=by.actor,
            **links,
        )
        return action, number.issued_to(action.id)

    def _check_owner(self, owner_id: UUID) -> None:
        try:
            owner = self.user(owner_id)
        except UnknownUserError:
            raise InvalidValue("owner_id", "Personen finnes ikke.") from None
        if not owner.active:
            raise InvalidValue("owner_id", "Personen er deaktivert og kan ikke eie tiltak.")

    # --- changing ------------------------------------------------------------------

    def _change(
        self,
        by: Principal,
        action_id: UUID,
        data: Change,
        change: Callable[[CorrectiveAction], object],
        check: Callable[
            [Principal, CorrectiveAction, str | None], None
        ] = access.check_manage_action,
    ) -> int:
        action = self.action(action_id)
        check(by, action, self._case_category(by, action))
        action.check_version(data.expected_version)
        change(action)
        self.save(action)
        return action.version

    @command
    @takes(CompleteAction)
    def complete_action(self, by: Principal, action_id: UUID, data: CompleteAction) -> int:
        """The owner (or the unit's leader, or HMS) reports the action done."""
        return self._change(
            by,
            action_id,
            data,
            lambda a: a.complete(actor=by.actor, what_was_done=data.what_was_done),
            check=access.check_complete_action,
        )

    @command
    @takes(VerifyAction)
    def verify_action(self, by: Principal, action_id: UUID, data: VerifyAction) -> UUID | None:
        """Judge whether a done action worked; one that did not may get its follow-up at once.

        Returns the follow-up's id when one was created in the same transaction.
        """
        action = self.action(action_id)
        access.check_manage_action(by, action, self._case_category(by, action))
        action.check_version(data.expected_version)
        follow_up = data.follow_up
        if follow_up is not None and not isinstance(follow_up, ActionPlan):
            raise InvalidValue("follow_up", "Ugyldig oppfølgingstiltak.")
        if data.effective and follow_up is not None:
            raise InvalidValue("follow_up", "Et tiltak som virket trenger ikke oppfølging.")
        action.verify(
            actor=by.actor,
            effective=data.effective,
            note=data.note,
            verifier_leads_unit=by.leads(action.unit_id),
        )
        if follow_up is None:
            self.save(action)
            return None
        return self._follow_up(by, action, follow_up)

    @command
    @takes(RescheduleAction)
    def reschedule_action(self, by: Principal, action_id: UUID, data: RescheduleAction) -> int:
        """Move the deadline, with a reason."""
        return self._change(
            by, action_id, data, lambda a: a.reschedule(actor=by.actor, **data.fields())
        )

    @command
    @takes(ReassignAction)
    def reassign_action(self, by: Principal, action_id: UUID, data: ReassignAction) -> int:
        """Give the action to another person, with a reason."""

        def change(action: CorrectiveAction) -> None:
            self._check_owner(data.owner_id)
            action.reassign(actor=by.actor, **data.fields())

        return self._change(by, action_id, data, change)

    @command
    @takes(CancelAction)
    def cancel_action(self, by: Principal, action_id: UUID, data: CancelAction) -> int:
        """Drop an open action that is no longer needed, with a reason."""
        return self._change(
            by, action_id, data, lambda a: a.cancel(actor=by.actor, reason=data.reason)
        )

    @command
    @takes(CommentAction)
    def comment_action(self, by: Principal, action_id: UUID, data: CommentAction) -> int:
        """A note from anyone who may see the action."""
        return self._change(
            by,
            action_id,
            data,
            lambda a: a.comment(actor=by.actor, comment_id=uuid4(), text=data.text),
            check=access.check_comment_action,
        )
