"""What the outage tests share: a PostgreSQL database of their own, a seeded store,
`hms` processes whose output is watched, and requests timed against a deadline.

The outage tests cut, lock or drop their database, so they never use the session's
shared one (tests/conftest.py): each gets a fresh database, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import psycopg

from api.bootstrap import build
from api.settings import Settings
from tests.conftest import PG_ADMIN_URL, new_pg_database
from tests.processes import hms_process, serve

SECRET = "reliability-test-secret"
SERVER = ("127.0.0.1", 5432)


@contextlib.contextmanager
def own_postgres_database() -> Iterator[str]:
    """A database created for one test (its name), dropped afterwards."""
    name = new_pg_database("hms_outage")
    try:
        yield name
    finally:
        drop_database(name)


def drop_database(name: str) -> None:
    """End every connection to the database and drop it (the server stays up)."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_url(name: str, port: int = SERVER[1]) -> str:
    return f"postgresql://postgres@127.0.0.1:{port}/{name}"


def seed(database_url: str) -> None:
    """The demo organisation and users, written straight to the store."""
    build(Settings(database_url=database_url, secret_key=SECRET), seed_demo=True).close()


def env_for(database_url: str) -> dict[str, str]:
    return {"HMS_DATABASE_URL": database_url, "HMS_SECRET_KEY": SECRET}


def timed(call, *args, **kwargs) -> tuple[httpx.Response | None, float]:
    """The response (None if it did not come within the client's timeout) and how long
    it took."""
    started = time.monotonic()
    try:
        response = call(*args, **kwargs)
    except httpx.TimeoutException:
        response = None
    return response, time.monotonic() - started


def expect(response: httpx.Response | None, status: int) -> httpx.Response:
    """The response, once it is known to have come and to have this status."""
    assert response is not None, "no answer within the client's timeout"
    assert response.status_code == status, response.text[:2000]
    return response


def wait_until(condition, timeout: float, what: str):
    """Poll `condition` until it returns something true (returned), or fail."""
    deadline = time.monotonic() + timeout
    while True:  # polling for a condition, with a deadline
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)


def signed_in(base: str, username: str = "ansatt", timeout: float = 10) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=timeout)
    login = client.post("/api/v1/auth/login", json={"username": username, "password": "demo"})
    assert login.status_code == 200, login.text
    return client


def status_or_none(client: httpx.Client, path: str) -> int | None:
    """The status of a GET, None if nothing answered (for polling)."""
    try:
        return client.get(path).status_code
    except httpx.TransportError:
        return None


class Child:
    """An `hms` process whose output is read as it comes (to wait for a line)."""

    def __init__(self, process: subprocess.Popen, base: str | None = None) -> None:
        self.process, self.base = process, base
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    @classmethod
    def start(cls, argv: list[str], env: dict[str, str]) -> Child:
        if argv[0] == "serve":
            process, base = serve(argv[1:], env)
            return cls(process, base)
        child = cls(hms_process(argv, env))
        child.wait_for_output("worker running")
        return child

    def _read(self) -> None:
        with contextlib.suppress(ValueError, OSError):  # closed when the process was killed
            for line in self.process.stdout:
                self.lines.append(line.decode(errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_output(self, text: str, timeout: float = 30) -> None:
        wait_until(lambda: text in self.output or self.process.poll() is not None, timeout, text)
        assert self.process.poll() is None, self.output[-3000:]

    def seconds_to_stop(self, grace: float) -> float:
        """SIGTERM; how long the process took to exit (killed a while after the grace)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=grace + 5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        seconds = time.monotonic() - started
        self._reader.join(timeout=5)
        return seconds
