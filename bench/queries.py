"""The read side as people use it: lists, statistics, register and overdue actions.

Each query function of the read models is timed as a leader (`leder`, Lura sykehjem),
a verneombud (`verneombud`, Helse og velferd) and an HMS officer (`hms`: everything),
after a warm-up, and reported as p50 and p95 in milliseconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bench.measure import percentile_ms, services_for
from hms_core import access, clock
from projections.actions.queries import ActionFilter, list_actions
from projections.deviations.queries import DeviationFilter, list_deviations
from projections.risk_register.queries import RegisterFilter, list_register
from projections.statistics.queries import deviation_statistics

ROLES = ("leder", "verneombud", "hms")
WARM_UP = 3


def queries_for(services, who) -> dict[str, Callable[[], Any]]:
    """Name → a call of one query function, as this person would make it."""
    db, org = services.db, services.app.organisation()
    scope, figures = access.deviation_scope(who), access.figures_scope(who)
    year_ago = clock.today() - timedelta(days=365)
    first_page = list_deviations(db, scope, DeviationFilter())

    def deviations(**filters: Any) -> Callable[[], Any]:
        return lambda: list_deviations(db, scope, DeviationFilter(**filters)).items

    def stats(*groups: str, **dates: Any) -> Callable[[], Any]:
        return lambda: deviation_statistics(db, figures, org, group_by=groups, **dates)["rows"]

    return {
        "deviations: first page": deviations(),
        "deviations: next page": deviations(cursor=first_page.next_cursor),
        "deviations: under treatment": deviations(status="under_treatment"),
        "deviations: violence, last 12 months": deviations(
            category="vold_og_trusler", reported_from=year_ago
        ),
        "deviations: q=glatt": deviations(q="glatt"),
        "deviations: q=beboer slo": deviations(q="beboer slo"),
        "statistics: by unit": stats("unit"),
        "statistics: by category": stats("category"),
        "statistics: by month": stats("month"),
        "statistics: unit × category, 12 months": stats(
            "unit", "category", date_from=year_ago, date_to=clock.today()
        ),
        "risk register": lambda: list_register(db, figures, RegisterFilter()),
        "risk register: red": lambda: list_register(db, figures, RegisterFilter(level="red")),
        "actions: overdue": lambda: list_actions(db, who, ActionFilter(status="overdue")).items,
    }


def time_queries(url: str, repeat: int) -> list[dict[str, Any]]:
    services = services_for(url)
    results = []
    try:
        for username in ROLES:
            who = services.app.principal(services.app.find_user(username).id)
            for name, query in queries_for(services, who).items():
                for _ in range(WARM_UP):
                    rows = query()
                times = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    query()
                    times.append(time.perf_counter() - started)
                results.append(
                    {
                        "query": name,
                        "as": username,
                        "rows": len(rows),
                        "p50_ms": percentile_ms(times, 50),
                        "p95_ms": percentile_ms(times, 95),
                    }
                )
        started = time.perf_counter()
        for _ in range(repeat):
            services.app.organisation()
        organisation_ms = (time.perf_counter() - started) * 1000 / repeat
        results.append(
            {
                "query": "organisation() (statistics endpoint loads it per request)",
                "as": "-",
                "rows": 1,
                "p50_ms": round(organisation_ms, 2),
                "p95_ms": None,
            }
        )
    finally:
        services.close()
    return results
