"""Replaying a history in the order it happened.

`Timeline` runs steps at their moments, earliest first, under a clock frozen at each
step's moment (`clock.frozen_at`), so every event takes the time it happened and every
rule that asks for *now* or *today* (a due date may not be in the past, a report not in
the future) is checked against that time. Each step acts through the application's use
cases; a step the domain refuses ends there, and is handed to `refused` (the story goes
on without it).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from datetime import datetime
from typing import Any

from hms_core import clock
from hms_core.errors import DomainError


class Timeline:
    """Steps at their moments, run earliest first; steps at or after `end` never happen."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.now = start
        self.end = end
        self._steps: list[tuple[datetime, int, Callable[..., Any], tuple]] = []
        self._seq = 0

    def at(self, moment: datetime, step: Callable[..., Any], *args: Any) -> None:
        """Run `step(*args)` at `moment` (never before the current moment)."""
        moment = max(moment, self.now)
        if moment >= self.end:
            return
        heapq.heappush(self._steps, (moment, self._seq, step, args))
        self._seq += 1

    def run(
        self,
        after_step: Callable[[], None],
        refused: Callable[[Callable[..., Any], DomainError], None],
    ) -> None:
        with clock.frozen_at(lambda: self.now):
            while self._steps:
                self.now, _, step, args = heapq.heappop(self._steps)
                try:
                    step(*args)
                except DomainError as error:
                    refused(step, error)
                after_step()
