"""Folding a batch event by event, to find the one a read model cannot fold.

A batch is folded whole in one statement per table; only when that fails is it folded
one event at a time, each behind a savepoint: the live runner keeps the events before
the failing one and stops there, a rebuild names it (RebuildError) and keeps nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from adapters.db import Cursor
from adapters.outages import is_unavailable
from projections.base import Projection, Tables
from projections.runner.errors import RebuildError

Batch = Sequence[tuple[int, Any]]


class Poison(NamedTuple):
    """The event a read model cannot fold, and what it raised."""

    position: int
    event: Any
    error: Exception


def fold_one_by_one(
    cur: Cursor, projection: Projection, t: Tables, batch: Batch
) -> tuple[int, Poison | None]:
    """Fold the events one at a time up to the first that fails: how many were folded,
    and the one that failed (None if none did). An outage is raised."""
    for folded, (at, event) in enumerate(batch):
        cur.execute("SAVEPOINT hms_fold")
        try:
            projection.handle(cur, t, [(at, event)])
        except Exception as e:
            cur.execute("ROLLBACK TO SAVEPOINT hms_fold")
            if is_unavailable(e):
                raise
            return folded, Poison(at, event, e)
        cur.execute("RELEASE SAVEPOINT hms_fold")
    return len(batch), None


def locate(cur: Cursor, projection: Projection, t: Tables, batch: Batch) -> RebuildError:
    """Which event of a failed batch the read model cannot fold; nothing of it is kept."""
    cur.execute("SAVEPOINT hms_locate")
    try:
        _, poison = fold_one_by_one(cur, projection, t, batch)
    finally:
        cur.execute("ROLLBACK TO SAVEPOINT hms_locate")
    if poison is None:
        return RebuildError(
            projection.name, batch[0][0], "?", "the batch failed, its events one by one not"
        )
    return RebuildError(
        projection.name, poison.position, type_name(poison.event), type(poison.error).__name__
    )


def type_name(event: Any) -> str:
    """How a failure names the event's type (`Deviation.Reported`)."""
    return type(event).__qualname__
