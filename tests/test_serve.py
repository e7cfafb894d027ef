"""`hms serve` as people run it: the demo in one process, and several web processes."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers import report_body
from tests.processes import serve, stop


@pytest.mark.parametrize("workers", [1, 2])
def test_the_demo_serves_and_a_report_shows_in_the_list(database_url, workers):
    env = {"HMS_DATABASE_URL": database_url}
    process, base = serve(["--demo", "--workers", str(workers)], env)
    try:
        with httpx.Client(base_url=base) as client:
            login = client.post(
                "/api/v1/auth/login", json={"username": "ansatt", "password": "demo"}
            )
            assert login.status_code == 200
            # Several processes share sessions, and each answer waits for the read models.
            for n in range(4):
                created = client.post("/api/v1/deviations", json=report_body(title=f"Sak {n}"))
                assert created.status_code == 201, created.text
                listed = client.get("/api/v1/deviations").json()["items"]
                assert listed[0]["id"] == created.json()["id"]
            assert client.get("/readyz").status_code == 200
            assert client.get("/schema/openapi.json").json()["info"]["title"]
    finally:
        output = stop(process)
    assert "Traceback" not in output, output[-3000:]
