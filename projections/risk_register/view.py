"""RiskRegisterView: the hazards of the assessments in force, the heat map, and a list of
the assessments themselves.

Only approved versions enter the register: a draft (also the draft of a next revision)
changes nothing there until it is approved, and an archived assessment leaves it.
Levels are those recorded at approval. Counts of measures, open measures and linked
deviations are joined at read time from link tables that outlive re-approvals, and the
status of each measure comes from the corrective actions' own events. Whether a review
is due or overdue is decided when read, against today's date.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.db import Cursor
from hms_core.actions.action import CorrectiveAction
from hms_core.risk.assessment import RiskAssessment
from hms_core.risk.state import APPROVED, ARCHIVED, DRAFT
from projections.base import Projection, Rows, Tables, fold_records, iso_date, sid, ts

ASSESSMENT_COLUMNS = (
    "id",
    "unit_id",
    "title",
    "status",
    "revision",
    "approved_revision",
    "approved_at",
    "next_review_on",
    "without_verneombud",
    "hazard_count",
    "created_at",
    "updated_at",
    "version",
)
REGISTER_COLUMNS = (
    "hazard_id",
    "assessment_id",
    "unit_id",
    "title",
    "revision",
    "position",
    "description",
    "cause",
    "justification",
    "probability",
    "consequence",
    "score",
    "level",
    "residual_probability",
    "residual_consequence",
    "residual_score",
    "residual_level",
    "approved_at",
    "next_review_on",
)
ACTION_STATUS = {
    CorrectiveAction.Created: "open",
    CorrectiveAction.Completed: "done",
    CorrectiveAction.Verified: "verified",
    CorrectiveAction.Cancelled: "cancelled",
}


class RiskRegisterView(Projection):
    name = "risk_register"
    rebuild_weight = 0.8  # measured: see bench/README.md
    version = 1
    tables = (
        "risk_assessments",
        "risk_participants",
        "risk_register",
        "risk_measures",
        "risk_deviations",
        "risk_action_status",
    )

    def create_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE TABLE {risk_assessments} ("
            "id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, title TEXT NOT NULL, "
            "status TEXT NOT NULL, revision INTEGER NOT NULL, approved_revision INTEGER, "
            "approved_at TEXT, next_review_on TEXT, without_verneombud BOOLEAN, "
            "hazard_count INTEGER NOT NULL, created_at TEXT NOT NULL, "
            "updated_at TEXT NOT NULL, version INTEGER NOT NULL)",
            "CREATE TABLE {risk_participants} ("
            "assessment_id TEXT NOT NULL, user_id TEXT NOT NULL, role TEXT NOT NULL, "
            "PRIMARY KEY (assessment_id, user_id))",
            "CREATE TABLE {risk_register} ("
            "hazard_id TEXT PRIMARY KEY, assessment_id TEXT NOT NULL, unit_id TEXT NOT NULL, "
            "title TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL, "
            "description TEXT NOT NULL, cause TEXT, justification TEXT, "
            "probability INTEGER NOT NULL, consequence INTEGER NOT NULL, "
            "score INTEGER NOT NULL, level TEXT NOT NULL, residual_probability INTEGER, "
            "residual_consequence INTEGER, residual_score INTEGER, residual_level TEXT, "
            "approved_at TEXT NOT NULL, next_review_on TEXT NOT NULL)",
            "CREATE TABLE {risk_measures} ("
            "hazard_id TEXT NOT NULL, action_id TEXT NOT NULL, assessment_id TEXT NOT NULL, "
            "PRIMARY KEY (hazard_id, action_id))",
            "CREATE TABLE {risk_deviations} ("
            "hazard_id TEXT NOT NULL, deviation_id TEXT NOT NULL, "
            "assessment_id TEXT NOT NULL, linked_at TEXT NOT NULL, "
            "PRIMARY KEY (hazard_id, deviation_id))",
            "CREATE TABLE {risk_action_status} (action_id TEXT PRIMARY KEY, status TEXT NOT NULL)",
        ]

    def index_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE INDEX {risk_assessments}_unit ON {risk_assessments} (unit_id, status)",
            "CREATE INDEX {risk_participants}_user ON {risk_participants} (user_id)",
            "CREATE INDEX {risk_register}_unit ON {risk_register} (unit_id, score)",
            "CREATE INDEX {risk_register}_assessment ON {risk_register} (assessment_id)",
            "CREATE INDEX {risk_register}_review ON {risk_register} (next_review_on)",
        ]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        actions = Rows(cur, t["risk_action_status"], "action_id", ("action_id", "status"))
        for _, event in events:
            if (status := ACTION_STATUS.get(type(event))) is not None:
                actions.add({"action_id": sid(event.originator_id), "status": status})

        def new_row(_position: int, e: RiskAssessment.Created) -> dict[str, Any]:
            _write_participants(cur, t, e)
            return _new_row(e)

        assessments = Rows(cur, t["risk_assessments"], "id", ASSESSMENT_COLUMNS)
        fold_records(
            assessments,
            events,
            RiskAssessment,
            RiskAssessment.Created,
            new_row,
            lambda row, e: _apply(cur, t, row, e),
        )
        actions.flush()


def _new_row(e: RiskAssessment.Created) -> dict[str, Any]:
    return {
        "id": sid(e.originator_id),
        "unit_id": sid(e.unit_id),
        "title": e.title,
        "status": DRAFT,
        "revision": 1,
        "hazard_count": 0,
        "created_at": ts(e.timestamp),
        "updated_at": ts(e.timestamp),
        "version": e.originator_version,
    }


def _write_participants(cur: Cursor, t: Tables, e: Any) -> None:
    assessment_id = sid(e.originator_id)
    cur.execute(t.sql("DELETE FROM {risk_participants} WHERE assessment_id = ?"), [assessment_id])
    cur.executemany(
        t.sql("INSERT INTO {risk_participants} (assessment_id, user_id, role) VALUES (?, ?, ?)"),
        [(assessment_id, sid(p.user_id), p.role) for p in e.participants],
    )


def _apply(cur: Cursor, t: Tables, row: dict[str, Any], e: Any) -> None:
    if isinstance(e, RiskAssessment.DetailsChanged):
        row["title"] = e.title
    elif isinstance(e, RiskAssessment.ParticipantsChanged):
        _write_participants(cur, t, e)
    elif isinstance(e, RiskAssessment.HazardAdded):
        row["hazard_count"] += 1
    elif isinstance(e, RiskAssessment.HazardRemoved):
        row["hazard_count"] -= 1
    elif isinstance(e, RiskAssessment.MeasureLinked):
        cur.execute(
            t.sql(
                "INSERT INTO {risk_measures} (hazard_id, action_id, assessment_id) "
                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
            ),
            [sid(e.hazard_id), sid(e.action_id), row["id"]],
        )
    elif isinstance(e, RiskAssessment.DeviationLinked):
        cur.execute(
            t.sql(
                "INSERT INTO {risk_deviations} (hazard_id, deviation_id, assessment_id, "
                "linked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
            ),
            [sid(e.hazard_id), sid(e.deviation_id), row["id"], ts(e.timestamp)],
        )
    elif isinstance(e, RiskAssessment.Approved):
        row.update(
            status=APPROVED,
            approved_revision=e.revision,
            approved_at=ts(e.approved_at),
            next_review_on=iso_date(e.next_review_on),
            without_verneombud=e.without_verneombud,
        )
        _replace_register(cur, t, row, e)
    elif isinstance(e, RiskAssessment.Revised):
        row.update(status=DRAFT, revision=e.revision)
    elif isinstance(e, RiskAssessment.Archived):
        row["status"] = ARCHIVED
        cur.execute(t.sql("DELETE FROM {risk_register} WHERE assessment_id = ?"), [row["id"]])


def _replace_register(cur: Cursor, t: Tables, row: dict[str, Any], e: Any) -> None:
    """The approved version's hazards take the place of the previous version's."""
    cur.execute(t.sql("DELETE FROM {risk_register} WHERE assessment_id = ?"), [row["id"]])
    values = [
        {
            "hazard_id": sid(h.id),
            "assessment_id": row["id"],
            "unit_id": row["unit_id"],
            "title": e.title,
            "revision": e.revision,
            "position": position,
            "description": h.description,
            "cause": h.cause,
            "justification": h.justification,
            "probability": h.probability,
            "consequence": h.consequence,
            "score": h.score,
            "level": h.level,
            "residual_probability": h.residual_probability,
            "residual_consequence": h.residual_consequence,
            "residual_score": h.residual_score,
            "residual_level": h.residual_level,
            "approved_at": ts(e.approved_at),
            "next_review_on": iso_date(e.next_review_on),
        }
        for position, h in enumerate(e.hazards, start=1)
    ]
    cur.executemany(
        t.sql(
            f"INSERT INTO {{risk_register}} ({', '.join(REGISTER_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(REGISTER_COLUMNS))})"
        ),
        [tuple(v[c] for c in REGISTER_COLUMNS) for v in values],
    )


PROJECTIONS: list[Projection] = [RiskRegisterView()]
