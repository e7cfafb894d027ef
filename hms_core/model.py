"""The base every HMS aggregate stands on.

Events take their timestamp from `hms_core.clock`, carry a `class_version` so they can
be upcast, and every command names its `actor`: a user id, `anonymous`, or
`system:<name>` (the product acting by itself: an import, the demo seeder).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from eventsourcing.domain import Aggregate

from hms_core import clock
from hms_core.errors import VersionConflict

ANONYMOUS = "anonymous"
SYSTEM_PREFIX = "system:"  # `system:<name>`: the product acting by itself


class HMSAggregate(Aggregate):
    class Event(Aggregate.Event):
        class_version: ClassVar[int] = 1

        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    def check_version(self, expected_version: int | None) -> None:
        """Refuse a command based on a stale read (the client's `expected_version`)."""
        if expected_version is not None and expected_version != self.version:
            raise VersionConflict
