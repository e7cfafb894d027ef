"""Use cases of corrective actions (tiltak)."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from hms_core.services.base import Service


class ActionService(Service):
    def open_action_ids(self, action_ids: Iterable[UUID]) -> tuple[UUID, ...]:
        """Those of these actions that are still open."""
        return ()

    def action_summaries(self, by, deviation) -> list[dict]:
        """The actions of a case, as the reader may see them."""
        return []
