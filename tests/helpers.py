"""Small helpers the tests share."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from litestar.testing import TestClient

from hms_core import clock
from hms_core.directory.organisation import unit_id_for

LURA = unit_id_for("lura-sykehjem")
ROVIK = unit_id_for("rovik-sykehjem")
HJEMME = unit_id_for("hjemmetjenesten")
HELSE = unit_id_for("helse-og-velferd")
SKOLE = unit_id_for("buggeland-skole")
IT = unit_id_for("it")


def report_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Fall i korridoren",
        "description": "Beboer skled på vått gulv ved vaskerommet.",
        "occurred_at": (clock.now() - timedelta(hours=2)).isoformat(),
        "unit_id": str(LURA),
        "category": "nestenulykke",
        "severity": 2,
    }
    body.update(overrides)
    return body


def frozen_clock(moment: datetime) -> Callable[[], Iterator[None]]:
    """An autouse fixture holding the clock at `moment` for each test of the module that
    binds it (as `_frozen = frozen_clock(NOW)`)."""

    @pytest.fixture(autouse=True)
    def _frozen() -> Iterator[None]:
        with clock.frozen_at(moment):
            yield

    return _frozen


def applied(aggregate: Any, *steps: Callable[[Any], Any]) -> Any:
    """`aggregate` with these steps applied, its events already saved (collected): what a
    domain test is `given` before it acts."""
    for step in steps:
        step(aggregate)
    aggregate.collect_events()
    return aggregate


def then(aggregate: Any) -> list[tuple[str, dict]]:
    """What `aggregate` recorded since it was last saved: each event's type and data
    (its time left out, the clock being frozen or not)."""
    return [
        (type(e).__name__, {k: v for k, v in vars(e).items() if k != "timestamp"})
        for e in aggregate.collect_events()
    ]


def report_deviation(app: Any, who: Any, **overrides: Any) -> Any:
    """A deviation reported through the use case (its receipt): a near miss at Lura an
    hour ago, unless `overrides` say otherwise."""
    fields = {
        "title": "Fall i korridoren",
        "description": "Glatt gulv ved vaskerommet.",
        "occurred_at": clock.now() - timedelta(hours=1),
        "unit_id": LURA,
        "category": "nestenulykke",
        "severity": 2,
    }
    fields.update(overrides)
    return app.report_deviation(who, **fields)


def login(client: TestClient, username: str, password: str = "demo") -> dict[str, Any]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


# --- corrective actions --------------------------------------------------------------


def as_user(app: Any, username: str) -> Any:
    """The demo user as a Principal, for calling use cases directly."""
    from hms_core.directory.user import user_id_for

    return app.principal(user_id_for(username))


def action_body(owner_id: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "Sklisikre matter ved vaskerommet",
        "description": "Kjøp inn og legg ut matter.",
        "owner_id": str(owner_id),
        "unit_id": str(LURA),
        "due_date": (clock.today() + timedelta(days=14)).isoformat(),
    }
    body.update(overrides)
    return body


def add_user(
    app: Any,
    username: str,
    *,
    unit_id: Any = LURA,
    roles: tuple[str, ...] = ("employee",),
    leads: tuple[Any, ...] = (),
    covers: tuple[Any, ...] = (),
) -> Any:
    """One more person in the demo organisation (password `demo`); returns their user id."""
    from hms_core.access import system_principal

    return app.register_user(
        system_principal("test"),
        username=username,
        name=username.title(),
        email=f"{username}@sandnes.example",
        password="demo",
        home_unit_id=unit_id,
        roles=roles,
        leads=leads,
        safety_rep_for=covers,
    )


def hms(*argv: str) -> tuple[int, str, str]:
    """Run an `hms` command in this process (not through `main`, which sets up logging):
    its exit code, output and errors."""
    from api import cli

    out, err = io.StringIO(), io.StringIO()
    args = cli.parser().parse_args(argv)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = args.run(args)
    return code, out.getvalue(), err.getvalue()


# --- read models ----------------------------------------------------------------------


def live_tables(db) -> list[str]:
    """The read models' live tables (rm_…), full-text index tables left out."""
    with db.reading() as cur:
        if db.dialect == "sqlite":
            found = cur.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' "
                "ESCAPE '\\' AND name NOT LIKE '%fts\\_%' ESCAPE '\\'"
            ).fetchall()
            return sorted(r[0] for r in found)
        found = cur.execute(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename LIKE 'rm\\_%'"
        ).fetchall()
        return sorted(r["tablename"] for r in found)


def dump(db) -> dict[str, list]:
    """Every row of every read model, in an order that does not depend on how it was written."""
    result = {}
    for table in live_tables(db):
        with db.reading() as cur:
            data = cur.execute(f"SELECT * FROM {table}").fetchall()
        result[table] = sorted((tuple(dict(r).items()) for r in data), key=lambda row: repr(row))
    return result
