"""What every presenter shares: actors' names, a record's history, units' names, times,
and what every page shows (dates as people read them, the menu)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from api.schemas.common import HistoryEntry
from hms_core import access, clock
from hms_core.access import Principal, disclosure
from hms_core.errors import Forbidden, NotFound
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


# --- what every page shows: dates as people read them, and the menu -----------------


def date_text(value: date | datetime | str | None) -> str:
    """dd.mm.åååå: a date, an ISO date as the read models keep it, or a moment (in the
    configured time zone); empty for None. Written out, not strftime: a year before 1000
    keeps its four digits."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    elif isinstance(value, datetime):
        value = clock.local(value)
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}"


def moment_text(value: datetime | None) -> str:
    """dd.mm.åååå kl. HH:MM in the configured time zone; empty for None."""
    if value is None:
        return ""
    at = clock.local(value)
    return f"{date_text(at)} kl. {at.hour:02d}:{at.minute:02d}"


class MenuItem(msgspec.Struct, frozen=True):
    href: str
    label: str
    current: bool = False


def _may(check: Callable[[Principal], Any], who: Principal) -> bool:
    try:
        check(who)
    except Forbidden:
        return False
    return True


def _reads_cases_beyond_own(who: Principal) -> bool:
    scope = access.deviation_scope(who)
    return scope.everything or bool(scope.units or scope.hms_units)


# What each may use, in the order of the menu; the rules are hms_core.access's.
_MENU: tuple[tuple[str, str, Callable[[Principal], bool]], ...] = (
    ("/", "Mine oppgaver", lambda who: True),
    ("/avvik/ny", "Meld avvik", lambda who: True),
    ("/mine", "Mine meldinger", lambda who: True),
    ("/avvik", "Avvik", _reads_cases_beyond_own),
    # Everyone may own an action (and read and complete it): the list shows theirs.
    ("/tiltak", "Tiltak", lambda who: True),
    ("/risiko", "Risiko", lambda who: _may(access.check_figures, who)),
    ("/statistikk", "Statistikk", lambda who: _may(access.check_figures, who)),
    ("/revisjon", "Revisjon", lambda who: _may(access.check_audit, who)),
    ("/admin", "Admin", lambda who: _may(access.check_manage_directory, who)),
    ("/profil", "Profil", lambda who: True),
)


def _under(path: str, href: str) -> bool:
    return path == href or (href != "/" and path.startswith(href + "/"))


def menu(who: Principal | None, path: str) -> list[MenuItem]:
    """The menu for this person, the page at `path` marked as the current one (the
    longest matching entry: /avvik/ny is «Meld avvik», not «Avvik»)."""
    if who is None:
        return []
    shown = [(href, label) for href, label, may in _MENU if may(who)]
    matching = [href for href, _ in shown if _under(path, href)]
    current = max(matching, key=len) if matching else None
    return [MenuItem(href, label, href == current) for href, label in shown]
