"""`hms audit verify` and `hms audit export`, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import pytest

from api.cli.audit import check_log
from hms_core import clock
from hms_core.deviations.person_harmed import PersonHarmed
from projections.audit.view import COLUMNS
from tests.conftest import SYSTEM
from tests.helpers import as_user, hms, report_deviation


class History:
    def __init__(self, services, named, anonymous) -> None:
        self.services, self.named, self.anonymous = services, named, anonymous
        self.app, self.db = services.app, services.db


@pytest.fixture
def history(services, monkeypatch) -> History:
    """A store with some life in it: named and anonymous reports, handling, a named injury."""
    monkeypatch.setenv("HMS_DATABASE_URL", services.settings.database_url)
    app = services.app
    ansatt, leder = as_user(app, "ansatt"), as_user(app, "leder")
    report = {
        "title": "Glatt gulv",
        "description": "Vått ved inngangen.",
        "occurred_at": clock.now() - timedelta(hours=1),
        "category": "personskade",
    }
    named = report_deviation(
        app,
        ansatt,
        **report,
        person_harmed=PersonHarmed(
            kind="employee", name="Ola Skadesen", health_details="Brudd", health_consent=True
        ),
    )
    anonymous = report_deviation(app, ansatt, **report, anonymous=True)
    app.acknowledge_deviation(leder, named.id)
    app.comment_deviation(leder, named.id, text="Intern merknad om Ola Skadesen.")
    app.read_deviation(leder, named.id)  # a logged read of a named injury
    services.runner.catch_up()
    return History(services, named.id, anonymous.id)


def test_verify_reads_the_whole_log_and_says_it_is_sound(history):
    code, out, err = hms("audit", "verify")
    assert code == 0, err
    head = history.app.max_position()
    assert out.startswith("audit verify: OK, ")
    assert f"{head} events" in out
    assert f"positions up to {head}" in out
    # In small batches the same: nothing depends on reading the log at once.
    small = check_log(history.app, batch_size=3)
    assert (small.ok, small.events, small.last_position) == (True, head, head)
    assert small.records == check_log(history.app).records


def insert_behind_the_application(history: History, version: int, state) -> int:
    """A stored event of the anonymous report (which has one, its report) written
    straight into the table; its position."""
    table = "hms_events" if history.db.dialect == "postgres" else "stored_events"
    with history.db.transaction() as cur:
        first = dict(
            cur.execute(
                f"SELECT originator_id, topic, state FROM {table} WHERE topic = ? "
                "ORDER BY originator_version",
                ("hms_core.deviations.deviation:Deviation.Reported",),
            ).fetchall()[-1]
        )
        cur.execute(
            f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            (first["originator_id"], version, first["topic"], state(bytes(first["state"]))),
        )
    return history.app.max_position()


def _earlier(state: bytes) -> bytes:
    data = json.loads(state)
    moment = datetime.fromisoformat(data["timestamp"].replace("Z", "+00:00"))
    data["timestamp"] = (moment - timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("version", "state", "problem"),
    [
        (3, lambda s: s, "version 3 follows version 1 (skips a version)"),
        (2, _earlier, "before version 1"),
        (2, lambda s: b'{"not": "a report"', "version 2 does not decode"),
    ],
    ids=["a gap in the versions", "time going backwards", "bytes that do not decode"],
)
def test_verify_fails_at_the_first_bad_position(history, version, state, problem):
    bad = insert_behind_the_application(history, version, state)
    # Sound events after it: the first bad position is reported, not the last.
    history.app.comment_deviation(SYSTEM, history.named, text="Skrevet etter feilen.")
    code, out, err = hms("audit", "verify")
    assert code == 1
    assert out == ""
    assert f"FAILED at position {bad}: Deviation.Reported " in err
    assert problem in err
    assert "Glatt gulv" not in err  # names records and types, never their content


def test_export_writes_the_trail_without_names_or_free_text(history):
    code, out, err = hms("audit", "export")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == history.app.max_position()
    assert [line["position"] for line in lines] == list(range(1, len(lines) + 1))
    assert set(lines[0]) == set(COLUMNS)
    assert all(line["at"][-6] in "+-" for line in lines)
    actors = {line["actor"] for line in lines}
    assert {"anonymous", str(as_user(history.app, "leder").user_id)} <= actors
    assert "PersonalDataRead" in {line["type"] for line in lines}
    for secret in (
        "Ola Skadesen",
        "Brudd",
        "Intern merknad",
        "Leif Leder",
        "Glatt gulv",
        "$argon2",
    ):
        assert secret not in out
    assert f"audit export: {len(lines)} events" in err


def test_export_as_csv_and_between_dates(history):
    code, out, _ = hms("audit", "export", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == history.app.max_position()
    today = clock.today()
    assert hms("audit", "export", "--from", str(today + timedelta(days=1)))[1] == ""
    assert hms("audit", "export", "--to", str(today - timedelta(days=1)))[1] == ""
    _, between, _ = hms("audit", "export", "--from", str(today), "--to", str(today))
    assert len(between.splitlines()) == len(rows)
