"""Seeding a store with a synthetic history (`hms demo seed`).

Into an empty store, or one holding only the demo organisation (`hms serve --demo`):
the demo tree and users (demo.directory) if missing, a few hundred more users, and the
years before `until`, replayed day by day. A store with another organisation, or with
deviations already, is refused and left as it was.

Everything is done through the application's use cases, as the people of the story
do it (the leader acknowledges, the verneombud comments, the HMS officer imports HR
figures; the directory is imported by `system:demo`), under a clock frozen at each
step's moment, and saved in batches (`HMSApplication.batch`). So whatever rule a use
case has holds for the seeded history too: a step the domain refuses does not happen,
and is counted in `SeedResult.refused`. The same plan (seed, size, years and `until`)
gives the same history; only ids, receipt codes and password salts differ.
"""

from __future__ import annotations

import gc
import random
import time as timer
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import msgspec

from demo.directory import DEMO_PASSWORD, DEMO_TREE, demo_directory
from demo.history.actions import ActionLives
from demo.history.assessments import Assessments
from demo.history.cases import CaseHandling
from demo.history.hr_figures import HRImports
from demo.history.people import Staff, generated_users
from demo.history.reports import Reports, midnight
from demo.history.timeline import Timeline
from demo.history.world import World
from hms_core import access, clock
from hms_core.application import HMSApplication, SaveBatch
from hms_core.deviations.references import References
from hms_core.deviations.use_cases import PREFIX
from hms_core.directory.org_import import UnitDocument
from hms_core.directory.user import user_id_for
from hms_core.errors import Conflict, DomainError, InvalidValue
from hms_core.infra.passwords import hash_password

Progress = Callable[[int, int], None]


class HistoryPlan(msgspec.Struct, frozen=True):
    """How much history, from which seed, up to (not including) which day."""

    deviations: int = 2000
    seed: int = 1
    years: int = 4
    until: date | None = None  # default: today
    batch_size: int = 5000  # events per transaction


class SeedResult(msgspec.Struct):
    deviations: int
    actions: int
    assessments: int
    users: int
    hr_lines: int
    events: int
    first_position: int
    last_position: int
    first_day: date
    until: date
    seconds: float
    counts: dict[str, int]
    refused: dict[str, int]  # steps the domain refused, by name: none in the usual story


class OtherOrganisationError(Conflict):
    code = "other_organisation"
    message = (
        "Lageret har en annen organisasjon enn demo-organisasjonen. "
        "Demo-historikk legges bare i et tomt lager."
    )


class HistoryExistsError(Conflict):
    code = "history_exists"
    message = "Lageret har allerede avvik. Demo-historikk legges bare i et tomt lager."


def seed_history(
    app: HMSApplication, plan: HistoryPlan | None = None, progress: Progress | None = None
) -> SeedResult:
    """Write the plan's history into the store; returns what was written."""
    plan = plan or HistoryPlan()
    started = timer.perf_counter()
    first_day, until = period_of(plan)
    check_empty(app, first_day.year)
    first_position = app.max_position() + 1
    with without_cycle_collection(), app.batch(plan.batch_size) as batch:
        world = scheduled_world(app, batch, plan, first_day, until)
        world.timeline.run(_after_step(world, plan.deviations, progress), _refused(world))
    counts = dict(sorted(world.counts.items()))
    return SeedResult(
        deviations=counts.get("deviations", 0),
        actions=counts.get("actions", 0),
        assessments=counts.get("assessments", 0),
        users=len(world.staff.principals),
        hr_lines=counts.get("hr_lines", 0),
        events=app.max_position() - first_position + 1,
        first_position=first_position,
        last_position=app.max_position(),
        first_day=first_day,
        until=until,
        seconds=timer.perf_counter() - started,
        counts=counts,
        refused=dict(sorted(world.refused.items())),
    )


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while the history is made: the story makes
    millions of short-lived objects and hardly any cycles, so the collector's passes
    over them (a fifth of the seeding's time) find nearly nothing; reference counting
    frees them as ever, and one collection at the end takes what is left."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


def period_of(plan: HistoryPlan) -> tuple[date, date]:
    """The first day of the history and the day it ends before (not after today)."""
    until = plan.until or clock.today()
    if until > clock.today():
        raise InvalidValue("until", "Historikken kan ikke gå lenger enn til i dag.")
    if not 1 <= plan.years <= 20:
        raise InvalidValue("years", "Historikken kan være mellom 1 og 20 år.")
    if plan.deviations < 0:
        raise InvalidValue("deviations", "Antall avvik kan ikke være negativt.")
    return years_before(until, plan.years), until


def scheduled_world(
    app: HMSApplication, batch: SaveBatch, plan: HistoryPlan, first_day: date, until: date
) -> World:
    """The people in place on the first day, and every part of the story scheduled."""
    rng = random.Random(plan.seed)  # noqa: S311 - reproducible on purpose, no secrets
    start = midnight(first_day)
    with clock.frozen_at(start):
        staff = seed_directory(app, rng)
    world = World(
        app=app, batch=batch, rng=rng, timeline=Timeline(start, midnight(until)), staff=staff
    )
    actions = ActionLives(world)
    assessments = Assessments(world, actions)
    handling = CaseHandling(world, actions, assessments.link_hazard)
    assessments.schedule()
    HRImports(world).schedule(first_day, until)
    Reports(world, handling.start).schedule(plan.deviations, first_day, (until - first_day).days)
    return world


def _after_step(world: World, total: int, progress: Progress | None) -> Callable[[], None]:
    every = max(500, total // 200)
    mark = [every]

    def after_step() -> None:
        if progress is not None and world.counts["deviations"] >= mark[0]:
            mark[0] += every
            progress(world.counts["deviations"], total)

    return after_step


def _refused(world: World) -> Callable[[Callable, DomainError], None]:
    def refused(step: Callable, error: DomainError) -> None:
        world.batch.discard_unsaved()  # what the refused use case changed, unsaved
        world.refused[f"{step.__name__}: {error.code}"] += 1

    return refused


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def demo_codes(unit: UnitDocument = DEMO_TREE) -> set[str]:
    return {unit.code, *(code for child in unit.units for code in demo_codes(child))}


def check_empty(app: HMSApplication, first_year: int) -> None:
    """Refuse a store with another organisation, or with deviations already."""
    if app.has_organisation():
        codes = {u.code for u in app.organisation().units.values()}
        if codes != demo_codes():
            raise OtherOrganisationError
    references = References(app.events)
    last_year = clock.today().year
    if any(references.last_number(PREFIX, y) for y in range(first_year, last_year + 1)):
        raise HistoryExistsError


def seed_directory(app: HMSApplication, rng: random.Random) -> Staff:
    """The demo tree and users if missing, and the generated users; who acts for what."""
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for everyone: argon2 is slow
    demo = demo_directory(password_hash)
    by = access.system_principal("demo")
    if not app.has_organisation():
        app.import_directory(by, demo)
    organisation = app.organisation()
    generated = generated_users(rng, organisation, password_hash, {u.username for u in demo.users})
    app.import_directory(by, generated)
    usernames = [u.username for u in (*demo.users, *generated.users)]
    users = [app.user(user_id_for(name)) for name in usernames]
    principals = [app.principal(user.id) for user in users]
    return Staff.of(organisation, users, [p for p in principals if p is not None])
