"""Twenty people acting on one case at the same moment: each act kept or answered 409.

Two web processes (so the race is also between processes, settled by the event store's
optimistic concurrency) and twenty threads at once, on both stores. Nothing may be lost
(every 201 is in the case's history), nothing answered 5xx, and where only one can win
(acknowledging; writing against the same `expected_version`) exactly one does.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from contextlib import closing

import httpx
import pytest

from tests.helpers import report_body
from tests.processes import serve, stop

N = 20


@pytest.fixture
def web(database_url):
    process, base = serve(["--demo", "--workers", "2"], {"HMS_DATABASE_URL": database_url})
    yield base
    output = stop(process)
    assert "Traceback" not in output, output[-3000:]


def signed_in(base: str, username: str) -> httpx.Client:
    """One session with room for N requests at once (sign-ins are rate limited)."""
    limits = httpx.Limits(max_connections=N, max_keepalive_connections=N)
    client = httpx.Client(base_url=base, timeout=30, limits=limits)
    answer = client.post("/api/v1/auth/login", json={"username": username, "password": "demo"})
    assert answer.status_code == 200, answer.text
    return client


def all_at_once(base: str, act: Callable[[httpx.Client, int], httpx.Response]) -> list[int]:
    """`act` from N threads released together, as the leader; their status codes."""
    client = signed_in(base, "leder")
    start = threading.Barrier(N)
    codes: list[int] = [0] * N

    def run(i: int) -> None:
        start.wait()
        codes[i] = act(client, i).status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    client.close()
    return codes


def test_twenty_concurrent_commands_on_one_case_are_each_kept_or_refused(web):
    with closing(signed_in(web, "ansatt")) as reporter:
        case = reporter.post("/api/v1/deviations", json=report_body()).json()["id"]
    path = f"/api/v1/deviations/{case}"

    comments = all_at_once(
        web, lambda c, i: c.post(f"{path}/comments", json={"text": f"Kommentar {i}"})
    )
    assert set(comments) <= {201, 409}, Counter(comments)

    acknowledged = all_at_once(web, lambda c, i: c.post(f"{path}/acknowledge", json={}))
    assert Counter(acknowledged) == {200: 1, 409: N - 1}

    with closing(signed_in(web, "leder")) as leader:
        version = leader.get(path).json()["version"]
    feedback = all_at_once(
        web,
        lambda c, i: c.post(
            f"{path}/feedback", json={"text": f"Svar {i}", "expected_version": version}
        ),
    )
    assert Counter(feedback) == {201: 1, 409: N - 1}

    with closing(signed_in(web, "leder")) as leader:
        history = leader.get(path).json()["history"]
    kinds = Counter(entry["type"] for entry in history)
    assert kinds["Commented"] == comments.count(201)  # none lost, none doubled
    assert kinds["Acknowledged"] == 1
    assert kinds["FeedbackGiven"] == 1
    assert [e["at"] for e in history] == sorted(e["at"] for e in history)
