"""/avvik/ny: the report form — short enough to fill in within a minute, on a phone.

Every problem of the form is shown at once: what the form's text means (a date, a
choice) is read here, and then each field goes through the rule the domain applies
to it (hms_core.rules with the deviation's limits), one by one, so one submit tells
all; the use case still checks everything when the report is filed.

A report is filed once per form (its idempotency key, below) and the browser is sent
on (303) to /avvik/ny/takk, which shows the result: reloading it files nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import leave_session_untouched, signed_in
from api.commands import execute
from api.dependencies import Svc, Who
from api.pages.render import page
from api.pages.report_once import FiledOnce, filed_for, new_key, thank_you_redirect, valid_key
from hms_core import clock, rules
from hms_core.deviations.categories import DEFAULT_CATEGORIES, PERSON_KINDS
from hms_core.deviations.deviation import LOCATION_MAX, TEXT_MAX, TITLE_MAX, check_occurred_at
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.errors import InvalidValue

SEVERITIES = {
    1: "Ubetydelig",
    2: "Mindre alvorlig",
    3: "Alvorlig",
    4: "Svært alvorlig",
    5: "Kritisk",
}

# The domain names fields by their English keys; the form says what they are, and the
# form's labels are these words too.
LABELS = {
    "title": "Hva skjedde?",
    "description": "Beskriv hendelsen",
    "occurred_at": "Når skjedde det?",
    "unit_id": "Hvor skjedde det?",
    "location": "Sted",
    "category": "Hva slags avvik?",
    "severity": "Hvor alvorlig var det?",
    "person_kind": "Hvem ble skadet?",
    "immediate_action": "Strakstiltak",
}
# The form's order: the error summary lists the problems as the form shows the fields.
ORDER = tuple(LABELS)


def _field(name: str) -> str:
    """The form's field for a field the domain names (person_harmed.kind → person_kind)."""
    return "person_kind" if name.startswith("person_harmed") else name.split(".")[0]


def in_words(message: str, field: str) -> str:
    """The domain's message with the form's label for the field it names."""
    label = LABELS.get(_field(field))
    return message.replace(f"«{field}»", f"«{label}»") if label else message


def form_error(error: InvalidValue) -> dict[str, str]:
    """The domain's refusal as the form shows it: beside the form's field, in its words."""
    return {_field(error.field): in_words(error.detail, error.field)}


class ReportForm(msgspec.Struct):
    """Everything arrives as text; the page checks each field and says what is wrong."""

    title: str = ""
    description: str = ""
    occurred_at: str = ""
    unit_id: str = ""
    category: str = ""
    severity: str = ""
    location: str = ""
    immediate_action: str = ""
    person_kind: str = ""
    absence: str = ""
    serious_injury: str = ""
    anonymous: str = ""
    # A random key per form shown: sent twice (a double tap, a reload), one report.
    idempotency_key: str = ""


