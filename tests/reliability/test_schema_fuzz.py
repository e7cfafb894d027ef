"""schemathesis against our own OpenAPI document, as each of the five roles.

Every operation gets requests generated from its schema — valid ones and invalid ones
— signed in as an employee, a leader, a verneombud, an HMS officer and an administrator
(bearer tokens). Nothing may answer 5xx, and every answer must match the schema the
document promises. A fixed seed and a bounded number of examples per operation keep it
repeatable and short in `make test`; `make fuzz` runs it with many more
(HMS_FUZZ_EXAMPLES) and on PostgreSQL too (HMS_FUZZ_STORES=sqlite,postgres).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.app import create_app
from api.bootstrap import build
from api.settings import Settings
from demo.directory import demo_directory
from hms_core.access import system_principal
from hms_core.directory.user import user_id_for
from tests.browser.fixtures import serving
from tests.conftest import DEMO_HASH, SYSTEM

ROLES = ("ansatt", "leder", "verneombud", "hms", "admin")
EXAMPLES = int(os.environ.get("HMS_FUZZ_EXAMPLES", "6"))
STORES = os.environ.get("HMS_FUZZ_STORES", "sqlite").split(",")
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(scope="module", params=STORES)
def served(request, tmp_path_factory) -> Iterator[tuple[str, dict[str, str]]]:
    """The product on a free port, with the demo organisation, and a token per role."""
    if request.param == "postgres":
        from tests.conftest import _empty_pg_schema

        url = request.getfixturevalue("pg_url")
        _empty_pg_schema(url)
    else:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('fuzz')) / 'hms.sqlite3'}"
    services = build(Settings(database_url=url, secret_key="fuzz"))
    services.app.import_directory(SYSTEM, demo_directory(DEMO_HASH))
    tokens = {
        role: services.app.issue_token(system_principal("test"), user_id=user_id_for(role))
        for role in ROLES
    }
    services.start()
    with serving(create_app(services, run_worker=False, owns_services=False)) as address:
        yield address, tokens
    services.close()


def fuzz(operation, token: str, mode: GenerationMode) -> list[str]:
    """Run `operation` with generated requests; what went wrong, one line each."""
    found: list[str] = []
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        response = case.call(headers=headers, timeout=30)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            found.extend(
                f"{operation.label} [{mode.value}] → {response.status_code}: {f.title}: "
                f"{f.message.strip()[:300]}"
                for f in group.exceptions
            )

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
        assert mode is GenerationMode.NEGATIVE
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_operation_answers_5xx_or_off_its_schema(served, role):
    base, tokens = served
    schema = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems += fuzz(operation, tokens[role], mode)
    assert not problems, "\n".join(dict.fromkeys(problems))
