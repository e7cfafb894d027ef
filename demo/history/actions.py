"""The life of a corrective action in the synthetic history.

Most are done on time, some late, some after a new deadline, a few cancelled and a few
never done (open, and overdue once their date has passed). Most done actions are
verified by the unit's leader; one that did not work gets a follow-up action at once
(`verify_action` with a follow-up plan).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from demo.history import texts
from demo.history.model import later
from demo.history.world import World
from hms_core import access, clock
from hms_core.actions.action import DONE, CorrectiveAction
from hms_core.actions.use_cases import ActionPlan


class ActionLives:
    """Creates corrective actions and plays out what becomes of them."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.app = world.app

    def create(
        self, by: access.Principal, owner: access.Principal, title: str, due: date, **links: Any
    ) -> CorrectiveAction:
        """A new action for what `links` names (a deviation, or a hazard of an assessment)."""
        action_id = self.app.create_action(
            by, title=title, owner_id=owner.user_id, due_date=due, **links
        )
        self.w.counts["actions"] += 1
        return self.app.action(action_id)

    def start(self, action: CorrectiveAction, case: Any = None, depth: int = 0) -> None:
        """Plan what becomes of the action; `case` is the deviation's, for follow-ups."""
        rng, now, at = self.w.rng, clock.now(), self.w.timeline.at
        days = max((action.due_date - clock.today()).days, 1)
        r = rng.random()
        if r < 0.58:
            at(later(rng, now, days * 0.2, days * 0.95), self.complete, action, case, depth)
        elif r < 0.8:
            at(later(rng, now, days + 1, days + 60), self.complete, action, case, depth)
        elif r < 0.88:
            at(later(rng, now, days * 0.5, days * 0.95), self.reschedule, action, case, depth)
        elif r < 0.92:
            at(later(rng, now, 2, 30), self.cancel, action)
        # else: never done; overdue once the due date has passed

    def reschedule(self, action: CorrectiveAction, case: Any, depth: int) -> None:
        if not action.is_open:
            return
        rng = self.w.rng
        due = max(action.due_date, clock.today()) + timedelta(days=rng.randint(14, 45))
        self.app.reschedule_action(
            self.w.staff.leader(action.unit_id),
            action.id,
            due_date=due,
            reason=rng.choice(texts.RESCHEDULE),
        )
        days = (due - clock.today()).days
        low, high = (days * 0.3, days * 0.95) if rng.random() < 0.75 else (days + 1, days + 40)
        self.w.timeline.at(later(rng, clock.now(), low, high), self.complete, action, case, depth)

    def cancel(self, action: CorrectiveAction) -> None:
        if not action.is_open:
            return
        leader = self.w.staff.leader(action.unit_id)
        self.app.cancel_action(leader, action.id, reason=self.w.rng.choice(texts.CANCEL))

    def complete(self, action: CorrectiveAction, case: Any, depth: int) -> None:
        if not action.is_open:
            return
        rng = self.w.rng
        owner = self.w.staff.principals[action.owner_id]
        self.app.complete_action(owner, action.id, what_was_done=rng.choice(texts.DONE))
        if rng.random() < 0.7:
            self.w.timeline.at(later(rng, clock.now(), 3, 40), self.verify, action, case, depth)

    def verify(self, action: CorrectiveAction, case: Any, depth: int) -> None:
        """The leader judges the action; the first one that did not work is followed up."""
        if action.status != DONE:
            return
        rng = self.w.rng
        effective = rng.random() < (0.85 if depth == 0 else 0.95)
        note = rng.choice(texts.EFFECTIVE if effective else texts.NOT_EFFECTIVE)
        follow_up = None
        if not effective and depth == 0:
            follow_up = ActionPlan(
                title=f"Nytt tiltak: {action.title}"[:150],
                owner_id=action.owner_id,
                due_date=clock.today() + timedelta(days=rng.randint(14, 60)),
            )
        follow_up_id = self.app.verify_action(
            self.w.staff.leader(action.unit_id),
            action.id,
            effective=effective,
            note=note,
            follow_up=follow_up,
        )
        if follow_up_id is not None:
            self.w.counts["actions"] += 1
            follow = self.app.action(follow_up_id)
            if case is not None:
                case.actions.append(follow)
            self.start(follow, case, depth=1)


def due_in(rng: Any, severity: int) -> date:
    """A deadline: sooner for worse cases."""
    low, high = ((30, 120), (21, 90), (14, 60), (7, 45), (3, 30))[severity - 1]
    return clock.today() + timedelta(days=rng.randint(low, high))
