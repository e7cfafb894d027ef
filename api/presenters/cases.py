"""The case pages (/avvik and /avvik/{id}) as templates show them: text as people read it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import msgspec

from api.presenters.actions import status_words
from api.presenters.common import (
    Names,
    date_text,
    moment_text,
)
from hms_core.access import Principal, disclosure
from hms_core.deviations.categories import CAUSE_KINDS, PERSON_KINDS, STATUS_LABELS
from hms_core.deviations.categories import label as category_label
from hms_core.deviations.deviation import CLOSED, Deviation
from projections.base import from_ts


class CaseRow(msgspec.Struct, frozen=True):
    """A row of the /avvik list."""

    id: str
    reference: str
    title: str
    unit_name: str
    category: str
    status: str
    reported_on: str
    overdue_actions: bool


def case_row(row: dict[str, Any], unit_names: Mapping[str, str], overdue: bool) -> CaseRow:
    """A row of the list's read model (projections.deviations), in words."""
    return CaseRow(
        id=row["id"],
        reference=row["reference"],
        title=row["title"],
        unit_name=unit_names.get(row["unit_id"], ""),
        category=category_label(row["category"]),
        status=STATUS_LABELS.get(row["status"], row["status"]),
        reported_on=date_text(from_ts(row["reported_at"])) if row.get("reported_at") else "",
        overdue_actions=overdue,
    )


class CaseAction(msgspec.Struct, frozen=True):
    id: str
    reference: str
    title: str
    status: str
    due_on: str
    overdue: bool
    owner_name: str | None


class Note(msgspec.Struct, frozen=True):
    at: str
    author: str
    text: str
    visible_to_reporter: bool = False


class Step(msgspec.Struct, frozen=True):
    """One step of a case's timeline: when, who, what (and what it said)."""

    at: str
    actor: str
    what: str
    details: tuple[str, ...] = ()


class CasePage(msgspec.Struct, frozen=True):
    """One case as its reader may see it, in words, for the case page."""

    id: str
    reference: str
    title: str
    description: str
    status: str
    status_code: str
    unit_id: str
    unit_name: str
    category: str
    category_code: str
    severity: int
    occurred: str
    reported: str
    reporter: str
    handler: str | None
    location: str | None
    immediate_action: str | None
    person_harmed: str | None
    serious_injury: bool
    recurrence_probability: int | None
    causes: tuple[str, ...]
    cause_codes: tuple[str, ...]
    cause_description: str | None
    conclusion: str | None
    version: int
    actions: tuple[CaseAction, ...]
    comments: tuple[Note, ...]
    feedback: tuple[Note, ...]
    steps: tuple[Step, ...]


def _person_harmed_text(who: Principal, deviation: Deviation) -> str | None:
    harmed = disclosure.person_harmed_for(who, deviation)
    if harmed is None:
        return None
    parts = [PERSON_KINDS.get(harmed.kind, harmed.kind)]
    if harmed.absence:
        days = f" ({harmed.absence_days} dager)" if harmed.absence_days is not None else ""
        parts.append(f"førte til fravær{days}")
    if harmed.name:
        parts.append(f"navn: {harmed.name}")
    if harmed.health_details:
        parts.append(f"helseopplysninger: {harmed.health_details}")
    return ", ".join(parts)


def _case_action(summary: dict[str, Any]) -> CaseAction:
    return CaseAction(
        id=summary["id"],
        reference=summary["reference"],
        title=summary["title"],
        status=status_words(summary["status"]),
        due_on=date_text(date.fromisoformat(summary["due_date"])),
        overdue=bool(summary["overdue"]),
        owner_name=summary.get("owner_name"),
    )


