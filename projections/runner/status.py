"""How far each read model is behind the log, and whether it is stopped by a failure."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from adapters.db import Database
from projections.runner.failures import Failure, stored
from projections.runner.log_reader import LogReader
from projections.runner.tracking import tracked


class Status(msgspec.Struct):
    name: str
    version: int
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    failure: Failure | None = None


def statuses(db: Database, log: LogReader, names: list[str]) -> list[Status]:
    """Position and lag of each of the read models named."""
    head = log.head()
    rows = tracked(db)
    failures = {f.name: f for f in stored(db, names)}
    result = []
    for name in names:
        row = rows.get(name, {"position": 0, "version": 0})
        result.append(
            Status(
                name=name,
                version=row["version"],
                position=row["position"],
                head=head,
                lag_events=max(head - row["position"], 0),
                lag_seconds=lag_seconds(log, row["position"], head),
                failure=failures.get(name),
            )
        )
    return result


def lag_seconds(log: LogReader, position: int, head: int) -> float:
    """How long ago the oldest event this read model has not applied was written."""
    written = log.written_after(position) if position < head else None
    if written is None:
        return 0.0
    return max((datetime.now(UTC) - written).total_seconds(), 0.0)
