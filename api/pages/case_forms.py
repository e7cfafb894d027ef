"""The forms of the case page (/avvik/{id}): what each command takes, read from the form.

Every form posts text; `parse` turns it into the use case's arguments and says, beside
each field and in Norwegian, what it could not read or what the command's struct (the
domain's own limits, hms_core/<area>/commands.py) refuses, every field at once. The
domain's rules are still the ones that decide: its InvalidValue names the field, and
`domain_error` puts the message beside it with the form's label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import msgspec

from api.validation import field_errors
from hms_core import access
from hms_core.access import Principal
from hms_core.actions.commands import CreateAction
from hms_core.deviations.commands import (
    AcknowledgeDeviation,
    ClassifyDeviation,
    CloseDeviation,
    CommentDeviation,
    GiveFeedback,
    ReopenDeviation,
    TransferDeviation,
)
from hms_core.deviations.deviation import REPORTED, Deviation
from hms_core.errors import Conflict, Forbidden, InvalidValue, NotFound


class CaseForm(msgspec.Struct):
    """Every field of every form on the case page, as the browser sends it (text)."""

    expected_version: str = ""
    text: str = ""
    visible_to_reporter: str = ""
    category: str = ""
    severity: str = ""
    recurrence_probability: str = ""
    causes: list[str] | str = []
    cause_description: str = ""
    to_unit_id: str = ""
    reason: str = ""
    conclusion: str = ""
    no_action_reason: str = ""
    open_actions_reason: str = ""
    feedback: str = ""
    title: str = ""
    description: str = ""
    owner_id: str = ""
    due_date: str = ""

    @property
    def cause_list(self) -> list[str]:
        return [self.causes] if isinstance(self.causes, str) else list(self.causes)


# What the forms call each field, for the messages beside them.
LABELS = {
    "expected_version": "Versjon",
    "text": "Tekst",
    "category": "Kategori",
    "severity": "Alvorlighet",
    "recurrence_probability": "Sannsynlighet for gjentakelse",
    "causes": "Årsaker",
    "cause_description": "Beskriv årsakene",
    "to_unit_id": "Til enhet",
    "reason": "Begrunnelse",
    "conclusion": "Konklusjon",
    "no_action_reason": "Hvorfor trengs ingen tiltak?",
    "open_actions_reason": "Hvorfor lukke med åpne tiltak?",
    "feedback": "Tilbakemelding til den som meldte",
    "title": "Hva skal gjøres?",
    "description": "Beskrivelse",
    "owner_id": "Ansvarlig",
    "due_date": "Frist",
}

# When a field cannot even be read as what it is (a choice, a date).
UNREADABLE = {
    "expected_version": "Skjemaet mangler sakens versjon. Last inn siden på nytt.",
    "severity": "Velg hvor alvorlig det var.",
    "recurrence_probability": "Velg hvor sannsynlig det er at det skjer igjen.",
    "to_unit_id": "Velg enheten saken skal overføres til.",
    "owner_id": "Velg hvem som er ansvarlig for tiltaket.",
    "due_date": "Oppgi fristen som en dato (dd.mm.åååå).",
}
FORM = "_form"  # a message for the form as a whole
CHOOSE = {"causes": "Velg minst én årsak.", "category": "Velg en kategori."}

# Which field a refusal of the close command is about (the domain's stable codes).
CONFLICT_FIELDS = {
    "action_or_reason_required": "no_action_reason",
    "open_actions": "open_actions_reason",
    "causes_required": "conclusion",
    "same_unit": "to_unit_id",
}


def _int(value: str) -> int:
    return int(value.strip())


def _uuid(value: str) -> UUID:
    return UUID(value.strip())


def _date(value: str) -> date:
    return date.fromisoformat(value.strip())


def _optional(value: str) -> str | None:
    return value or None


def _checked(value: str) -> bool:
    return bool(value)


def _same(value: str) -> str:
    return value


def _check_handle(who: Principal, d: Deviation) -> None:
    access.check_handle_deviation(who, d)


def _check_create_action(who: Principal, d: Deviation) -> None:
    access.check_handle_deviation(who, d)
    access.check_create_action(who, unit_id=d.unit_id)


def _open(d: Deviation) -> bool:
    return not d.is_closed


@dataclass(frozen=True)
class CaseCommand:
    """One form of the case page: its command, its fields, who may use it and when."""

    name: str
    use_case: str
    command: type
    fields: dict[str, Callable[[str], Any]]
    check: Callable[[Principal, Deviation], None] = _check_handle
    when: Callable[[Deviation], bool] = _open

    def offered(self, who: Principal, deviation: Deviation) -> bool:
        """Whether this person may use the form on the case as it now is: the access rule
        is hms_core.access's; the state, the case's own (open, closed, not yet taken)."""
        try:
            self.check(who, deviation)
        except (Forbidden, NotFound):
            return False
        return self.when(deviation)


VERSION = {"expected_version": _int}
COMMANDS: dict[str, CaseCommand] = {
    c.name: c
    for c in (
        CaseCommand(
            "acknowledge",
            "acknowledge_deviation",
            AcknowledgeDeviation,
            VERSION,
            when=lambda d: d.status == REPORTED,
        ),
        CaseCommand(
            "classify",
            "classify_deviation",
            ClassifyDeviation,
            {
                **VERSION,
                "category": _same,
                "severity": _int,
                "recurrence_probability": _int,
                "causes": _same,
                "cause_description": _optional,
            },
        ),
        CaseCommand(
            "comment",
            "comment_deviation",
            CommentDeviation,
            {**VERSION, "text": _same, "visible_to_reporter": _checked},
            check=access.check_comment_deviation,
        ),
        CaseCommand("feedback", "give_feedback", GiveFeedback, {**VERSION, "text": _same}),
        CaseCommand(
            "transfer",
            "transfer_deviation",
            TransferDeviation,
            {**VERSION, "to_unit_id": _uuid, "reason": _same},
        ),
        CaseCommand(
            "action",
            "create_action",
            CreateAction,
            {
                **VERSION,
                "title": _same,
                "description": _optional,
                "owner_id": _uuid,
                "due_date": _date,
            },
            check=_check_create_action,
        ),
        CaseCommand(
            "close",
            "close_deviation",
            CloseDeviation,
            {
                **VERSION,
                "conclusion": _same,
                "no_action_reason": _optional,
                "open_actions_reason": _optional,
                "feedback": _optional,
            },
        ),
        CaseCommand(
            "reopen",
            "reopen_deviation",
            ReopenDeviation,
            {**VERSION, "reason": _same},
            when=lambda d: d.is_closed,
        ),
    )
}


def _message(field: str, message: str) -> str:
    return CHOOSE.get(field) or f"«{LABELS.get(field, field)}» {message}."


def _key(field: str) -> str:
    """Where a message goes: beside its field, or (the hidden version) for the whole form."""
    return FORM if field == "expected_version" else field


def parse(command: CaseCommand, form: CaseForm) -> tuple[dict[str, Any], dict[str, str]]:
    """The use case's arguments from the form, and a message for each field it refuses."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field, read in command.fields.items():
        raw = form.cause_list if field == "causes" else getattr(form, field)
        try:
            values[field] = read(raw)
        except ValueError:
            errors[_key(field)] = UNREADABLE.get(field, f"«{LABELS.get(field, field)}» er ugyldig.")
    checked = {k: v for k, v in values.items() if _key(k) not in errors}
    if command.command is CreateAction:
        checked.pop("expected_version", None)  # the case's version, not the action's
    for problem in field_errors(command.command, msgspec.to_builtins(checked)):
        field = problem["key"].split(".")[0]
        if field in command.fields and _key(field) not in errors:
            errors[_key(field)] = _message(field, problem["message"])
    return values, errors


def domain_error(error: InvalidValue) -> dict[str, str]:
    """The domain's refusal beside the form's field, with the form's word for it."""
    field = _key(error.field.split(".")[0])
    label = LABELS.get(field)
    message = error.detail.replace(f"«{error.field}»", f"«{label}»") if label else error.detail
    return {field: message}


def conflict_error(error: Conflict) -> dict[str, str]:
    """A refusal of the command in the case's present state, beside the field it is about
    (or for the form as a whole, under `_form`)."""
    return {CONFLICT_FIELDS.get(error.code, FORM): error.detail}
