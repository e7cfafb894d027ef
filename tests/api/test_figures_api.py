"""Statistics, HR figures and the audit trail through the JSON API and the `hms` command."""

from __future__ import annotations

import contextlib
import io
from itertools import combinations
from pathlib import Path

import pytest

from api import cli
from api.cli.data import CSVFormatError, read_hr_csv
from tests.helpers import HELSE, LURA, ROVIK, SKOLE, report_body

SAMPLE = Path(__file__).parent.parent / "data" / "hr_sample.csv"
DEVIATIONS = "/api/v1/statistics/deviations"


def hms(*argv: str) -> tuple[int, str, str]:
    """Run an `hms` command in this process: its exit code, output and errors.

    Not through `main` (it sets up logging) nor pytest's capsys: a log handler made
    while capsys holds stderr would outlive it.
    """
    out, err = io.StringIO(), io.StringIO()
    args = cli.parser().parse_args(argv)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = args.run(args)
    return code, out.getvalue(), err.getvalue()


def report_in(client, *units, **overrides):
    for unit in units:
        response = client.post(
            "/api/v1/deviations", json=report_body(unit_id=str(unit), **overrides)
        )
        assert response.status_code == 201, response.text


@pytest.fixture
def hr_imported(services, monkeypatch):
    """The sample file imported with `hms hr import`, and the read models caught up."""
    monkeypatch.setenv("HMS_DATABASE_URL", services.settings.database_url)
    code, out, _ = hms("hr", "import", str(SAMPLE))
    assert code == 0
    services.runner.catch_up()
    return out


def test_who_may_see_which_figures(client_for):
    ansatt = client_for("ansatt")
    report_in(ansatt, LURA, LURA, ROVIK, SKOLE)
    for username in ("ansatt", "admin"):
        assert client_for(username).get(DEVIATIONS).status_code == 403, username

    def units(username: str) -> dict[str, int]:
        body = client_for(username).get(DEVIATIONS, params={"group_by": "unit"}).json()
        return {row["unit_name"]: row["reported"] for row in body["rows"]}

    assert units("leder") == {"Lura sykehjem": 2}
    assert units("verneombud") == {"Lura sykehjem": 2, "Rovik sykehjem": 1}
    assert units("hms") == {"Helse og velferd": 3, "Oppvekst": 1}
    leder = client_for("leder").get(DEVIATIONS, params={"unit_id": str(ROVIK)}).json()
    assert leder["totals"]["reported"] == 0


def test_sums_agree_across_groupings(client_for):
    ansatt, hms = client_for("ansatt"), client_for("hms")
    report_in(ansatt, LURA, ROVIK, SKOLE, HELSE)
    report_in(ansatt, LURA, category="personskade", severity=4)
    groupings = [
        ",".join(c)
        for n in range(1, 4)
        for c in combinations(("unit", "category", "month", "severity"), n)
    ]
    total = hms.get(DEVIATIONS).json()["totals"]
    assert total["reported"] == 5
    for group_by in groupings:
        body = hms.get(DEVIATIONS, params={"group_by": group_by}).json()
        assert body["group_by"] == group_by.split(",")
        assert body["totals"] == total
        for column in ("reported", "open", "closed"):
            assert sum(row[column] for row in body["rows"]) == total[column], (group_by, column)
    rows = hms.get(DEVIATIONS, params={"group_by": "category,severity"}).json()["rows"]
    assert {"category", "severity"} <= set(rows[0])
    assert "unit_id" not in rows[0]


def test_a_unit_and_its_subtree(client_for):
    report_in(client_for("ansatt"), LURA, ROVIK, HELSE)
    hms = client_for("hms")
    params = {"unit_id": str(HELSE), "group_by": "unit"}
    rows = hms.get(DEVIATIONS, params=params).json()["rows"]
    assert [(r["unit_name"], r["reported"], r["subunits"]) for r in rows] == [
        ("Helse og velferd", 1, False),
        ("Lura sykehjem", 1, False),
        ("Rovik sykehjem", 1, False),
    ]
    assert rows[1]["per_100_fte"] == round(100 / 86.5, 2)
    own = hms.get(DEVIATIONS, params={"unit_id": str(HELSE), "include_subunits": "false"})
    assert own.json()["totals"]["reported"] == 1


def test_bad_grouping_is_named(client_for):
    response = client_for("hms").get(DEVIATIONS, params={"group_by": "unit,colour"})
    assert response.status_code == 400
    assert response.json()["extra"][0]["key"] == "group_by"
    actions = client_for("hms").get("/api/v1/statistics/actions", params={"group_by": "category"})
    assert actions.status_code == 400


