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
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from adapters.db import Cursor
from hms_core.deviations.privacy import PersonalDataRead
from hms_core.deviations.receipt import Receipt
from hms_core.deviations.references import ReferenceIssued
from hms_core.directory.organisation import Organisation
from hms_core.hr.figures import HRFigures
from hms_core.model import ANONYMOUS
from projections.audit.summaries import Labels, summarise
from projections.base import Projection, Tables, sid

NO_ACTOR = "system"
KINDS = {PersonalDataRead: "PersonalDataReads", ReferenceIssued: "References"}
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
    rebuild_weight = 4.5  # measured: see bench/README.md
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
        labels = Labels(cur, t["audit_labels"], events)
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
        cur.insert_many(t["audit"], COLUMNS, rows)


PROJECTIONS: list[Projection] = [AuditTrailView()]
