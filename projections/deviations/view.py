"""DeviationListView: every case's current state, for lists, filters and search.

No names of injured persons and, for anonymous reports, no reporter: this table holds
only what the lists need. Full text uses PostgreSQL's `norwegian` configuration, and
an FTS5 table (keyed by the report's log position) on SQLite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.db import Cursor
from hms_core.access.disclosure import feedback_to_reporter
from hms_core.deviations.deviation import CLOSED, REPORTED, UNDER_TREATMENT, Deviation
from projections.base import Projection, Rows, Tables, fold_records, sid, ts

COLUMNS = (
    "id",
    "seq",
    "reference",
    "title",
    "description",
    "location",
    "unit_id",
    "category",
    "severity",
    "status",
    "anonymous",
    "reporter_id",
    "handler_id",
    "serious_injury",
    "person_kind",
    "absence",
    "absence_days",
    "occurred_at",
    "reported_at",
    "closed_at",
    "updated_at",
    "last_feedback_at",
    "feedback_count",
    "action_count",
    "version",
)


class DeviationListView(Projection):
    name = "deviations"
    rebuild_weight = 4.0  # measured: see bench/README.md
    version = 1
    tables = ("deviations", "deviations_fts")

    def create_statements(self, dialect: str) -> list[str]:
        search = (
            ", search tsvector GENERATED ALWAYS AS (to_tsvector('norwegian', "
            "coalesce(reference, '') || ' ' || coalesce(title, '') || ' ' || "
            "coalesce(description, '') || ' ' || coalesce(location, ''))) STORED"
            if dialect == "postgres"
            else ""
        )
        statements = [
            "CREATE TABLE {deviations} ("
            "id TEXT PRIMARY KEY, seq BIGINT NOT NULL, reference TEXT NOT NULL, "
            "title TEXT NOT NULL, description TEXT NOT NULL, location TEXT, "
            "unit_id TEXT NOT NULL, category TEXT NOT NULL, severity INTEGER NOT NULL, "
            "status TEXT NOT NULL, anonymous BOOLEAN NOT NULL, reporter_id TEXT, "
            "handler_id TEXT, serious_injury BOOLEAN NOT NULL, person_kind TEXT, "
            "absence BOOLEAN, absence_days INTEGER, occurred_at TEXT NOT NULL, "
            "reported_at TEXT NOT NULL, closed_at TEXT, updated_at TEXT NOT NULL, "
            "last_feedback_at TEXT, feedback_count INTEGER NOT NULL, "
            "action_count INTEGER NOT NULL, version INTEGER NOT NULL" + search + ")"
        ]
        if dialect == "sqlite":
            statements.append(
                "CREATE VIRTUAL TABLE {deviations_fts} USING fts5("
                "reference, title, description, location, "
                "tokenize = 'unicode61 remove_diacritics 0')"
            )
        else:
            # PostgreSQL searches the generated column; the table only keeps names aligned.
            statements.append("CREATE TABLE {deviations_fts} (seq BIGINT PRIMARY KEY)")
        return statements

    def index_statements(self, dialect: str) -> list[str]:
        statements = [
            "CREATE INDEX {deviations}_reported ON {deviations} (reported_at, id)",
            "CREATE INDEX {deviations}_unit ON {deviations} (unit_id, reported_at)",
            "CREATE INDEX {deviations}_reporter ON {deviations} (reporter_id, reported_at)",
            "CREATE INDEX {deviations}_status ON {deviations} (status, unit_id)",
        ]
        if dialect == "postgres":
            statements.append("CREATE INDEX {deviations}_search ON {deviations} USING gin (search)")
        return statements

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        searchable = []

        def new_row(position: int, e: Deviation.Reported) -> dict[str, Any]:
            searchable.append((position, e.reference, e.title, e.description, e.location))
            return _new_row(position, e)

        rows = Rows(cur, t["deviations"], "id", COLUMNS)
        fold_records(rows, events, Deviation, Deviation.Reported, new_row, _apply)
        if searchable and cur.dialect == "sqlite":
            cur.executemany(
                t.sql(
                    "INSERT INTO {deviations_fts} (rowid, reference, title, description, "
                    "location) VALUES (?, ?, ?, ?, ?)"
                ),
                searchable,
            )


def _new_row(position: int, e: Deviation.Reported) -> dict[str, Any]:
    harmed = e.person_harmed
    return {
        "id": sid(e.originator_id),
        "seq": position,
        "reference": e.reference,
        "title": e.title,
        "description": e.description,
        "location": e.location,
        "unit_id": sid(e.unit_id),
        "category": e.category,
        "severity": e.severity,
        "status": REPORTED,
        "anonymous": e.anonymous,
        "reporter_id": None if e.anonymous else sid(e.reporter_id),
        "handler_id": None,
        "serious_injury": e.serious_injury,
        "person_kind": harmed.kind if harmed else None,
        "absence": harmed.absence if harmed else None,
        "absence_days": harmed.absence_days if harmed else None,
        "occurred_at": ts(e.occurred_at),
        "reported_at": ts(e.timestamp),
        "closed_at": None,
        "updated_at": ts(e.timestamp),
        "last_feedback_at": None,
        "feedback_count": 0,
        "action_count": 0,
        "version": e.originator_version,
    }


def _apply(row: dict[str, Any], e: Any) -> None:
    if feedback_to_reporter(e) is not None:
        row["last_feedback_at"] = ts(e.timestamp)
        row["feedback_count"] += 1
    if isinstance(e, Deviation.Acknowledged):
        row["status"] = UNDER_TREATMENT
        row["handler_id"] = sid(e.handler_id)
    elif isinstance(e, Deviation.Classified):
        row["category"] = e.category
        row["severity"] = e.severity
    elif isinstance(e, Deviation.Transferred):
        row["unit_id"] = sid(e.to_unit_id)
        row["status"] = REPORTED
        row["handler_id"] = None
    elif isinstance(e, Deviation.ActionLinked):
        row["action_count"] += 1
    elif isinstance(e, Deviation.Closed):
        row["status"] = CLOSED
        row["closed_at"] = ts(e.timestamp)
    elif isinstance(e, Deviation.Reopened):
        row["status"] = UNDER_TREATMENT
        row["closed_at"] = None
