"""Types shared by the API's schemas: the history of a record, and the bounded query
parameters every list takes (so no request can hand the database a number or a date it
cannot hold, or a text PostgreSQL would refuse). The request bodies are the domain's
command structs (hms_core/<area>/commands.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar.params import PathParameter, QueryParameter

from hms_core import rules

MAX_INT = rules.MAX_INT


class HistoryEntry(msgspec.Struct):
    type: str
    at: datetime
    actor: str
    actor_name: str | None
    data: dict[str, Any]


# --- query and path parameters --------------------------------------------------------

EARLIEST_DAY, LATEST_DAY = rules.EARLIEST_DAY, rules.LATEST_DAY
_DAYS = f"YYYY-MM-DD, {EARLIEST_DAY.isoformat()} to {LATEST_DAY.isoformat()}"


def page_size(high: int) -> Any:
    """How many items a page holds, 1 to `high`."""
    return Annotated[int, QueryParameter(ge=1, le=high, description=f"1–{high}")]


Offset = Annotated[int, QueryParameter(ge=0, le=MAX_INT, description=f"0–{MAX_INT}")]
Revision = Annotated[int, PathParameter(ge=1, le=MAX_INT)]
FromDate = Annotated[date | None, QueryParameter(name="from", description=_DAYS)]
ToDate = Annotated[date | None, QueryParameter(description=_DAYS)]
DueBefore = Annotated[date | None, QueryParameter(description=_DAYS)]
# The opaque cursors of the keyset pages (URL-safe base64), and the audit trail's (a log
# position).
PageCursor = Annotated[
    str | None,
    QueryParameter(max_length=200, pattern=r"^[A-Za-z0-9_-]*$", description="next_cursor"),
]
Search = Annotated[str | None, QueryParameter(max_length=200, description="Words to find")]
AuditCursor = Annotated[
    str | None, QueryParameter(pattern=r"^[0-9]{1,18}$", description="next_cursor")
]


def query_text(limit: int, *, description: str = "") -> Any:
    """A short one-line text filter (a code, an actor id)."""
    return Annotated[
        str | None,
        QueryParameter(
            max_length=limit, pattern=rules.ONE_LINE_PATTERN, description=description or None
        ),
    ]
