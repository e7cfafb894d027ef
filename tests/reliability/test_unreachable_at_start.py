"""Started against a database it cannot reach, a command says where and why in one line
and exits non-zero: no traceback, no password, and no waiting for minutes.

A database container often starts a few seconds after the app, so the product tries
again for a short while (HMS_DATABASE_WAIT seconds) before giving up; a database that
answers "no" (an unknown name) is not worth waiting for.
"""

from __future__ import annotations

import subprocess
import time

import httpx
import pytest

from tests.processes import free_port, hms_process, stop
from tests.reliability.outage import (
    SECRET,
    SERVER,
    Child,
    own_postgres_database,
    postgres_url,
    seed,
    status_or_none,
    wait_until,
)
from tests.reliability.tcp_proxy import TcpProxy

PASSWORD = "hemmelig-passord"


def run(argv: list[str], database_url: str, wait: float) -> tuple[int, str, float]:
    """Exit code, output and seconds of an `hms` command that should give up."""
    started = time.monotonic()
    env = {"HMS_DATABASE_URL": database_url, "HMS_SECRET_KEY": SECRET}
    process = hms_process(argv, {**env, "HMS_DATABASE_WAIT": str(wait)})
    try:
        output = process.communicate(timeout=wait + 20)[0].decode()
    except subprocess.TimeoutExpired:
        output = stop(process)
        pytest.fail(f"still running {wait + 20} s later:\n{output[-3000:]}")
    return process.returncode, output, time.monotonic() - started


@pytest.mark.parametrize("argv", [["serve"], ["worker"], ["projections", "status"]], ids=" ".join)
def test_nothing_listening_gives_one_clear_line_after_a_short_wait(argv):
    port = free_port()  # bound and released: nothing listens there
    url = f"postgresql://hms:{PASSWORD}@127.0.0.1:{port}/hms"
    code, output, seconds = run(argv, url, wait=1)
    assert code != 0, output
    last = output.strip().splitlines()[-1]
    assert last == (
        f"error: cannot reach the database hms@127.0.0.1:{port}/hms: "
        "Connection refused (tried for 1 s)"
    ), output
    assert PASSWORD not in output
    assert "Traceback" not in output, output
    assert seconds < 10


@pytest.mark.postgres
def test_an_unknown_database_is_not_waited_for():
    url = f"postgresql://postgres@{SERVER[0]}:{SERVER[1]}/hms_no_such_database"
    code, output, seconds = run(["serve"], url, wait=30)
    assert code != 0, output
    assert output.strip().splitlines()[-1] == (
        f"error: cannot reach the database postgres@{SERVER[0]}:{SERVER[1]}"
        '/hms_no_such_database: database "hms_no_such_database" does not exist'
    ), output
    assert "Traceback" not in output, output
    assert seconds < 10  # the 30 s wait is for a database that may yet come


@pytest.mark.postgres
def test_a_database_that_comes_up_during_the_wait_is_used():
    with own_postgres_database() as name, TcpProxy(*SERVER) as proxy:
        seed(postgres_url(name))
        proxy.cut("refuse")  # the database's container is not up yet
        port = free_port()
        env = {
            "HMS_DATABASE_URL": postgres_url(name, proxy.port),
            "HMS_SECRET_KEY": SECRET,
            "HMS_DATABASE_WAIT": "30",
        }
        web = Child(hms_process(["serve", "--port", str(port)], env))
        try:
            web.wait_for_output("trying again for 30 s")
            proxy.restore()
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=2) as client:
                wait_until(lambda: status_or_none(client, "/readyz") == 200, 20, "serving")
        finally:
            seconds = web.seconds_to_stop(10)
        assert seconds < 10
        assert "Traceback" not in web.output, web.output[-3000:]
