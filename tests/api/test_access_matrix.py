"""Who may see and do what (issue 5), walked through the JSON API on SQLite and PostgreSQL.

`RULES` below is the issue's table, one row per rule and one column per role, each
cell the records that role may do it to. Every endpoint of the API is tried by each of
the five demo users on each kind of record: 2xx where the rule allows, 404 where the
person may not even read the record (its existence is private), 403 where they may read
it but not do this. Lists, searches, exports, figures and the inbox must hold exactly
what the person may read.

The records, seen from the person asking (`ansatt` in Lura sykehjem, `leder` of Lura
sykehjem, `verneombud` for Helse og velferd, `hms`, `admin`):

- deviations: `own` (their own named report, in Buggeland skole, outside every unit
  they lead or cover); `lura` (a colleague's near miss in Lura sykehjem: the leader's
  unit, in the verneombud's area); `lura_kvalitet` (a kvalitet case there: no HMS
  category); `lura_anonymous` (an anonymous near miss there, reported by `ansatt`);
  `rovik` (a near miss in Rovik sykehjem: in the area, not the leader's unit);
  `rovik_infosec` (an informasjonssikkerhet case there); `skole` (a colleague's near
  miss in Buggeland skole: nobody's but HMS's).
- actions: `own` (they own it; in Buggeland skole), `lura`, `lura_kvalitet` (made for
  a kvalitet case there: the verneombud follows no such case, so not its action either),
  `rovik`, `rovik_infosec` (likewise, for an informasjonssikkerhet case), `skole` (owned
  by a colleague there).
- risk assessments: `participant` (in Buggeland skole; all five take part), `lura`,
  `rovik`, `skole` (no part in them).
- units, for reporting and creating: `lura`, `rovik`, `skole`.

A case's id reads like the table: `leder-POST /deviations/{id}/close-lura_kvalitet`.

Decisions where the issue's table left room (also in hms_core/access/):

- Roles add rights and never take away what a person has as a person: a reporter reads,
  comments on and adds to their own named report; an owner reads and completes their
  action; a participant reads the assessment. So `admin` ("read a deviation: none")
  follows their own report like any employee, and nobody else's.
- An anonymous report belongs to nobody: `ansatt`, who made `lura_anonymous`, gets 404.
- Actions are read by their owner, the leader of the unit, the verneombud of the area
  (they follow up) and HMS; risk assessments by the leader, the verneombud of the
  area, participants and HMS.
- Unit names and ids are for everyone signed in (the report form lists them); head
  counts (FTE) and users for HMS (read) and administrators only.
- The verneombud's register and statistics ("V") cover the area's units: figures and
  hazards, not cases, so every category counts there.
- Everyone may create an API token for themselves; the receipt code opens its case for
  whoever holds it, signed in or not.

Records are built once per store; every call that would change a shared record in a
way later cases depend on gets a fresh record in the state it needs.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.bootstrap import build
from api.settings import Settings
from demo.directory import demo_directory
from hms_core import clock
from hms_core.access import Principal
from hms_core.directory.organisation import unit_id_for
from hms_core.directory.user import user_id_for
from hms_core.hr.figures import HRLine
from hms_core.risk.hazard import Participant
from tests.api.test_receipts import client_at
from tests.conftest import DEMO_HASH, SYSTEM, _empty_pg_schema
from tests.helpers import HELSE, HJEMME, LURA, ROVIK, SKOLE, add_user, login, report_deviation

ROLES = ("ansatt", "leder", "verneombud", "hms", "admin")
HANA = unit_id_for("hana-skole")
UNITS = {"lura": LURA, "rovik": ROVIK, "skole": SKOLE}
# Colleagues who report and own the records that are not the asker's.
COLLEAGUES = {LURA: "kari", ROVIK: "per", SKOLE: "lars", HJEMME: "nina"}
# Units each role's figures cover: the leader's unit, the verneombud's area, all.
FIGURE_UNITS = {
    "leder": {LURA},
    "verneombud": {HELSE, LURA, ROVIK, HJEMME},
    "hms": None,
}


def by_role(ansatt, leder, verneombud, hms, admin) -> dict[str, frozenset[str]]:
    return dict(zip(ROLES, map(frozenset, (ansatt, leder, verneombud, hms, admin)), strict=True))


DEVIATIONS = ("own", "lura", "lura_kvalitet", "lura_anonymous", "rovik", "rovik_infosec", "skole")
ACTIONS = ("own", "lura", "lura_kvalitet", "rovik", "rovik_infosec", "skole")
# Actions made for cases outside the HMS categories, and the unit they are in.
NON_HMS_ACTIONS = {"lura_kvalitet": LURA, "rovik_infosec": ROVIK}
ASSESSMENTS = ("participant", "lura", "rovik", "skole")
RECORDS = {"deviation": DEVIATIONS, "action": ACTIONS, "assessment": ASSESSMENTS, "unit": UNITS}

NONE: set[str] = set()
OWN = {"own"}
IN_U = {"lura", "lura_kvalitet", "lura_anonymous"}  # the leader's unit, every category
HMS_IN_V = {"lura", "lura_anonymous", "rovik"}  # the area, HMS categories only
ACTIONS_IN_U = {"lura", "lura_kvalitet"}  # the leader's unit, for cases of every category
ALL_DEVIATIONS, ALL_ACTIONS, ALL_ASSESSMENTS = set(DEVIATIONS), set(ACTIONS), set(ASSESSMENTS)
ALL_UNITS = set(UNITS)
P = {"participant"}


@dataclass(frozen=True)
class Rule:
    """One row of the issue's table: per role, the records they may do this to."""

    kind: str
    may: dict[str, frozenset[str]]
    reads: dict[str, frozenset[str]] | None = None  # None: the kind's read rule

    def readable(self, role: str) -> frozenset[str]:
        """Records the role may read; trying anything on the others answers 404."""
        if self.reads is not None:
            return self.reads[role]
        if self.kind in READ_RULES:
            return RULES[READ_RULES[self.kind]].may[role]
        return frozenset(RECORDS[self.kind])  # units: nothing to hide

    def expected(self, role: str, record: str, ok: int) -> int:
        if record not in self.readable(role):
            return 404
        return ok if record in self.may[role] else 403


