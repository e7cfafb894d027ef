"""Exports of what a person may read (CSV for spreadsheets and AMU reports).

`GET /api/v1/deviations/export` takes the list's filters and its scope (exactly the
cases `GET /api/v1/deviations` shows the reader) and writes what a Norwegian Excel
opens as it is (api.presenters.exports). It is streamed a page of the list at a time,
so memory stays flat however many cases there are. It holds what the list holds: never
an injured person's name (the list's read model has none), and no reporter for
anonymous reports (hms_core.access.disclosure.listed_reporter).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
from litestar import get
from litestar.response import Stream

from adapters.db import Database
from api.auth import signed_in
from api.controllers.deviations import FILTERS, Filters
from api.dependencies import Svc, Who
from api.presenters.exports import DeviationColumns, csv_lines
from hms_core import access
from projections.deviations.queries import DeviationFilter, list_deviations

PAGE = 500
CSV_MEDIA_TYPE = "text/csv"  # Litestar adds "; charset=utf-8"


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
    dependencies=FILTERS,
    sync_to_thread=True,
    tags=["deviations"],
    summary="The deviations I may see, as CSV for Excel",
    media_type=CSV_MEDIA_TYPE,
)
def export_deviations(svc: Svc, who: Who, filters: Filters) -> Stream:
    """The list's filters and scope, newest report first; `;`-separated UTF-8 with a BOM."""
    asked = msgspec.structs.replace(filters, limit=PAGE)
    rows = deviation_rows(svc.db, access.deviation_scope(who), asked)
    columns = DeviationColumns(svc.app)
    return Stream(
        csv_lines((columns.cells(r) for r in rows), DeviationColumns.HEADERS),
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": 'attachment; filename="avvik.csv"'},
    )


HANDLERS: list = [export_deviations]
