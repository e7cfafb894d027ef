"""The audit trail read model, on SQLite and PostgreSQL: every event, in order, no secrets."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hms_core import clock
from hms_core.actions.action import CorrectiveAction
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.directory.user import user_id_for
from hms_core.infra.passwords import digest
from projections.audit.queries import audit_events
from projections.audit.view import AuditTrailView
from tests.conftest import DEMO_HASH, SYSTEM
from tests.helpers import LURA, ROVIK, report_deviation

INJURED = "Kari Skadet Nordmann"
HEALTH = "Brudd i venstre håndledd"
DESCRIPTION = "Beboer slo pleier i ansiktet under stell"
VIEW = AuditTrailView()


def report(app, **extra):
    return report_deviation(
        app,
        SYSTEM,
        title="Slag under stell",
        description=DESCRIPTION,
        category="personskade",
        severity=3,
        **extra,
    )


def stored_text(db) -> str:
    """Everything the audit trail's tables hold, as one text to search."""
    with db.reading() as cur:
        rows = [
            dict(r)
            for table in VIEW.tables
            for r in cur.execute(f"SELECT * FROM {VIEW.live[table]}").fetchall()
        ]
    return "\n".join(str(v) for row in rows for v in row.values())


def test_every_event_in_log_order_with_no_secrets_or_sensitive_details(services):
    app = services.app
    hms = app.principal(user_id_for("hms"))
    token = app.issue_token(SYSTEM, user_id=user_id_for("leder"))
    with clock.frozen_at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        hurt = PersonHarmed(
            kind="employee",
            absence=True,
            absence_days=3,
            name=INJURED,
            health_details=HEALTH,
            health_consent=True,
        )
        case = report(app, person_harmed=hurt)
        app.comment_deviation(SYSTEM, case.id, text="Snakket med Kari om hendelsen")
        app.read_deviation(hms, case.id)
    services.runner.catch_up()

    text = stored_text(services.db)
    for secret in (DEMO_HASH, digest(token), token, INJURED, "Kari", HEALTH, DESCRIPTION):
        assert secret not in text
    assert "Slag under stell" not in text  # no titles either

    page = audit_events(services.db, limit=500)
    positions = [item["position"] for item in page.items]
    assert positions == list(range(1, app.max_position() + 1))
    by_type = {item["type"]: item for item in page.items}
    assert by_type["User.Registered"]["summary"] == "Bruker registrert"
    assert by_type["User.TokenIssued"]["summary"] == "API-nøkkel utstedt"
    assert by_type["Deviation.Reported"]["summary"] == (
        f"Avvik {case.reference} meldt (Personskade, alvorlighet 3)"
    )
    assert by_type["Deviation.Commented"]["summary"] == f"Avvik {case.reference} kommentert"
    read = by_type["PersonalDataRead"]
    assert read["actor"] == str(hms.user_id)
    assert read["record_id"] == str(case.id)
    assert read["summary"] == f"Personopplysninger i avvik {case.reference} lest"


def test_filtering_by_a_case_finds_who_read_it_and_its_receipt(services):
    app = services.app
    leder = app.principal(user_id_for("leder"))
    with clock.frozen_at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        named = report(app, person_harmed=PersonHarmed(kind="employee", name=INJURED))
        anonymous = report(app, anonymous=True)
        app.read_deviation(leder, named.id)
        app.read_deviation(leder, named.id)
        app.acknowledge_deviation(leder, anonymous.id)
    services.runner.catch_up()

    items = audit_events(services.db, aggregate_id=str(named.id)).items
    assert [i["type"] for i in items] == [
        "Deviation.Reported",
        "ReferenceIssued",
        "PersonalDataRead",
        "PersonalDataRead",
    ]
    assert {i["actor"] for i in items[2:]} == {str(leder.user_id)}

    items = audit_events(services.db, aggregate_id=str(anonymous.id)).items
    assert [(i["type"], i["actor"]) for i in items] == [
        ("Deviation.Reported", "anonymous"),
        ("ReferenceIssued", "system"),
        ("Receipt.Issued", "anonymous"),
        ("Deviation.Acknowledged", str(leder.user_id)),
    ]
    assert (
        items[0]["summary"]
        == f"Avvik {anonymous.reference} meldt anonymt (Personskade, alvorlighet 3)"
    )


def test_pages_follow_the_position_and_filters_narrow(services):
    app = services.app
    leder = app.principal(user_id_for("leder"))
    with clock.frozen_at(datetime(2026, 3, 9, 22, 30, tzinfo=UTC)):  # 23:30 in Oslo
        first = report(app)
    with clock.frozen_at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        app.acknowledge_deviation(leder, first.id)
        app.transfer_deviation(leder, first.id, to_unit_id=ROVIK, reason="Rovik sin")
    services.runner.catch_up()

    seen, cursor = [], None
    while True:
        page = audit_events(services.db, limit=7, cursor=cursor)
        seen += [i["position"] for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == list(range(1, app.max_position() + 1))

    mine = audit_events(services.db, actor_id=str(leder.user_id)).items
    assert [i["type"] for i in mine] == ["Deviation.Acknowledged", "Deviation.Transferred"]
    assert mine[1]["summary"] == (
        f"Avvik {first.reference} overført fra Lura sykehjem til Rovik sykehjem"
    )
    on_the_ninth = audit_events(services.db, date_from=date(2026, 3, 9), date_to=date(2026, 3, 9))
    assert [i["type"] for i in on_the_ninth.items] == ["Deviation.Reported", "ReferenceIssued"]
    tenth = audit_events(services.db, date_from=date(2026, 3, 10), date_to=date(2026, 3, 10))
    assert [i["type"] for i in tenth.items] == ["Deviation.Acknowledged", "Deviation.Transferred"]


def test_a_rebuild_gives_the_same_trail(services):
    with clock.frozen_at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        report(services.app, anonymous=True)
    services.runner.catch_up()
    before = audit_events(services.db, limit=500).items
    services.runner.rebuild(["audit"])
    assert audit_events(services.db, limit=500).items == before


def test_actions_are_summarised_and_found_by_their_case(services):
    app = services.app
    with clock.frozen_at(datetime(2026, 3, 10, 9, tzinfo=UTC)):
        case = report(app)
        action = CorrectiveAction.create(
            reference="TLT-2026-000001",
            title="Sklisikre matter ved vaskerommet",
            owner_id=SYSTEM.user_id,
            unit_id=LURA,
            due_date=date(2026, 3, 20),
            deviation_id=case.id,
            actor=SYSTEM.actor,
        )
        action.complete(actor=SYSTEM.actor, what_was_done="Matter lagt ut ved døren")
        app.save(action)
    services.runner.catch_up()
    items = audit_events(services.db, aggregate_id=str(case.id)).items
    assert [i["summary"] for i in items if i["aggregate_kind"] == "CorrectiveAction"] == [
        "Tiltak TLT-2026-000001 opprettet"
    ]
    completed = audit_events(services.db, aggregate_id=str(action.id)).items[-1]
    assert completed["summary"] == "Tiltak TLT-2026-000001 meldt utført"
    assert "Matter" not in stored_text(services.db)
