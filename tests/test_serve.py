"""`hms serve` as people run it: the demo in one process, and several web processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.helpers import report_body


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(args: list[str], env: dict[str, str]):
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port), *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:  # waiting for the port to open, not for an outcome
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(process.communicate()[0].decode()[-3000:])
        time.sleep(0.1)


def _stop(process) -> str:
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=30)[0].decode()
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0].decode()


@pytest.mark.parametrize("workers", [1, 2])
def test_the_demo_serves_and_a_report_shows_in_the_list(database_url, workers):
    env = {"HMS_DATABASE_URL": database_url}
    process, base = _serve(["--demo", "--workers", str(workers)], env)
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
        output = _stop(process)
    assert "Traceback" not in output, output[-3000:]
