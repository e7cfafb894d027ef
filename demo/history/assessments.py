"""Risk assessments in the synthetic history: drafted, scored, approved, revised yearly.

Each unit assesses the activities its kind of work is known for, with the leader, the
area's verneombud and an employee or two. Red hazards get measures (corrective
actions) before approval, yellow ones a measure or a justification. Most are revised
around their review date, some late, some never (due or overdue for review today), a
few are archived and replaced. Deviations of a hazard's kind are now and then linked
to it, so some assessments are due for review because deviations recur.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from demo.history import texts
from demo.history.actions import ActionLives
from demo.history.catalogue import ASSESSMENTS, EXTRA_HAZARDS, HazardTemplate
from demo.history.model import kind_of, later, working_time
from demo.history.reports import Case, midnight
from demo.history.world import World
from hms_core import access, clock
from hms_core.risk.assessment import RiskAssessment
from hms_core.risk.errors import MeasureRequiredError
from hms_core.risk.hazard import EMPLOYEE, LEADER, VERNEOMBUD, Participant

LINK_SHARE = 0.05  # of deviations of a hazard's kind, while its budget lasts


class Assessment:
    """An assessment while its story is told, with its measures (held, as the world's
    records are)."""

    __slots__ = ("aggregate", "measures", "template", "unit_id")

    def __init__(self, aggregate: RiskAssessment, unit_id: UUID, template: Any) -> None:
        self.aggregate = aggregate
        self.unit_id = unit_id
        self.template = template
        self.measures: list = []


class Assessments:
    """Creates and keeps the units' risk assessments through the period."""

    def __init__(self, world: World, actions: ActionLives) -> None:
        self.w = world
        self.app = world.app
        self.actions = actions
        self.categories: dict[UUID, tuple[str, ...]] = {}  # of each hazard
        self.budget: dict[UUID, int] = {}  # deviations that may still be linked to it
        self.in_force: dict[UUID, list[Assessment]] = {}

    def schedule(self) -> None:
        start, rng = self.w.timeline.now, self.w.rng
        for unit in sorted(self.w.staff.org.units.values(), key=lambda u: u.code):
            for template in ASSESSMENTS.get(kind_of(unit.code, unit.kind), ()):
                self.w.timeline.at(later(rng, start, 10, 240), self.create, unit.id, template)

    def create(self, unit_id: UUID, template: Any) -> None:
        rng, staff = self.w.rng, self.w.staff
        leader = staff.leader(unit_id)
        people = {leader.user_id: LEADER}
        safety_rep = staff.safety_reps.get(unit_id)
        if safety_rep is not None and rng.random() < 0.9:
            people.setdefault(safety_rep.user_id, VERNEOMBUD)
        for _ in range(rng.randint(1, 2)):
            people.setdefault(staff.employee(rng, unit_id).user_id, EMPLOYEE)
        assessment_id = self.app.create_assessment(
            leader,
            unit_id=unit_id,
            title=template.title,
            scope=template.scope,
            participants=[Participant(user_id=u, role=r) for u, r in people.items()],
        )
        self.w.counts["assessments"] += 1
        state = Assessment(self.app.risk_assessment(assessment_id), unit_id, template)
        for hazard in template.hazards:
            self._add_hazard(state, leader, hazard)
        self.w.timeline.at(later(rng, clock.now(), 2, 20), self.approve, state)

    def _add_hazard(self, state: Assessment, leader, hazard: HazardTemplate) -> None:
        probability = jitter(self.w.rng, hazard.probability)
        residual = self._residual(probability, hazard.consequence)
        hazard_id = self.app.add_hazard(
            leader,
            state.aggregate.id,
            description=hazard.description,
            cause=hazard.cause,
            barriers=hazard.barriers,
            probability=probability,
            consequence=hazard.consequence,
            residual_probability=residual[0],
            residual_consequence=residual[1],
        )
        self.categories[hazard_id] = hazard.categories

    def _residual(self, probability: int, consequence: int) -> tuple[int | None, int | None]:
        if probability * consequence < 5:
            return None, None
        return max(1, probability - self.w.rng.choice((1, 1, 2))), consequence

    def approve(self, state: Assessment) -> None:
        """Measures for red hazards (and yellow, or a justification), then approval."""
        a, rng = state.aggregate, self.w.rng
        leader = self.w.staff.leader(state.unit_id)
        for problem in self.app.approval_problems(a):
            hazard = a.hazard(problem.hazard_id)
            if isinstance(problem, MeasureRequiredError) or rng.random() < 0.5:
                self._measure(state, leader, hazard)
            else:
                self.app.edit_hazard(
                    leader,
                    a.id,
                    hazard.id,
                    description=hazard.description,
                    cause=hazard.cause,
                    barriers=hazard.barriers,
                    justification=texts.JUSTIFICATION,
                )
        self.app.approve_assessment(leader, a.id)
        for hazard_id in a.hazards:
            self.budget[hazard_id] = rng.choices((0, 1, 2, 3), weights=(60, 25, 10, 5))[0]
        units = self.in_force.setdefault(state.unit_id, [])
        if state not in units:
            units.append(state)
        self._next_review(state)

    def _measure(self, state: Assessment, leader, hazard) -> None:
        rng = self.w.rng
        title = next(
            (h.measure for h in self._templates(state) if h.description == hazard.description),
            "Tiltak mot faren",
        )
        owner = leader if rng.random() < 0.6 else self.w.staff.employee(rng, state.unit_id)
        due = clock.today() + timedelta(days=rng.randint(30, 120))
        action = self.actions.create(
            leader, owner, title, due, assessment_id=state.aggregate.id, hazard_id=hazard.id
        )
        state.measures.append(action)
        self.actions.start(action)

    def _templates(self, state: Assessment) -> tuple[HazardTemplate, ...]:
        return state.template.hazards + EXTRA_HAZARDS

    def _next_review(self, state: Assessment) -> None:
        rng, at = self.w.rng, self.w.timeline.at
        review_on = state.aggregate.in_force.next_review_on
        r = rng.random()
        if r < 0.04:
            at(later(rng, clock.now(), 60, 300), self.archive, state)
        elif r < 0.8:
            at(
                working_time(rng, midnight(review_on - timedelta(days=rng.randint(0, 30)))),
                self.revise,
                state,
            )
        elif r < 0.9:
            at(later(rng, midnight(review_on), 20, 120), self.revise, state)
        # else: never revised; due, then overdue, for review

    def revise(self, state: Assessment) -> None:
        """The yearly revision: rescore a hazard or two, perhaps add one, approve again."""
        a, rng = state.aggregate, self.w.rng
        leader = self.w.staff.leader(state.unit_id)
        self.app.revise_assessment(leader, a.id, reason=rng.choice(texts.REVISION_REASONS))
        hazards = list(a.hazards.values())
        for hazard in rng.sample(hazards, k=min(len(hazards), rng.randint(1, 2))):
            probability = max(1, min(5, hazard.probability + rng.choice((-1, -1, 1))))
            residual = self._residual(probability, hazard.consequence)
            self.app.score_hazard(
                leader,
                a.id,
                hazard.id,
                probability=probability,
                consequence=hazard.consequence,
                residual_probability=residual[0],
                residual_consequence=residual[1],
            )
        if rng.random() < 0.2:
            extra = rng.choice(EXTRA_HAZARDS)
            if all(h.description != extra.description for h in hazards):
                self._add_hazard(state, leader, extra)
        self.w.timeline.at(later(rng, clock.now(), 2, 20), self.approve, state)

    def archive(self, state: Assessment) -> None:
        a, rng = state.aggregate, self.w.rng
        leader = self.w.staff.leader(state.unit_id)
        self.app.archive_assessment(leader, a.id, reason=rng.choice(texts.ARCHIVE_REASONS))
        self.in_force[state.unit_id].remove(state)
        if rng.random() < 0.5:
            self.w.timeline.at(
                later(rng, clock.now(), 10, 60), self.create, state.unit_id, state.template
            )

    def link_hazard(self, case: Case, leader: access.Principal) -> None:
        """Now and then a classified deviation is an instance of a hazard of its unit."""
        d = case.deviation
        for state in self.in_force.get(d.unit_id, ()):
            for hazard_id in state.aggregate.hazards:
                if self.budget.get(hazard_id) and d.category in self.categories[hazard_id]:
                    if self.w.rng.random() >= LINK_SHARE:
                        return
                    self._link(state, hazard_id, case, leader)
                    return

    def _link(self, state: Assessment, hazard_id: UUID, case: Case, leader) -> None:
        self.app.link_deviation_to_hazard(leader, case.deviation.id, state.aggregate.id, hazard_id)
        self.budget[hazard_id] -= 1
        self.w.counts["hazard_links"] += 1


def jitter(rng, value: int) -> int:
    return max(1, min(5, value + rng.choice((0, 0, 0, 0, -1, 1))))