READ_RULES = {
    "deviation": "read a deviation",
    "action": "read an action",
    "assessment": "read a risk assessment",
}

# fmt: off
RULES: dict[str, Rule] = {
    #                                               employee    leader of U       verneombud for V             HMS              admin  # noqa: E501
    "report a deviation":          Rule("unit",       by_role(ALL_UNITS, ALL_UNITS, ALL_UNITS,                 ALL_UNITS,       ALL_UNITS)),  # noqa: E501
    "read a deviation":            Rule("deviation",  by_role(OWN,  OWN | IN_U,     OWN | HMS_IN_V,            ALL_DEVIATIONS,  OWN)),  # noqa: E501
    "handle a deviation":          Rule("deviation",  by_role(NONE, IN_U,           NONE,                      ALL_DEVIATIONS,  NONE)),  # noqa: E501
    "comment on a deviation":      Rule("deviation",  by_role(OWN,  OWN | IN_U,     OWN | HMS_IN_V,            ALL_DEVIATIONS,  OWN)),  # noqa: E501
    "add information to a report": Rule("deviation",  by_role(OWN,  OWN | IN_U,     OWN,                       ALL_DEVIATIONS,  OWN)),  # noqa: E501
    "create an action for a case": Rule("deviation",  by_role(NONE, IN_U,           NONE,                      ALL_DEVIATIONS,  NONE)),  # noqa: E501
    "create an action in a unit":  Rule("unit",       by_role(NONE, {"lura"},       NONE,                      ALL_UNITS,       NONE)),  # noqa: E501
    "read an action":              Rule("action",     by_role(OWN,  OWN | ACTIONS_IN_U, OWN | {"lura", "rovik"}, ALL_ACTIONS, OWN)),  # noqa: E501
    "manage an action":            Rule("action",     by_role(NONE, ACTIONS_IN_U,       NONE,                    ALL_ACTIONS, NONE)),  # noqa: E501
    "complete an action":          Rule("action",     by_role(OWN,  OWN | ACTIONS_IN_U, OWN,                     ALL_ACTIONS, OWN)),  # noqa: E501
    "comment on an action":        Rule("action",     by_role(OWN,  OWN | ACTIONS_IN_U, OWN | {"lura", "rovik"}, ALL_ACTIONS, OWN)),  # noqa: E501
    "read a risk assessment":      Rule("assessment", by_role(P,    P | {"lura"},   P | {"lura", "rovik"},     ALL_ASSESSMENTS, P)),  # noqa: E501
    "create a risk assessment":    Rule("unit",       by_role(NONE, {"lura"},       NONE,                      ALL_UNITS,       NONE)),  # noqa: E501
    "edit a draft":                Rule("assessment", by_role(NONE, {"lura"},       P,                         ALL_ASSESSMENTS, NONE)),  # noqa: E501
    "approve, revise, archive":    Rule("assessment", by_role(NONE, {"lura"},       NONE,                      ALL_ASSESSMENTS, NONE)),  # noqa: E501
    # The handler of a case links it to a hazard. Both the case (a colleague's, in the
    # assessment's unit) and the assessment must be readable, else 404:
    "link a case to a hazard":     Rule("assessment", by_role(NONE, {"lura"},       NONE,                      ALL_ASSESSMENTS, NONE),  # noqa: E501
                                          reads=by_role(NONE, {"lura"},       {"lura", "rovik"},         ALL_ASSESSMENTS, NONE)),  # noqa: E501
}

# Whole resources: may the role use them at all (else 403)?
WHOLE: dict[str, dict[str, bool]] = {
    #                                    employee leader verneombud HMS   admin
    "risk register, statistics":  dict(zip(ROLES, (False, True,  True,      True, False), strict=True)),  # noqa: E501
    "audit trail":                dict(zip(ROLES, (False, False, False,     True, False), strict=True)),  # noqa: E501
    "users":                      dict(zip(ROLES, (False, False, False,     True, True),  strict=True)),  # noqa: E501
    "everyone":                   dict(zip(ROLES, (True,  True,  True,      True, True),  strict=True)),  # noqa: E501
}
# fmt: on


# --- the world: one store per database, with the records of every kind ----------------


@dataclass
class Case:
    id: UUID
    reference: str
    unit: UUID
    category: str
    reporter: str | None  # None: anonymous
    status: str = "reported"
    receipt_code: str | None = None


@dataclass
class Act:
    id: UUID
    unit: UUID
    owner: str
    cancelled: bool = False
    category: str | None = None  # of the case it was made for


@dataclass
class Assessment:
    id: UUID
    unit: UUID
    participants: frozenset[str]
    hazard_id: UUID
    approved: bool = False


