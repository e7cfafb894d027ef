"""The measurements, each run in a process of its own (see bench/child.py).

- `seed`: `hms demo seed`'s work — the history, then the read models rebuilt from it
- `rebuild`: `ProjectionRunner.rebuild()` of every read model: events/s and peak RSS
- `visibility`: reports keep coming; how long until each is in every read model
"""

from __future__ import annotations

import queue
import resource
import statistics
import threading
import time
from datetime import date, timedelta
from typing import Any

from api.bootstrap import Services, build
from api.settings import Settings
from demo.history import HistoryPlan, seed_history
from hms_core import clock


def services_for(url: str) -> Services:
    return build(
        Settings(database_url=url, secret_key="bench", timezone="Europe/Oslo", long_running=True)
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def seed(url: str, deviations: int, seed: int, until: date | None) -> dict[str, Any]:
    """Seed a store as `hms demo seed` does, timing the history and the catch-up apart."""
    services = services_for(url)
    try:
        plan = HistoryPlan(deviations=deviations, seed=seed, until=until)
        result = seed_history(services.app, plan)
        started = time.perf_counter()
        services.runner.rebuild()  # as `hms demo seed` brings the read models up to date
        catch_up = time.perf_counter() - started
    finally:
        services.close()
    return {
        "deviations": result.deviations,
        "actions": result.actions,
        "assessments": result.assessments,
        "users": result.users,
        "events": result.events,
        "seconds": round(result.seconds, 2),
        "deviations_per_s": round(result.deviations / result.seconds),
        "events_per_s": round(result.events / result.seconds),
        "catch_up_seconds": round(catch_up, 2),
        "catch_up_events_per_s": round(result.events / catch_up),
        "peak_rss_mb": peak_rss_mb(),
        "refused": result.refused,
    }


def rebuild(url: str) -> dict[str, Any]:
    """Rebuild every read model from the whole log, as `hms projections rebuild` does."""
    services = services_for(url)
    try:
        events = services.runner.head()
        before = current_rss_mb()
        started = time.perf_counter()
        services.runner.rebuild()
        seconds = time.perf_counter() - started
    finally:
        services.close()
    return {
        "events": events,
        "seconds": round(seconds, 2),
        "events_per_s": round(events / seconds),
        "rss_before_mb": before,
        "peak_rss_mb": peak_rss_mb(),
        # The replay's other processes (projections.runner.replay): the largest one's peak.
        "children_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def visibility(url: str, seconds: float, rate: float) -> dict[str, Any]:
    """Report `rate` deviations a second for `seconds`, with the runner in its own thread
    (as in `hms serve`), and time each from its save until every read model has it."""
    services = services_for(url)
    try:
        services.runner.catch_up()
        services.start()
        pending: queue.Queue[tuple[int, float] | None] = queue.Queue()
        latencies: list[float] = []

        def observe() -> None:
            while (item := pending.get()) is not None:
                position, saved = item
                visible = services.runner.wait_for(position, timeout=10.0)
                latencies.append(time.perf_counter() - saved if visible else float("inf"))

        observer = threading.Thread(target=observe, name="bench-observer")
        observer.start()
        saves = report_steadily(services.app, seconds, rate, pending)
        pending.put(None)
        observer.join()
    finally:
        services.close()
    return {
        "rate_per_s": rate,
        "seconds": seconds,
        "reports": len(saves),
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
        "max_ms": round(max(latencies) * 1000, 1),
        "save_p50_ms": percentile_ms(saves, 50),
    }


def report_steadily(app, seconds: float, rate: float, saved: queue.Queue) -> list[float]:
    """Report `rate` deviations a second for `seconds`, putting (position, time saved)
    of each in `saved`; how long each save took."""
    who = app.principal(app.find_user("ansatt").id)
    saves: list[float] = []
    deadline = next_at = time.perf_counter()
    deadline += seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        app.forget_last_position()
        app.report_deviation(
            who,
            title=f"Målt synlighet {len(saves)}",
            description="Melding fra ytelsestesten: hvor fort vises den i listene?",
            occurred_at=clock.now() - timedelta(minutes=5),
            unit_id=who.home_unit_id,
            category="nestenulykke",
            severity=2,
        )
        now = time.perf_counter()
        saves.append(now - started)
        saved.put((app.last_position(), now))
        next_at += 1 / rate
        time.sleep(max(0.0, next_at - time.perf_counter()))
    return saves


def percentile_ms(values: list[float], p: float) -> float:
    if len(values) < 2:
        return round((values or [0.0])[0] * 1000, 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000, 1)
