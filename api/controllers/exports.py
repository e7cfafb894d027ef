"""Exports of what a person may read (CSV for spreadsheets and AMU reports).

`GET /api/v1/deviations/export` takes the list's filters and its scope (exactly the
cases `GET /api/v1/deviations` shows the reader) and writes what a Norwegian Excel
opens as it is: UTF-8 with a byte-order mark, `;` between cells, Norwegian headers,
dates as `dd.mm.yyyy`. It is streamed a page of the list at a time, so memory stays
flat however many cases there are. It holds what the list holds: never an injured
person's name (the list's read model has none), and no reporter for anonymous reports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Stream

from adapters.db import Database
from api.auth import principal, signed_in
from api.commands import Svc
from api.controllers.deviations import CategoryFilter, list_filter
from api.presenters.deviations import Names
from api.schemas.common import FromDate, Search, ToDate
from api.schemas.deviations import Status
from hms_core import access, clock
from hms_core.deviations.categories import PERSON_KINDS, STATUS_LABELS
from hms_core.deviations.categories import label as category_label
from projections.base import from_ts
from projections.deviations.queries import DeviationFilter, list_deviations

PAGE = 500
CSV_MEDIA_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"
# Excel would run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _yes_no(value: Any) -> str:
    return "" if value is None else ("ja" if value else "nei")


def _when(text: str | None) -> str:
    moment = from_ts(text)
    return clock.local(moment).strftime("%d.%m.%Y %H:%M") if moment else ""


class DeviationColumns:
    """The export's columns: a Norwegian header, and the cell of one list row."""

    HEADERS = (
        "Saksnummer",
        "Tittel",
        "Enhet",
        "Kategori",
        "Alvorlighet",
        "Status",
        "Hendelsestidspunkt",
        "Meldt",
        "Lukket",
        "Sted",
        "Anonym",
        "Melder",
        "Skadet person",
        "Fravær",
        "Alvorlig skade",
        "Antall tiltak",
    )

    def __init__(self, app: Any) -> None:
        self.names = Names(app)
        units = app.organisation().units if app.has_organisation() else {}
        self.units = {str(unit_id): unit.name for unit_id, unit in units.items()}

    def cells(self, row: dict[str, Any]) -> list[Any]:
        reporter = row["reporter_id"]
        return [
            row["reference"],
            row["title"],
            self.units.get(row["unit_id"], row["unit_id"]),
            category_label(row["category"]),
            row["severity"],
            STATUS_LABELS.get(row["status"], row["status"]),
            _when(row["occurred_at"]),
            _when(row["reported_at"]),
            _when(row["closed_at"]),
            row["location"] or "",
            _yes_no(row["anonymous"]),
            (self.names(reporter) or "") if reporter and not row["anonymous"] else "",
            PERSON_KINDS.get(row["person_kind"], "") if row["person_kind"] else "",
            _yes_no(row["absence"]),
            _yes_no(row["serious_injury"]),
            row["action_count"],
        ]


def _safe(cell: Any) -> Any:
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_lines(rows: Iterator[list[Any]], headers: tuple[str, ...]) -> Iterator[bytes]:
    """The rows as CSV for Excel with Norwegian settings, a byte-order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    yield ("\ufeff" + buffer.getvalue()).encode()
    for cells in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_safe(c) for c in cells])
        yield buffer.getvalue().encode()


def deviation_rows(
    db: Database, scope: access.DeviationScope, f: DeviationFilter
) -> Iterator[dict[str, Any]]:
    """Every row the list would show, page by page (the first page read at once, so a
    failing query fails the request before anything is sent)."""
    page = list_deviations(db, scope, f)

    def rows() -> Iterator[dict[str, Any]]:
        current = page
        while True:
            yield from current.items
            if not current.next_cursor:
                return
            following = msgspec.structs.replace(f, cursor=current.next_cursor)
            current = list_deviations(db, scope, following)

    return rows()


@get(
    "/api/v1/deviations/export",
    guards=[signed_in],
    sync_to_thread=True,
    tags=["deviations"],
    summary="The deviations I may see, as CSV for Excel",
    media_type=CSV_MEDIA_TYPE,
)
def export_deviations(
    request: Request,
    svc: Svc,
    unit_id: FromQuery[UUID | None] = None,
    include_subunits: FromQuery[bool] = False,
    status: FromQuery[Status | None] = None,
    category: CategoryFilter = None,
    from_: FromDate = None,
    to: ToDate = None,
    q: Search = None,
) -> Stream:
    """The list's filters and scope, newest report first; `;`-separated UTF-8 with a BOM."""
    f = list_filter(
        svc,
        unit_id=unit_id,
        include_subunits=include_subunits,
        status=status,
        category=category,
        from_=from_,
        to=to,
        q=q,
        limit=PAGE,
    )
    rows = deviation_rows(svc.db, access.deviation_scope(principal(request)), f)
    columns = DeviationColumns(svc.app)
    return Stream(
        csv_lines((columns.cells(r) for r in rows), DeviationColumns.HEADERS),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="avvik.csv"'},
    )


HANDLERS: list = [export_deviations]
