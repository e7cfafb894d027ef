"""No accepted event can stop a read model: every command, fed anything, on both stores.

Hypothesis drives every use case of HMSApplication as the demo users, with arguments
that are mostly sensible and, a few per command, hostile: arbitrary Unicode (NUL and
other controls, ANSI escapes, lone surrogates, line breaks in one-line fields, strings
thousands of characters long), datetimes and dates across all Python allows with odd
offsets (+14:00, -12:00, ±23:59, offsets with seconds), integers far beyond any column,
floats that are NaN or infinite. Then:

- whatever the domain refuses, it refuses with a DomainError (nothing else escapes);
- whatever it accepts, every read model folds (`catch_up()` raises nothing and the
  runner names no failed read model);
- every query of every read model reads it back for every demo user, the records read
  back through the domain, and the JSON GET endpoints (and the front page) answer
  without a 5xx.

The store carries over from one example to the next, so later commands meet what
earlier ones left. `derandomize=True`: the same examples on every run. The number of
examples is HMS_FUZZ_EXAMPLES (default 12); `make fuzz` runs many more.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.app import create_app
from hms_core import access, clock, rules
from hms_core.access import system_principal
from hms_core.actions.commands import ActionPlan
from hms_core.deviations.categories import CAUSE_KINDS, DEFAULT_CATEGORIES, PERSON_KINDS
from hms_core.deviations.deviation import CLOCK_SKEW
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.directory.org_import import DirectoryDocument, UnitDocument, UserDocument
from hms_core.directory.organisation import ORGANISATION_ID, UNIT_KINDS
from hms_core.directory.user import ROLES, user_id_for
from hms_core.errors import DomainError, Forbidden
from hms_core.hr.figures import HRLine
from hms_core.risk.hazard import PARTICIPANT_ROLES, Participant
from projections.actions.queries import (
    ActionFilter,
    action_counts_by_unit,
    actions_on_time,
    count_actions_due,
    list_actions,
    overdue_actions,
)
from projections.actions.view import STATUS_FILTERS
from projections.audit.queries import audit_events
from projections.deviations.queries import DeviationFilter, list_deviations
from projections.inbox import what_needs_me
from projections.risk_register.queries import (
    AssessmentFilter,
    RegisterFilter,
    heat_map,
    list_assessments,
    list_register,
)
from projections.statistics.figures import action_statistics, hr_statistics
from projections.statistics.queries import deviation_statistics
from projections.users.queries import list_users
from tests.helpers import as_user

EXAMPLES = int(os.environ.get("HMS_FUZZ_EXAMPLES", "12"))
MAX_STEPS = 40
DEMO_USERS = ("ansatt", "leder", "verneombud", "hms", "admin")
ADMIN = system_principal("fuzz")

FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # No shrinking: the store carries over between examples, so a smaller example would
    # not fail the same way; the first failing one is reported as it was.
    phases=(Phase.explicit, Phase.generate),
    report_multiple_bugs=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# --- values ----------------------------------------------------------------------------

OFFSETS = (
    timedelta(hours=14),
    timedelta(hours=-12),
    timedelta(hours=23, minutes=59),
    timedelta(hours=-23, minutes=-59),
    timedelta(hours=5, minutes=30, seconds=30),
)
ZONES = st.sampled_from(
    [
        UTC,
        *(timezone(offset) for offset in OFFSETS),
        ZoneInfo("Europe/Oslo"),
        ZoneInfo("Pacific/Kiritimati"),
        ZoneInfo("Africa/Monrovia"),  # -00:44:30 until 1972
    ]
)
# Every code point, lone surrogates and controls included.
ANY_CHARACTER = st.characters(exclude_categories=())
FRAGMENTS = (
    "\x00",
    "\x1b[31m",
    "\x1b]0;tittel\x07",
    "\x9b2J",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x0b",
    "\u2028",
    "\x85",
    "\x7f",
    "\ud800",
    "\udfff",
    "e\u0301",
    "\u202e",
    "\ufeff",
    "\uffff",
    "🦺",
    "'; DROP TABLE rm_deviations; --",
    '<script>alert("x")</script>',
    "%s%n{0}",
    '\\"',
    "   ",
)
PLAIN = st.characters(categories=("L", "M", "N", "P", "S", "Zs"))


def hostile_text() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.text(ANY_CHARACTER, max_size=40),
        st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(PLAIN, max_size=4)), max_size=8).map(
            "".join
        ),
        st.tuples(st.text(ANY_CHARACTER, min_size=1, max_size=3), st.integers(1, 5000)).map(
            lambda t: t[0] * t[1]
        ),
        st.sampled_from(["", " \u00a0 ", None]),
    )


def fine_text(limit: int, *, multiline: bool = False) -> st.SearchStrategy[str]:
    """Texts the domain should take: any letters, marks, numbers, punctuation, symbols
    and spaces (decomposed accents and all), CRLF between lines where lines belong."""
    line = st.text(PLAIN, min_size=1, max_size=min(limit, 40))
    if multiline:
        line = st.lists(line, min_size=1, max_size=3).map("\r\n".join)
    return st.one_of(
        line,
        st.sampled_from(["Fall i korridoren", "Glatt gulv ved vaskerommet", "Øvelse på Ås"]),
        st.just("x" * limit),
    )


def texts(limit: int, *, multiline: bool = False, optional: bool = False) -> tuple:
    fine = fine_text(limit, multiline=multiline)
    return (st.one_of(st.none(), fine) if optional else fine), hostile_text()


def scale() -> tuple:
    return st.integers(1, 5), hostile_int()


def hostile_int() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.integers(),
        st.sampled_from([0, -1, 6, 2**31, 2**63, -(2**63), 10**30, 10**400, True, None]),
    )


def hostile_float() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308, 5e-324, 10**400, True]),
    )


def moments() -> tuple:
    """Times of occurrence: within the last 124 years in any zone, or at the bounds."""

    def ago(seconds: int, zone) -> datetime:
        return (clock.now() - timedelta(seconds=seconds)).astimezone(zone)

    fine = st.one_of(
        st.builds(ago, st.integers(0, 124 * 365 * 86400), ZONES),
        st.builds(lambda: rules.earliest_moment()),
        st.builds(lambda: clock.now() + CLOCK_SKEW - timedelta(seconds=1)),
    )
    hostile = st.one_of(
        st.datetimes(timezones=st.one_of(st.none(), ZONES)),
        st.sampled_from(
            [
                datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))),
                datetime(999, 6, 1, 12, tzinfo=UTC),
                datetime.min.replace(tzinfo=timezone(timedelta(hours=14))),
                datetime.max.replace(tzinfo=timezone(timedelta(hours=-12))),
                datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
                date(2020, 1, 1),
                None,
            ]
        ),
        st.builds(lambda: rules.earliest_moment() - timedelta(microseconds=1)),
    )
    return fine, hostile


def days_ahead() -> tuple:
    fine = st.integers(0, 5 * 365).map(lambda n: clock.today() + timedelta(days=n))
    hostile = st.one_of(
        st.dates(),
        st.sampled_from([date.min, date.max, rules.EARLIEST_DAY, rules.LATEST_DAY, None]),
        st.datetimes(timezones=st.one_of(st.none(), ZONES)),
        st.integers(1, 100).map(lambda n: clock.today() - timedelta(days=n)),
    )
    return fine, hostile


def periods() -> tuple:
    def month(back: int) -> str:
        first = clock.today().replace(day=1)
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        return f"{year:04d}-{month + 1:02d}"

    fine = st.one_of(
        st.integers(0, 36).map(month), st.integers(0, 20).map(lambda n: str(clock.today().year - n))
    )
    hostile = st.one_of(
        hostile_text(), st.sampled_from(["0999-01", "2999-12", "1989", "2020-13", "٢٠٢٠", "2020\n"])
    )
    return fine, hostile


def hr_numbers(high: float) -> tuple:
    fine = st.one_of(
        st.floats(0, high),
        st.integers(0, int(high)),
        st.sampled_from(["12,5", "1 234,5", "3.5 %", "0"]),
        st.none(),
    )
    hostile = st.one_of(
        hostile_float(),
        hostile_int(),
        st.sampled_from(["nan", "inf", "-1", "1e309", "١٢", "1_000", "12,5,5"]),
        hostile_text(),
    )
    return fine, hostile


# --- the world the commands act on -----------------------------------------------------


class World:
    """What this test has made so far (across examples), and the drawing of arguments:
    each command gets a budget of up to two hostile arguments; the rest are sensible."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.app = services.app
        self.cases: list[UUID] = []
        self.codes: list[str] = []
        self.actions: list[UUID] = []
        self.assessments: list[UUID] = []
        self.hazards: list[tuple[UUID, UUID]] = []
        self.users: list[UUID] = []
        self.accepted = self.refused = 0
        self._budget = 0
        self._data: Any = None
        self._web: Any = None
        self._client: Any = None
        self._tokens: dict[str, str] = {}

    # drawing

    def run(self, name: str, data: Any) -> None:
        self._data = data
        self._budget = max(0, data.draw(st.integers(-2, 2), label="hostile arguments"))
        try:
            COMMANDS[name](self)
        except DomainError:
            self.refused += 1
        else:
            self.accepted += 1

    def draw(self, strategy: st.SearchStrategy[Any], label: str | None = None) -> Any:
        return self._data.draw(strategy, label=label)

    def arg(self, fine: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]) -> Any:
        if self._budget and self.draw(ONE_IN_FOUR):
            self._budget -= 1
            return self.draw(hostile, label="hostile")
        return self.draw(fine)

    # What is drawn never depends on what the store holds (only on what was drawn before),
    # or Hypothesis finds its data generation flaky: records are chosen by a drawn index.

    def choose(self, items: list[Any], otherwise: Any) -> Any:
        index = self.draw(st.integers(0, 2**16 - 1))
        return items[index % len(items)] if items else otherwise

    def pick(self, items: list[Any]) -> Any:
        """One of the records made so far (or, now and then, an id nobody made)."""
        stranger = self.draw(st.uuids())
        if self.draw(ONE_IN_TEN):
            return stranger
        return self.choose(items, stranger)

    def hazard(self) -> tuple[UUID, UUID]:
        """An assessment and one of its hazards (or ids nobody made)."""
        nobody = (self.draw(st.uuids()), self.draw(st.uuids()))
        return self.choose(self.hazards, nobody)

    def by(self, *usernames: str) -> Any:
        names = usernames or ("hms", "hms", "leder", "ansatt", "verneombud")
        return as_user(self.app, self.draw(st.sampled_from(names)))

    def unit(self) -> UUID:
        return self.pick(list(self.app.organisation().units))

    def person(self) -> UUID:
        return self.pick([user_id_for(u) for u in DEMO_USERS] + self.users)

    def units(self, max_size: int = 2) -> list[UUID]:
        return [self.unit() for _ in range(self.draw(st.integers(0, max_size)))]

    # reading back over HTTP

    def get(self, username: str | None, path: str) -> Any:
        """GET as a demo user (by bearer token) or as nobody, through one client: entered
        once, it runs every request on one event loop (a client not entered makes a
        thread per request, and each thread its own connection to the store)."""
        if self._web is None:
            self._web = create_app(self.services, run_worker=False, owns_services=False)
            self._client = TestClient(self._web).__enter__()
            self._tokens = {
                name: self.app.issue_token(ADMIN, user_id=user_id_for(name)) for name in DEMO_USERS
            }
        headers = {"Authorization": f"Bearer {self._tokens[username]}"} if username else {}
        return self._client.get(path, headers=headers)

    def close(self) -> None:
        if self._web is not None:
            self._client.__exit__(None, None, None)