def _parse(form: ReportForm) -> tuple[dict[str, Any], dict[str, str]]:
    """What the form's text means, and what could not be read."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    try:
        local = datetime.fromisoformat(form.occurred_at)
        values["occurred_at"] = (
            local.replace(tzinfo=clock.timezone()) if not local.tzinfo else local
        )
    except ValueError:
        errors["occurred_at"] = "Oppgi når det skjedde (dato og klokkeslett)."
    try:
        values["unit_id"] = UUID(form.unit_id)
    except ValueError:
        errors["unit_id"] = "Velg hvor det skjedde."
    try:
        values["severity"] = int(form.severity)
    except ValueError:
        errors["severity"] = "Velg hvor alvorlig det var."
    if not form.category:
        errors["category"] = "Velg hva slags avvik det er."
    if form.person_kind:
        if form.person_kind not in PERSON_KINDS:
            errors["person_kind"] = "Velg hvem som ble skadet."
        else:
            values["person_harmed"] = PersonHarmed(
                kind=form.person_kind, absence=bool(form.absence)
            )
    values.update(
        title=form.title,
        description=form.description,
        category=form.category,
        location=form.location or None,
        immediate_action=form.immediate_action or None,
        serious_injury=bool(form.serious_injury),
        anonymous=bool(form.anonymous),
    )
    return values, errors


def _domain_checks(svc: Svc, v: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """Each field with the rule the domain applies to it when the report is filed
    (hms_core.deviations.deviation.Deviation.report), to be asked one by one."""
    checks: dict[str, Callable[[], Any]] = {
        "title": lambda: rules.text("title", v["title"], TITLE_MAX),
        "description": lambda: rules.text(
            "description", v["description"], TEXT_MAX, multiline=True
        ),
        "location": lambda: rules.optional_text("location", v["location"], LOCATION_MAX),
        "category": lambda: rules.choice("category", v["category"], svc.app.category_codes),
        "immediate_action": lambda: rules.optional_text(
            "immediate_action", v["immediate_action"], TEXT_MAX, multiline=True
        ),
    }
    if "occurred_at" in v:
        checks["occurred_at"] = lambda: check_occurred_at(v["occurred_at"])
    if "unit_id" in v:
        checks["unit_id"] = lambda: svc.app.unit_in_tree(v["unit_id"], "unit_id")
    if "severity" in v:
        checks["severity"] = lambda: rules.in_range("severity", v["severity"], 1, 5)
    if "person_harmed" in v:
        checks["person_kind"] = lambda: v["person_harmed"].validated()
    return checks


def problems(svc: Svc, form: ReportForm) -> tuple[dict[str, Any], dict[str, str]]:
    """The report's values, and every field's problem at once, in the form's order."""
    values, errors = _parse(form)
    for name, check in _domain_checks(svc, values).items():
        if name in errors:
            continue
        try:
            check()
        except InvalidValue as error:
            errors.update(form_error(error))
    return values, {name: errors[name] for name in sorted(errors, key=_position)}


def _position(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


class ReportPage(Controller):
    path = "/avvik/ny"
    include_in_schema = False
    guards = [signed_in]

    def _form(
        self, request: Request, svc: Svc, who: Who, form: ReportForm, errors: dict, status=200
    ) -> Template:
        units = sorted(svc.app.organisation().units.values(), key=lambda u: u.name)
        if not valid_key(form.idempotency_key):
            form = msgspec.structs.replace(form, idempotency_key=new_key())
        return page(
            request,
            "report.html",
            status_code=status,
            form=form,
            errors=errors,
            labels=LABELS,
            units=[u for u in units if u.kind == "unit"],
            home_unit_id=str(who.home_unit_id) if who.home_unit_id else "",
            categories=DEFAULT_CATEGORIES,
            severities=SEVERITIES,
            person_kinds=PERSON_KINDS,
            now=clock.now().astimezone(clock.timezone()).strftime("%Y-%m-%dT%H:%M"),
            earliest=f"{rules.EARLIEST_DAY.isoformat()}T00:00",
        )

    @get("/", sync_to_thread=True)
    def show(self, request: Request, svc: Svc, who: Who) -> Template:
        return self._form(request, svc, who, ReportForm(), {})

    @post("/", sync_to_thread=True)
    def submit(
        self, request: Request, svc: Svc, who: Who, data: URLEncodedBody[ReportForm]
    ) -> Template | Redirect:
        values, errors = problems(svc, data)
        if values["anonymous"]:
            leave_session_untouched(request)
        if not errors:
            key = data.idempotency_key if valid_key(data.idempotency_key) else new_key()
            try:
                filed_for(
                    svc, who, key, lambda: execute(svc, svc.app.report_deviation, who, **values)
                )
            except InvalidValue as error:
                errors.update(form_error(error))
            else:
                return thank_you_redirect(svc, key)
        return self._form(request, svc, who, data, errors, status=400)

    @get("/takk", sync_to_thread=True)
    def thanks(self, request: Request, svc: Svc, who: Who) -> Template:
        """The result of the report just sent; an anonymous report's receipt code once."""
        leave_session_untouched(request)
        once = FiledOnce.from_request(request, svc, who)
        response = page(
            request,
            "reported.html",
            filed=once.filed,
            code=once.receipt_code,
            headers={"Cache-Control": "no-store"},
        )
        once.forget_shown_code(response)
        return response