def test_hr_import_from_the_command_line_and_figures_by_scope(hr_imported, client_for, services):
    assert "6 linjer lest; 6 nye, 0 erstattet, 0 uendret" in hr_imported
    hms = client_for("hms").get("/api/v1/statistics/hr", params={"from": "2026-01-01"}).json()
    assert {(r["unit_name"], r["period"]) for r in hms["rows"]} == {
        ("Lura sykehjem", "2026-01"),
        ("Lura sykehjem", "2026-02"),
        ("Rovik sykehjem", "2026-01"),
        ("Rovik sykehjem", "2026-02"),
        ("Buggeland skole", "2026-01"),
    }
    lura = client_for("leder").get("/api/v1/statistics/hr").json()
    assert [(r["period"], r["sick_leave_percent"], r["hours_worked"]) for r in lura["rows"]] == [
        ("2026-01", 8.4, 12450.5),
        ("2026-02", 7.9, 11980.0),
    ]
    assert lura["totals"]["weighted_by"] == "hours_worked"
    assert client_for("ansatt").get("/api/v1/statistics/hr").status_code == 403


def test_importing_again_replaces_instead_of_doubling(hr_imported, services, tmp_path):
    assert hms("hr", "import", str(SAMPLE))[:2] == (
        0,
        "HR-tall: 6 linjer lest; 0 nye, 0 erstattet, 6 uendret\n",
    )
    changed = tmp_path / "changed.csv"
    changed.write_text(
        'unit,period,sick_leave_percent,turnover_percent\nlura-sykehjem,2026-01,"9,5",1\n'
    )
    code, out, _ = hms("hr", "import", str(changed))
    assert code == 0
    assert "0 nye, 1 erstattet, 0 uendret" in out
    assert services.app.hr_figures(LURA, "2026-01").sick_leave_percent == 9.5


def test_a_bad_file_names_every_bad_line_and_writes_nothing(services, monkeypatch, tmp_path):
    monkeypatch.setenv("HMS_DATABASE_URL", services.settings.database_url)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "enhet;periode;sykefravær;turnover\n"
        "lura-sykehjem;2026-01;8,4;1,2\n"
        "ukjent;2026-01;8,4;1,2\n"
        "rovik-sykehjem;2026-1;mye;200\n",
        encoding="utf-8",
    )
    before = services.app.max_position()
    code, _, errors = hms("hr", "import", str(bad))
    assert code == 1
    assert "linje 3, unit: Fant ingen enhet «ukjent»." in errors
    assert "linje 4, period:" in errors
    assert "linje 4, sick_leave_percent: «mye» er ikke et tall." in errors
    assert "linje 4, turnover_percent: Må være mellom 0 og 100." in errors
    assert "4 feil; ingenting er lagret." in errors
    assert services.app.max_position() == before
    assert services.app.hr_figures(LURA, "2026-01") is None


def test_the_csv_reader(tmp_path):
    lines = read_hr_csv(SAMPLE)
    assert [(line.line, line.unit, line.period) for line in lines][:2] == [
        (2, "lura-sykehjem", "2026-01"),
        (3, "lura-sykehjem", "2026-02"),
    ]
    assert lines[0].sick_leave_percent == "8,4"
    assert lines[0].hours_worked == "12 450,5"
    no_header = tmp_path / "x.csv"
    no_header.write_text("lura-sykehjem;2026-01;8,4;1,2\n")
    with pytest.raises(CSVFormatError):
        read_hr_csv(no_header)


def test_the_audit_trail_is_for_hms_officers(client_for):
    ansatt, hms = client_for("ansatt"), client_for("hms")
    case = ansatt.post("/api/v1/deviations", json=report_body()).json()
    for username in ("ansatt", "leder", "verneombud", "admin"):
        assert client_for(username).get("/api/v1/audit/events").status_code == 403, username

    page = hms.get("/api/v1/audit/events", params={"limit": 10}).json()
    positions = [item["position"] for item in page["items"]]
    assert positions == sorted(positions)
    assert len(positions) == 10
    following = hms.get("/api/v1/audit/events", params={"cursor": page["next_cursor"]}).json()
    assert following["items"][0]["position"] == positions[-1] + 1

    trail = hms.get("/api/v1/audit/events", params={"aggregate_id": case["id"]}).json()["items"]
    reported = trail[0]
    assert reported["type"] == "Deviation.Reported"
    assert reported["actor_name"] == "Ada Ansatt"
    assert reported["summary"].startswith(f"Avvik {case['reference']} meldt")
    assert reported["at"][-6] in "+-"
    assert hms.get("/api/v1/audit/events", params={"cursor": "abc"}).status_code == 400
