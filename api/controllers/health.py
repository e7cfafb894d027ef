"""Liveness and readiness.

`/healthz` says only that the process answers: no database, so a probe never restarts a
web process for an outage a restart cannot fix. `/readyz` answers within
`READY_DEADLINE_SECONDS` whatever the state: its checks run in a thread of their own,
one at a time per process (probes arriving meanwhile share it), and a check that has
not finished by the deadline means the database does not answer in time. A read model
stopped by an event it cannot fold is reported ("degraded") but does not make the
process unready: one bad event must not take every web process out of the load balancer.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from concurrent.futures import Future

import msgspec
from litestar import Response, get

from adapters.outages import is_unavailable
from api.dependencies import Svc
from projections.runner.runner import ProjectionRunner
from projections.runner.status import Status

READY_LAG_SECONDS = 5.0
READY_DEADLINE_SECONDS = 1.5
RETRY_AFTER_SECONDS = 5
log = logging.getLogger("hms.api")

_checks: weakref.WeakKeyDictionary[ProjectionRunner, Future[list[Status]]] = (
    weakref.WeakKeyDictionary()
)
_checks_lock = threading.Lock()


@get("/healthz", sync_to_thread=False, tags=["operations"], summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", tags=["operations"], summary="Store answers, read models current")
async def readyz(svc: Svc) -> Response[dict]:
    """200 when the store answers and every live read model is within 5 s of the log
    ("ok", or "degraded" naming read models stopped by a failure); 503 "lagging" naming
    those behind, or "unavailable" when the database does not answer in time."""
    try:
        statuses = await _statuses(svc.runner)
    except TimeoutError:
        return _unavailable("timeout")
    except Exception as e:
        if not is_unavailable(e):
            log.error("readiness check failed: %s", type(e).__name__)
        return _unavailable(type(e).__name__)
    return _ready(statuses)


async def _statuses(runner: ProjectionRunner) -> list[Status]:
    """What the check under way finds, or TimeoutError at the deadline (the check goes on)."""
    check = asyncio.wrap_future(_check(runner))
    return await asyncio.wait_for(asyncio.shield(check), READY_DEADLINE_SECONDS)


def _ready(statuses: list[Status]) -> Response[dict]:
    failing = [msgspec.structs.asdict(s.failure) for s in statuses if s.failure is not None]
    lagging = [
        {"name": s.name, "lag_events": s.lag_events, "lag_seconds": round(s.lag_seconds, 3)}
        for s in statuses
        if s.failure is None and s.lag_seconds > READY_LAG_SECONDS
    ]
    status = "lagging" if lagging else "degraded" if failing else "ok"
    body = {"status": status, "lagging": lagging, "failing": failing}
    return Response(body, status_code=503 if lagging else 200)


def _unavailable(reason: str) -> Response[dict]:
    body = {"status": "unavailable", "store": reason, "lagging": [], "failing": []}
    return Response(body, status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def _check(runner: ProjectionRunner) -> Future[list[Status]]:
    """The check under way for this runner, or a new one in a thread of its own (a
    daemon: one stuck on a dead connection holds up neither requests nor the exit)."""
    with _checks_lock:
        running = _checks.get(runner)
        if running is not None and not running.done():
            return running
        future: Future[list[Status]] = Future()
        future.set_running_or_notify_cancel()
        _checks[runner] = future
    threading.Thread(
        target=_run_check, args=(runner, future), name="hms-readyz", daemon=True
    ).start()
    return future


def _run_check(runner: ProjectionRunner, future: Future[list[Status]]) -> None:
    try:
        future.set_result(runner.status())
    except BaseException as e:
        future.set_exception(e)


HANDLERS: list = [healthz, readyz]
