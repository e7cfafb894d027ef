"""The audit trail (projections.audit) as the API shows it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.presenters.common import Names, local_ts, uuid_or_none
from api.schemas.figures import AuditItem


def audit_item(row: dict[str, Any], names: Names) -> AuditItem:
    return AuditItem(
        position=row["position"],
        at=local_ts(row["at"]),
        actor=row["actor"],
        actor_name=names(row["actor"]),
        type=row["type"],
        aggregate_id=UUID(row["aggregate_id"]),
        aggregate_kind=row["aggregate_kind"],
        record_id=uuid_or_none(row["record_id"]),
        summary=row["summary"],
    )
