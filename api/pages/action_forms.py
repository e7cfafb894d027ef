"""The forms of /tiltak/{id}: what each takes, which of them a person may use now, and
the domain's refusals said beside the field they concern.

Every value arrives as text. Each form's text is checked against the use case's own
command struct (api.validation.field_errors: every bad field at once), then handed to
the use case, whose rules decide; nothing here says what an action allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import msgspec

from api.validation import field_errors
from hms_core import access
from hms_core.access import Principal
from hms_core.actions import commands
from hms_core.actions.action import CorrectiveAction
from hms_core.actions.errors import SameDueDateError, SameOwnerError
from hms_core.errors import Conflict, Forbidden, InvalidValue, NotFound


class ActionForm(msgspec.Struct):
    """Every field any of the forms has; each form sends its own."""

    expected_version: str = ""
    what_was_done: str = ""
    effective: str = ""
    note: str = ""
    follow_up_title: str = ""
    follow_up_owner_id: str = ""
    follow_up_due_date: str = ""
    follow_up_description: str = ""
    due_date: str = ""
    reason: str = ""
    owner_id: str = ""
    title: str = ""
    description: str = ""
    text: str = ""


FOLLOW_UP_FIELDS = ("title", "owner_id", "due_date", "description")


@dataclass(frozen=True)
class FormSpec:
    """One form: the command it builds, its fields' labels, and how to build it."""

    command: type[msgspec.Struct]
    use_case: str
    labels: dict[str, str]
    build: Callable[[ActionForm], dict[str, Any]]
    # The command's (or the domain's) name of a field → the form's.
    keys: dict[str, str] = field(default_factory=dict)
    versioned: bool = True

    def form_key(self, key: str) -> str:
        return self.keys.get(key, key)


def _blank(text: str) -> str | None:
    return text or None


def _verify(form: ActionForm) -> dict[str, Any]:
    raw: dict[str, Any] = {"note": form.note}
    if form.effective in ("yes", "no"):
        raw["effective"] = form.effective == "yes"
    follow_up = [getattr(form, f"follow_up_{f}") for f in FOLLOW_UP_FIELDS]
    if form.effective == "no" and any(follow_up):
        title, owner_id, due_date, description = follow_up
        raw["follow_up"] = {
            "title": title,
            "owner_id": owner_id,
            "due_date": due_date,
            "description": _blank(description),
        }
    return raw


def _new_follow_up(form: ActionForm) -> dict[str, Any]:
    return {
        "title": form.title,
        "owner_id": form.owner_id,
        "due_date": form.due_date,
        "description": _blank(form.description),
    }


_FOLLOW_UP_LABELS = {
    "title": "Hva skal gjøres?",
    "owner_id": "Ansvarlig",
    "due_date": "Frist",
    "description": "Beskrivelse",
}

FORMS: dict[str, FormSpec] = {
    "complete": FormSpec(
        commands.CompleteAction,
        "complete_action",
        {"what_was_done": "Hva ble gjort?"},
        lambda f: {"what_was_done": f.what_was_done},
    ),
    "verify": FormSpec(
        commands.VerifyAction,
        "verify_action",
        {
            "effective": "Virket tiltaket?",
            "note": "Vurdering",
            **{f"follow_up_{k}": v for k, v in _FOLLOW_UP_LABELS.items()},
        },
        _verify,
        keys={
            "follow_up": "effective",
            **{f"follow_up.{k}": f"follow_up_{k}" for k in FOLLOW_UP_FIELDS},
            **{k: f"follow_up_{k}" for k in FOLLOW_UP_FIELDS},
        },
    ),
    "reschedule": FormSpec(
        commands.RescheduleAction,
        "reschedule_action",
        {"due_date": "Ny frist", "reason": "Begrunnelse"},
        lambda f: {"due_date": f.due_date, "reason": f.reason},
    ),
    "reassign": FormSpec(
        commands.ReassignAction,
        "reassign_action",
        {"owner_id": "Ny ansvarlig", "reason": "Begrunnelse"},
        lambda f: {"owner_id": f.owner_id, "reason": f.reason},
    ),
    "cancel": FormSpec(
        commands.CancelAction,
        "cancel_action",
        {"reason": "Begrunnelse"},
        lambda f: {"reason": f.reason},
    ),
    "comment": FormSpec(
        commands.CommentAction,
        "comment_action",
        {"text": "Kommentar"},
        lambda f: {"text": f.text},
    ),
    # Not a change of this action: a new one that takes over (no version to compare).
    "follow_up": FormSpec(
        commands.CreateAction,
        "create_action",
        _FOLLOW_UP_LABELS,
        _new_follow_up,
        versioned=False,
    ),
}
# The forms as they stand on the page, in that order.
FORM_ORDER = ("complete", "verify", "follow_up", "reschedule", "reassign", "cancel", "comment")