# Hypothesis favours the first of a sampled_from: these are mostly False.
ONE_IN_FOUR = st.sampled_from((False, False, False, True))
ONE_IN_TEN = st.sampled_from((False,) * 9 + (True,))
COMMANDS: dict[str, Callable[[World], None]] = {}
# How often each command is drawn, relative to the others (hashing a password costs).
WEIGHTS: dict[str, int] = {}


def command(weight: int = 2) -> Callable:
    def register(fn: Callable[[World], None]) -> Callable[[World], None]:
        COMMANDS[fn.__name__] = fn
        WEIGHTS[fn.__name__] = weight
        return fn

    return register


CATEGORY = (
    st.sampled_from([c.code for c in DEFAULT_CATEGORIES]),
    st.one_of(hostile_text(), st.just("Personskade")),
)


def person_harmed(w: World) -> PersonHarmed | None:
    if w.draw(st.integers(0, 2)) == 0:
        return None
    absence = w.draw(st.booleans())
    details = w.arg(*texts(2000, multiline=True, optional=True))
    return PersonHarmed(
        kind=w.arg(st.sampled_from(sorted(PERSON_KINDS)), hostile_text()),
        absence=absence,
        absence_days=w.arg(
            st.one_of(st.none(), st.integers(0, 366)) if absence else st.none(), hostile_int()
        ),
        name=w.arg(*texts(120, optional=True)),
        person_id=w.draw(st.one_of(st.none(), st.uuids())),
        health_details=details,
        health_consent=w.arg(st.just(bool(details)), st.booleans()),
    )


