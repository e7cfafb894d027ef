"""The inbox (projections.inbox) as the API and the front page show it."""

from __future__ import annotations

from typing import Any

from api.presenters.common import local_ts
from projections.inbox import Inbox


def _local(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: local_ts(v) if k.endswith("_at") and isinstance(v, str) else v for k, v in row.items()
    }


def inbox_out(found: Inbox) -> Inbox:
    """The same lists, their times in the configured zone."""
    for field in found.__struct_fields__:
        setattr(found, field, [_local(r) for r in getattr(found, field)])
    return found
