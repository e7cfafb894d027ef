"""Use cases of corrective actions (tiltak): plan, carry out, verify, follow up."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any
from uuid import UUID, uuid4

import msgspec

from hms_core import access, clock
from hms_core.access import Principal
from hms_core.actions.action import CorrectiveAction, check_hazard_link
from hms_core.deviations.references import ReferenceIssued, References, format_reference
from hms_core.directory.organisation import UnknownUserError
from hms_core.errors import InvalidValue, NotFound
from hms_core.service import Service, command

PREFIX = "TIL"


class ActionNotFoundError(NotFound):
    code = "action_not_found"
    message = "Fant ikke tiltaket."


class ActionPlan(msgspec.Struct, frozen=True):
    """What a new action is to be; a follow-up's unit defaults to the first action's."""

    title: str
    owner_id: UUID
    due_date: date
    description: str | None = None
    unit_id: UUID | None = None


class ActionService(Service):
    @command
    def create_action(
        self,
        by: Principal,
        *,
        title: str,
        owner_id: UUID,
        due_date: date,
        unit_id: UUID | None = None,
        description: str | None = None,
        deviation_id: UUID | None = None,
        assessment_id: UUID | None = None,
        hazard_id: UUID | None = None,
        follows_up: UUID | None = None,
    ) -> UUID:
        """Plan an action, on its own or for a deviation, a hazard or an action that failed.

        The action and what it is linked to are saved in one transaction. The unit is the
        source's unless another is given; the creator must manage actions there.
        """
        plan = ActionPlan(
            title=title,
            owner_id=owner_id,
            due_date=due_date,
            description=description,
            unit_id=unit_id,
        )
        if follows_up is None:
            return self._linked_action(by, plan, deviation_id, assessment_id, hazard_id)
        if deviation_id or assessment_id or hazard_id:
            raise InvalidValue(
                "follows_up", "Et oppfølgingstiltak arver koblingene fra tiltaket det følger."
            )
        first = self.action(follows_up)
        access.check_manage_action(by, first, self._case_category(by, first))
        first.check_follow_up_wanted()
        return self._follow_up(by, first, plan)

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
        year = clock.now().astimezone(clock.timezone()).year
        references = References(self.events)
        number = references.last_number(PREFIX, year) + 1
        action = CorrectiveAction.create(
            reference=format_reference(PREFIX, year, number),
            title=plan.title,
            description=plan.description,
            owner_id=plan.owner_id,
            unit_id=plan.unit_id,
            due_date=plan.due_date,
            actor=by.actor,
            **links,
        )
        return action, references.issue(PREFIX, year, number, action.id)

    def _check_owner(self, owner_id: UUID) -> None:
        try:
            owner = self.user(owner_id)
        except UnknownUserError:
            raise InvalidValue("owner_id", "Personen finnes ikke.") from None
        if not owner.active:
            raise InvalidValue("owner_id", "Personen er deaktivert og kan ikke eie tiltak.")

    # --- reading -------------------------------------------------------------------

    def action(self, action_id: UUID) -> CorrectiveAction:
        return self.load(action_id, CorrectiveAction, ActionNotFoundError)

    def read_action(self, by: Principal, action_id: UUID) -> CorrectiveAction:
        """The action, if this person may see it."""
        action = self.action(action_id)
        access.check_read_action(by, action, self._case_category(by, action))
        return action

    def _case_category(self, by: Principal, action: CorrectiveAction) -> str | None:
        """The category of the case the action was made for; it decides what a verneombud
        may read. Looked up only when it can matter."""
        if action.deviation_id is None or by.is_hms or by.leads(action.unit_id):
            return None
        return self.deviation(action.deviation_id).category

    def _with_follow_ups(self, action_ids: Iterable[UUID]) -> Iterator[CorrectiveAction]:
        """These actions and, after each, the chain of follow-ups that took over from it."""
        seen: set[UUID] = set()
        for action_id in action_ids:
            while action_id is not None and action_id not in seen:
                seen.add(action_id)
                try:
                    action = self.action(action_id)
                except ActionNotFoundError:
                    break
                yield action
                action_id = action.follow_up_id

    def open_action_ids(self, action_ids: Iterable[UUID]) -> tuple[UUID, ...]:
        """Those of these actions (and their follow-ups) whose work is not finished.

        Done but not verified counts as open: a case closed before anyone checked that
        the fix worked is what HMS work must avoid, so closing then needs a reason. So
        does a not-effective action whose follow-up has not been planned yet.
        """
        return tuple(a.id for a in self._with_follow_ups(action_ids) if not a.is_settled)

    def action_summaries(self, by: Principal, deviation: Any) -> list[dict]:
        """The actions of a case, as the reader may see them.

        Whoever may read the case sees what is done about it (feedback matters); who owns
        an action is shown only to those who may read the action itself.
        """
        today = clock.today()
        return [
            self._summary(by, a, today, deviation.category)
            for a in self._with_follow_ups(deviation.action_ids)
        ]

    def _summary(
        self, by: Principal, action: CorrectiveAction, today: date, deviation_category: str
    ) -> dict:
        summary = {
            "id": str(action.id),
            "reference": action.reference,
            "title": action.title,
            "status": action.status,
            "due_date": action.due_date.isoformat(),
            "overdue": action.is_overdue(today),
            "effective": action.effective,
            "follows_up": str(action.follows_up) if action.follows_up else None,
            "owner_id": None,
            "owner_name": None,
        }
        if access.can_read_action(
            by, unit_id=action.unit_id, owner_id=action.owner_id, case_category=deviation_category
        ):
            summary["owner_id"] = str(action.owner_id)
            summary["owner_name"] = self._name(action.owner_id)
        return summary

    def _name(self, user_id: UUID) -> str | None:
        try:
            return self.user(user_id).name
        except UnknownUserError:
            return None

    # --- changing ------------------------------------------------------------------

    def _change(
        self,
        by: Principal,
        action_id: UUID,
        expected_version: int | None,
        change: Callable[[CorrectiveAction], object],
        check: Callable[[Principal, CorrectiveAction], None] = access.check_manage_action,
    ) -> int:
        action = self.action(action_id)
        check(by, action, self._case_category(by, action))
        action.check_version(expected_version)
        change(action)
        self.save(action)
        return action.version

    @command
    def complete_action(
        self,
        by: Principal,
        action_id: UUID,
        *,
        what_was_done: str,
        expected_version: int | None = None,
    ) -> int:
        """The owner (or the unit's leader, or HMS) reports the action done."""
        return self._change(
            by,
            action_id,
            expected_version,
            lambda a: a.complete(actor=by.actor, what_was_done=what_was_done),
            check=access.check_complete_action,
        )

    @command
    def verify_action(
        self,
        by: Principal,
        action_id: UUID,
        *,
        effective: bool,
        note: str,
        follow_up: ActionPlan | None = None,
        expected_version: int | None = None,
    ) -> UUID | None:
        """Judge whether a done action worked; one that did not may get its follow-up at once.

        Returns the follow-up's id when one was created in the same transaction.
        """
        action = self.action(action_id)
        access.check_manage_action(by, action, self._case_category(by, action))
        action.check_version(expected_version)
        if follow_up is not None and not isinstance(follow_up, ActionPlan):
            raise InvalidValue("follow_up", "Ugyldig oppfølgingstiltak.")
        if effective and follow_up is not None:
            raise InvalidValue("follow_up", "Et tiltak som virket trenger ikke oppfølging.")
        action.verify(
            actor=by.actor,
            effective=effective,
            note=note,
            verifier_leads_unit=by.leads(action.unit_id),
        )
        if follow_up is None:
            self.save(action)
            return None
        return self._follow_up(by, action, follow_up)

    @command
    def reschedule_action(
        self,
        by: Principal,
        action_id: UUID,
        *,
        due_date: date,
        reason: str,
        expected_version: int | None = None,
    ) -> int:
        """Move the deadline, with a reason."""
        return self._change(
            by,
            action_id,
            expected_version,
            lambda a: a.reschedule(actor=by.actor, due_date=due_date, reason=reason),
        )

    @command
    def reassign_action(
        self,
        by: Principal,
        action_id: UUID,
        *,
        owner_id: UUID,
        reason: str,
        expected_version: int | None = None,
    ) -> int:
        """Give the action to another person, with a reason."""

        def change(action: CorrectiveAction) -> None:
            self._check_owner(owner_id)
            action.reassign(actor=by.actor, owner_id=owner_id, reason=reason)

        return self._change(by, action_id, expected_version, change)

    @command
    def cancel_action(
        self, by: Principal, action_id: UUID, *, reason: str, expected_version: int | None = None
    ) -> int:
        """Drop an open action that is no longer needed, with a reason."""
        return self._change(
            by, action_id, expected_version, lambda a: a.cancel(actor=by.actor, reason=reason)
        )

    @command
    def comment_action(
        self, by: Principal, action_id: UUID, *, text: str, expected_version: int | None = None
    ) -> int:
        """A note from anyone who may see the action."""
        return self._change(
            by,
            action_id,
            expected_version,
            lambda a: a.comment(actor=by.actor, comment_id=uuid4(), text=text),
            check=access.check_comment_action,
        )