_CHOOSE = {"owner_id": "Velg en person.", "effective": "Velg om tiltaket virket eller ikke."}
_DATES = ("due_date",)
STALE_PAGE = "Siden var utdatert. Last inn tiltaket på nytt og prøv igjen."


def field_id(form: str, name: str) -> str:
    """The id of a form's field on the page (every form is on one page)."""
    return f"{form}-{name}"


def _message(spec: FormSpec, name: str, message: str) -> str:
    base = name.removeprefix("follow_up_")
    if base in _CHOOSE:
        return _CHOOSE[base]
    if base in _DATES and "dato" in message:
        return "Oppgi en dato."
    return f"«{spec.labels.get(name, name)}» {message}."


def parse(
    name: str, form: ActionForm, action_id: UUID
) -> tuple[msgspec.Struct | None, dict[str, str]]:
    """The form's command, or every bad field (by its id on the page) with a message."""
    spec = FORMS[name]
    raw = spec.build(form)
    if spec.versioned:
        version = form.expected_version
        raw["expected_version"] = int(version) if version.isdigit() else version
    else:
        raw["follows_up"] = str(action_id)
    errors: dict[str, str] = {}
    for problem in field_errors(spec.command, raw):
        if problem["key"] == "expected_version":
            errors[field_id(name, "form")] = STALE_PAGE
            continue
        key = spec.form_key(problem["key"])
        errors.setdefault(field_id(name, key), _message(spec, key, problem["message"]))
    if name == "verify" and "effective" not in raw:
        errors[field_id(name, "effective")] = _CHOOSE["effective"]
    if errors:
        return None, errors
    return msgspec.convert(raw, spec.command), {}


def refusal(name: str, error: InvalidValue | Conflict | Forbidden) -> dict[str, str]:
    """The domain's refusal, beside the field it names (or at the top of the form)."""
    spec = FORMS[name]
    if isinstance(error, InvalidValue):
        key = spec.form_key(error.field)
        if key not in spec.labels:
            key = spec.form_key(error.field.split(".")[-1])
        if key not in spec.labels:
            key = "form"
        label = spec.labels.get(key, "")
        message = error.detail.replace(f"«{error.field}»", f"«{label}»") if label else error.detail
        return {field_id(name, key): message}
    if isinstance(error, SameDueDateError):
        return {field_id(name, "due_date"): error.detail}
    if isinstance(error, SameOwnerError):
        return {field_id(name, "owner_id"): error.detail}
    return {field_id(name, "form"): error.detail}


# --- which forms a person may use now -------------------------------------------------


def _allowed(check: Callable[..., None], *args: Any) -> bool:
    try:
        check(*args)
    except (Forbidden, Conflict):
        return False
    return True


def available_forms(
    who: Principal, action: CorrectiveAction, case_category: str | None
) -> tuple[str, ...]:
    """The forms `who` may use on the action as it stands: the domain's access checks
    and the action's own state checks decide, each asked and its refusal caught."""
    manage = _allowed(access.check_manage_action, who, action, case_category)
    is_open = _allowed(action.check_open)
    usable = {
        "complete": is_open and _allowed(access.check_complete_action, who, action, case_category),
        "verify": manage and _allowed(action.check_done),
        "follow_up": manage and _allowed(action.check_follow_up_wanted),
        "reschedule": manage and is_open,
        "reassign": manage and is_open,
        "cancel": manage and is_open,
        "comment": _allowed(access.check_comment_action, who, action, case_category),
    }
    return tuple(name for name in FORM_ORDER if usable[name])


# --- where the action came from -------------------------------------------------------


def _readable(check: Callable[..., None], *args: Any) -> bool:
    try:
        check(*args)
    except NotFound:
        return False
    return True


def origin(app: Any, who: Principal, action: CorrectiveAction) -> dict[str, Any]:
    """The case or hazard the action came from: named and linked for those who may read
    it, only its kind for others (a link would lead them to «not found»)."""
    if action.deviation_id is not None:
        case = app.deviation(action.deviation_id)
        if _readable(access.check_read_deviation, who, case):
            label = f"Avvik {case.reference}: {case.title}"
            return {"label": label, "url": f"/avvik/{case.id}", "category": case.category}
        return {"label": "Et avvik du ikke har tilgang til", "url": None, "category": case.category}
    if action.assessment_id is not None:
        assessment = app.risk_assessment(action.assessment_id)
        if not _readable(access.check_read_assessment, who, assessment):
            return {"label": "En risikovurdering du ikke har tilgang til", "url": None}
        hazard = assessment.hazards.get(action.hazard_id)
        label = f"Risikovurdering «{assessment.title}»"
        if hazard is not None:
            label += f", faren «{hazard.description}»"
        return {"label": label, "url": f"/risiko/{assessment.id}"}
    return {"label": "Et eget tiltak (ikke knyttet til en sak)", "url": None}