class _Steps:
    """Events of a case's history told in Norwegian."""

    def __init__(self, app: Any, actions: list[dict[str, Any]]) -> None:
        self.units = {u.id: u.name for u in app.organisation().units.values()}
        self.actions = {a["id"]: a["reference"] for a in actions}

    def tell(self, e: Any) -> tuple[str, tuple[str, ...]]:
        kind = type(e).__name__
        if kind == "Classified":
            causes = ", ".join(CAUSE_KINDS.get(c, c) for c in e.causes)
            details = [
                f"Kategori: {category_label(e.category)}",
                f"Alvorlighet: {e.severity}",
                f"Sannsynlighet for gjentakelse: {e.recurrence_probability}",
                f"Årsaker: {causes}",
            ]
            if e.cause_description:
                details.append(f"Om årsakene: {e.cause_description}")
            return "Klassifisert", tuple(details)
        if kind == "Transferred":
            to = self.units.get(e.to_unit_id, "en annen enhet")
            origin = self.units.get(e.from_unit_id, "en annen enhet")
            return f"Overført fra {origin} til {to}", (f"Begrunnelse: {e.reason}",)
        if kind == "ActionLinked":
            reference = self.actions.get(str(e.action_id))
            return (f"Tiltak {reference} opprettet" if reference else "Tiltak opprettet"), ()
        if kind == "Closed":
            return "Lukket", tuple(_closing_details(e))
        if kind == "Reopened":
            return "Gjenåpnet", (f"Begrunnelse: {e.reason}",)
        return STEP_NAMES.get(kind, kind), ()


STEP_NAMES = {
    "Reported": "Meldt",
    "Acknowledged": "Tatt til behandling",
    "Commented": "Kommentar",
    "FeedbackGiven": "Tilbakemelding til den som meldte",
    "InformationAdded": "Mer informasjon fra den som meldte",
    "HazardLinked": "Koblet til en fare i en risikovurdering",
}


def _closing_details(e: Any) -> list[str]:
    details = [f"Konklusjon: {e.conclusion}"]
    if e.no_action_reason:
        details.append(f"Hvorfor ingen tiltak: {e.no_action_reason}")
    if e.open_actions_reason:
        details.append(f"Hvorfor lukket med åpne tiltak: {e.open_actions_reason}")
    if e.feedback:
        details.append(f"Tilbakemelding: {e.feedback}")
    return details


def _notes(events: list[Any], names: Names) -> tuple[tuple[Note, ...], tuple[Note, ...]]:
    """The comments, and the feedback to the reporter, of the history as the reader sees it."""
    comments, feedback = [], []
    for e in events:
        author = names(e.actor) or "Ukjent"
        if isinstance(e, Deviation.Commented):
            comments.append(Note(moment_text(e.timestamp), author, e.text, e.visible_to_reporter))
        elif isinstance(e, Deviation.FeedbackGiven):
            feedback.append(Note(moment_text(e.timestamp), author, e.text))
        elif isinstance(e, Deviation.Closed) and e.feedback:
            feedback.append(Note(moment_text(e.timestamp), author, e.feedback))
    return tuple(comments), tuple(feedback)


def case_page(
    app: Any, who: Principal, deviation: Deviation, actions: list[dict[str, Any]]
) -> CasePage:
    """The case as `who` may see it (hms_core.access.disclosure), for /avvik/{id}."""
    events = disclosure.history_for(who, deviation, app.history(deviation.id))
    names = Names(app)
    steps = _Steps(app, actions)
    comments, feedback = _notes(events, names)
    reported = events[0] if events else None
    return CasePage(
        id=str(deviation.id),
        reference=deviation.reference,
        title=deviation.title,
        description=deviation.description,
        status=STATUS_LABELS.get(deviation.status, deviation.status),
        status_code=deviation.status,
        unit_id=str(deviation.unit_id),
        unit_name=steps.units.get(deviation.unit_id, ""),
        category=category_label(deviation.category),
        category_code=deviation.category,
        severity=deviation.severity,
        occurred=moment_text(deviation.occurred_at),
        reported=moment_text(deviation.created_on),
        reporter=(names(reported.actor) if reported else None) or "Ukjent",
        handler=names(str(deviation.handler_id)) if deviation.handler_id else None,
        location=deviation.location,
        immediate_action=deviation.immediate_action,
        person_harmed=_person_harmed_text(who, deviation),
        serious_injury=deviation.serious_injury,
        recurrence_probability=deviation.recurrence_probability,
        causes=tuple(CAUSE_KINDS.get(c, c) for c in deviation.causes),
        cause_codes=tuple(deviation.causes),
        cause_description=deviation.cause_description,
        conclusion=deviation.conclusion if deviation.status == CLOSED else None,
        version=deviation.version,
        actions=tuple(_case_action(a) for a in actions),
        comments=comments,
        feedback=feedback,
        steps=tuple(
            Step(
                moment_text(e.timestamp), names(getattr(e, "actor", "")) or "Ukjent", *steps.tell(e)
            )
            for e in events
        ),
    )
