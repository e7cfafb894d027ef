"""AuditTrailView: every event in the log with its position, time, actor and a summary.

The trail is the event log itself (CONVENTIONS: never a second log beside it); this
read model only indexes it for HMS officers: by record, by actor and by time. It copies
no secret and no sensitive detail: no password or token digests, no injured person's
name or health, no free text (titles, descriptions, comments, reasons). A summary names
the record by its case number or unit name, never a person; the API resolves actors'
names when it shows them. Reads of a case naming an injured person (PersonalDataRead)
carry the case's id as `record_id`, so filtering by the case finds them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import msgspec

from hms_core.categories import label as category_label
from hms_core.deviation import Deviation
from hms_core.directory import Organisation, User
from hms_core.hr import HRFigures
from hms_core.model import ANONYMOUS
from hms_core.privacy import PersonalDataRead
from hms_core.receipt import Receipt
from hms_core.references import ReferenceIssued
from projections.base import Projection, Tables, live_tables, sid
from projections.db import Cursor, Database
from projections.scoping import day_after, day_start, marks

NO_ACTOR = "system"
KINDS = {PersonalDataRead: "PersonalDataReads", ReferenceIssued: "References"}
KIND_LABELS = {
    "Deviation": "Avvik",
    "CorrectiveAction": "Tiltak",
    "RiskAssessment": "Risikovurdering",
    "Organisation": "Organisasjonen",
    "User": "Bruker",
    "HRFigures": "HR-tall",
    "Receipt": "Kvittering",
}
# Past tenses of event names, for events this module has no summary of its own for.
VERBS = {
    "Created": "opprettet",
    "Reported": "meldt",
    "Acknowledged": "tatt til behandling",
    "Commented": "kommentert",
    "Closed": "lukket",
    "Reopened": "gjenåpnet",
    "Completed": "meldt utført",
    "Verified": "verifisert",
    "Rescheduled": "fikk ny frist",
    "Reassigned": "fikk ny eier",
    "Cancelled": "avlyst",
    "FollowUpPlanned": "fulgt opp med nytt tiltak",
    "Approved": "godkjent",
    "Archived": "arkivert",
    "Revised": "revidert",
    "DetailsChanged": "endret",
    "ParticipantsChanged": "fikk endret deltakerne",
    "HazardAdded": "fikk en ny fare",
    "HazardEdited": "fikk en fare endret",
    "HazardScored": "fikk en fare vurdert",
    "HazardRemoved": "fikk en fare fjernet",
    "MeasureLinked": "fikk et tiltak knyttet til en fare",
    "DeviationLinked": "fikk et avvik knyttet til en fare",
}
# Attributes of events that name records a summary may mention.
NAMED = (
    "originator_id",
    "record_id",
    "deviation_id",
    "unit_id",
    "from_unit_id",
    "to_unit_id",
    "parent_id",
    "action_id",
)
COLUMNS = (
    "position",
    "at",
    "actor",
    "type",
    "aggregate_id",
    "aggregate_kind",
    "record_id",
    "summary",
)


@lru_cache(maxsize=512)
def kind_of(event_type: type) -> tuple[str, str]:
    """(`Deviation`, `Deviation.Closed`) — the aggregate's kind and the event's type."""
    name = event_type.__qualname__
    if "." in name:
        return name.split(".")[0], name
    return KINDS.get(event_type, name), name


def stamp(moment: datetime) -> str:
    """`projections.base.ts`, without strftime (the trail writes one per event)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")[:26] + "Z"


# Events whose summaries name no other record: no labels to look up for them.
SELF_CONTAINED = (
    Deviation.Reported,
    User.Event,
    ReferenceIssued,
    Organisation.Founded,
    Organisation.UnitAdded,
    Organisation.UnitUpdated,
)


def record_of(event: Any) -> str | None:
    """The record an event is about, when that is not its own aggregate: the case a read
    or a receipt or an action belongs to, the unit a change of the tree or HR figure is of."""
    attributes = ["record_id", "deviation_id"]
    if isinstance(event, Organisation.Event | HRFigures.Event):
        attributes.append("unit_id")
    for attribute in attributes:
        value = getattr(event, attribute, None)
        if value is not None:
            return sid(value)
    return None


def actor_of(event: Any) -> str:
    if isinstance(event, Receipt.Issued):
        return ANONYMOUS  # receipts are only issued for anonymous reports
    return getattr(event, "actor", None) or NO_ACTOR


