"""/tiltak and /tiltak/{id}: following up corrective actions.

The list reads the same read-model query as GET /api/v1/actions; one action is read and
changed through the same use cases as the JSON API. The forms (api.pages.action_forms)
post to /tiltak/{id}/<command> and come back with 303; a refusal shows the page again
with what was typed.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import signed_in
from api.commands import execute
from api.dependencies import Svc, Who
from api.pages.action_forms import (
    FORMS,
    ActionForm,
    available_forms,
    origin,
    parse,
    refusal,
)
from api.pages.render import page
from api.presenters.actions import (
    action_detail,
    action_facts,
    action_row,
    history_lines,
    owner_choices,
)
from api.presenters.common import Names
from hms_core import access, clock
from hms_core.access import Principal
from hms_core.errors import Conflict, Forbidden, InvalidValue, NotFound, VersionConflict
from projections.actions.queries import ActionFilter, list_actions
from projections.actions.view import STATUS_FILTERS
from projections.paging import BadCursorError
from projections.users.queries import list_users

PAGE_SIZE = 50
# `due_14`: open and due within 14 days (the query's `due_soon` is 7); overdue included.
DUE_14 = "due_14"
STATUS_CHOICES = {
    "": "Alle",
    "open": "Åpne",
    "overdue": "Forfalte",
    "due_soon": "Åpne med frist innen 7 dager",
    DUE_14: "Åpne med frist innen 14 dager (også forfalte)",
    "done": "Utført, venter på verifisering",
    "verified": "Verifisert",
    "follow_up_required": "Virket ikke, mangler oppfølgingstiltak",
    "cancelled": "Avlyst",
}
assert set(STATUS_CHOICES) - {"", DUE_14} <= set(STATUS_FILTERS)

# The path's command → the form.
COMMANDS = {
    "complete": "complete",
    "verify": "verify",
    "follow-up": "follow_up",
    "reschedule": "reschedule",
    "reassign": "reassign",
    "cancel": "cancel",
    "comments": "comment",
}
NOTICES = {
    "complete": "Tiltaket er meldt utført.",
    "verify": "Tiltaket er verifisert.",
    "follow_up": "Oppfølgingstiltaket er opprettet.",
    "reschedule": "Fristen er flyttet.",
    "reassign": "Tiltaket har fått ny ansvarlig.",
    "cancel": "Tiltaket er avlyst.",
    "comment": "Kommentaren er lagret.",
}
CONFLICT = (
    "Noen andre har endret tiltaket mens du holdt på, så endringen din er ikke lagret. "
    "Her er tiltaket slik det er nå. Det du skrev, er tatt vare på: se over og send på nytt."
)
MANAGING = {"verify", "follow_up", "reassign"}


def _filters(svc: Svc, who: Principal, q: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The query's filters from the form's text, or what is wrong with each."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    today = clock.today()
    status = q["status"]
    if status == DUE_14:
        values.update(status="open", due_before=today + timedelta(days=15))
    elif status in STATUS_CHOICES:
        values["status"] = status or None
    else:
        errors["status"] = "Velg en status fra listen."
    if q["unit_id"]:
        try:
            unit_id = UUID(q["unit_id"])
            organisation = svc.app.organisation()
            organisation.unit(unit_id)
        except (ValueError, NotFound):
            errors["unit_id"] = "Velg en enhet fra listen."
        else:
            subtree = organisation.subtree(unit_id) if q["include_subunits"] else {unit_id}
            values["unit_ids"] = frozenset(subtree)
    if q["owner_id"]:
        try:
            values["owner_id"] = UUID(q["owner_id"])
        except ValueError:
            errors["owner_id"] = "Velg en person fra listen."
    if q["cursor"]:
        values["cursor"] = q["cursor"][:200]
    return values, errors


def _filter_choices(svc: Svc, who: Principal) -> dict[str, Any]:
    """The units and people a reader can filter by: those whose actions they follow."""
    scope = access.action_unit_scope(who)
    units = sorted(svc.app.organisation().units.values(), key=lambda u: u.name)
    shown = [u for u in units if scope.admits(u.id)]
    in_scope = None if scope.everything else frozenset(str(u) for u in scope.units)
    people = [p for p in owner_choices(list_users(svc.db), in_scope) if p["id"] != str(who.user_id)]
    return {"units": shown, "people": people}


class ActionListPage(Controller):
    path = "/tiltak"
    include_in_schema = False
    guards = [signed_in]

    @get("/", sync_to_thread=True)
    def index(
        self,
        request: Request,
        svc: Svc,
        who: Who,
        status: FromQuery[str] = "",
        unit_id: FromQuery[str] = "",
        include_subunits: FromQuery[str] = "",
        owner_id: FromQuery[str] = "",
        cursor: FromQuery[str] = "",
    ) -> Template:
        """The actions this person may see, the earliest deadline first."""
        q = {"status": status, "unit_id": unit_id, "include_subunits": include_subunits}
        shown = _action_list(svc, who, {**q, "owner_id": owner_id, "cursor": cursor})
        status_code = 400 if shown["errors"] else 200
        return page(request, "actions/list.html", status_code=status_code, **shown)


def _action_list(svc: Svc, who: Principal, q: dict[str, str]) -> dict[str, Any]:
    """What the /tiltak list shows for these filters (as typed): its rows, paging links,
    the filters' choices, and a problem beside each filter that cannot be read."""
    values, errors = _filters(svc, who, q)
    rows, next_cursor = [], None
    if not errors:
        today = clock.today()
        try:
            found = list_actions(svc.db, who, ActionFilter(limit=PAGE_SIZE, **values), today)
        except BadCursorError:
            errors["cursor"] = "Siden finnes ikke lenger. Start på første side."
        else:
            names = Names(svc.app)
            rows = [action_row(r, today, names) for r in found.items]
            next_cursor = found.next_cursor
    kept = {k: v for k, v in q.items() if k != "cursor" and v}
    return {
        "q": q,
        "errors": errors,
        "rows": rows,
        "statuses": STATUS_CHOICES,
        "next_url": f"/tiltak?{urlencode({**kept, 'cursor': next_cursor})}"
        if next_cursor
        else None,
        "first_url": f"/tiltak?{urlencode(kept)}" if q["cursor"] else None,
        "me": str(who.user_id),
        **_filter_choices(svc, who),
    }


