"""The one eventsourcing Application of the product: one log, one order.

Use cases live in `hms_core.services`, one module per concept; this class puts them
together with the store's configuration and two things every use case shares: a
retry when a concurrent writer wins the race, and the log position of the last save
(so a caller can wait until the read models have caught up with it).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Recording

from hms_core.actions.use_cases import ActionService
from hms_core.deviations.use_cases import DeviationService
from hms_core.directory.org_import import OrgImportService
from hms_core.directory.use_cases import DirectoryService
from hms_core.errors import NotFound
from hms_core.hr.use_cases import HRService
from hms_core.infra.old_topics import register_old_topics
from hms_core.risk.use_cases import RiskService

register_old_topics()  # before anything is read from a store written by older code

_last_position: ContextVar[int | None] = ContextVar("hms_last_position", default=None)


class HMSApplication(
    DirectoryService,
    OrgImportService,
    DeviationService,
    ActionService,
    RiskService,
    HRService,
    Application,
):
    """Deviations, corrective actions, risk assessments and the directory."""

    name = "hms"
    env = {
        "MAPPER_TOPIC": "hms_core.infra.serialization:MsgspecMapper",
        "TRANSCODER_TOPIC": "hms_core.infra.serialization:MsgspecTranscoder",
        "AGGREGATE_CACHE_MAXSIZE": "10000",
    }

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env)
        self._save_listeners: list[Callable[[int], None]] = []

    # --- positions -----------------------------------------------------------------

    def _notify(self, recordings: list[Recording]) -> None:
        if recordings:
            position = recordings[-1].notification.id
            _last_position.set(position)
            for listener in self._save_listeners:
                listener(position)

    def on_saved(self, listener: Callable[[int], None]) -> None:
        """Call `listener(position)` after every save in this process."""
        self._save_listeners.append(listener)

    @staticmethod
    def last_position() -> int | None:
        """Log position of the last save made in this context (thread or task)."""
        return _last_position.get()

    @staticmethod
    def forget_last_position() -> None:
        _last_position.set(None)

    def max_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    # --- loading -------------------------------------------------------------------

    def load(self, aggregate_id: UUID, kind: type, missing: type[NotFound] = NotFound) -> Any:
        """The aggregate of that kind with that id, or the `missing` error."""
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise missing from None
        if not isinstance(aggregate, kind):
            raise missing
        return aggregate

    def history(self, aggregate_id: UUID) -> list[Any]:
        """Every event of one aggregate, oldest first: its audit trail."""
        return list(self.events.get(aggregate_id))