# --- deviations ------------------------------------------------------------------------


@command(weight=6)
def report_deviation(w: World) -> None:
    receipt = w.app.report_deviation(
        w.by("hms", "ansatt", "leder", "verneombud"),
        title=w.arg(*texts(150)),
        description=w.arg(*texts(4000, multiline=True)),
        occurred_at=w.arg(*moments()),
        unit_id=w.unit(),
        category=w.arg(*CATEGORY),
        severity=w.arg(*scale()),
        location=w.arg(*texts(200, optional=True)),
        immediate_action=w.arg(*texts(4000, multiline=True, optional=True)),
        person_harmed=person_harmed(w),
        serious_injury=w.draw(st.booleans()),
        anonymous=w.draw(st.booleans()),
    )
    w.cases.append(receipt.id)
    if receipt.receipt_code:
        w.codes.append(receipt.receipt_code)


@command()
def acknowledge_deviation(w: World) -> None:
    w.app.acknowledge_deviation(w.by(), w.pick(w.cases))


@command(weight=3)
def classify_deviation(w: World) -> None:
    causes = w.arg(
        st.lists(st.sampled_from(sorted(CAUSE_KINDS)), min_size=1, max_size=3).map(tuple),
        st.one_of(st.lists(hostile_text(), max_size=3).map(tuple), st.just("technical")),
    )
    w.app.classify_deviation(
        w.by(),
        w.pick(w.cases),
        category=w.arg(*CATEGORY),
        severity=w.arg(*scale()),
        recurrence_probability=w.arg(*scale()),
        causes=causes,
        cause_description=w.arg(*texts(4000, multiline=True, optional=True)),
    )