class AuditTrailView(Projection):
    name = "audit"
    version = 1
    tables = ("audit", "audit_labels")

    def create_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE TABLE {audit} (position BIGINT PRIMARY KEY, at TEXT NOT NULL, "
            "actor TEXT NOT NULL, type TEXT NOT NULL, aggregate_id TEXT NOT NULL, "
            "aggregate_kind TEXT NOT NULL, record_id TEXT, summary TEXT NOT NULL)",
            # Case numbers and unit names by id, for the summaries of later events.
            "CREATE TABLE {audit_labels} (id TEXT PRIMARY KEY, label TEXT NOT NULL)",
        ]

    def index_statements(self, dialect: str) -> list[str]:
        return [
            "CREATE INDEX {audit}_aggregate ON {audit} (aggregate_id, position)",
            "CREATE INDEX {audit}_record ON {audit} (record_id, position)",
            "CREATE INDEX {audit}_actor ON {audit} (actor, position)",
            "CREATE INDEX {audit}_at ON {audit} (at)",
        ]

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        labels = _Labels(cur, t["audit_labels"], events)
        rows = []
        for position, event in events:
            labels.learn(event)
            kind, type_ = kind_of(type(event))
            rows.append(
                (
                    position,
                    stamp(event.timestamp),
                    actor_of(event),
                    type_,
                    str(event.originator_id),
                    kind,
                    record_of(event),
                    summarise(event, kind, labels),
                )
            )
        labels.flush()
        cur.executemany(
            t.sql(f"INSERT INTO {{audit}} ({', '.join(COLUMNS)}) VALUES ({marks(COLUMNS)[0]})"),
            rows,
        )


class _Labels:
    """Readable names of records by id: read once per batch, new ones written once."""

    def __init__(self, cur: Cursor, table: str, events: Sequence[tuple[int, Any]]) -> None:
        self.cur, self.table, self.new = cur, table, {}
        named = (
            getattr(e, a, None)
            for _, e in events
            if not isinstance(e, SELF_CONTAINED)
            for a in NAMED
        )
        ids = sorted({str(value) for value in named if value is not None})
        self.known: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = f"SELECT id, label FROM {table} WHERE id IN ({marks(chunk)[0]})"
            self.known.update((r["id"], r["label"]) for r in cur.execute(sql, chunk).fetchall())

    def __call__(self, value: Any) -> str:
        return self.known.get(sid(value)) or str(value)[:8]

    def set(self, value: Any, label: str) -> None:
        self.known[sid(value)] = self.new[sid(value)] = label

    def learn(self, e: Any) -> None:
        if isinstance(e, Organisation.UnitAdded | Organisation.UnitUpdated):
            self.set(e.unit_id, e.name)
        elif isinstance(e, HRFigures.Recorded):
            self.set(e.originator_id, f"{self(e.unit_id)} {e.period}")
        elif isinstance(getattr(e, "reference", None), str):
            self.set(e.originator_id, e.reference)  # a case or an action: its number
        elif type(e).__name__ == "Created" and getattr(e, "unit_id", None):
            # No number (a risk assessment): its short id and unit, never its title.
            self.set(e.originator_id, f"{str(e.originator_id)[:8]} i {self(e.unit_id)}")

    def flush(self) -> None:
        self.cur.executemany(
            f"INSERT INTO {self.table} (id, label) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET label = excluded.label",
            list(self.new.items()),
        )


def summarise(e: Any, kind: str, name: _Labels) -> str:
    """A short, factual Norwegian line: what happened to which record."""
    if isinstance(e, User.Event):
        return _user(e)
    me = name(e.originator_id)
    if isinstance(e, Deviation.Event):
        return _deviation(e, me, name)
    if isinstance(e, PersonalDataRead):
        return f"Personopplysninger i avvik {name(e.record_id)} lest"
    if isinstance(e, ReferenceIssued):
        return f"Saksnummer {e.prefix}-{e.year}-{e.originator_version:06d} tildelt"
    if isinstance(e, Receipt.Issued):
        return f"Kvittering utstedt for anonymt avvik {name(e.deviation_id)}"
    if isinstance(e, Organisation.Event):
        return _organisation(e, name)
    if isinstance(e, HRFigures.Recorded):
        return f"HR-tall for {me} registrert"
    if isinstance(e, HRFigures.Revised):
        return f"HR-tall for {me} erstattet av ny import"
    event_name = type(e).__name__
    return f"{KIND_LABELS.get(kind, kind)} {me} {VERBS.get(event_name, event_name)}"


