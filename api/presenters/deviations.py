"""Deviations as the API shows them: a case to one reader, the list's rows, the receipt."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.presenters.common import Names, history, local, local_ts, unit_name, uuid_or_none
from api.schemas.deviations import (
    DeviationDetail,
    DeviationSummary,
    PersonHarmedOut,
    ReceiptView,
)
from hms_core import clock
from hms_core.access import Principal, disclosure
from hms_core.deviations.deviation import CLOSED, Deviation


def person_harmed_out(deviation: Deviation, who: Principal) -> PersonHarmedOut | None:
    harmed = disclosure.person_harmed_for(who, deviation)
    if harmed is None:
        return None
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
    """The case as `who` may see it, with its actions (as `who` may see them) and history."""
    events = app.history(deviation.id)
    closed = [e for e in events if isinstance(e, Deviation.Closed)]
    return DeviationDetail(
        id=deviation.id,
        reference=deviation.reference,
        title=deviation.title,
        description=deviation.description,
        occurred_at=clock.local(deviation.occurred_at),
        reported_at=clock.local(deviation.created_on),
        unit_id=deviation.unit_id,
        unit_name=unit_name(app, deviation.unit_id),
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
        history=history(disclosure.history_for(who, deviation, events), Names(app)),
    )


def receipt_view(app: Any, deviation: Deviation) -> ReceiptView:
    """Status, feedback meant for the reporter, and what the reporter added."""
    view = disclosure.reporter_view(deviation, app.history(deviation.id))
    return ReceiptView(
        reference=view.reference,
        title=view.title,
        status=view.status,
        reported_at=clock.local(view.reported_at),
        closed_at=local(view.closed_at),
        messages=[
            {"at": clock.local(m.at), "from": m.sender, "text": m.text} for m in view.messages
        ],
    )


def summary(row: dict[str, Any]) -> DeviationSummary:
    """A row of the list (projections.deviations)."""
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
        occurred_at=local_ts(row.get("occurred_at")),
        reported_at=local_ts(row.get("reported_at")),
        closed_at=local_ts(row.get("closed_at")),
        updated_at=local_ts(row.get("updated_at")),
        version=row["version"],
        location=row.get("location"),
        reporter_id=uuid_or_none(
            disclosure.listed_reporter(row.get("reporter_id"), bool(row["anonymous"]))
        ),
        handler_id=uuid_or_none(row.get("handler_id")),
        action_count=row.get("action_count") or 0,
    )