@command()
def comment_deviation(w: World) -> None:
    w.app.comment_deviation(
        w.by(),
        w.pick(w.cases),
        text=w.arg(*texts(4000, multiline=True)),
        visible_to_reporter=w.draw(st.booleans()),
    )


@command()
def give_feedback(w: World) -> None:
    w.app.give_feedback(w.by(), w.pick(w.cases), text=w.arg(*texts(4000, multiline=True)))


@command()
def transfer_deviation(w: World) -> None:
    w.app.transfer_deviation(
        w.by(), w.pick(w.cases), to_unit_id=w.unit(), reason=w.arg(*texts(1000, multiline=True))
    )


@command(weight=3)
def close_deviation(w: World) -> None:
    w.app.close_deviation(
        w.by(),
        w.pick(w.cases),
        conclusion=w.arg(*texts(4000, multiline=True)),
        no_action_reason=w.arg(*texts(1000, multiline=True, optional=True)),
        open_actions_reason=w.arg(*texts(1000, multiline=True, optional=True)),
        feedback=w.arg(*texts(4000, multiline=True, optional=True)),
    )


@command()
def reopen_deviation(w: World) -> None:
    w.app.reopen_deviation(w.by(), w.pick(w.cases), reason=w.arg(*texts(1000, multiline=True)))


@command()
def add_information(w: World) -> None:
    w.app.add_information(
        w.by("ansatt", "hms"), w.pick(w.cases), text=w.arg(*texts(4000, multiline=True))
    )


@command()
def add_information_by_receipt(w: World) -> None:
    code = w.choose(w.codes, "AAAAA-BBBBB")
    code = w.arg(st.just(code), hostile_text())
    w.app.add_information_by_receipt(code, text=w.arg(*texts(4000, multiline=True)))


@command()
def link_deviation_to_hazard(w: World) -> None:
    assessment, hazard = w.hazard()
    w.app.link_deviation_to_hazard(w.by(), w.pick(w.cases), assessment, hazard)


# --- corrective actions ----------------------------------------------------------------


def plan(w: World) -> ActionPlan:
    return ActionPlan(
        title=w.arg(*texts(150)),
        owner_id=w.person(),
        due_date=w.arg(*days_ahead()),
        description=w.arg(*texts(4000, multiline=True, optional=True)),
        unit_id=w.draw(st.one_of(st.none(), st.just(w.unit()))),
    )


