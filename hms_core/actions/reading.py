"""Reading corrective actions: one action, and a case's actions with their follow-ups."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from hms_core import access, clock
from hms_core.access import Principal
from hms_core.actions.action import CorrectiveAction
from hms_core.actions.errors import ActionNotFoundError
from hms_core.directory.errors import UnknownUserError
from hms_core.service import Service, UsesDeviations, UsesDirectory

if TYPE_CHECKING:

    class _Base(Service, UsesDeviations, UsesDirectory):
        """What these use cases call of the deviations' and the directory's."""

else:
    _Base = Service


class ActionReading(_Base):
    """The reading half of the actions' use cases (ActionService is the writing half)."""

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
