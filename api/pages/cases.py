"""/avvik and /avvik/{id}: the cases a person may see, and one case with its commands.

The list reads the same query as `GET /api/v1/deviations`; the case page runs the same
use cases as `POST /api/v1/deviations/{id}/…` (and `POST /api/v1/actions` for a new
corrective action). Which forms a person is shown is hms_core.access's answer
(api.pages.case_forms.CaseCommand.offered); what they see of the case is
hms_core.access.disclosure's (api.presenters.deviations.case_page).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import signed_in
from api.commands import execute
from api.dependencies import Svc, Who
from api.pages.case_forms import (
    COMMANDS,
    LABELS,
    CaseCommand,
    CaseForm,
    conflict_error,
    domain_error,
    parse,
)
from api.pages.case_list import ListQuery, case_list, unit_choices
from api.pages.render import page
from api.pages.report import SEVERITIES
from api.presenters.cases import case_page
from hms_core import access, clock
from hms_core.deviations.categories import CAUSE_KINDS
from hms_core.errors import Conflict, InvalidValue, NotFound, VersionConflict
from projections.users.queries import list_users

CaseId = FromPath[UUID]
STALE = (
    "Saken er endret av noen andre mens du skrev. Se hvordan saken er nå, "
    "og send skjemaet på nytt hvis det du skrev fortsatt passer. Teksten din er tatt vare på."
)


class CaseListPage(Controller):
    path = "/avvik"
    include_in_schema = False
    guards = [signed_in]

    @get("/", sync_to_thread=True)
    def index(self, request: Request, svc: Svc, who: Who) -> Template:
        """The cases I may see, newest first, filtered as the JSON list is."""
        shown = case_list(svc, who, ListQuery.of(request.query_params))
        return page(
            request,
            "cases/list.html",
            status_code=400 if shown["errors"] else 200,
            handed_over=_handed_over(svc, who, request.query_params.get("overfort")),
            **shown,
        )


def _handed_over(svc: Svc, who: Who, case_id: str | None) -> dict[str, str] | None:
    """The case this person just transferred out of their reach, to say where it went."""
    if not case_id:
        return None
    try:
        deviation = svc.app.read_handed_over(who, UUID(case_id))
    except (ValueError, NotFound):
        return None
    unit = svc.app.organisation().units.get(deviation.unit_id)
    return {"reference": deviation.reference, "unit": unit.name if unit else ""}


class CasePage(Controller):
    path = "/avvik"
    include_in_schema = False
    guards = [signed_in]

    @get("/{deviation_id:uuid}", sync_to_thread=True)
    def show(self, request: Request, svc: Svc, who: Who, deviation_id: CaseId) -> Template:
        """The case, its timeline, actions, comments and feedback, and what I may do."""
        return _case(request, svc, who, deviation_id)

    @post("/{deviation_id:uuid}/{command:str}", sync_to_thread=True)
    def act(
        self,
        request: Request,
        svc: Svc,
        who: Who,
        deviation_id: CaseId,
        command: FromPath[str],
        data: URLEncodedBody[CaseForm],
    ) -> Template | Redirect:
        """One command from its form; back to the case (303), or the form with why not."""
        spec = COMMANDS.get(command)
        if spec is None:
            raise NotFoundException("Fant ikke siden.")
        # Who may not use the form is told so (403/404) before anything they typed.
        spec.check(who, svc.app.deviation(deviation_id))
        values, errors = parse(spec, data)
        again: dict[str, Any] = {"submitted": spec.name, "form": data}
        if errors:
            return _case(request, svc, who, deviation_id, 400, errors=errors, **again)
        try:
            _run(svc, who, spec, deviation_id, values)
        except VersionConflict:
            return _case(request, svc, who, deviation_id, 409, notice=STALE, errors={}, **again)
        except InvalidValue as error:
            return _case(request, svc, who, deviation_id, 400, errors=domain_error(error), **again)
        except Conflict as error:
            errors = conflict_error(error)
            return _case(request, svc, who, deviation_id, 409, errors=errors, **again)
        return Redirect(_after(svc, who, spec, deviation_id), status_code=303)


def _run(svc: Svc, who: Who, spec: CaseCommand, deviation_id: UUID, values: dict) -> None:
    use_case = getattr(svc.app, spec.use_case)
    if spec.name != "action":
        execute(svc, use_case, who, deviation_id, **values)
        return
    # A new action takes no version of the case; the form was filled in on this one.
    svc.app.deviation(deviation_id).check_version(values.pop("expected_version"))
    execute(svc, use_case, who, deviation_id=deviation_id, **values)


def _after(svc: Svc, who: Who, spec: CaseCommand, deviation_id: UUID) -> str:
    """Back to the case; after a transfer out of the sender's reach, to the list, which
    says where it went."""
    if spec.name == "transfer":
        try:
            access.check_read_deviation(who, svc.app.deviation(deviation_id))
        except NotFound:
            return f"/avvik?overfort={deviation_id}"
    anchors = {"action": "#tiltak", "comment": "#kommentarer", "feedback": "#tilbakemelding"}
    return f"/avvik/{deviation_id}{anchors.get(spec.name, '')}"


def _case(
    request: Request,
    svc: Svc,
    who: Who,
    deviation_id: UUID,
    status: int = 200,
    *,
    submitted: str | None = None,
    form: CaseForm | None = None,
    errors: dict[str, str] | None = None,
    notice: str | None = None,
) -> Template:
    # Through `execute`: a read of a named injured person is recorded (as the API does).
    deviation = execute(svc, svc.app.read_deviation, who, deviation_id)
    actions = svc.app.action_summaries(who, deviation)
    offered = {name for name, c in COMMANDS.items() if c.offered(who, deviation)}
    return page(
        request,
        "cases/case.html",
        status_code=status,
        case=case_page(svc.app, who, deviation, actions),
        offered=offered,
        submitted=submitted,
        form=form or CaseForm(),
        errors=errors or {},
        labels=LABELS,
        notice=notice,
        categories=svc.app.categories,
        severities=SEVERITIES,
        probabilities=dict(enumerate(svc.app.risk_matrix.probability_labels, start=1)),
        cause_kinds=CAUSE_KINDS,
        has_actions=bool(deviation.action_ids),
        has_open_actions="close" in offered and bool(svc.app.open_action_ids(deviation.action_ids)),
        units=_transfer_units(svc, deviation.unit_id) if "transfer" in offered else [],
        people=_people(svc, who, deviation.unit_id) if "action" in offered else [],
        today=clock.today().isoformat(),
    )


def _transfer_units(svc: Svc, current: UUID) -> list[tuple[str, str]]:
    return [(i, n) for i, n in unit_choices(svc.app.organisation()) if i != str(current)]


def _people(svc: Svc, who: Who, unit_id: UUID) -> list[tuple[str, str]]:
    """The unit's people (who work there or lead it) and the one creating the action."""
    unit = str(unit_id)
    people = {
        r["id"]: r["name"]
        for r in list_users(svc.db)
        if r["active"] and (r["unit_id"] == unit or unit in r["leads"].split(","))
    }
    people.setdefault(str(who.user_id), who.name)
    return sorted(people.items(), key=lambda p: p[1])


CASE_PAGES: list = [CaseListPage, CasePage]