class ActionPage(Controller):
    path = "/tiltak/{action_id:uuid}"
    include_in_schema = False
    guards = [signed_in]

    @get("/", sync_to_thread=True)
    def show(
        self,
        request: Request,
        svc: Svc,
        who: Who,
        action_id: FromPath[UUID],
        lagret: FromQuery[str] = "",
    ) -> Template:
        """One action: where it came from, its history, and the forms I may use now."""
        return self._page(request, svc, who, action_id, notice=NOTICES.get(lagret))

    @post("/{command:str}", sync_to_thread=True)
    def act(
        self,
        request: Request,
        svc: Svc,
        who: Who,
        action_id: FromPath[UUID],
        command: FromPath[str],
        data: URLEncodedBody[ActionForm],
    ) -> Template | Redirect:
        """Run one form's use case; back to the action (303), or the page with a refusal."""
        name = COMMANDS.get(command)
        if name is None:
            raise NotFound("Fant ikke siden.")
        status, errors, conflict = _run(svc, who, name, action_id, data)
        if status == 303:
            anchor = "kommentarer" if name == "comment" else "melding"
            return Redirect(f"/tiltak/{action_id}?lagret={name}#{anchor}", status_code=303)
        shown = {"form": name, "typed": data, "errors": errors, "conflict": conflict}
        return self._page(request, svc, who, action_id, status=status, **shown)

    def _page(
        self,
        request: Request,
        svc: Svc,
        who: Principal,
        action_id: UUID,
        *,
        status: int = 200,
        form: str | None = None,
        typed: ActionForm | None = None,
        errors: dict[str, str] | None = None,
        conflict: str | None = None,
        notice: str | None = None,
    ) -> Template:
        action = svc.app.read_action(who, action_id)
        detail = action_detail(svc.app, action)
        came_from = origin(svc.app, who, action)
        forms = available_forms(who, action, came_from.get("category"))
        people = []
        if MANAGING & set(forms):
            people = owner_choices(list_users(svc.db), frozenset({str(action.unit_id)}))
        facts = action_facts(detail)
        return page(
            request,
            "actions/detail.html",
            status_code=status,
            action=facts,
            history=history_lines(detail.history, Names(svc.app)),
            origin=came_from,
            forms=forms,
            people=people,
            owner_id=str(action.owner_id),
            typed={form: typed} if form and typed is not None else {},
            kept=_kept(form, typed) if form and form not in forms else [],
            errors=errors or {},
            conflict=conflict,
            notice=notice,
            today=clock.today().isoformat(),
        )


def _run(
    svc: Svc, who: Principal, name: str, action_id: UUID, data: ActionForm
) -> tuple[int, dict, str | None]:
    """Run the form's use case: 303 when done; else the status, the problems beside the
    fields, and the conflict message when someone else changed the action meanwhile."""
    struct, errors = parse(name, data, action_id)
    if struct is None:
        return 400, errors, None
    use_case = getattr(svc.app, FORMS[name].use_case)
    args = (who, struct) if name == "follow_up" else (who, action_id, struct)
    try:
        execute(svc, use_case, *args)
    except VersionConflict:
        return 409, errors, CONFLICT
    except (InvalidValue, Conflict, Forbidden) as error:
        return _status(error), refusal(name, error), None
    return 303, {}, None


def _status(error: Exception) -> int:
    if isinstance(error, InvalidValue):
        return 400
    return 403 if isinstance(error, Forbidden) else 409


def _kept(form: str, typed: ActionForm | None) -> list[tuple[str, str]]:
    """What was typed into a form the action no longer offers, to copy from."""
    if typed is None:
        return []
    labels = FORMS[form].labels
    return [
        (label, getattr(typed, name))
        for name, label in labels.items()
        if getattr(typed, name, "") and not name.endswith(("owner_id", "effective"))
    ]


ACTION_PAGES: list = [ActionListPage, ActionPage]
