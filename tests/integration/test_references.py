"""Case numbers AVV-<year>-<6 digits>: unique per year, even under concurrent reports."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from hms_core import clock
from tests.helpers import report_deviation


def report(app, who, title="Fall"):
    return report_deviation(app, who, title=title, description="Glatt gulv")


def test_references_count_up_within_a_year_and_start_again_the_next(app):
    who = app.authenticate("ansatt", "demo")
    with clock.frozen_at(datetime(2025, 12, 31, 12, tzinfo=UTC)):
        first, second = report(app, who), report(app, who)
    with clock.frozen_at(datetime(2026, 1, 1, 12, tzinfo=UTC)):
        third = report(app, who)
    assert [first.reference, second.reference, third.reference] == [
        "AVV-2025-000001",
        "AVV-2025-000002",
        "AVV-2026-000001",
    ]


def test_the_year_is_the_year_in_norway(app):
    who = app.authenticate("ansatt", "demo")
    # 23:30 UTC on New Year's Eve is already 2026 in Oslo.
    with clock.frozen_at(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)):
        assert report(app, who).reference == "AVV-2026-000001"


def test_references_stay_unique_when_many_report_at_once(app, settings):
    from api.bootstrap import build

    # Two "processes" (applications with their own connections) and eight threads.
    other = build(settings)
    try:
        who = app.authenticate("ansatt", "demo")
        apps = [app, other.app]

        def one(n: int) -> str:
            return report(apps[n % 2], who, title=f"Samtidig {n}").reference

        with ThreadPoolExecutor(max_workers=8) as pool:
            references = list(pool.map(one, range(40)))
    finally:
        other.close()
    assert len(set(references)) == 40
    assert all(re.fullmatch(r"AVV-\d{4}-\d{6}", r) for r in references)
    numbers = sorted(int(r[-6:]) for r in references)
    assert numbers == list(range(1, 41))