@command(weight=5)
def create_action(w: World) -> None:
    links: dict[str, Any] = {}
    match w.draw(st.sampled_from(["none", "deviation", "hazard", "follow_up"])):
        case "deviation":
            links["deviation_id"] = w.pick(w.cases)
        case "hazard":
            links["assessment_id"], links["hazard_id"] = w.hazard()
        case "follow_up":
            links["follows_up"] = w.pick(w.actions)
    p = plan(w)
    w.actions.append(
        w.app.create_action(
            w.by(),
            title=p.title,
            owner_id=p.owner_id,
            due_date=p.due_date,
            unit_id=p.unit_id or (None if links else w.unit()),
            description=p.description,
            **links,
        )
    )


@command(weight=3)
def complete_action(w: World) -> None:
    w.app.complete_action(
        w.by(), w.pick(w.actions), what_was_done=w.arg(*texts(4000, multiline=True))
    )


@command(weight=3)
def verify_action(w: World) -> None:
    effective = w.draw(st.booleans())
    follow_up = None if effective or w.draw(st.booleans()) else plan(w)
    result = w.app.verify_action(
        w.by(),
        w.pick(w.actions),
        effective=effective,
        note=w.arg(*texts(4000, multiline=True)),
        follow_up=follow_up,
    )
    if result is not None:
        w.actions.append(result)


@command()
def reschedule_action(w: World) -> None:
    w.app.reschedule_action(
        w.by(),
        w.pick(w.actions),
        due_date=w.arg(*days_ahead()),
        reason=w.arg(*texts(1000, multiline=True)),
    )


@command()
def reassign_action(w: World) -> None:
    w.app.reassign_action(
        w.by(), w.pick(w.actions), owner_id=w.person(), reason=w.arg(*texts(1000, multiline=True))
    )


@command()
def cancel_action(w: World) -> None:
    w.app.cancel_action(w.by(), w.pick(w.actions), reason=w.arg(*texts(1000, multiline=True)))


@command()
def comment_action(w: World) -> None:
    w.app.comment_action(w.by(), w.pick(w.actions), text=w.arg(*texts(4000, multiline=True)))


# --- risk assessments ------------------------------------------------------------------


def participants(w: World) -> list[Participant]:
    role = (st.sampled_from(PARTICIPANT_ROLES), hostile_text())
    return [
        Participant(user_id=w.person(), role=w.arg(*role)) for _ in range(w.draw(st.integers(0, 3)))
    ]


@command(weight=3)
def create_assessment(w: World) -> None:
    w.assessments.append(
        w.app.create_assessment(
            w.by("hms", "leder"),
            unit_id=w.unit(),
            title=w.arg(*texts(150)),
            scope=w.arg(*texts(2000, multiline=True)),
            participants=participants(w),
            review_interval_months=w.arg(st.integers(1, 60), hostile_int()),
        )
    )


@command()
def update_assessment(w: World) -> None:
    w.app.update_assessment(
        w.by("hms", "leder"),
        w.pick(w.assessments),
        title=w.arg(*texts(150)),
        scope=w.arg(*texts(2000, multiline=True)),
        review_interval_months=w.arg(st.integers(1, 60), hostile_int()),
        participants=w.draw(st.one_of(st.none(), st.just(participants(w)))),
    )


def optional_scale(w: World) -> Any:
    return w.arg(st.one_of(st.none(), st.integers(1, 5)), hostile_int())


@command(weight=4)
def add_hazard(w: World) -> None:
    assessment = w.pick(w.assessments)
    hazard = w.app.add_hazard(
        w.by("hms", "leder"),
        assessment,
        description=w.arg(*texts(2000, multiline=True)),
        cause=w.arg(*texts(2000, multiline=True, optional=True)),
        barriers=w.arg(*texts(2000, multiline=True, optional=True)),
        justification=w.arg(*texts(2000, multiline=True, optional=True)),
        probability=optional_scale(w),
        consequence=optional_scale(w),
        residual_probability=optional_scale(w),
        residual_consequence=optional_scale(w),
    )
    w.hazards.append((assessment, hazard))


@command()
def edit_hazard(w: World) -> None:
    w.app.edit_hazard(
        w.by("hms", "leder"),
        *w.hazard(),
        description=w.arg(*texts(2000, multiline=True)),
        cause=w.arg(*texts(2000, multiline=True, optional=True)),
        barriers=w.arg(*texts(2000, multiline=True, optional=True)),
        justification=w.arg(*texts(2000, multiline=True, optional=True)),
    )


@command(weight=3)
def score_hazard(w: World) -> None:
    w.app.score_hazard(
        w.by("hms", "leder"),
        *w.hazard(),
        probability=w.arg(*scale()),
        consequence=w.arg(*scale()),
        residual_probability=optional_scale(w),
        residual_consequence=optional_scale(w),
    )