def case_record(role: str, case: Case) -> str:
    """What the case is to this person: the names of the module docstring."""
    if case.reporter == role:
        return "own"
    if case.unit == LURA:
        if case.category == "kvalitet":
            return "lura_kvalitet"
        return "lura_anonymous" if case.reporter is None else "lura"
    if case.unit == ROVIK:
        return "rovik_infosec" if case.category == "informasjonssikkerhet" else "rovik"
    return "skole"


def action_record(role: str, act: Act) -> str:
    if act.owner == role:
        return "own"
    if act.category in ("kvalitet", "informasjonssikkerhet"):
        for record, unit in NON_HMS_ACTIONS.items():
            if act.unit == unit:
                return record
    return {LURA: "lura", ROVIK: "rovik"}.get(act.unit, "skole")


def assessment_record(role: str, a: Assessment) -> str:
    if role in a.participants:
        return "participant"
    return {LURA: "lura", ROVIK: "rovik"}.get(a.unit, "skole")


CASE_SHAPES = {  # record: (unit, category, reporter: None for the asker, "anonymous")
    "own": (SKOLE, "nestenulykke", None),
    "lura": (LURA, "nestenulykke", "kari"),
    "lura_kvalitet": (LURA, "kvalitet", "kari"),
    "lura_anonymous": (LURA, "nestenulykke", "anonymous"),
    "rovik": (ROVIK, "nestenulykke", "per"),
    "rovik_infosec": (ROVIK, "informasjonssikkerhet", "per"),
    "skole": (SKOLE, "nestenulykke", "lars"),
}


@dataclass
class World:
    services: Any
    clients: dict[str, TestClient]
    cases: dict[UUID, Case] = field(default_factory=dict)
    actions: dict[UUID, Act] = field(default_factory=dict)
    assessments: dict[UUID, Assessment] = field(default_factory=dict)
    shared: dict[tuple[str, str, str], Any] = field(default_factory=dict)

    @property
    def app(self) -> Any:
        return self.services.app

    def who(self, username: str) -> Principal:
        return self.app.principal(user_id_for(username))

    def settle(self) -> None:
        """Wait until the read models hold everything written so far."""
        assert self.services.runner.wait_for(self.app.max_position(), timeout=10)

    # --- building records --------------------------------------------------------

    def report(self, record: str, asker: str) -> Case:
        unit, category, reporter = CASE_SHAPES[record]
        anonymous = reporter == "anonymous"
        by = asker if reporter is None else ("ansatt" if anonymous else reporter)
        receipt = self.app.report_deviation(
            self.who(by),
            title=f"Matrisetest {record}",
            description=f"Hendelse av typen {category} (matrisetest).",
            occurred_at=clock.now() - timedelta(hours=1),
            unit_id=unit,
            category=category,
            severity=2,
            anonymous=anonymous,
        )
        case = Case(receipt.id, receipt.reference, unit, category, None if anonymous else by)
        case.receipt_code = receipt.receipt_code
        self.cases[case.id] = case
        return case

    def case_in(self, record: str, asker: str, state: str = "reported") -> Case:
        case = self.report(record, asker)
        if state in ("classified", "closed"):
            self.app.classify_deviation(
                SYSTEM,
                case.id,
                category=case.category,
                severity=2,
                recurrence_probability=2,
                causes=("human",),
            )
        if state == "closed":
            self.app.close_deviation(
                SYSTEM, case.id, conclusion="Ferdig.", no_action_reason="Ingen tiltak trengs."
            )
            case.status = "closed"
        return case

    def action_in(self, record: str, asker: str, state: str = "open") -> Act:
        unit = NON_HMS_ACTIONS.get(record) or UNITS.get(record, SKOLE)
        owner = asker if record == "own" else COLLEAGUES[unit]
        case = self.case_in(record, "") if record in NON_HMS_ACTIONS else None
        action_id = self.app.create_action(
            SYSTEM,
            title=f"Matrisetiltak {record}",
            owner_id=user_id_for(owner),
            unit_id=unit,
            due_date=clock.today() + timedelta(days=20),
            deviation_id=case.id if case else None,
        )
        if state == "done":
            self.app.complete_action(SYSTEM, action_id, what_was_done="Gjort.")
        act = Act(action_id, unit, owner, category=case.category if case else None)
        self.actions[action_id] = act
        return act

    def assessment_in(self, record: str, state: str = "draft") -> Assessment:
        unit = UNITS.get(record, SKOLE)
        people = ROLES if record == "participant" else (COLLEAGUES[unit],)
        roles = {"leder": "leader", "verneombud": "verneombud", "hms": "hms"}
        assessment_id = self.app.create_assessment(
            SYSTEM,
            unit_id=unit,
            title=f"Matriserisiko {record}",
            scope="Arbeid i matrisetesten",
            participants=[Participant(user_id_for(p), roles.get(p, "employee")) for p in people],
        )
        hazard_id = self.app.add_hazard(
            SYSTEM, assessment_id, description="Fall", probability=1, consequence=1
        )
        a = Assessment(assessment_id, unit, frozenset(people), hazard_id)
        if state in ("approved", "revised"):
            self.app.approve_assessment(SYSTEM, assessment_id)
            a.approved = True
        if state == "revised":
            self.app.revise_assessment(SYSTEM, assessment_id, reason="Årlig gjennomgang")
        self.assessments[assessment_id] = a
        return a

    # --- the record a case of the matrix works on ---------------------------------

    def target(self, kind: str, record: str, role: str, fresh: str | None) -> Any:
        if kind == "unit":
            return UNITS[record]
        if fresh is None:
            return self.shared[(kind, record, role if record == "own" else "")]
        if kind == "deviation":
            return self.case_in(record, role, fresh)
        if kind == "action":
            return self.action_in(record, role, fresh)
        return self.assessment_in(record, fresh)

    def readable_cases(self, role: str) -> set[UUID]:
        may = RULES["read a deviation"].may[role]
        return {c.id for c in self.cases.values() if case_record(role, c) in may}

    def readable_actions(self, role: str) -> set[UUID]:
        may = RULES["read an action"].may[role]
        return {a.id for a in self.actions.values() if action_record(role, a) in may}

    def readable_assessments(self, role: str) -> set[UUID]:
        may = RULES["read a risk assessment"].may[role]
        return {a.id for a in self.assessments.values() if assessment_record(role, a) in may}


