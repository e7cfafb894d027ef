"""Domain objects as plain values for the outside world, filtered for the reader."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.schemas.common import HistoryEntry
from api.schemas.deviations import (
    DeviationDetail,
    DeviationSummary,
    PersonHarmedOut,
    ReceiptView,
)
from hms_core import access, clock
from hms_core.access import Principal
from hms_core.deviations.deviation import CLOSED, Deviation
from hms_core.errors import NotFound
from projections.base import from_ts

_HIDDEN = {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}


class Names:
    """Display names of actors, looked up once per response."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._names: dict[str, str | None] = {}

    def __call__(self, actor: str) -> str | None:
        if actor not in self._names:
            self._names[actor] = self._lookup(actor)
        return self._names[actor]

    def _lookup(self, actor: str) -> str | None:
        if actor == "anonymous":
            return "Anonym"
        if actor.startswith("system:"):
            return f"Systemet ({actor.removeprefix('system:')})"
        try:
            return self.app.user(UUID(actor)).name
        except (ValueError, NotFound):
            return None


def event_data(event: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(event).items() if k not in _HIDDEN}


def history(
    events: list[Any], names: Names, keep=lambda event: True, shape=event_data
) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            type=type(e).__name__,
            at=clock.local(e.timestamp),
            actor=getattr(e, "actor", "system"),
            actor_name=names(getattr(e, "actor", "system")),
            data=shape(e),
        )
        for e in events
        if keep(e)
    ]


def person_harmed_out(deviation: Deviation, who: Principal) -> PersonHarmedOut | None:
    harmed = deviation.person_harmed
    if harmed is None:
        return None
    if not access.sees_injured_identity(who, deviation):
        harmed = harmed.without_identity()
    return PersonHarmedOut(
        kind=harmed.kind,
        absence=harmed.absence,
        absence_days=harmed.absence_days,
        name=harmed.name,
        person_id=harmed.person_id,
        health_details=harmed.health_details,
    )


def deviation_detail(
    app: Any, who: Principal, deviation: Deviation, actions: list[dict[str, Any]]
) -> DeviationDetail:
    events = app.history(deviation.id)
    names = Names(app)
    identity = access.sees_injured_identity(who, deviation)

    def keep(e: Any) -> bool:
        return not isinstance(e, Deviation.Commented) or access.sees_note(
            who, deviation, author=e.actor, visible_to_reporter=e.visible_to_reporter
        )

    def shape(e: Any) -> dict[str, Any]:
        data = event_data(e)
        if not identity and data.get("person_harmed") is not None:
            data["person_harmed"] = data["person_harmed"].without_identity()
        return data

    closed = [e for e in events if isinstance(e, Deviation.Closed)]
    try:
        unit_name = app.organisation().unit(deviation.unit_id).name
    except NotFound:
        unit_name = None
    return DeviationDetail(
        id=deviation.id,
        reference=deviation.reference,
        title=deviation.title,
        description=deviation.description,
        occurred_at=clock.local(deviation.occurred_at),
        reported_at=clock.local(deviation.created_on),
        unit_id=deviation.unit_id,
        unit_name=unit_name,
        location=deviation.location,
        category=deviation.category,
        severity=deviation.severity,
        status=deviation.status,
        anonymous=deviation.anonymous,
        reporter_id=deviation.reporter_id,
        handler_id=deviation.handler_id,
        immediate_action=deviation.immediate_action,
        person_harmed=person_harmed_out(deviation, who),
        serious_injury=deviation.serious_injury,
        recurrence_probability=deviation.recurrence_probability,
        causes=list(deviation.causes),
        cause_description=deviation.cause_description,
        conclusion=deviation.conclusion,
        closed_at=clock.local(closed[-1].timestamp)
        if closed and deviation.status == CLOSED
        else None,
        version=deviation.version,
        actions=actions,
        hazards=[{"assessment_id": str(a), "hazard_id": str(h)} for a, h in deviation.hazard_links],
        history=history(events, names, keep, shape),
    )


def receipt_view(app: Any, deviation: Deviation) -> ReceiptView:
    """Status, feedback meant for the reporter, and what the reporter added."""
    messages = []
    closed_at = None
    for e in app.history(deviation.id):
        at = clock.local(e.timestamp)
        if isinstance(e, Deviation.FeedbackGiven) or (
            isinstance(e, Deviation.Commented) and e.visible_to_reporter
        ):
            messages.append({"at": at, "from": "handler", "text": e.text})
        elif isinstance(e, Deviation.InformationAdded) and e.actor == "anonymous":
            messages.append({"at": at, "from": "reporter", "text": e.text})
        elif isinstance(e, Deviation.Closed):
            closed_at = at
            if e.feedback:
                messages.append({"at": at, "from": "handler", "text": e.feedback})
        elif isinstance(e, Deviation.Reopened):
            closed_at = None
    return ReceiptView(
        reference=deviation.reference,
        title=deviation.title,
        status=deviation.status,
        reported_at=clock.local(deviation.created_on),
        closed_at=closed_at,
        messages=messages,
    )


def summary(row: dict[str, Any]) -> DeviationSummary:
    def when(key: str):
        value = from_ts(row.get(key))
        return clock.local(value) if value else None

    return DeviationSummary(
        id=UUID(row["id"]),
        reference=row["reference"],
        title=row["title"],
        unit_id=UUID(row["unit_id"]),
        category=row["category"],
        severity=row["severity"],
        status=row["status"],
        anonymous=bool(row["anonymous"]),
        serious_injury=bool(row["serious_injury"]),
        occurred_at=when("occurred_at"),
        reported_at=when("reported_at"),
        closed_at=when("closed_at"),
        updated_at=when("updated_at"),
        version=row["version"],
        location=row.get("location"),
        reporter_id=UUID(row["reporter_id"]) if row.get("reporter_id") else None,
        handler_id=UUID(row["handler_id"]) if row.get("handler_id") else None,
        action_count=row.get("action_count") or 0,
    )