def _deviation(e: Any, me: str, name: _Labels) -> str:
    if isinstance(e, Deviation.Reported):
        how = " anonymt" if e.anonymous else ""
        return f"Avvik {me} meldt{how} ({category_label(e.category)}, alvorlighet {e.severity})"
    if isinstance(e, Deviation.Classified):
        return f"Avvik {me} klassifisert: {category_label(e.category)}, alvorlighet {e.severity}"
    if isinstance(e, Deviation.Transferred):
        return f"Avvik {me} overført fra {name(e.from_unit_id)} til {name(e.to_unit_id)}"
    if isinstance(e, Deviation.Commented):
        seen = " (synlig for melder)" if e.visible_to_reporter else ""
        return f"Avvik {me} kommentert{seen}"
    if isinstance(e, Deviation.FeedbackGiven):
        return f"Tilbakemelding til melder på avvik {me}"
    if isinstance(e, Deviation.InformationAdded):
        return f"Melder la til opplysninger i avvik {me}"
    if isinstance(e, Deviation.ActionLinked):
        return f"Tiltak {name(e.action_id)} knyttet til avvik {me}"
    if isinstance(e, Deviation.HazardLinked):
        return f"Avvik {me} knyttet til en fare i en risikovurdering"
    return f"Avvik {me} {VERBS.get(type(e).__name__, type(e).__name__)}"


def _organisation(e: Any, name: _Labels) -> str:
    if isinstance(e, Organisation.UnitAdded):
        return f"Enhet {e.name} lagt til"
    if isinstance(e, Organisation.UnitUpdated):
        return f"Enhet {e.name} endret"
    if isinstance(e, Organisation.UnitMoved):
        return f"Enhet {name(e.unit_id)} flyttet under {name(e.parent_id)}"
    return "Organisasjonen opprettet"


USER_SUMMARIES = {
    "Registered": "Bruker registrert",
    "ProfileUpdated": "Brukerprofil endret",
    "PasswordChanged": "Passord endret",
    "TokenIssued": "API-nøkkel utstedt",
    "TokenRevoked": "API-nøkkel trukket tilbake",
    "Deactivated": "Bruker deaktivert",
    "Reactivated": "Bruker aktivert igjen",
}


def _user(e: Any) -> str:
    if isinstance(e, User.RolesAssigned):
        return f"Roller satt: {', '.join(e.roles)}"
    return USER_SUMMARIES.get(type(e).__name__, f"Bruker {type(e).__name__}")


PROJECTIONS: list[Projection] = [AuditTrailView()]


# --- queries -------------------------------------------------------------------------

T = live_tables(AuditTrailView.tables)


class AuditPage(msgspec.Struct):
    items: list[dict[str, Any]]
    next_cursor: str | None


class BadAuditCursorError(ValueError):
    pass


def audit_events(
    db: Database,
    *,
    aggregate_id: str | None = None,
    actor_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> AuditPage:
    """Events in log order; `aggregate_id` also finds events naming it as their record.

    The cursor is the position of the last item of the previous page.
    """
    conditions, values = ["1 = 1"], []
    if aggregate_id:
        conditions.append("(aggregate_id = ? OR record_id = ?)")
        values += [aggregate_id, aggregate_id]
    if actor_id:
        conditions.append("actor = ?")
        values.append(actor_id)
    if date_from:
        conditions.append("at >= ?")
        values.append(day_start(date_from))
    if date_to:
        conditions.append("at < ?")
        values.append(day_after(date_to))
    if cursor:
        if not cursor.isdigit():
            raise BadAuditCursorError("cursor")
        conditions.append("position > ?")
        values.append(int(cursor))
    sql = T.sql(
        f"SELECT {', '.join(COLUMNS)} FROM {{audit}} WHERE {' AND '.join(conditions)} "
        "ORDER BY position LIMIT ?"
    )
    with db.reading() as cur:
        rows = [dict(r) for r in cur.execute(sql, [*values, limit + 1]).fetchall()]
    more = len(rows) > limit
    rows = rows[:limit]
    return AuditPage(items=rows, next_cursor=str(rows[-1]["position"]) if more else None)
