"""The life of a corrective action in the synthetic history.

Most are done on time, some late, some after a new deadline, a few cancelled and a few
never done (open, and overdue once their date has passed). Most done actions are
verified by the unit's leader; one that did not work gets a follow-up action at once,
as `verify_action` with a follow-up plan does.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from demo.history import texts
from demo.history.model import later
from demo.history.world import World
from hms_core import access, clock
from hms_core.access import Principal
from hms_core.actions.action import DONE, CorrectiveAction

PREFIX = "TIL"


class ActionLives:
    """Creates corrective actions and plays out what becomes of them."""

    def __init__(self, world: World) -> None:
        self.w = world

    def create(
        self, by: Principal, owner: Principal, title: str, unit_id: Any, due: date, **links: Any
    ) -> CorrectiveAction:
        """A new action with its case number (the caller links and saves its source)."""
        access.check_create_action(by, unit_id=unit_id)
        reference, year, number = self.w.batch.next_reference(PREFIX)
        action = CorrectiveAction.create(
            reference=reference,
            title=title,
            owner_id=owner.user_id,
            unit_id=unit_id,
            due_date=due,
            actor=by.actor,
            **links,
        )
        self.w.batch.add(action)
        self.w.batch.issue(PREFIX, year, number, action.id)
        self.w.counts["actions"] += 1
        return action

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
        leader = self.w.staff.leader(action.unit_id)
        access.check_manage_action(leader, action)
        due = max(action.due_date, clock.today()) + timedelta(days=rng.randint(14, 45))
        action.reschedule(actor=leader.actor, due_date=due, reason=rng.choice(texts.RESCHEDULE))
        self.w.batch.add(action)
        days = (due - clock.today()).days
        low, high = (days * 0.3, days * 0.95) if rng.random() < 0.75 else (days + 1, days + 40)
        self.w.timeline.at(later(rng, clock.now(), low, high), self.complete, action, case, depth)

    def cancel(self, action: CorrectiveAction) -> None:
        if not action.is_open:
            return
        leader = self.w.staff.leader(action.unit_id)
        access.check_manage_action(leader, action)
        action.cancel(actor=leader.actor, reason=self.w.rng.choice(texts.CANCEL))
        self.w.batch.add(action)

    def complete(self, action: CorrectiveAction, case: Any, depth: int) -> None:
        if not action.is_open:
            return
        rng = self.w.rng
        owner = self.w.staff.principals[action.owner_id]
        access.check_complete_action(owner, action)
        action.complete(actor=owner.actor, what_was_done=rng.choice(texts.DONE))
        self.w.batch.add(action)
        if rng.random() < 0.7:
            self.w.timeline.at(later(rng, clock.now(), 3, 40), self.verify, action, case, depth)

    def verify(self, action: CorrectiveAction, case: Any, depth: int) -> None:
        if action.status != DONE:
            return
        rng = self.w.rng
        leader = self.w.staff.leader(action.unit_id)
        access.check_manage_action(leader, action)
        effective = rng.random() < (0.85 if depth == 0 else 0.95)
        note = rng.choice(texts.EFFECTIVE if effective else texts.NOT_EFFECTIVE)
        action.verify(
            actor=leader.actor,
            effective=effective,
            note=note,
            verifier_leads_unit=leader.leads(action.unit_id),
        )
        self.w.batch.add(action)
        if not effective and depth == 0:
            self._follow_up(leader, action, case)

    def _follow_up(self, leader: Principal, first: CorrectiveAction, case: Any) -> None:
        """A new action takes over, linked to the case while that is open (`_follow_up`)."""
        owner = self.w.staff.principals[first.owner_id]
        due = clock.today() + timedelta(days=self.w.rng.randint(14, 60))
        follow_up = self.create(
            leader,
            owner,
            f"Nytt tiltak: {first.title}"[:150],
            first.unit_id,
            due,
            deviation_id=first.deviation_id,
            assessment_id=first.assessment_id,
            hazard_id=first.hazard_id,
            follows_up=first.id,
        )
        first.plan_follow_up(actor=leader.actor, follow_up_id=follow_up.id)
        self.w.batch.add(first)
        if case is not None:
            case.actions.append(follow_up)
            if not case.deviation.is_closed:
                case.deviation.link_action(actor=leader.actor, action_id=follow_up.id)
                self.w.batch.add(case.deviation)
        self.start(follow_up, case, depth=1)


def due_in(rng: Any, severity: int) -> date:
    """A deadline: sooner for worse cases."""
    low, high = ((30, 120), (21, 90), (14, 60), (7, 45), (3, 30))[severity - 1]
    return clock.today() + timedelta(days=rng.randint(low, high))
