"""What a read model is: tables, a version, and a fold of events into rows.

A projection never reads the event store and never writes outside its own tables. It
gets batches of `(position, event)` and a cursor inside the transaction that also
moves its tracking position, so a batch is either wholly applied or not at all.

Table names are written `{name}` in SQL templates; the runner decides whether they
mean the live tables or the shadow copies a rebuild fills while the live ones serve.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any, ClassVar

from adapters.db import Cursor

LIVE_PREFIX = "rm_"


class Tables(dict):
    """Logical table name → physical name, and SQL templates filled in with them."""

    def sql(self, template: str) -> str:
        return _fill(template, tuple(sorted(self.items())))


@lru_cache(maxsize=4096)
def _fill(template: str, names: tuple[tuple[str, str], ...]) -> str:
    return template.format_map(dict(names))


def live_tables(names: Sequence[str]) -> Tables:
    return Tables({name: f"{LIVE_PREFIX}{name}" for name in names})


class Projection:
    """Base class of read models."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    # Logical names of the tables this projection owns, parents before children.
    tables: ClassVar[tuple[str, ...]] = ()
    # About how long a rebuild of this read model takes, relative to the others: the
    # parallel rebuild balances its processes' work with it.
    rebuild_weight: ClassVar[float] = 1.0

    def __init__(self) -> None:
        self.live = live_tables(self.tables)

    def create_statements(self, dialect: str) -> list[str]:
        """CREATE TABLE templates (no secondary indexes: those come after a bulk load)."""
        raise NotImplementedError

    def index_statements(self, dialect: str) -> list[str]:
        """CREATE INDEX templates; index names must start with their table's `{name}`."""
        return []

    def handle(self, cur: Cursor, t: Tables, events: Sequence[tuple[int, Any]]) -> None:
        """Fold a batch of events, in log order, into the tables named by `t`."""
        raise NotImplementedError


def ts(moment: datetime | None) -> str | None:
    """A timestamp as sortable text, the same on both databases: UTC, microseconds, and a
    four-digit year (`0999-…`), so text order is time order for every year 1–9999.

    Written field by field: strftime's `%Y` does not pad years below 1000. A moment whose
    UTC time lies outside what Python can hold (0001-01-01 00:30+14:00 is still year 0 in
    UTC) is stored as the first or last representable moment rather than failing: the
    domain no longer accepts such moments, but logs written before may hold them.
    """
    if moment is None:
        return None
    try:
        u = moment.astimezone(UTC)
    except OverflowError:
        offset = moment.utcoffset()
        u = datetime.min if offset is not None and offset > timedelta(0) else datetime.max
    return (
        f"{u.year:04d}-{u.month:02d}-{u.day:02d}T"
        f"{u.hour:02d}:{u.minute:02d}:{u.second:02d}.{u.microsecond:06d}Z"
    )


# Also the unpadded years (`999-…`) that rows written before may hold.
_TS = re.compile(
    r"([0-9]{1,4})-([0-9]{2})-([0-9]{2})"
    r"T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{6})Z"
)


def from_ts(text: str | None) -> datetime | None:
    """The moment `ts` stored (also from rows written before years were padded); a
    ValueError for anything else."""
    if text is None:
        return None
    match = _TS.fullmatch(text)
    if match is None:
        raise ValueError(f"not a stored timestamp: {text[:40]!r}")
    return datetime(*map(int, match.groups()), tzinfo=UTC)


def iso_date(day: date | None) -> str | None:
    """A date as `YYYY-MM-DD` text (isoformat pads the year to four digits)."""
    return day.isoformat() if day else None


def sid(value: Any) -> str | None:
    """Ids are kept as text in read models."""
    return None if value is None else str(value)


class Rows:
    """The rows of one table a batch touches: read once, changed in memory, written once.

    Folding a batch this way turns many events about the same record into one upsert,
    which is what makes catch-up fast.
    """

    def __init__(self, cur: Cursor, table: str, key: str, columns: Sequence[str]) -> None:
        self.cur = cur
        self.table = table
        self.key = key
        self.columns = tuple(columns)
        self._rows: dict[Any, dict[str, Any]] = {}
        self._dirty: set[Any] = set()

    def prefetch(self, keys: Iterable[Any]) -> None:
        wanted = [k for k in dict.fromkeys(keys) if k is not None and k not in self._rows]
        cols = ", ".join(self.columns)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            self.cur.execute(
                f"SELECT {cols} FROM {self.table} WHERE {self.key} IN ({marks})", chunk
            )
            for row in self.cur.fetchall():
                self._rows[row[self.key]] = {c: row[c] for c in self.columns}

    def get(self, key: Any) -> dict[str, Any] | None:
        row = self._rows.get(key)
        if row is not None:
            self._dirty.add(key)
        return row

    def add(self, row: dict[str, Any]) -> dict[str, Any]:
        full = dict.fromkeys(self.columns)
        full.update(row)
        self._rows[full[self.key]] = full
        self._dirty.add(full[self.key])
        return full

    def flush(self) -> None:
        if not self._dirty:
            return
        updates = ", ".join(f"{c} = excluded.{c}" for c in self.columns if c != self.key)
        self.cur.insert_many(
            self.table,
            self.columns,
            [tuple(self._rows[k][c] for c in self.columns) for k in self._dirty],
            f"ON CONFLICT ({self.key}) DO UPDATE SET {updates}",
        )
        self._dirty.clear()


def fold_records(
    rows: Rows,
    events: Sequence[tuple[int, Any]],
    aggregate: type,
    created: type,
    new_row: Callable[[int, Any], dict[str, Any]],
    apply: Callable[[dict[str, Any], Any], None],
    *,
    stamped: bool = True,
) -> None:
    """The fold of a table with one row per aggregate: a row for each `created` event, and
    every later event of the aggregate applied to its row, stamped with its version and
    time (unless not `stamped`: a table that keeps neither). Events of records the table
    never saw created are passed over."""
    rows.prefetch(
        sid(e.originator_id)
        for _, e in events
        if isinstance(e, aggregate.Event) and not isinstance(e, created)
    )
    for position, event in events:
        if not isinstance(event, aggregate.Event):
            continue
        if isinstance(event, created):
            rows.add(new_row(position, event))
            continue
        row = rows.get(sid(event.originator_id))
        if row is None:
            continue
        if stamped:
            row["version"] = event.originator_version
            row["updated_at"] = ts(event.timestamp)
        apply(row, event)
    rows.flush()
