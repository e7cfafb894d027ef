"""Types shared by the API's schemas: texts, scales, versions, and the bounded query
parameters every list takes (so no request can hand the database a number or a date it
cannot hold, or a text PostgreSQL would refuse)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from hms_core import rules


def text(limit: int, *, description: str = "", multiline: bool = False) -> Any:
    """A required text of at most `limit` characters; one line unless `multiline`. The
    pattern documents the domain's character rules (hms_core.rules), which decide."""
    return Annotated[str, Meta(min_length=1, **_text_meta(limit, description, multiline))]


def optional_text(limit: int, *, description: str = "", multiline: bool = False) -> Any:
    return Annotated[str, Meta(**_text_meta(limit, description, multiline))] | None


def _text_meta(limit: int, description: str, multiline: bool) -> dict[str, Any]:
    kind = "Line breaks allowed." if multiline else "One line."
    return {
        "max_length": limit,
        "pattern": rules.MULTI_LINE_PATTERN if multiline else rules.ONE_LINE_PATTERN,
        "description": f"{description} {kind} No control characters.".strip(),
    }


MAX_INT = rules.MAX_INT
Scale = Annotated[int, Meta(ge=1, le=5, description="1–5")]
ExpectedVersion = Annotated[
    int,
    Meta(ge=1, le=MAX_INT, description="The version you read; a stale one is refused with 409."),
]


class Command(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request body that changes something; may carry the version it was based on."""

    expected_version: ExpectedVersion | None = None


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