@command(weight=1)
def remove_hazard(w: World) -> None:
    w.app.remove_hazard(w.by("hms", "leder"), *w.hazard())


@command(weight=3)
def approve_assessment(w: World) -> None:
    w.app.approve_assessment(w.by("hms", "leder"), w.pick(w.assessments))


@command()
def revise_assessment(w: World) -> None:
    w.app.revise_assessment(
        w.by("hms", "leder"),
        w.pick(w.assessments),
        reason=w.arg(*texts(1000, multiline=True, optional=True)),
    )


@command(weight=1)
def archive_assessment(w: World) -> None:
    w.app.archive_assessment(
        w.by("hms", "leder"), w.pick(w.assessments), reason=w.arg(*texts(1000, multiline=True))
    )


# --- the directory and the HR figures --------------------------------------------------

CODES = (st.from_regex(r"[a-z][a-z0-9-]{0,12}", fullmatch=True), hostile_text())
USERNAMES = (st.from_regex(r"[a-zæøå][a-z0-9._-]{0,12}", fullmatch=True), hostile_text())
EMAILS = (st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.no", fullmatch=True), hostile_text())
FTE = (st.one_of(st.none(), st.floats(0, 100_000)), hostile_float())
PASSWORDS = (
    st.one_of(st.none(), st.text(PLAIN, min_size=8, max_size=20)),
    st.one_of(hostile_text(), st.just("x" * 1025)),
)


@command(weight=3)
def add_unit(w: World) -> None:
    w.app.add_unit(
        w.by("admin"),
        code=w.arg(*CODES),
        name=w.arg(*texts(120)),
        parent_id=w.unit(),
        kind=w.arg(st.sampled_from(UNIT_KINDS), hostile_text()),
        fte=w.arg(*FTE),
    )


@command()
def update_unit(w: World) -> None:
    w.app.update_unit(w.by("admin"), unit_id=w.unit(), name=w.arg(*texts(120)), fte=w.arg(*FTE))


@command(weight=1)
def move_unit(w: World) -> None:
    w.app.move_unit(w.by("admin"), unit_id=w.unit(), parent_id=w.unit())


@command(weight=1)
def found_organisation(w: World) -> None:
    w.app.found_organisation(w.by("admin"), code=w.arg(*CODES), name=w.arg(*texts(120)))


def roles(w: World) -> list[str]:
    return w.arg(st.lists(st.sampled_from(ROLES), max_size=3), st.lists(hostile_text(), max_size=2))


@command(weight=3)
def register_user(w: World) -> None:
    w.users.append(
        w.app.register_user(
            w.by("admin"),
            username=w.arg(*USERNAMES),
            name=w.arg(*texts(120)),
            email=w.arg(*EMAILS),
            password=w.arg(st.none(), PASSWORDS[1]) if w.draw(st.integers(0, 4)) else None,
            home_unit_id=w.draw(st.one_of(st.none(), st.just(w.unit()))),
            roles=roles(w),
            leads=w.units(),
            safety_rep_for=w.units(),
        )
    )


def someone_new(w: World) -> UUID:
    """A user this test registered (the demo users keep their roles), or ansatt."""
    return w.pick([*w.users, user_id_for("ansatt")])


@command()
def assign_roles(w: World) -> None:
    w.app.assign_roles(
        w.by("admin"),
        user_id=someone_new(w),
        roles=roles(w),
        leads=w.units(),
        safety_rep_for=w.units(),
    )


@command()
def update_profile(w: World) -> None:
    w.app.update_profile(
        w.by("admin"),
        user_id=someone_new(w),
        name=w.arg(*texts(120)),
        email=w.arg(*EMAILS),
        home_unit_id=w.draw(st.one_of(st.none(), st.just(w.unit()))),
    )


@command(weight=1)
def set_password(w: World) -> None:
    w.app.set_password(w.by("admin"), user_id=someone_new(w), password=w.arg(*PASSWORDS) or "")


@command(weight=1)
def issue_token(w: World) -> None:
    who = w.by("admin", "ansatt")
    w.app.issue_token(who, user_id=w.choose([who.user_id, *w.users[:1]], who.user_id))


def unit_document(w: World, depth: int) -> UnitDocument:
    children = (
        []
        if depth >= 2
        else [unit_document(w, depth + 1) for _ in range(w.draw(st.integers(0, 2)))]
    )
    return UnitDocument(
        code=w.arg(*CODES),
        name=w.arg(*texts(120)),
        kind=w.arg(st.sampled_from(["unit", "service_area"]), hostile_text()),
        fte=w.arg(*FTE),
        units=children,
    )


@command(weight=2)
def import_directory(w: World) -> None:
    root = w.app.organisation().root()
    top = UnitDocument(
        code=root.code, name=root.name, kind=root.kind, fte=root.fte, units=[unit_document(w, 1)]
    )
    codes = [u.code for u in w.app.organisation().units.values()]

    def code() -> str | None:
        return w.choose([None, *codes], None)

    users = [
        UserDocument(
            username=w.arg(*USERNAMES),
            name=w.arg(*texts(120)),
            email=w.arg(*EMAILS),
            unit=w.arg(st.just(code()), hostile_text()),
            roles=roles(w),
            password_hash=w.arg(st.none(), hostile_text()),
        )
        for _ in range(w.draw(st.integers(0, 2)))
    ]
    w.app.import_directory(w.by("admin"), DirectoryDocument(units=[top], users=users))


@command(weight=3)
def import_hr_figures(w: World) -> None:
    units = w.app.organisation().units.values()
    names = [u.code for u in units] + [str(u.id) for u in units]
    lines = [
        HRLine(
            line=n,
            unit=w.arg(st.just(w.choose(names, "")), hostile_text()),
            period=w.arg(*periods()),
            sick_leave_percent=w.arg(*hr_numbers(100)),
            turnover_percent=w.arg(*hr_numbers(100)),
            hours_worked=w.arg(*hr_numbers(100_000_000)),
            fte=w.arg(*hr_numbers(100_000)),
        )
        for n in range(1, 1 + w.draw(st.integers(0, 3)))
    ]
    w.app.import_hr_figures(w.by("hms", "admin"), lines)


# --- reads that take text from outside -------------------------------------------------


@command(weight=1)
def sign_in(w: World) -> None:
    """Sign-in, bearer tokens, receipt codes and usernames: reads of anything typed."""
    anything = st.one_of(hostile_text(), fine_text(60))
    assert w.app.authenticate(w.draw(anything) or "", w.draw(anything) or "") is None
    assert w.app.principal_for_token(w.draw(anything) or "") is None
    w.app.find_user(w.draw(anything) or "")
    w.app.deviation_by_receipt(w.draw(anything) or "")  # ReceiptNotFoundError


# --- reading it all back ---------------------------------------------------------------


def pages(read: Callable[[str | None], Any], limit: int = 100) -> Iterator[Any]:
    cursor = None
    for _ in range(limit):
        page = read(cursor)
        yield page
        if not page.next_cursor:
            return
        cursor = page.next_cursor


def readers(w: World) -> list[Any]:
    found = [as_user(w.app, u) for u in DEMO_USERS]
    found += [w.app.principal(u) for u in w.users[-3:]]
    return [who for who in found if who is not None]


def read_every_query(w: World) -> None:
    db, org = w.services.db, w.app.organisation()
    for who in readers(w):
        scope = access.deviation_scope(who)
        list(pages(lambda c, s=scope: list_deviations(db, s, DeviationFilter(limit=7, cursor=c))))
        for f in (
            DeviationFilter(reported_from=date.min, reported_to=date.max),
            DeviationFilter(reported_from=rules.EARLIEST_DAY, reported_to=rules.LATEST_DAY),
            DeviationFilter(q="fall gulv ø", status="closed", category="personskade"),
        ):
            list_deviations(db, scope, f)
        list(pages(lambda c, who=who: list_actions(db, who, ActionFilter(limit=7, cursor=c))))
        for status in STATUS_FILTERS:
            list_actions(db, who, ActionFilter(status=status, due_before=date.max))
        count_actions_due(db, who.user_id)
        action_counts_by_unit(db, who)
        what_needs_me(db, who)
        units = access.figures_scope(who)
        for f in (RegisterFilter(), RegisterFilter(review_overdue=True, offset=rules.MAX_INT)):
            list_register(db, units, f)
            heat_map(db, units, f)
        list_assessments(db, units, who.user_id, AssessmentFilter())
        list_assessments(db, units, who.user_id, AssessmentFilter(review_overdue=False))
        try:
            figures = access.check_figures(who)
        except Forbidden:
            continue
        for groups in ((), ("unit",), ("category", "month"), ("severity", "unit", "month")):
            deviation_statistics(db, figures, org, group_by=groups)
        for low, high in ((date.min, date.max), (rules.EARLIEST_DAY, rules.LATEST_DAY)):
            deviation_statistics(db, figures, org, date_from=low, date_to=high)
            hr_statistics(db, figures, org, date_from=low, date_to=high)
            action_statistics(db, figures, org, date_from=low, date_to=high, group_by=("unit",))
        action_statistics(db, figures, org, group_by=("unit", "month"))
    overdue_actions(db)
    actions_on_time(db, None, date.min, date.max)
    list(pages(lambda c: audit_events(db, limit=50, cursor=c), limit=1000))
    audit_events(db, date_from=date.min, date_to=date.max, aggregate_id=str(ORGANISATION_ID))
    list_users(db)


def read_every_record(w: World) -> None:
    """Through the domain, as HMS sees them (reading a named injured person is logged)."""
    app, hms = w.app, as_user(w.app, "hms")
    for case in w.cases:
        deviation = app.read_deviation(hms, case)
        app.action_summaries(hms, deviation)
        app.personal_data_reads(hms, case)
    for code in w.codes:
        app.deviation_by_receipt(code)
    for action in w.actions:
        app.read_action(hms, action)
    for assessment_id in set(w.assessments):
        assessment = app.read_assessment(hms, assessment_id)
        app.approval_problems(assessment)
        for version in assessment.versions:
            app.read_assessment_version(hms, assessment_id, version.revision)


def read_over_http(w: World) -> None:
    """Every JSON GET endpoint and the front page, as each demo user: never a 5xx."""
    common = [
        "/api/v1/deviations?limit=200",
        "/api/v1/deviations?from=1900-01-01&to=2999-12-31&q=fall",
        "/api/v1/deviations/export",
        "/api/v1/actions?limit=200",
        "/api/v1/actions?status=overdue",
        "/api/v1/risk-assessments",
        "/api/v1/risk-register",
        "/api/v1/risk-register/heatmap",
        "/api/v1/risk-matrix",
        "/api/v1/statistics/deviations?group_by=unit,category,month,severity",
        "/api/v1/statistics/actions?group_by=unit,month",
        "/api/v1/statistics/hr?from=1900-01-01",
        "/api/v1/audit/events?limit=500",
        "/api/v1/inbox",
        "/api/v1/users",
        "/api/v1/users/me",
        "/api/v1/org/units",
        "/",
    ]
    records = [f"/api/v1/deviations/{c}" for c in w.cases[-6:]]
    records += [f"/api/v1/actions/{a}" for a in w.actions[-6:]]
    for assessment in list(dict.fromkeys(w.assessments))[-4:]:
        records += [f"/api/v1/risk-assessments/{assessment}"]
        records += [f"/api/v1/risk-assessments/{assessment}/versions/{n}" for n in (1, 2)]
    runner = w.services.runner
    runner.start()  # reads of a named injured person are logged, and waited for
    try:
        for username in DEMO_USERS:
            for path in common + (records if username in ("hms", "leder") else records[:3]):
                response = w.get(username, path)
                assert response.status_code < 500, (username, path, response.text[:500])
                if response.headers.get("content-type", "").startswith("application/json"):
                    response.json()
        for code in w.codes[-3:]:
            response = w.get(None, f"/api/v1/receipts/{code}")
            assert response.status_code == 200, response.text[:500]
    finally:
        runner.stop()


def assert_every_read_model_folds(w: World) -> None:
    runner = w.services.runner
    runner.catch_up()
    assert runner.errors == {}
    assert runner.failures() == []


# --- the property ----------------------------------------------------------------------


@pytest.fixture
def world(services) -> Iterator[World]:
    """One world per test (and store): examples add to what the earlier ones made."""
    world = World(services)
    yield world
    world.close()
    # Not vacuous: the examples got commands through and had commands refused.
    assert world.accepted > 0
    assert world.refused > 0


COMMAND_NAMES = [name for name, weight in WEIGHTS.items() for _ in range(weight)]


@FUZZ
@given(data=st.data())
def test_whatever_the_domain_accepts_every_read_model_folds_and_reads_back(world, data):
    for _ in range(data.draw(st.integers(1, MAX_STEPS), label="steps")):
        world.run(data.draw(st.sampled_from(COMMAND_NAMES), label="command"), data)
    assert_every_read_model_folds(world)
    read_every_query(world)
    read_every_record(world)
    read_over_http(world)
    assert_every_read_model_folds(world)
