"""What every presenter shares: actors' names, a record's history, units' names, times."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from api.schemas.common import HistoryEntry
from hms_core import clock
from hms_core.access import disclosure
from hms_core.errors import NotFound
from projections.base import from_ts

_HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


class Names:
    """Display names of actors (hms_core.access.disclosure.actor_name), looked up once
    per response."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._names: dict[str, str | None] = {}

    def __call__(self, actor: str) -> str | None:
        if actor not in self._names:
            self._names[actor] = disclosure.actor_name(actor, self._user_name)
        return self._names[actor]

    def _user_name(self, user_id: UUID) -> str | None:
        try:
            return self.app.user(user_id).name
        except NotFound:
            return None


def event_data(event: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(event).items() if k not in _HIDDEN}


def history(events: list[Any], names: Names) -> list[HistoryEntry]:
    """A record's events, oldest first, each with who did it."""
    return [
        HistoryEntry(
            type=type(e).__name__,
            at=clock.local(e.timestamp),
            actor=getattr(e, "actor", "system"),
            actor_name=names(getattr(e, "actor", "system")),
            data=event_data(e),
        )
        for e in events
    ]


def unit_name(app: Any, unit_id: UUID) -> str | None:
    try:
        return app.organisation().unit(unit_id).name
    except NotFound:
        return None


def local(moment: datetime | None) -> datetime | None:
    """A stored moment in the configured zone (hms_core.clock.local), or None."""
    return clock.local(moment) if moment else None


def local_ts(text: str | None) -> datetime | None:
    """A read model's timestamp (projections.base.ts) in the configured zone, or None."""
    return local(from_ts(text))


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def uuid_or_none(text: str | None) -> UUID | None:
    return UUID(text) if text else None
