"""Reading the audit trail: events in log order, by record, actor and day, in pages."""

from __future__ import annotations

from datetime import date

from adapters.db import Database
from projections.audit.view import COLUMNS, AuditTrailView
from projections.base import live_tables
from projections.paging import Page, page_of
from projections.scoping import day_after, day_start

T = live_tables(AuditTrailView.tables)
MAX_POSITION = 2**63 - 1  # BIGINT


class BadAuditCursorError(ValueError):
    pass


def position_of(cursor: str) -> int:
    """A cursor's log position: ASCII digits (`isdigit` also takes `²`) a BIGINT holds."""
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) > MAX_POSITION:
        raise BadAuditCursorError("cursor")
    return int(cursor)


def audit_events(
    db: Database,
    *,
    aggregate_id: str | None = None,
    actor_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
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
        conditions.append("position > ?")
        values.append(position_of(cursor))
    sql = T.sql(
        f"SELECT {', '.join(COLUMNS)} FROM {{audit}} WHERE {' AND '.join(conditions)} "
        "ORDER BY position LIMIT ?"
    )
    with db.reading() as cur:
        rows = [dict(r) for r in cur.execute(sql, [*values, limit + 1]).fetchall()]
    return page_of(rows, limit, lambda row: str(row["position"]))
