"""/avvik/ny: the report form — short enough to fill in within a minute, on a phone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import URLEncodedBody
from litestar.response import Template

from api.auth import leave_session_untouched, signed_in
from api.commands import execute
from api.dependencies import Svc, Who
from api.pages.render import page
from hms_core import clock, rules
from hms_core.deviations.categories import DEFAULT_CATEGORIES, PERSON_KINDS
from hms_core.deviations.person_harmed import PersonHarmed
from hms_core.errors import InvalidValue

SEVERITIES = {
    1: "Ubetydelig",
    2: "Mindre alvorlig",
    3: "Alvorlig",
    4: "Svært alvorlig",
    5: "Kritisk",
}


# The domain names fields by their English keys; the form says what they are.
LABELS = {
    "title": "Hva skjedde?",
    "description": "Beskriv hendelsen",
    "occurred_at": "Når skjedde det?",
    "unit_id": "Hvor skjedde det?",
    "location": "Sted",
    "category": "Hva slags avvik?",
    "severity": "Hvor alvorlig var det?",
    "immediate_action": "Strakstiltak",
}


def in_words(message: str, field: str) -> str:
    """The domain's message with the form's label for the field it names."""
    label = LABELS.get(field)
    return message.replace(f"«{field}»", f"«{label}»") if label else message


def form_error(error: InvalidValue) -> dict[str, str]:
    """The domain's refusal as the form shows it: beside the form's field, in its words."""
    field = error.field.split(".")[0].replace("person_harmed", "person_kind")
    return {field: in_words(error.detail, error.field)}


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


def _parse(form: ReportForm) -> tuple[dict[str, Any], dict[str, str]]:
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


class ReportPage(Controller):
    path = "/avvik/ny"
    include_in_schema = False
    guards = [signed_in]

    def _form(
        self, request: Request, svc: Svc, who: Who, form: ReportForm, errors: dict, status=200
    ) -> Template:
        units = sorted(svc.app.organisation().units.values(), key=lambda u: u.name)
        return page(
            request,
            "report.html",
            status_code=status,
            form=form,
            errors=errors,
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
    ) -> Template:
        values, errors = _parse(data)
        if values["anonymous"]:
            leave_session_untouched(request)
        if not errors:
            try:
                receipt = execute(svc, svc.app.report_deviation, who, **values)
            except InvalidValue as error:
                errors.update(form_error(error))
            else:
                return page(request, "reported.html", status_code=201, receipt=receipt)
        return self._form(request, svc, who, data, errors, status=400)
