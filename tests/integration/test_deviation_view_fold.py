"""For random histories, the deviation list equals a from-scratch fold of the same events.

The oracle is the aggregate itself: replaying a case's events (what the repository does)
gives its current state, which every row of the list must match — however the runner
happened to cut the log into batches.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hms_core import clock
from hms_core.errors import DomainError
from tests.helpers import HJEMME, LURA, ROVIK

UNITS = [LURA, ROVIK, HJEMME]
steps = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "report",
                "acknowledge",
                "classify",
                "comment",
                "feedback",
                "transfer",
                "close",
                "reopen",
                "catch_up",
            ]
        ),
        st.integers(min_value=0, max_value=50),
    ),
    min_size=1,
    max_size=40,
)


def apply(app, who, ids: list[UUID], step: str, n: int, runner) -> None:
    if step == "catch_up":
        runner.catch_up()
        return
    if step == "report" or not ids:
        receipt = app.report_deviation(
            who,
            title=f"Hendelse {n}",
            description="Tilfeldig historie",
            occurred_at=clock.now() - timedelta(hours=1),
            unit_id=UNITS[n % 3],
            category=["nestenulykke", "personskade", "kvalitet"][n % 3],
            severity=1 + n % 5,
            anonymous=n % 4 == 0,
        )
        ids.append(receipt.id)
        return
    target = ids[n % len(ids)]
    actions = {
        "acknowledge": lambda: app.acknowledge_deviation(who, target),
        "classify": lambda: app.classify_deviation(
            who,
            target,
            category="vold_og_trusler",
            severity=1 + n % 5,
            recurrence_probability=1 + n % 5,
            causes=("human",),
        ),
        "comment": lambda: app.comment_deviation(
            who, target, text="Notat", visible_to_reporter=n % 2 == 0
        ),
        "feedback": lambda: app.give_feedback(who, target, text="Takk"),
        "transfer": lambda: app.transfer_deviation(
            who, target, to_unit_id=UNITS[n % 3], reason="Flyttes"
        ),
        "close": lambda: app.close_deviation(
            who, target, conclusion="Ferdig", no_action_reason="Ingen tiltak trengs"
        ),
        "reopen": lambda: app.reopen_deviation(who, target, reason="Igjen"),
    }
    # Refused commands write nothing; the fold must agree with that too.
    with contextlib.suppress(DomainError):
        actions[step]()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, batch_size=st.integers(min_value=1, max_value=9))
def test_the_list_row_of_every_case_matches_its_replayed_state(services, history, batch_size):
    app, runner = services.app, services.runner
    runner.batch_size = batch_size
    who = app.authenticate("hms", "demo")
    ids: list[UUID] = []
    for step, n in history:
        apply(app, who, ids, step, n, runner)
    runner.catch_up()
    with services.db.reading() as cur:
        rows = {r["id"]: dict(r) for r in cur.execute("SELECT * FROM rm_deviations").fetchall()}
    for deviation_id in ids:
        case = app.deviation(deviation_id)
        events = app.history(deviation_id)
        row = rows[str(deviation_id)]
        assert row["status"] == case.status
        assert row["unit_id"] == str(case.unit_id)
        assert row["category"] == case.category
        assert row["severity"] == case.severity
        assert row["version"] == case.version
        assert row["handler_id"] == (str(case.handler_id) if case.handler_id else None)
        assert bool(row["anonymous"]) == case.anonymous
        assert row["reporter_id"] == (str(case.reporter_id) if case.reporter_id else None)
        assert (row["closed_at"] is not None) == case.is_closed
        feedback = [
            e
            for e in events
            if type(e).__name__ == "FeedbackGiven"
            or (type(e).__name__ == "Commented" and e.visible_to_reporter)
            or (type(e).__name__ == "Closed" and e.feedback)
        ]
        assert row["feedback_count"] == len(feedback)
