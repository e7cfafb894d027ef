"""Every read model, fed a random history in random batches, equals a from-scratch fold.

The history mixes everything the log holds: reports and their handling, corrective
actions, risk assessments with measures, HR figures, new units and moved units, new
users. The runner applies it in random batch sizes with catch-ups at random points;
then every `rm_*` table is compared with a rebuild that folds the whole log in one go.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from unittest import mock
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adapters.db
from hms_core import clock
from hms_core.access import system_principal
from hms_core.directory.organisation import unit_id_for
from hms_core.errors import DomainError
from hms_core.hr.figures import HRLine
from tests.helpers import HELSE, HJEMME, LURA, ROVIK, as_user, dump

UNITS = [LURA, ROVIK, HJEMME]
ADMIN = system_principal("fold-test")
STEPS = [
    "report",
    "acknowledge",
    "classify",
    "transfer",
    "close",
    "reopen",
    "feedback",
    "action",
    "complete",
    "verify",
    "reschedule",
    "cancel",
    "assessment",
    "hazard",
    "approve",
    "revise",
    "hr",
    "unit",
    "move",
    "user",
    "catch_up",
]


class World:
    def __init__(self, app) -> None:
        self.app = app
        self.hms = as_user(app, "hms")
        self.owner = as_user(app, "ansatt").user_id
        self.cases: list[UUID] = []
        self.actions: list[UUID] = []
        self.assessments: list[tuple[UUID, list[UUID]]] = []
        self.units = list(UNITS)

    def pick(self, items: list, n: int):
        return items[n % len(items)] if items else None

    def step(self, name: str, n: int) -> None:
        app, hms, today = self.app, self.hms, clock.today()
        case, action = self.pick(self.cases, n), self.pick(self.actions, n)
        assessment = self.pick(self.assessments, n)
        match name:
            case "report":
                self.cases.append(
                    app.report_deviation(
                        hms,
                        title=f"Hendelse {n}",
                        description="Tilfeldig",
                        occurred_at=clock.now() - timedelta(hours=1),
                        unit_id=self.units[n % 3],
                        category=["nestenulykke", "personskade", "vold_og_trusler"][n % 3],
                        severity=1 + n % 5,
                        anonymous=n % 5 == 0,
                    ).id
                )
            case "acknowledge" if case:
                app.acknowledge_deviation(hms, case)
            case "classify" if case:
                app.classify_deviation(
                    hms,
                    case,
                    category="farlig_forhold",
                    severity=1 + n % 5,
                    recurrence_probability=2,
                    causes=("technical",),
                )
            case "transfer" if case:
                app.transfer_deviation(hms, case, to_unit_id=self.units[n % 3], reason="Flytt")
            case "close" if case:
                app.close_deviation(
                    hms,
                    case,
                    conclusion="Ferdig",
                    no_action_reason="Ingen",
                    open_actions_reason="OK",
                )
            case "reopen" if case:
                app.reopen_deviation(hms, case, reason="Igjen")
            case "feedback" if case:
                app.give_feedback(hms, case, text="Takk")
            case "action":
                self.actions.append(
                    app.create_action(
                        hms,
                        title=f"Tiltak {n}",
                        owner_id=self.owner,
                        due_date=today + timedelta(days=n % 20),
                        unit_id=self.units[n % 3],
                        deviation_id=case if n % 2 else None,
                    )
                )
            case "complete" if action:
                app.complete_action(hms, action, what_was_done="Gjort")
            case "verify" if action:
                app.verify_action(hms, action, effective=n % 2 == 0, note="Sjekket")
            case "reschedule" if action:
                app.reschedule_action(
                    hms, action, due_date=today + timedelta(days=30 + n), reason="Senere"
                )
            case "cancel" if action:
                app.cancel_action(hms, action, reason="Trengs ikke")
            case "assessment":
                self.assessments.append(
                    (
                        app.create_assessment(
                            hms, unit_id=self.units[n % 3], title=f"Vurdering {n}", scope="Arbeid"
                        ),
                        [],
                    )
                )
            case "hazard" if assessment:
                hazard = app.add_hazard(
                    hms,
                    assessment[0],
                    description=f"Fare {n}",
                    probability=1 + n % 5,
                    consequence=1 + (n // 5) % 5,
                    justification="Akseptert",
                )
                assessment[1].append(hazard)
                if n % 2:
                    self.actions.append(
                        app.create_action(
                            hms,
                            title="Tiltak mot fare",
                            owner_id=self.owner,
                            due_date=today + timedelta(days=10),
                            assessment_id=assessment[0],
                            hazard_id=hazard,
                        )
                    )
            case "approve" if assessment:
                app.approve_assessment(hms, assessment[0])
            case "revise" if assessment:
                app.revise_assessment(hms, assessment[0], reason="Ny runde")
            case "hr":
                period = (today.replace(day=1) - timedelta(days=31 * (1 + n % 6))).strftime("%Y-%m")
                app.import_hr_figures(
                    ADMIN,
                    [
                        HRLine(
                            line=1,
                            unit=str(self.units[n % 3]),
                            period=period,
                            sick_leave_percent=float(n % 10),
                            turnover_percent=1.5,
                            hours_worked=1000.0 + n,
                        )
                    ],
                )
            case "unit":
                code = f"ny-{n}-{len(self.units)}-{len(self.cases)}"
                self.units.append(app.add_unit(ADMIN, code=code, name="Ny", parent_id=HELSE))
            case "move":
                target = unit_id_for("oppvekst") if n % 2 else HELSE
                app.move_unit(ADMIN, unit_id=self.pick(self.units, n), parent_id=target)
            case "user":
                app.register_user(
                    ADMIN,
                    username=f"bruker{n}x{len(self.cases)}",
                    name="Ny",
                    email="n@x.no",
                    home_unit_id=LURA,
                    roles=("leader",),
                    leads=(self.pick(self.units, n),),
                )


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=st.lists(
        st.tuples(st.sampled_from(STEPS), st.integers(min_value=0, max_value=60)),
        min_size=5,
        max_size=45,
    ),
    batch_size=st.integers(min_value=1, max_value=11),
)
def test_every_read_model_equals_a_rebuild_from_the_whole_log(services, history, batch_size):
    world = World(services.app)
    services.runner.batch_size = batch_size
    for name, n in history:
        if name == "catch_up":
            services.runner.catch_up()
            continue
        with contextlib.suppress(DomainError):  # refusals write nothing, and fold nothing
            world.step(name, n)
    services.runner.catch_up()
    incremental = dump(services.db)
    services.runner.batch_size = 5000
    # The live runner's small batches were written as JSON on PostgreSQL; the rebuild
    # writes every batch with COPY, so the two ways of writing are compared too.
    with mock.patch.object(adapters.db, "COPY_THRESHOLD", 1):
        services.runner.rebuild()
    rebuilt = dump(services.db)
    assert rebuilt.keys() == incremental.keys()
    for table, rows in rebuilt.items():
        assert set(rows) ^ set(incremental[table]) == set(), table
