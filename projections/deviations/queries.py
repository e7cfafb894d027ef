"""Reading the deviation list: filters, full-text search and keyset pages."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from adapters.db import Database
from hms_core.access import DeviationScope
from projections.base import from_ts, live_tables
from projections.deviations.view import DeviationListView
from projections.paging import Page, decode_cursor, encode_cursor, page_of
from projections.scoping import day_after, day_start, deviation_condition, marks

T = live_tables(DeviationListView.tables)
LIST_COLUMNS = (
    "id, reference, title, location, unit_id, category, severity, status, anonymous, "
    "reporter_id, handler_id, serious_injury, person_kind, absence, occurred_at, "
    "reported_at, closed_at, updated_at, last_feedback_at, feedback_count, action_count, "
    "version"
)
_WORD = re.compile(r"\w+", re.UNICODE)


class DeviationFilter(msgspec.Struct, frozen=True):
    unit_ids: frozenset[UUID] | None = None
    status: str | None = None
    category: str | None = None
    reported_from: date | None = None
    reported_to: date | None = None
    q: str | None = None
    reporter_id: UUID | None = None
    limit: int = 50
    cursor: str | None = None


def _reported_at(text: str) -> str:
    from_ts(text)  # a ValueError unless it is a stored timestamp
    return text


def search_condition(dialect: str, q: str) -> tuple[str, list[Any]]:
    """Every word must match (as a prefix, so 'fall' finds 'fallulykke')."""
    words = _WORD.findall(q.lower())[:12]
    if not words:
        return "1 = 1", []
    if dialect == "postgres":
        query = " & ".join(f"{w}:*" for w in words)
        return "d.search @@ to_tsquery('norwegian', ?)", [query]
    query = " AND ".join(f'"{w}"*' for w in words)
    return T.sql("d.seq IN (SELECT rowid FROM {deviations_fts} WHERE {deviations_fts} MATCH ?)"), [
        query
    ]


def list_deviations(db: Database, scope: DeviationScope, f: DeviationFilter) -> Page:
    """One page of the deviations this reader may see, newest report first."""
    where, params = deviation_condition(scope, "d")
    conditions, values = [where], list(params)

    def add(condition: str, *args: Any) -> None:
        conditions.append(condition)
        values.extend(args)

    if f.unit_ids is not None:
        m, units = marks(f.unit_ids)
        add(f"d.unit_id IN ({m})" if units else "1 = 0", *units)
    if f.status:
        add("d.status = ?", f.status)
    if f.category:
        add("d.category = ?", f.category)
    if f.reported_from:
        add("d.reported_at >= ?", day_start(f.reported_from))
    if f.reported_to:
        add("d.reported_at < ?", day_after(f.reported_to))
    if f.reporter_id:
        add("d.reporter_id = ?", str(f.reporter_id))
    if f.q:
        condition, args = search_condition(db.dialect, f.q)
        add(condition, *args)
    if f.cursor:
        reported_at, id_ = decode_cursor(f.cursor, _reported_at)
        add(
            "(d.reported_at < ? OR (d.reported_at = ? AND d.id < ?))", reported_at, reported_at, id_
        )
    sql = T.sql(
        f"SELECT {', '.join('d.' + c.strip() for c in LIST_COLUMNS.split(','))} "
        "FROM {deviations} d WHERE "
        + " AND ".join(conditions)
        + " ORDER BY d.reported_at DESC, d.id DESC LIMIT ?"
    )
    with db.reading() as cur:
        rows = [dict(r) for r in cur.execute(sql, [*values, f.limit + 1]).fetchall()]
    return page_of(rows, f.limit, lambda row: encode_cursor(row["reported_at"], row["id"]))
