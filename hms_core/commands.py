"""What every command struct shares (the structs live in `hms_core/<area>/commands.py`).

A command is what a person asks a use case to do, as a msgspec Struct: the API decodes
a request body straight into it (the body's schema is the command's), and code builds
it from keyword arguments (`hms_core.service.takes`). Its field types say what a field
may hold where msgspec decodes it (lengths, the character rules of `hms_core.rules` as
patterns, ranges), so a request is refused with a 400 naming each field before any use
case runs, and the OpenAPI document shows the same limits. They only describe: the
aggregate's rules (`hms_core.rules`) decide, whichever way a command came.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta

from hms_core import rules


def text(limit: int, *, description: str = "", multiline: bool = False) -> Any:
    """A required text of at most `limit` characters; one line unless `multiline`."""
    return Annotated[str, Meta(min_length=1, **_text_meta(limit, description, multiline))]


def optional_text(limit: int, *, description: str = "", multiline: bool = False) -> Any:
    """A text of at most `limit` characters, or None."""
    return Annotated[str, Meta(**_text_meta(limit, description, multiline))] | None


def _text_meta(limit: int, description: str, multiline: bool) -> dict[str, Any]:
    kind = "Line breaks allowed." if multiline else "One line."
    return {
        "max_length": limit,
        "pattern": rules.MULTI_LINE_PATTERN if multiline else rules.ONE_LINE_PATTERN,
        "description": f"{description} {kind} No control characters.".strip(),
    }


Scale = Annotated[int, Meta(ge=1, le=5, description="1–5")]
ExpectedVersion = Annotated[
    int,
    Meta(
        ge=1, le=rules.MAX_INT, description="The version you read; a stale one is refused with 409."
    ),
]


class Command(msgspec.Struct, forbid_unknown_fields=True):
    """The base of every command: a field it does not have is refused, never ignored."""

    def fields(self, **replaced: Any) -> dict[str, Any]:
        """Its fields by name (some `replaced`), as the aggregate's method takes them;
        `expected_version` is the use case's to check, not the aggregate's."""
        found = {f: getattr(self, f) for f in self.__struct_fields__ if f != "expected_version"}
        return {**found, **replaced}


class Change(Command, kw_only=True):
    """A command on a record that exists: it may carry the version it was based on."""

    expected_version: ExpectedVersion | None = None