def _build_world(services: Any) -> World:
    app = services.app
    app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    for unit, username in COLLEAGUES.items():
        add_user(app, username, unit_id=unit)
    app.import_hr_figures(
        SYSTEM,
        [
            HRLine(line=1, unit="lura-sykehjem", period="2025-01", sick_leave_percent=8.0,
                   turnover_percent=1.0),
            HRLine(line=2, unit="buggeland-skole", period="2025-01", sick_leave_percent=5.0,
                   turnover_percent=2.0),
        ],
    )  # fmt: skip
    world = World(services=services, clients={})
    for role in ROLES:
        world.shared[("deviation", "own", role)] = world.case_in("own", role)
        world.shared[("action", "own", role)] = world.action_in("own", role)
    for record in DEVIATIONS[1:]:
        world.shared[("deviation", record, "")] = world.case_in(record, "")
    for record in ACTIONS[1:]:
        world.shared[("action", record, "")] = world.action_in(record, "")
    for record in ASSESSMENTS:
        world.shared[("assessment", record, "")] = world.assessment_in(record, "revised")
    return world


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(request, tmp_path_factory) -> Iterator[World]:
    """The demo organisation, four colleagues and every kind of record, once per store."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'hms.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_url")
        _empty_pg_schema(url)
    services = build(Settings(database_url=url, secret_key="matrix", timezone="Europe/Oslo"))
    try:
        world = _build_world(services)
        services.runner.catch_up()
        services.start()
        web = create_app(services, run_worker=False, owns_services=False)
        for n, role in enumerate(ROLES):
            # Each person from an address of their own: rate limits count per client.
            world.clients[role] = client_at(web, f"10.0.5.{n + 1}")
            login(world.clients[role], role)
        world.clients[""] = client_at(web, "10.0.5.99")
        yield world
    finally:
        services.close()


# --- the endpoints, each with the rule that governs it -------------------------------


def _today(days: int) -> str:
    return (clock.today() + timedelta(days=days)).isoformat()


def _colleague_case(world: World, a: Assessment) -> UUID:
    """A colleague's near miss in the assessment's unit (the shared one)."""
    record = {LURA: "lura", ROVIK: "rovik"}.get(a.unit, "skole")
    return world.shared[("deviation", record, "")].id


def _nothing(world: World, target: Any, role: str, body: Any) -> None:
    pass


def _status(status: str):
    def after(world: World, case: Case, role: str, body: Any) -> None:
        case.status = status

    return after


def _moved(world: World, case: Case, role: str, body: Any) -> None:
    case.unit, case.status = HANA, "reported"


def _reported(world: World, unit: UUID, role: str, body: Any) -> None:
    case = Case(UUID(body["id"]), body["reference"], unit, "nestenulykke", role)
    world.cases[case.id] = case


def _action_created(world: World, target: Any, role: str, body: Any) -> None:
    owner = USERNAMES[UUID(body["owner_id"])]
    category = target.category if isinstance(target, Case) else None
    act = Act(UUID(body["id"]), UUID(body["unit_id"]), owner, category=category)
    world.actions[act.id] = act


def _reassigned(world: World, act: Act, role: str, body: Any) -> None:
    act.owner = "nina"


def _cancelled(world: World, act: Act, role: str, body: Any) -> None:
    act.cancelled = True


def _approved(world: World, a: Assessment, role: str, body: Any) -> None:
    a.approved = True


def _assessment_created(world: World, unit: UUID, role: str, body: Any) -> None:
    world.assessments[UUID(body["id"])] = Assessment(
        UUID(body["id"]), unit, frozenset(), UUID(int=0)
    )


USERNAMES = {user_id_for(u): u for u in (*ROLES, *COLLEAGUES.values())}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {id}: the record's; {hazard}: its hazard's
    rule: str
    body: Callable[[World, Any], dict | None] = lambda w, r: None
    ok: int = 200
    fresh: str | None = None  # the state of a fresh record for each allowed call
    after: Callable[[World, Any, str, Any], None] = _nothing  # keep the world in step


D, A, R = "/api/v1/deviations/{id}", "/api/v1/actions/{id}", "/api/v1/risk-assessments/{id}"
H = R + "/hazards/{hazard}"
TEXT = {"text": "Merknad fra matrisetesten."}


def _report(world: World, unit: UUID) -> dict:
    return {
        "title": "Matrisetest melding",
        "description": "Meldt i matrisetesten.",
        "occurred_at": (clock.now() - timedelta(hours=1)).isoformat(),
        "unit_id": str(unit),
        "category": "nestenulykke",
        "severity": 2,
    }


def _classify(world: World, case: Case) -> dict:
    return {"category": case.category, "severity": 2, "recurrence_probability": 2,
            "causes": ["human"]}  # fmt: skip


def _action_for_case(world: World, case: Case) -> dict:
    return {"title": "Tiltak for saken", "owner_id": str(user_id_for("kari")),
            "due_date": _today(14), "deviation_id": str(case.id)}  # fmt: skip


def _action_in_unit(world: World, unit: UUID) -> dict:
    return {"title": "Tiltak i enheten", "owner_id": str(user_id_for(COLLEAGUES[unit])),
            "due_date": _today(14), "unit_id": str(unit)}  # fmt: skip


def _details(world: World, a: Assessment) -> dict:
    return {"title": "Matriserisiko", "scope": "Arbeid", "review_interval_months": 12}


# fmt: off
ENDPOINTS: dict[str, Endpoint] = {
    "POST /deviations": Endpoint("POST", "/api/v1/deviations", "report a deviation", _report, 201, after=_reported),  # noqa: E501
    "GET /deviations/{id}": Endpoint("GET", D, "read a deviation"),
    "POST /deviations/{id}/acknowledge": Endpoint("POST", D + "/acknowledge", "handle a deviation", lambda w, c: {}, fresh="reported", after=_status("under_treatment")),  # noqa: E501
    "POST /deviations/{id}/classify": Endpoint("POST", D + "/classify", "handle a deviation", _classify),  # noqa: E501
    "POST /deviations/{id}/comments": Endpoint("POST", D + "/comments", "comment on a deviation", lambda w, c: TEXT, 201),  # noqa: E501
    "POST /deviations/{id}/feedback": Endpoint("POST", D + "/feedback", "handle a deviation", lambda w, c: TEXT, 201),  # noqa: E501
    "POST /deviations/{id}/information": Endpoint("POST", D + "/information", "add information to a report", lambda w, c: TEXT, 201),  # noqa: E501
    "POST /deviations/{id}/transfer": Endpoint("POST", D + "/transfer", "handle a deviation", lambda w, c: {"to_unit_id": str(HANA), "reason": "Hører til Hana skole."}, fresh="reported", after=_moved),  # noqa: E501
    "POST /deviations/{id}/close": Endpoint("POST", D + "/close", "handle a deviation", lambda w, c: {"conclusion": "Ferdig.", "no_action_reason": "Ingen tiltak trengs."}, fresh="classified", after=_status("closed")),  # noqa: E501
    "POST /deviations/{id}/reopen": Endpoint("POST", D + "/reopen", "handle a deviation", lambda w, c: {"reason": "Skjedde igjen."}, fresh="closed", after=_status("under_treatment")),  # noqa: E501
    "POST /actions (for a case)": Endpoint("POST", "/api/v1/actions", "create an action for a case", _action_for_case, 201, after=_action_created),  # noqa: E501
    "POST /actions (in a unit)": Endpoint("POST", "/api/v1/actions", "create an action in a unit", _action_in_unit, 201, after=_action_created),  # noqa: E501
    "GET /actions/{id}": Endpoint("GET", A, "read an action"),
    "POST /actions/{id}/complete": Endpoint("POST", A + "/complete", "complete an action", lambda w, a: {"what_was_done": "Gjort."}, fresh="open"),  # noqa: E501
    "POST /actions/{id}/verify": Endpoint("POST", A + "/verify", "manage an action", lambda w, a: {"effective": True, "note": "Virket."}, fresh="done"),  # noqa: E501
    "POST /actions/{id}/reschedule": Endpoint("POST", A + "/reschedule", "manage an action", lambda w, a: {"due_date": _today(40), "reason": "Venter på varer."}, fresh="open"),  # noqa: E501
    "POST /actions/{id}/reassign": Endpoint("POST", A + "/reassign", "manage an action", lambda w, a: {"owner_id": str(user_id_for("nina")), "reason": "Ny eier."}, fresh="open", after=_reassigned),  # noqa: E501
    "POST /actions/{id}/cancel": Endpoint("POST", A + "/cancel", "manage an action", lambda w, a: {"reason": "Trengs ikke."}, fresh="open", after=_cancelled),  # noqa: E501
    "POST /actions/{id}/comments": Endpoint("POST", A + "/comments", "comment on an action", lambda w, a: TEXT, 201),  # noqa: E501
    "POST /risk-assessments": Endpoint("POST", "/api/v1/risk-assessments", "create a risk assessment", lambda w, unit: {"unit_id": str(unit), "title": "Ny vurdering", "scope": "Arbeid"}, 201, after=_assessment_created),  # noqa: E501
    "GET /risk-assessments/{id}": Endpoint("GET", R, "read a risk assessment"),
    "GET /risk-assessments/{id}/versions/1": Endpoint("GET", R + "/versions/1", "read a risk assessment"),  # noqa: E501
    "POST /risk-assessments/{id}/details": Endpoint("POST", R + "/details", "edit a draft", _details),  # noqa: E501
    "POST /risk-assessments/{id}/hazards": Endpoint("POST", R + "/hazards", "edit a draft", lambda w, a: {"description": "Ny fare"}, 201),  # noqa: E501
    "POST /risk-assessments/{id}/hazards/{hazard}": Endpoint("POST", H, "edit a draft", lambda w, a: {"description": "Fall"}),  # noqa: E501
    "POST /risk-assessments/{id}/hazards/{hazard}/score": Endpoint("POST", H + "/score", "edit a draft", lambda w, a: {"probability": 1, "consequence": 1}),  # noqa: E501
    "POST /risk-assessments/{id}/hazards/{hazard}/remove": Endpoint("POST", H + "/remove", "edit a draft", lambda w, a: {}, fresh="draft"),  # noqa: E501
    "POST /risk-assessments/{id}/hazards/{hazard}/deviations": Endpoint("POST", H + "/deviations", "link a case to a hazard", lambda w, a: {"deviation_id": str(_colleague_case(w, a))}, 201),  # noqa: E501
    "POST /risk-assessments/{id}/approve": Endpoint("POST", R + "/approve", "approve, revise, archive", lambda w, a: {}, fresh="draft", after=_approved),  # noqa: E501
    "POST /risk-assessments/{id}/revise": Endpoint("POST", R + "/revise", "approve, revise, archive", lambda w, a: {}, fresh="approved"),  # noqa: E501
    "POST /risk-assessments/{id}/archive": Endpoint("POST", R + "/archive", "approve, revise, archive", lambda w, a: {"reason": "Avsluttet."}, fresh="draft"),  # noqa: E501
}
# fmt: on


def _path(template: str, target: Any) -> str:
    if isinstance(target, UUID):
        return template
    return template.format(id=target.id, hazard=getattr(target, "hazard_id", ""))


def _version(world: World, kind: str, target: Any) -> int | None:
    if kind == "unit":
        return None
    return world.app.load(target.id, object).version


CASES = [
    pytest.param(role, name, record, id=f"{role}-{name}-{record}")
    for name, endpoint in ENDPOINTS.items()
    for record in RECORDS[RULES[endpoint.rule].kind]
    for role in ROLES
]


@pytest.mark.parametrize(("role", "endpoint", "record"), CASES)
def test_each_role_on_each_endpoint_and_record(world, role, endpoint, record):
    e = ENDPOINTS[endpoint]
    rule = RULES[e.rule]
    want = rule.expected(role, record, e.ok)
    target = world.target(rule.kind, record, role, e.fresh if want < 300 else None)
    before = _version(world, rule.kind, target)
    path = _path(e.path, target)
    response = world.clients[role].request(e.method, path, json=e.body(world, target))
    assert response.status_code == want, (path, response.text)
    if want < 300:
        e.after(world, target, role, response.json())
    else:
        assert _version(world, rule.kind, target) == before  # nothing was written


# --- whole resources: lists, searches, figures, the trail, the directory -------------


def _in_units(role: str, unit: UUID) -> bool:
    units = FIGURE_UNITS[role]
    return units is None or unit in units


def _all_pages(client: TestClient, path: str, **params: Any) -> list[dict]:
    items, cursor = [], None
    while True:
        page = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            return items


def check_deviation_list(world: World, role: str, body: Any) -> None:
    items = _all_pages(world.clients[role], "/api/v1/deviations", limit=200)
    assert {UUID(d["id"]) for d in items} == world.readable_cases(role)


def _csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def check_export(world: World, role: str, body: str) -> None:
    rows = _csv_rows(body)
    readable = {world.cases[c].reference for c in world.readable_cases(role)}
    assert {r["Saksnummer"] for r in rows} == readable


def check_action_list(world: World, role: str, body: Any) -> None:
    items = _all_pages(world.clients[role], "/api/v1/actions", limit=200)
    assert {UUID(a["id"]) for a in items} == world.readable_actions(role)


def check_assessment_list(world: World, role: str, body: Any) -> None:
    assert {UUID(a["id"]) for a in body["items"]} == world.readable_assessments(role)


def _in_force(world: World, role: str) -> set[UUID]:
    return {a.id for a in world.assessments.values() if a.approved and _in_units(role, a.unit)}


def check_register(world: World, role: str, body: Any) -> None:
    # One hazard in force per approved assessment (hazards added since are in drafts).
    assert sorted(UUID(h["assessment_id"]) for h in body["items"]) == sorted(_in_force(world, role))
    assert sum(c["count"] for c in body["heatmap"]["inherent"]) == len(_in_force(world, role))


def check_heat_map(world: World, role: str, body: Any) -> None:
    assert sum(c["count"] for c in body["residual"]) == len(_in_force(world, role))


def check_deviation_figures(world: World, role: str, body: Any) -> None:
    cases = [c for c in world.cases.values() if _in_units(role, c.unit)]
    assert body["totals"]["reported"] == len(cases)
    assert body["totals"]["closed"] == sum(c.status == "closed" for c in cases)
    assert all(_in_units(role, UUID(r["unit_id"])) for r in body["rows"])


def check_action_figures(world: World, role: str, body: Any) -> None:
    due = [a for a in world.actions.values() if _in_units(role, a.unit) and not a.cancelled]
    assert body["totals"]["due"] == len(due)
    assert all(_in_units(role, UUID(r["unit_id"])) for r in body["rows"])


def check_hr_figures(world: World, role: str, body: Any) -> None:
    units = {UUID(r["unit_id"]) for r in body["rows"]}
    assert units == {u for u in (LURA, SKOLE) if _in_units(role, u)}


def check_users(world: World, role: str, body: Any) -> None:
    assert {u["username"] for u in body} == set(USERNAMES.values())


def check_me(world: World, role: str, body: Any) -> None:
    assert body["username"] == role


def check_units(world: World, role: str, body: Any) -> None:
    units = {UUID(u["id"]): u for u in body}
    assert {LURA, ROVIK, SKOLE, HANA} <= set(units)
    sees_fte = role in ("hms", "admin")
    assert (units[LURA]["fte"] == 86.5) is sees_fte
    assert all(u["fte"] is None for u in body) is not sees_fte


def check_token(world: World, role: str, body: Any) -> None:
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert world.clients[""].get("/api/v1/users/me", headers=bearer).json()["username"] == role


def check_inbox(world: World, role: str, body: Any) -> None:
    cases = ("to_acknowledge", "feedback_on_my_reports", "injuries_in_my_area")
    for name in (*cases, "serious_unacknowledged"):
        assert {UUID(r["id"]) for r in body[name]} <= world.readable_cases(role), name
    for name in ("to_verify", "my_actions", "overdue_in_my_units"):
        assert {UUID(r["id"]) for r in body[name]} <= world.readable_actions(role), name
    if role == "leder":
        assert body["to_acknowledge"]
    if role == "verneombud":
        assert body["injuries_in_my_area"]


def check_receipt(world: World, role: str, body: Any) -> None:
    assert body["reference"] == world.shared[("deviation", "lura_anonymous", "")].reference


@dataclass(frozen=True)
class Resource:
    rule: str  # a key of WHOLE
    check: Callable[[World, str, Any], None] | None = None
    method: str = "GET"
    ok: int = 200
    body: dict | None = None


WHOLE_ENDPOINTS: dict[str, Resource] = {
    "GET /api/v1/deviations": Resource("everyone", check_deviation_list),
    "GET /api/v1/deviations/export": Resource("everyone", check_export),
    "GET /api/v1/actions": Resource("everyone", check_action_list),
    "GET /api/v1/risk-assessments?limit=1000": Resource("everyone", check_assessment_list),
    "GET /api/v1/inbox": Resource("everyone", check_inbox),
    "GET /api/v1/users/me": Resource("everyone", check_me),
    "GET /api/v1/org/units": Resource("everyone", check_units),
    "POST /api/v1/auth/tokens": Resource("everyone", check_token, "POST", 201, {}),
    "GET /api/v1/risk-matrix": Resource("everyone"),
    "GET /api/v1/receipts/{code}": Resource("everyone", check_receipt),
    "POST /api/v1/receipts/{code}/information": Resource(
        "everyone", check_receipt, "POST", 201, {"text": "Mer fra melderen."}
    ),
    "GET /api/v1/risk-register": Resource("risk register, statistics", check_register),
    "GET /api/v1/risk-register/heatmap": Resource("risk register, statistics", check_heat_map),
    "GET /api/v1/statistics/deviations?group_by=unit": Resource(
        "risk register, statistics", check_deviation_figures
    ),
    "GET /api/v1/statistics/actions?group_by=unit": Resource(
        "risk register, statistics", check_action_figures
    ),
    "GET /api/v1/statistics/hr": Resource("risk register, statistics", check_hr_figures),
    "GET /api/v1/audit/events": Resource("audit trail"),
    "GET /api/v1/users": Resource("users", check_users),
}


@pytest.mark.parametrize("endpoint", WHOLE_ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_whole_resource(world, role, endpoint):
    """200 (201) with exactly what the role may see, or 403 for a resource they have no
    part in."""
    r = WHOLE_ENDPOINTS[endpoint]
    world.settle()
    method, path = endpoint.split(" ")
    response = world.clients[role].request(
        method,
        path.format(code=world.shared[("deviation", "lura_anonymous", "")].receipt_code),
        json=r.body,
    )
    want = r.ok if WHOLE[r.rule][role] else 403
    assert response.status_code == want, response.text
    if want < 300 and r.check:
        body = response.text if "export" in path else response.json()
        r.check(world, role, body)


def _searches() -> dict[str, tuple[dict, Callable[[Case], bool]]]:
    today = clock.today()
    return {
        "all, by a word of every title": ({"q": "matrisetest"}, lambda c: True),
        "by a word of some descriptions": ({"q": "kvalitet"}, lambda c: c.category == "kvalitet"),
        "by category": ({"category": "nestenulykke"}, lambda c: c.category == "nestenulykke"),
        "by unit": ({"unit_id": str(LURA)}, lambda c: c.unit == LURA),
        "by unit and subunits": (
            {"unit_id": str(HELSE), "include_subunits": "true"},
            lambda c: c.unit in (HELSE, LURA, ROVIK, HJEMME),
        ),
        "by status": ({"status": "closed"}, lambda c: c.status == "closed"),
        "by date": (
            {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()},
            lambda c: True,
        ),
        "a category and a word": (
            {"category": "informasjonssikkerhet", "q": "matrisetest"},
            lambda c: c.category == "informasjonssikkerhet",
        ),
    }


@pytest.mark.parametrize("search", list(_searches()))
@pytest.mark.parametrize("role", ROLES)
def test_searches_and_filters_find_only_what_the_role_may_read(world, role, search):
    params, wanted = _searches()[search]
    world.settle()
    found = _all_pages(world.clients[role], "/api/v1/deviations", limit=200, **params)
    readable = world.readable_cases(role)
    assert {UUID(d["id"]) for d in found} == {c for c in readable if wanted(world.cases[c])}
    export = world.clients[role].get("/api/v1/deviations/export", params=params)
    wanted_references = {world.cases[c].reference for c in readable if wanted(world.cases[c])}
    assert {r["Saksnummer"] for r in _csv_rows(export.text)} == wanted_references


# --- nobody signed in; two records in one command; the pages ---------------------------


SIGNED_OUT = [
    *((e.method, e.path) for e in ENDPOINTS.values()),
    *(tuple(name.split(" ")) for name, r in WHOLE_ENDPOINTS.items() if "receipts" not in name),
]


@pytest.mark.parametrize(("method", "path"), SIGNED_OUT, ids=[" ".join(p) for p in SIGNED_OUT])
def test_nobody_signed_in_gets_401_from_every_endpoint(world, method, path):
    a = world.shared[("assessment", "lura", "")]
    response = world.clients[""].request(method, path.format(id=a.id, hazard=a.hazard_id), json={})
    assert response.status_code == 401, response.text


def test_a_command_naming_two_records_is_404_when_either_is_unreadable(world):
    """The verneombud reads Lura's near miss but not Buggeland skole's assessment: linking
    them, or planning a measure for both, says not found (the assessment's existence is
    private), not forbidden (which the case alone would have said)."""
    case = world.shared[("deviation", "lura", "")]
    skole = world.shared[("assessment", "skole", "")]
    response = world.clients["verneombud"].post(
        f"/api/v1/risk-assessments/{skole.id}/hazards/{skole.hazard_id}/deviations",
        json={"deviation_id": str(case.id)},
    )
    assert response.status_code == 404
    # So does a measure for both at once.
    measure = world.clients["verneombud"].post(
        "/api/v1/actions",
        json=_action_for_case(world, case)
        | {"assessment_id": str(skole.id), "hazard_id": str(skole.hazard_id)},
    )
    assert measure.status_code == 404
    # And the other way round: a case the leader cannot read, an assessment they can.
    lura = world.shared[("assessment", "lura", "")]
    response = world.clients["leder"].post(
        f"/api/v1/risk-assessments/{lura.id}/hazards/{lura.hazard_id}/deviations",
        json={"deviation_id": str(world.shared[("deviation", "rovik", "")].id)},
    )
    assert response.status_code == 404


def test_the_export_is_csv_a_norwegian_excel_opens(world):
    response = world.clients["leder"].get(
        "/api/v1/deviations/export", params={"unit_id": str(LURA)}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="avvik.csv"'
    assert response.content.startswith("\ufeffSaksnummer;Tittel;Enhet;Kategori".encode())
    rows = {r["Saksnummer"]: r for r in _csv_rows(response.text)}
    anonymous = rows[world.shared[("deviation", "lura_anonymous", "")].reference]
    assert (anonymous["Anonym"], anonymous["Melder"]) == ("ja", "")
    named = rows[world.shared[("deviation", "lura", "")].reference]
    assert (named["Anonym"], named["Melder"], named["Enhet"]) == ("nei", "Kari", "Lura sykehjem")
    assert named["Kategori"] == "Nestenulykke"
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", named["Meldt"])


def test_the_export_pages_through_the_list_and_defuses_formulas(world, monkeypatch):
    formula = report_deviation(
        world.app,
        world.who("kari"),
        title='=HYPERLINK("http://example.com";"Klikk")',
        description="En tittel som ser ut som en formel.",
        category="kvalitet",
        severity=1,
    )
    world.cases[formula.id] = Case(formula.id, formula.reference, LURA, "kvalitet", "kari")
    world.settle()
    monkeypatch.setattr("api.controllers.exports.PAGE", 3)  # many pages of three
    rows = _csv_rows(world.clients["hms"].get("/api/v1/deviations/export").text)
    assert len(rows) == len(world.readable_cases("hms")) > 3 * 3
    assert {r["Saksnummer"] for r in rows} == {c.reference for c in world.cases.values()}
    [row] = [r for r in rows if r["Saksnummer"] == formula.reference]
    assert row["Tittel"].startswith("'=HYPERLINK")


PAGE_LINK = re.compile(r'href="/(avvik|tiltak)/([0-9a-f-]{36})"')


@pytest.mark.parametrize("role", ROLES)
def test_the_front_page_lists_only_what_the_person_may_read(world, role):
    world.settle()
    page = world.clients[role].get("/")
    assert page.status_code == 200
    links = PAGE_LINK.findall(page.text)
    assert {UUID(i) for kind, i in links if kind == "avvik"} <= world.readable_cases(role)
    assert {UUID(i) for kind, i in links if kind == "tiltak"} <= world.readable_actions(role)
    if role == "leder":
        assert world.shared[("deviation", "lura_kvalitet", "")].reference in page.text


@pytest.mark.parametrize("role", ROLES)
def test_everyone_can_report_with_the_form(world, role):
    client = world.clients[role]
    form = client.get("/avvik/ny")
    assert form.status_code == 200
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text).group(1)
    local = clock.now().astimezone(clock.timezone()) - timedelta(hours=1)
    response = client.post(
        "/avvik/ny",
        data={
            "_csrf_token": token,
            "title": "Meldt med skjemaet",
            "description": "Glatt ved inngangen.",
            "occurred_at": local.strftime("%Y-%m-%dT%H:%M"),
            "unit_id": str(ROVIK),
            "category": "farlig_forhold",
            "severity": "2",
        },
    )
    # Filed, then redirected to the thank-you page (a reload there files nothing).
    assert [r.status_code for r in response.history] == [303], response.text
    assert response.status_code == 200, response.text
    reference = re.search(r'id="reference">([^<]+)<', response.text).group(1)
    found = client.get("/api/v1/deviations", params={"q": "skjemaet", "limit": 200}).json()
    mine = [d for d in found["items"] if d["reference"] == reference]
    assert len(mine) == 1
    world.cases[UUID(mine[0]["id"])] = Case(
        UUID(mine[0]["id"]), reference, ROVIK, "farlig_forhold", role
    )
