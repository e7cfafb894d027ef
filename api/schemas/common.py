"""Types shared by the API's schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta


def text(limit: int, *, description: str = "") -> Any:
    return Annotated[str, Meta(min_length=1, max_length=limit, description=description)]


def optional_text(limit: int, *, description: str = "") -> Any:
    return Annotated[str, Meta(max_length=limit, description=description)] | None


Scale = Annotated[int, Meta(ge=1, le=5, description="1–5")]
AwareDatetime = Annotated[datetime, Meta(tz=True, description="ISO 8601 with offset")]
ExpectedVersion = Annotated[
    int,
    Meta(ge=1, description="The version you read; a stale one is refused with 409."),
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
