"""Action follow-up: open, due soon and overdue actions per owner, unit and area.

One row per corrective action with what lists, the front page, reminders and the
statistics need. Whether an action is overdue is decided when it is read, against
`clock.today()`: nothing here depends on a job having run.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.db import Cursor
from hms_core import clock
from hms_core.actions.action import CANCELLED, DONE, OPEN, VERIFIED, CorrectiveAction
from projections.base import Projection, Rows, Tables, fold_records, iso_date, sid, ts

DUE_SOON_DAYS = 7
STATUS_FILTERS = (
    OPEN,
    DONE,
    VERIFIED,
    CANCELLED,
    "overdue",
    "due_soon",
    "follow_up_required",
)
COLUMNS = (
    "id",
    "seq",
    "reference",
    "title",
    "status",
    "source",
    "owner_id",
    "unit_id",
    "due_date",
    "original_due_date",
    "reschedule_count",
    "deviation_id",
    "assessment_id",
    "hazard_id",
    "follows_up",
    "follow_up_id",
    "follow_up_required",
    "effective",
    "created_at",
    "created_by",
    "completed_at",
    "completed_on",
    "done_on_time",
    "verified_at",
    "cancelled_at",
    "updated_at",
    "comment_count",
    "version",
)


class ActionFollowUpView(Projection):
    name = "actions"
    rebuild_weight = 1.3  # measured: see bench/README.md
    version = 1
    tables = ("actions",)

    def create_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE TABLE {actions} ("
            "id TEXT PRIMARY KEY, seq BIGINT NOT NULL, reference TEXT NOT NULL, "
            "title TEXT NOT NULL, status TEXT NOT NULL, source TEXT NOT NULL, "
            "owner_id TEXT NOT NULL, unit_id TEXT NOT NULL, due_date TEXT NOT NULL, "
            "original_due_date TEXT NOT NULL, reschedule_count INTEGER NOT NULL, "
            "deviation_id TEXT, assessment_id TEXT, hazard_id TEXT, follows_up TEXT, "
            "follow_up_id TEXT, follow_up_required BOOLEAN NOT NULL, effective BOOLEAN, "
            "created_at TEXT NOT NULL, created_by TEXT NOT NULL, completed_at TEXT, "
            "completed_on TEXT, done_on_time BOOLEAN, verified_at TEXT, cancelled_at TEXT, "
            "updated_at TEXT NOT NULL, comment_count INTEGER NOT NULL, version INTEGER NOT NULL)"
        ]

    def index_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE INDEX {actions}_due ON {actions} (due_date, id)",
            "CREATE INDEX {actions}_owner ON {actions} (owner_id, status, due_date)",
            "CREATE INDEX {actions}_unit ON {actions} (unit_id, status, due_date)",
            "CREATE INDEX {actions}_status ON {actions} (status, due_date)",
            "CREATE INDEX {actions}_deviation ON {actions} (deviation_id)",
        ]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        rows = Rows(cur, t["actions"], "id", COLUMNS)
        fold_records(rows, events, CorrectiveAction, CorrectiveAction.Created, _new_row, _apply)


def _new_row(position: int, e: CorrectiveAction.Created) -> dict[str, Any]:
    return {
        "id": sid(e.originator_id),
        "seq": position,
        "reference": e.reference,
        "title": e.title,
        "status": OPEN,
        "source": e.source,
        "owner_id": sid(e.owner_id),
        "unit_id": sid(e.unit_id),
        "due_date": iso_date(e.due_date),
        "original_due_date": iso_date(e.due_date),
        "reschedule_count": 0,
        "deviation_id": sid(e.deviation_id),
        "assessment_id": sid(e.assessment_id),
        "hazard_id": sid(e.hazard_id),
        "follows_up": sid(e.follows_up),
        "follow_up_required": False,
        "created_at": ts(e.timestamp),
        "created_by": e.actor,
        "updated_at": ts(e.timestamp),
        "comment_count": 0,
        "version": e.originator_version,
    }


def _apply(row: dict[str, Any], e: Any) -> None:
    if isinstance(e, CorrectiveAction.Rescheduled):
        row["due_date"] = iso_date(e.due_date)
        row["reschedule_count"] += 1
    elif isinstance(e, CorrectiveAction.Reassigned):
        row["owner_id"] = sid(e.owner_id)
    elif isinstance(e, CorrectiveAction.Completed):
        # On time: done on or before the due date in force when it was done (local day).
        completed_on = clock.local(e.timestamp).date().isoformat()
        row["status"] = DONE
        row["completed_at"] = ts(e.timestamp)
        row["completed_on"] = completed_on
        row["done_on_time"] = completed_on <= row["due_date"]
    elif isinstance(e, CorrectiveAction.Verified):
        row["status"] = VERIFIED
        row["verified_at"] = ts(e.timestamp)
        row["effective"] = e.effective
        row["follow_up_required"] = e.follow_up_required
    elif isinstance(e, CorrectiveAction.FollowUpPlanned):
        row["follow_up_id"] = sid(e.follow_up_id)
        row["follow_up_required"] = False
    elif isinstance(e, CorrectiveAction.Cancelled):
        row["status"] = CANCELLED
        row["cancelled_at"] = ts(e.timestamp)
    elif isinstance(e, CorrectiveAction.Commented):
        row["comment_count"] += 1


PROJECTIONS = [ActionFollowUpView()]
