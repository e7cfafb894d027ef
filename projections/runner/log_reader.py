"""The event log as the runner reads it: its head, and batches of decoded events.

A batch is decoded once and given to every read model at that position.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from adapters.outages import is_unavailable


class Undecodable(Exception):
    """The event at `position` cannot be read from the store at all."""

    def __init__(self, position: int, error: BaseException) -> None:
        super().__init__(position)
        self.position = position
        self.error = error


class LogReader:
    """Reads an application's event log (its recorder and mapper)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def read(self, after: int, head: int, limit: int) -> list[tuple[int, Any]]:
        """Up to `limit` events after `after`, none beyond `head`, as (position, event).

        The events before one that cannot be decoded come first; that one alone raises
        Undecodable. An outage is raised by the next read."""
        # No `stop=head` in the query: with both bounds, PostgreSQL's estimate for a
        # table not yet analysed (as after a bulk load) picks a bitmap scan of the whole
        # range and a sort, which makes each batch cost as much as the rest of the log.
        notifications = self.app.recorder.select_notifications(start=after + 1, limit=limit)
        to_event = self.app.mapper.to_domain_event
        batch = []
        for n in notifications:
            if n.id > head:
                break
            try:
                batch.append((n.id, to_event(n)))
            except Exception as e:
                if is_unavailable(e) or batch:
                    break
                raise Undecodable(n.id, e) from e
        return batch

    def written_after(self, position: int) -> datetime | None:
        """When the first event after `position` was written; None if there is none or
        nobody can read it (its failure is reported instead)."""
        pending = self.app.recorder.select_notifications(start=position + 1, limit=1)
        if not pending:
            return None
        try:
            return self.app.mapper.to_domain_event(pending[0]).timestamp
        except Exception as e:
            if is_unavailable(e):
                raise
            return None
