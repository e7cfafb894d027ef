"""SIGTERM stops `hms serve` (one process, and a supervisor with two) and `hms worker`
within Docker's 10 s grace: with the database up, and with it cut off while requests and
the read models are waiting on it.

Docker sends SIGTERM, waits 10 s, then kills: a process that takes longer loses what it
was doing and looks like a crash. Nothing may wait on the database without a limit on
the way out: requests still running, the projection thread, the connection pool.
"""

from __future__ import annotations

import contextlib
import threading

import httpx
import pytest

from tests.helpers import report_body
from tests.reliability.outage import (
    SERVER,
    Child,
    env_for,
    own_postgres_database,
    postgres_url,
    seed,
    signed_in,
    wait_until,
)
from tests.reliability.tcp_proxy import TcpProxy

GRACE_SECONDS = 10.0  # Docker's
COMMANDS = {
    "serve": ["serve"],
    "serve --workers 2": ["serve", "--workers", "2", "--no-worker"],
    "worker": ["worker"],
}


def keep_posting(client: httpx.Client, stop: threading.Event) -> None:
    """Reports one after another (each waits on the database) until told to stop or the
    server goes away."""
    with contextlib.closing(client):
        while not stop.is_set():
            try:
                client.post("/api/v1/deviations", json=report_body())
            except httpx.TransportError:
                return


@pytest.mark.parametrize("command", list(COMMANDS))
def test_sigterm_stops_it_within_the_grace_with_the_database_up(database_url, command):
    seed(database_url)
    child = Child.start(COMMANDS[command], env_for(database_url))
    seconds = child.seconds_to_stop(GRACE_SECONDS)
    assert seconds < GRACE_SECONDS, child.output[-3000:]
    assert "Traceback" not in child.output, child.output[-3000:]


@pytest.mark.postgres
@pytest.mark.parametrize("command", list(COMMANDS))
def test_sigterm_stops_it_within_the_grace_with_the_database_cut_off(command):
    with own_postgres_database() as name, TcpProxy(*SERVER) as proxy:
        seed(postgres_url(name))
        child = Child.start(COMMANDS[command], env_for(postgres_url(name, proxy.port)))
        stop_posting = threading.Event()
        posters = []
        try:
            clients = [signed_in(child.base) for _ in range(3)] if child.base else []
            proxy.cut("stall")
            # Requests waiting on the database when the signal comes.
            posters = [
                threading.Thread(target=keep_posting, args=(client, stop_posting))
                for client in clients
            ]
            for poster in posters:
                poster.start()
            # Something in the process is waiting on the database: a connection it
            # opened since the cut hangs in the proxy.
            wait_until(lambda: proxy.open_connections > 0, 30, "a wait on the database")
            seconds = child.seconds_to_stop(GRACE_SECONDS)
        finally:
            stop_posting.set()
            for poster in posters:
                poster.join(timeout=15)
            if child.process.poll() is None:
                child.process.kill()
        assert seconds < GRACE_SECONDS, child.output[-3000:]
        assert "Traceback" not in child.output, child.output[-3000:]
