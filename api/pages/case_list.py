"""The /avvik list's filters, read from a GET form as typed, and what the list shows.

The filters are the JSON list's (`GET /api/v1/deviations`, the same names): a GET form
sends every field, empty ones too, and a person may type a date by hand, so they are read
here as text and every one that cannot be read is named beside its field, in Norwegian.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import msgspec

from adapters.db import Database
from api.controllers.deviations import deviation_filter
from api.dependencies import unit_filter
from api.presenters.cases import case_row
from hms_core import access, clock, rules
from hms_core.access import Principal
from hms_core.deviations.categories import STATUS_LABELS, category_codes
from hms_core.directory.organisation import Organisation
from hms_core.errors import NotFound
from projections.actions.queries import ActionFilter, list_actions
from projections.deviations.queries import DeviationFilter, list_deviations
from projections.paging import BadCursorError

PAGE_SIZE = 50
SEARCH_MAX = 200
_CURSOR = re.compile(r"^[A-Za-z0-9_-]{0,200}$")
_ONE_LINE = re.compile(rules.ONE_LINE_PATTERN)
FORM = "_form"


class ListQuery(msgspec.Struct, frozen=True):
    """The list's query parameters as they were typed (`from` is `from_` here)."""

    unit_id: str = ""
    include_subunits: str = ""
    status: str = ""
    category: str = ""
    from_: str = ""
    to: str = ""
    q: str = ""
    cursor: str = ""

    @classmethod
    def of(cls, params: Mapping[str, str]) -> ListQuery:
        def get(name: str) -> str:
            return str(params.get(name) or "")[:1000]

        return cls(
            unit_id=get("unit_id").strip(),
            include_subunits=get("include_subunits"),
            status=get("status"),
            category=get("category"),
            from_=get("from").strip(),
            to=get("to").strip(),
            q=get("q"),
            cursor=get("cursor"),
        )

    def params(self, **changed: str) -> dict[str, str]:
        """The filters as the JSON API and the export take them (empty ones left out)."""
        values = {
            "unit_id": self.unit_id,
            "include_subunits": "true" if self.include_subunits and self.unit_id else "",
            "status": self.status,
            "category": self.category,
            "from": self.from_,
            "to": self.to,
            "q": self.q,
            **changed,
        }
        return {k: v for k, v in values.items() if v}

    def url(self, path: str, **changed: str) -> str:
        query = urlencode(self.params(**changed))
        return f"{path}?{query}" if query else path


def _day(text: str) -> date:
    """A date as a date field sends it (ISO), or as a person types it (dd.mm.åååå)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = datetime.strptime(text, "%d.%m.%Y").date()
    if not rules.EARLIEST_DAY <= day <= rules.LATEST_DAY:
        raise ValueError(text)
    return day


def _optional_day(text: str, field: str, errors: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return _day(text)
    except ValueError:
        errors[field] = "Oppgi datoen som dd.mm.åååå (fra 01.01.1900 til 31.12.2999)."
        return None


def _unit(svc: Any, query: ListQuery, errors: dict[str, str]) -> frozenset[UUID] | None:
    if not query.unit_id:
        return None
    try:
        unit_id = UUID(query.unit_id)
        svc.app.organisation().unit(unit_id)
    except (ValueError, NotFound):
        errors["unit_id"] = "Velg en enhet fra listen."
        return None
    return unit_filter(svc, unit_id, bool(query.include_subunits))


def read_filters(svc: Any, query: ListQuery) -> tuple[DeviationFilter, dict[str, str]]:
    """The list's filter from what was typed, and a message for each field it cannot use."""
    errors: dict[str, str] = {}
    units = _unit(svc, query, errors)
    if query.status and query.status not in STATUS_LABELS:
        errors["status"] = "Velg en status fra listen."
    if query.category and query.category not in category_codes(svc.app.categories):
        errors["category"] = "Velg en kategori fra listen."
    reported_from = _optional_day(query.from_, "from", errors)
    reported_to = _optional_day(query.to, "to", errors)
    if reported_from and reported_to and reported_to < reported_from:
        errors["to"] = "«Meldt til» kan ikke være før «Meldt fra»."
    if len(query.q) > SEARCH_MAX:
        errors["q"] = f"Søket kan ha høyst {SEARCH_MAX} tegn."
    elif not _ONE_LINE.match(query.q):
        errors["q"] = "Søket inneholder tegn som ikke er tillatt (kontrolltegn eller linjeskift)."
    if not _CURSOR.match(query.cursor):
        errors[FORM] = "Lenken til denne siden er ugyldig. Start på første side."
    found = deviation_filter(
        units,
        status=query.status or None,
        category=query.category or None,
        from_=reported_from,
        to=reported_to,
        q=query.q.strip() or None,
    )
    return msgspec.structs.replace(found, limit=PAGE_SIZE, cursor=query.cursor or None), errors


def case_list(svc: Any, who: Principal, query: ListQuery) -> dict[str, Any]:
    """What the /avvik list shows for this query: its rows, paging links, the filters'
    choices, and a problem beside each filter that cannot be read."""
    filters, errors = read_filters(svc, query)
    rows, next_cursor = [], None
    if not errors:
        try:
            found = list_deviations(svc.db, access.deviation_scope(who), filters)
        except BadCursorError:
            errors[FORM] = "Lenken til denne siden er ugyldig. Start på første side."
        else:
            rows, next_cursor = found.items, found.next_cursor
    organisation = svc.app.organisation()
    names = {str(u.id): u.name for u in organisation.units.values()}
    overdue = overdue_cases(svc.db, who, rows)
    return {
        "query": query,
        "errors": errors,
        "rows": [case_row(r, names, r["id"] in overdue) for r in rows],
        "units": unit_choices(organisation),
        "statuses": STATUS_LABELS,
        "categories": svc.app.categories,
        "export_url": query.url("/api/v1/deviations/export"),
        "next_url": query.url("/avvik", cursor=next_cursor) if next_cursor else None,
        "first_url": query.url("/avvik") if query.cursor else None,
    }


def overdue_cases(db: Database, who: Principal, rows: list[dict[str, Any]]) -> set[str]:
    """The cases on this page with an overdue action the reader may see: one look-up by
    the actions' case index for each case that has actions at all."""
    today = clock.today()
    found = set()
    for row in rows:
        if not row.get("action_count"):
            continue
        asked = ActionFilter(deviation_id=UUID(row["id"]), status="overdue", limit=1)
        if list_actions(db, who, asked, today).items:
            found.add(row["id"])
    return found


def unit_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """Every unit in the tree's order, each under its parent (id, name indented)."""

    def walk(unit_id: UUID, depth: int) -> Iterator[tuple[str, str]]:
        unit = organisation.unit(unit_id)
        yield str(unit.id), "\u2003" * depth + unit.name
        for child in sorted(organisation.children(unit_id), key=lambda u: u.name):
            yield from walk(child.id, depth + 1)

    root = organisation.root()
    return list(walk(root.id, 0)) if root else []
