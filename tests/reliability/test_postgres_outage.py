"""PostgreSQL taken away from a running web process and worker: fast 503s, nothing lost,
and both carry on by themselves when it is back.

The processes reach the database through a TCP proxy on loopback (tcp_proxy.py) that
the test cuts and restores; the shared server is never stopped. A cut closes every
open connection and leaves new ones hanging (a network that swallows packets: only the
product's own timeouts end a wait). Then the database is dropped under a running
server: the same fast 503s, and SIGTERM still stops it.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.helpers import report_body
from tests.processes import hms_process, serve, stop
from tests.reliability.outage import (
    SERVER,
    drop_database,
    env_for,
    expect,
    own_postgres_database,
    postgres_url,
    seed,
    signed_in,
    status_or_none,
    timed,
    wait_until,
)
from tests.reliability.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

OUTAGE_ANSWER_SECONDS = 3.0
READY_ANSWER_SECONDS = 2.0


def listed_ids(client) -> list[str]:
    return [d["id"] for d in client.get("/api/v1/deviations").json()["items"]]


def events_of(name: str, deviation_id: str) -> int:
    """Events of one deviation in the log, counted in PostgreSQL itself."""
    with psycopg.connect(postgres_url(name)) as conn:
        return conn.execute(
            "SELECT count(*) FROM hms_events WHERE originator_id = %s",
            (uuid.UUID(deviation_id),),
        ).fetchone()[0]


def assert_unavailable_answers(client) -> None:
    """During an outage, all at once: 503 fast on the API (JSON, a write and a read) and
    on a page (HTML), /readyz 503 within its 2 s, /healthz 200 at once."""
    calls = {
        "write": (client.post, "/api/v1/deviations", {"json": report_body(title="Under")}),
        "read": (client.get, "/api/v1/deviations", {}),
        "page": (client.get, "/", {}),
        "health": (client.get, "/healthz", {}),
        "ready": (client.get, "/readyz", {}),
    }
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = {k: pool.submit(timed, call, path, **kw) for k, (call, path, kw) in calls.items()}
        answers = {k: f.result() for k, f in futures.items()}

    created, seconds = answers["write"]
    body = expect(created, 503).json()
    assert seconds < OUTAGE_ANSWER_SECONDS, seconds
    assert body["status_code"] == 503
    assert isinstance(body["extra"], dict)
    assert "lagret" in body["detail"]  # it does not claim the report was or was not kept
    assert created.headers["retry-after"]

    listed, seconds = answers["read"]
    assert expect(listed, 503).json()["status_code"] == 503
    assert seconds < OUTAGE_ANSWER_SECONDS, seconds

    page, seconds = answers["page"]
    expect(page, 503)
    assert seconds < OUTAGE_ANSWER_SECONDS, seconds
    assert page.headers["content-type"].startswith("text/html")
    assert "Databasen svarer ikke" in page.text

    health, seconds = answers["health"]
    expect(health, 200)
    assert seconds < 1.0, seconds

    ready, seconds = answers["ready"]
    assert expect(ready, 503).json()["status"] == "unavailable"
    assert seconds < READY_ANSWER_SECONDS, seconds


class Poster:
    """Reports one after another in a thread of its own, across the cut: each answer is
    a 201 (then the report must be in the log) or a 503, whatever moment it was cut at."""

    def __init__(self, base: str) -> None:
        self.client = signed_in(base)
        self.answers: list[tuple[int, str | None]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Poster:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            response, _ = timed(self.client.post, "/api/v1/deviations", json=report_body())
            if response is None:
                self.answers.append((0, None))  # hung past the client's timeout
                continue
            made = response.json().get("id") if response.status_code == 201 else None
            self.answers.append((response.status_code, made))

    @property
    def created(self) -> list[str]:
        return [made for status, made in self.answers if status == 201]


def test_a_cut_gives_fast_503s_keeps_every_201_and_both_processes_recover():
    with own_postgres_database() as name, TcpProxy(*SERVER) as proxy:
        seed(postgres_url(name))
        env = env_for(postgres_url(name, proxy.port))
        worker = hms_process(["worker"], env)
        web, base = serve(["--no-worker"], env)
        created: list[str] = []
        try:
            with contextlib.closing(signed_in(base)) as client:
                wait_until(lambda: status_or_none(client, "/readyz") == 200, 30, "ready")
                for n in range(3):
                    response = client.post("/api/v1/deviations", json=report_body(title=f"{n}"))
                    assert response.status_code == 201, response.text
                    created.append(response.json()["id"])
                assert listed_ids(client)[0] == created[-1]

                with Poster(base) as poster:
                    wait_until(lambda: len(poster.created) >= 2, 30, "reports before the cut")
                    proxy.cut("stall")  # somewhere in the middle of a report
                    assert_unavailable_answers(client)
                    proxy.restore()
                    wait_until(lambda: poster.answers[-1][0] == 201, 30, "reports again")
                assert {status for status, _ in poster.answers} <= {201, 503}  # no 500, no hang
                created += poster.created

                def report_again():
                    response = client.post("/api/v1/deviations", json=report_body())
                    return response.json()["id"] if response.status_code == 201 else None

                created.append(wait_until(report_again, 30, "the web writes again"))
                # The worker projects again by itself: the new report shows in the list.
                wait_until(lambda: created[-1] in listed_ids(client), 30, "the worker projects")
                assert set(created) <= set(listed_ids(client))
                assert wait_until(lambda: status_or_none(client, "/readyz") == 200, 30, "ready")
        finally:
            outputs = [stop(web, signal.SIGTERM, 10), stop(worker, signal.SIGTERM, 10)]
        for deviation_id in created:  # every 201 is in the log
            assert events_of(name, deviation_id) >= 1, deviation_id
        for output in outputs:
            assert "Traceback" not in output, output[-3000:]


def test_the_database_dropped_under_a_running_server_gives_503s_and_sigterm_stops_it():
    with own_postgres_database() as name:
        seed(postgres_url(name))
        web, base = serve([], env_for(postgres_url(name)))  # projections in-process too
        try:
            with contextlib.closing(signed_in(base)) as client:
                response = client.post("/api/v1/deviations", json=report_body())
                assert response.status_code == 201, response.text
                drop_database(name)
                assert_unavailable_answers(client)
        finally:
            web.send_signal(signal.SIGTERM)
            started = time.monotonic()
            try:
                output = web.communicate(timeout=10)[0].decode()
            except subprocess.TimeoutExpired:
                output = stop(web, signal.SIGKILL)
                pytest.fail(f"still running 10 s after SIGTERM:\n{output[-3000:]}")
        assert time.monotonic() - started < 10
        assert "Traceback" not in output, output[-3000:]
