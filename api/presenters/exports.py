"""The deviation list as CSV for a Norwegian Excel: UTF-8 with a byte-order mark, `;`
between cells, Norwegian headers, dates as `dd.mm.yyyy`, and no cell Excel would run
as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from api.presenters.common import Names, local_ts
from hms_core.access import disclosure
from hms_core.deviations.categories import PERSON_KINDS, STATUS_LABELS
from hms_core.deviations.categories import label as category_label

# Excel would run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _yes_no(value: Any) -> str:
    return "" if value is None else ("ja" if value else "nei")


def _when(text: str | None) -> str:
    moment = local_ts(text)
    return moment.strftime("%d.%m.%Y %H:%M") if moment else ""


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
        reporter = disclosure.listed_reporter(row["reporter_id"], bool(row["anonymous"]))
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
            (self.names(reporter) or "") if reporter else "",
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
