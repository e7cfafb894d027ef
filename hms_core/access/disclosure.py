"""What each reader is shown of what they may read: written once, for the API, the pages
and the read models.

The other modules of this package say whether a person may read a record at all; these
functions say what of it they are shown:

- an anonymous reporter, through the receipt code: the case's number, title and state,
  the feedback meant for them and what they added themselves, nothing else (no names,
  no internal notes);
- a case's history: internal notes only for those who follow the case (and their
  authors), the injured person's identity only for those AML § 5-1 lets see it;
- who did something: a person by name, `Anonym`, or `Systemet (<what>)`;
- who reported a case, in a list or an export: nobody, for an anonymous report;
- the org tree: head counts (FTE) only for HMS officers and administrators.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import msgspec

from hms_core.access.deviations import sees_injured_identity, sees_note
from hms_core.access.directory import can_read_directory
from hms_core.access.principal import Principal
from hms_core.deviations.deviation import Deviation
from hms_core.model import ANONYMOUS, SYSTEM_PREFIX

if TYPE_CHECKING:
    from hms_core.deviations.person_harmed import PersonHarmed
    from hms_core.directory.organisation import Organisation, Unit

HANDLER = "handler"
REPORTER = "reporter"

T = TypeVar("T")


# --- who did it ----------------------------------------------------------------------


def actor_name(actor: str, user_name: Callable[[UUID], str | None]) -> str | None:
    """How an event's `actor` is named to a reader; `user_name` looks a person up (None
    for someone unknown, as for an actor that is neither a person nor the product)."""
    if actor == ANONYMOUS:
        return "Anonym"
    if actor.startswith(SYSTEM_PREFIX):
        return f"Systemet ({actor.removeprefix(SYSTEM_PREFIX)})"
    try:
        user_id = UUID(actor)
    except ValueError:
        return None
    return user_name(user_id)


def listed_reporter(reporter_id: T | None, anonymous: bool) -> T | None:
    """Who reported a case, as a row of a list or an export names them: nobody for an
    anonymous report, whatever the row holds."""
    return None if anonymous else reporter_id


# --- a case, to those who may read it ------------------------------------------------


def person_harmed_for(who: Principal, deviation: Deviation) -> PersonHarmed | None:
    """Who was hurt, without their name and health details unless `who` may know them."""
    harmed = deviation.person_harmed
    if harmed is None or sees_injured_identity(who, deviation):
        return harmed
    return harmed.without_identity()


def history_for(who: Principal, deviation: Deviation, events: Iterable[Any]) -> list[Any]:
    """The case's events (its audit trail) as `who` may see them: notes they may not read
    left out, the injured person's identity taken out of the report unless they may know it."""
    identity = sees_injured_identity(who, deviation)
    return [
        e if identity else _without_identity(e)
        for e in events
        if not isinstance(e, Deviation.Commented)
        or sees_note(who, deviation, author=e.actor, visible_to_reporter=e.visible_to_reporter)
    ]


def _without_identity(event: Any) -> Any:
    harmed = getattr(event, "person_harmed", None)
    if harmed is None:
        return event
    # A copy with the same fields in the same order; events are frozen, so the one field
    # is set the way a frozen dataclass sets its own.
    redacted = copy.copy(event)
    object.__setattr__(redacted, "person_harmed", harmed.without_identity())
    return redacted


# --- a case, to its anonymous reporter -----------------------------------------------


class ReporterMessage(msgspec.Struct, frozen=True):
    at: datetime
    sender: str  # HANDLER or REPORTER
    text: str


class ReporterView(msgspec.Struct, frozen=True):
    """All the receipt code shows of a case."""

    reference: str
    title: str
    status: str
    reported_at: datetime
    closed_at: datetime | None
    messages: tuple[ReporterMessage, ...]


def feedback_to_reporter(event: Any) -> str | None:
    """The text this event tells the reporter, if it is feedback meant for them: feedback
    given, a note made visible to them, or the feedback given when the case was closed."""
    if isinstance(event, Deviation.FeedbackGiven):
        return event.text
    if isinstance(event, Deviation.Commented) and event.visible_to_reporter:
        return event.text
    if isinstance(event, Deviation.Closed):
        return event.feedback or None
    return None


def reporter_view(deviation: Deviation, events: Iterable[Any]) -> ReporterView:
    """The case as its reporter follows it with the receipt code: state, the feedback meant
    for them and what they added anonymously, oldest first."""
    messages: list[ReporterMessage] = []
    closed_at = None
    for e in events:
        feedback = feedback_to_reporter(e)
        if feedback is not None:
            messages.append(ReporterMessage(e.timestamp, HANDLER, feedback))
        elif isinstance(e, Deviation.InformationAdded) and e.actor == ANONYMOUS:
            messages.append(ReporterMessage(e.timestamp, REPORTER, e.text))
        if isinstance(e, Deviation.Closed):
            closed_at = e.timestamp
        elif isinstance(e, Deviation.Reopened):
            closed_at = None
    return ReporterView(
        reference=deviation.reference,
        title=deviation.title,
        status=deviation.status,
        reported_at=deviation.created_on,
        closed_at=closed_at,
        messages=tuple(messages),
    )


# --- the org tree --------------------------------------------------------------------


def units_for(who: Principal, organisation: Organisation) -> list[Unit]:
    """Every unit (the report form needs them all); head counts only for those who may
    read the directory."""
    units = list(organisation.units.values())
    if can_read_directory(who):
        return units
    return [msgspec.structs.replace(unit, fte=None) for unit in units]
