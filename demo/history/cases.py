"""How a deviation is handled in the synthetic history, step by step.

The unit's leader acknowledges (sometimes after the case was transferred from the
wrong unit), classifies with causes, creates corrective actions for the worse cases,
gives feedback and closes — over open actions only with a reason, and mostly after
waiting a while for them. The verneombud comments on HMS cases in the area; some
reporters add information. A few cases are never handled, a few stay under
treatment, a few are reopened. Every step is a use case, done by the person whose
step it is; the use case decides whether they may.
"""

from __future__ import annotations

from demo.history import texts
from demo.history.actions import ActionLives, due_in
from demo.history.model import (
    ACTION_SHARE,
    INJURY,
    VIOLENCE,
    causes_for,
    later,
)
from demo.history.reports import Case
from demo.history.world import World
from hms_core import access, clock

# What a handler most often reclassifies a report as.
RECLASSIFIED = {
    "nestenulykke": "farlig_forhold",
    "farlig_forhold": "nestenulykke",
    "personskade": "nestenulykke",
    "kvalitet": "informasjonssikkerhet",
    "arbeidsmiljo": "vold_og_trusler",
}


class CaseHandling:
    """The steps of a case after it is reported, each through its use case."""

    def __init__(self, world: World, actions: ActionLives, link_hazard) -> None:
        self.w = world
        self.app = world.app
        self.actions = actions
        self.link_hazard = link_hazard  # (case, leader) -> None: the risk register's part

    def start(self, case: Case) -> None:
        rng, at, now = self.w.rng, self.w.timeline.at, clock.now()
        r = rng.random()
        if r < 0.015:
            return  # never handled
        if r < 0.045 and self.w.staff.siblings(case.deviation.unit_id):
            at(later(rng, now, 0.05, 1), self.transfer, case)
            return
        low, high = rng.choices(((0.01, 1), (1, 4), (4, 14)), weights=(6, 3, 1))[0]
        at(later(rng, now, low, high), self.acknowledge, case)

    def _leader(self, case: Case) -> access.Principal:
        return self.w.staff.leader(case.deviation.unit_id)

    def transfer(self, case: Case) -> None:
        d, rng = case.deviation, self.w.rng
        leader = self._leader(case)
        to_unit = rng.choice(self.w.staff.siblings(d.unit_id))
        reason = rng.choice(texts.TRANSFER_REASONS)
        self.app.transfer_deviation(leader, d.id, to_unit_id=to_unit, reason=reason)
        self.w.counts["transferred"] += 1
        self.w.timeline.at(later(rng, clock.now(), 0.1, 3), self.acknowledge, case)

    def acknowledge(self, case: Case) -> None:
        d, rng, at, now = case.deviation, self.w.rng, self.w.timeline.at, clock.now()
        self.app.acknowledge_deviation(self._leader(case), d.id)
        safety_rep = self.w.staff.safety_reps.get(d.unit_id)
        if safety_rep and d.category in access.HMS_CATEGORIES and rng.random() < 0.15:
            at(later(rng, now, 0.5, 10), self.comment, case, safety_rep, texts.COMMENTS_VO)
        if rng.random() < (0.1 if d.anonymous else 0.04):
            at(later(rng, now, 0.1, 3), self.add_information, case)
        if rng.random() < 0.03:
            return  # stays under treatment
        at(later(rng, now, 0, 6), self.classify, case)

    def classify(self, case: Case) -> None:
        d, rng, at, now = case.deviation, self.w.rng, self.w.timeline.at, clock.now()
        leader = self._leader(case)
        category = d.category
        if rng.random() < 0.05:
            category = RECLASSIFIED.get(category, category)
        severity = min(5, max(1, d.severity + rng.choice((-1, 0, 0, 0, 0, 0, 1))))
        causes = causes_for(rng, category)
        self.app.classify_deviation(
            leader,
            d.id,
            category=category,
            severity=severity,
            recurrence_probability=rng.choices((1, 2, 3, 4, 5), weights=(20, 35, 25, 15, 5))[0],
            causes=causes,
            cause_description=texts.CAUSE_TEXTS[causes[0]] if rng.random() < 0.6 else None,
        )
        self.link_hazard(case, leader)
        share = ACTION_SHARE[severity - 1] * (1.2 if category in (INJURY, VIOLENCE) else 1.0)
        planned = (1 if rng.random() < 0.75 else 2) if rng.random() < share else 0
        for _ in range(planned):
            at(later(rng, now, 0, 4), self.create_action, case)
        if rng.random() < 0.2:
            at(later(rng, now, 0.5, 7), self.feedback, case)
        if rng.random() < 0.1:
            at(later(rng, now, 0.5, 7), self.comment, case, leader, texts.COMMENTS_LEADER)
        low, high = (5, 40) if planned else (1, 20)
        at(later(rng, now, low, high), self.close, case)

    def create_action(self, case: Case) -> None:
        d = case.deviation
        if d.is_closed:
            return
        rng = self.w.rng
        leader = self._leader(case)
        owner = leader if rng.random() < 0.5 else self.w.staff.employee(rng, d.unit_id)
        title = texts.action_title(rng, d.category, case.winter)
        action = self.actions.create(
            leader, owner, title, due_in(rng, d.severity), deviation_id=d.id
        )
        case.actions.append(action)
        self.actions.start(action, case)

    def comment(self, case: Case, who: access.Principal, choices: tuple[str, ...]) -> None:
        d = case.deviation
        if d.is_closed:
            return
        text = self.w.rng.choice(choices)
        self.app.comment_deviation(who, d.id, text=text, visible_to_reporter=False)

    def feedback(self, case: Case) -> None:
        d = case.deviation
        if d.is_closed:
            return
        self.app.give_feedback(self._leader(case), d.id, text=self.w.rng.choice(texts.FEEDBACK))

    def add_information(self, case: Case) -> None:
        d = case.deviation
        if d.is_closed:
            return
        text = self.w.rng.choice(texts.INFORMATION)
        if case.receipt_code is not None:  # anonymous: through the receipt
            self.app.add_information_by_receipt(case.receipt_code, text=text)
        else:
            reporter = self.w.staff.principals[d.reporter_id]
            self.app.add_information(reporter, d.id, text=text)

    def close(self, case: Case) -> None:
        """Close with a conclusion; over open actions (after some waiting) with a reason."""
        d, rng = case.deviation, self.w.rng
        if d.is_closed:
            return
        open_ids = self.app.open_action_ids(d.action_ids)
        if open_ids and case.closing_tries < 3 and rng.random() < 0.6:
            case.closing_tries += 1
            self.w.timeline.at(later(rng, clock.now(), 7, 30), self.close, case)
            return
        self.app.close_deviation(
            self._leader(case),
            d.id,
            conclusion=rng.choice(texts.CONCLUSIONS),
            no_action_reason=None if d.action_ids else rng.choice(texts.NO_ACTION_REASONS),
            open_actions_reason=texts.OPEN_ACTIONS_REASON if open_ids else None,
            feedback=rng.choice(texts.FEEDBACK) if rng.random() < 0.65 else None,
        )
        if rng.random() < 0.025:
            self.w.timeline.at(later(rng, clock.now(), 5, 60), self.reopen, case)

    def reopen(self, case: Case) -> None:
        d, rng = case.deviation, self.w.rng
        who = self._leader(case) if rng.random() < 0.7 else self.w.staff.hms
        self.app.reopen_deviation(who, d.id, reason=rng.choice(texts.REOPEN_REASONS))
        self.w.counts["reopened"] += 1
        case.closing_tries = 0
        if rng.random() < 0.85:
            self.w.timeline.at(later(rng, clock.now(), 3, 30), self.close, case)
