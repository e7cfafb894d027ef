"""The `hms` command line: org import, API tokens, projections."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.bootstrap import build
from api.cli import main
from api.settings import Settings
from hms_core.directory.organisation import unit_id_for

DATA = Path(__file__).parent / "data"


@pytest.fixture
def cli_env(database_url, monkeypatch):
    monkeypatch.setenv("HMS_DATABASE_URL", database_url)
    return Settings(database_url=database_url, secret_key="x")


def test_org_import_reads_units_and_users_and_can_be_repeated(cli_env, capsys):
    assert main(["org", "import", str(DATA / "org.yaml")]) == 0
    assert "units: 4 added" in capsys.readouterr().out
    assert main(["org", "import", str(DATA / "org.yaml")]) == 0
    assert "units: 0 added, 0 changed; users: 0 added, 0 changed" in capsys.readouterr().out
    services = build(cli_env)
    try:
        org = services.app.organisation()
        assert org.unit(unit_id_for("bygda-sykehjem")).fte == 40.5
        assert org.subtree(unit_id_for("helse")) == {
            unit_id_for("helse"),
            unit_id_for("bygda-sykehjem"),
            unit_id_for("heimetenesta"),
        }
        kari = services.app.authenticate("kari", "hemmelig-passord")
        assert kari.led_units == {unit_id_for("bygda-sykehjem")}
        per = services.app.principal(services.app.find_user("per").id)
        assert unit_id_for("heimetenesta") in per.vo_units
    finally:
        services.close()


def test_org_import_refuses_a_document_with_unknown_units(cli_env, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "users:\n  - {username: x, name: X, email: x@x.no, unit: nowhere}\n", encoding="utf-8"
    )
    assert main(["org", "import", str(bad)]) == 1
    assert "nowhere" in capsys.readouterr().err


def test_tokens_create_prints_a_token_that_signs_in(cli_env, capsys):
    main(["org", "import", str(DATA / "org.yaml")])
    capsys.readouterr()
    assert main(["tokens", "create", "kari"]) == 0
    token = capsys.readouterr().out.strip()
    services = build(cli_env)
    try:
        assert services.app.principal_for_token(token).username == "kari"
    finally:
        services.close()
    assert main(["tokens", "create", "nobody"]) == 1


def test_projections_status_and_rebuild(cli_env, capsys):
    main(["org", "import", str(DATA / "org.yaml")])
    assert main(["projections", "rebuild"]) == 0
    out = capsys.readouterr().out
    assert "deviations: rebuilt up to position" in out
    assert main(["projections", "status"]) == 0
    status = capsys.readouterr().out
    assert "users" in status
    assert main(["projections", "rebuild", "nonsense"]) == 2
