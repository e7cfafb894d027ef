"""Liveness and readiness."""

from __future__ import annotations

from litestar import Response, get

from api.commands import Svc

READY_LAG_SECONDS = 5.0


@get("/healthz", sync_to_thread=False, tags=["operations"], summary="The process is alive")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get(
    "/readyz",
    sync_to_thread=True,
    tags=["operations"],
    summary="Store answers, read models current",
)
def readyz(svc: Svc) -> Response[dict]:
    """200 when the store answers and every read model is within 5 s of the log."""
    try:
        statuses = svc.runner.status()
    except Exception as e:
        return Response(
            {"status": "unavailable", "store": type(e).__name__, "lagging": []}, status_code=503
        )
    lagging = [
        {"name": s.name, "lag_events": s.lag_events, "lag_seconds": round(s.lag_seconds, 3)}
        for s in statuses
        if s.lag_seconds > READY_LAG_SECONDS
    ]
    failing = [{"name": k, "error": v} for k, v in svc.runner.errors.items()]
    ok = not lagging and not failing
    body = {"status": "ok" if ok else "lagging", "lagging": lagging, "failing": failing}
    return Response(body, status_code=200 if ok else 503)
