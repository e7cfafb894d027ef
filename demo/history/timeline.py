"""Replaying a history in the order it happened, and saving it in batches.

`Timeline` runs steps at their moments, earliest first, under a clock frozen at each
step's moment (`clock.frozen_at`), so every event takes the time it happened and every
rule that asks for *now* or *today* (a due date may not be in the past, a report not in
the future) is checked against that time.

`HistoryBatch` is the batch-oriented twin of the use cases' `self.save(...)`: it
collects the events of many records in the order they happened and hands them to
`app.save(...)` a batch at a time: one transaction per batch. A batch goes to
`app.save` the way an aggregate does, as one object handing over its events through
`collect_events()`; given thousands of aggregates or events one by one, `save` would
spend about 40 µs on each in a runtime protocol check (Python 3.11), more than storing
them takes. Batches are saved in order by one writer thread while the next is being
made, so the database's work overlaps Python's.

Case numbers are issued as `hms_core.deviations.references` issues them, for many records at
once: each year's last number is read from the store once, and the seeder counts on
from there. The numbers are saved in the same transaction as their records, so should
another process write numbers meanwhile, the batch fails on the collision instead of
giving two records one number.
"""

from __future__ import annotations

import contextlib
import heapq
import queue
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import CanMutateAggregate

from hms_core import clock
from hms_core.deviations.references import References, format_reference


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

    def run(self, after_step: Callable[[], None]) -> None:
        with clock.frozen_at(lambda: self.now):
            while self._steps:
                self.now, _, step, args = heapq.heappop(self._steps)
                step(*args)
                after_step()


class SavedTogether:
    """Events handed to `app.save` as one object, in the order they are in."""

    __slots__ = ("events", "id")

    def __init__(self, events: list[Any]) -> None:
        self.id = uuid4()  # `save` files what it saves by id, as it does aggregates
        self.events = events

    def collect_events(self) -> list[Any]:
        events, self.events = self.events, []
        return events


class HistoryBatch:
    """Events of many records, in the order they happened, saved one batch at a time."""

    def __init__(self, app: Any, size: int = 5000) -> None:
        self.app = app
        self.size = size
        self.events: list[Any] = []
        self.saved = 0
        self._references = References(app.events)
        self._last: dict[tuple[str, int], int] = {}
        self._queue: queue.Queue[SavedTogether | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._writer = threading.Thread(target=self._write, name="hms-seed-writer", daemon=True)
        self._writer.start()

    def add(self, *records: CanMutateAggregate | Any | None) -> None:
        """The new events of these aggregates (or these events), after those already here."""
        for record in records:
            if record is None:
                continue
            if hasattr(record, "collect_events"):
                self.events.extend(record.collect_events())
            else:
                self.events.append(record)

    def next_reference(self, prefix: str) -> tuple[str, int, int]:
        """The next case number of this year (the clock's), as (reference, year, number)."""
        year = clock.now().astimezone(clock.timezone()).year
        key = (prefix, year)
        last = self._last.get(key)
        if last is None:
            last = self._references.last_number(prefix, year)
        self._last[key] = last + 1
        return format_reference(prefix, year, last + 1), year, last + 1

    def issue(self, prefix: str, year: int, number: int, record_id: UUID) -> None:
        self.events.append(self._references.issue(prefix, year, number, record_id))

    def flush_if_full(self) -> None:
        if len(self.events) >= self.size:
            self.flush()

    def flush(self) -> None:
        """Hand what is collected to the writer: one transaction, after those before it."""
        self._check()
        if self.events:
            self.saved += len(self.events)
            self._queue.put(SavedTogether(self.events))
            self.events = []

    def drain(self) -> None:
        """Flush, and wait until every batch is in the store."""
        self.flush()
        self._queue.join()
        self._check()

    def close(self) -> None:
        """Save what is left and stop the writer; raises what made a save fail."""
        if self._writer.is_alive():
            if self._failure is None:
                self.flush()
            self._queue.put(None)
            self._writer.join()
        self._check()

    def abandon(self) -> None:
        """Stop without saving what is not yet handed over (a step failed half-way)."""
        self.events = []
        with contextlib.suppress(BaseException):
            self.close()

    def _write(self) -> None:
        while (batch := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self.app.save(batch)
                except BaseException as e:  # handed to the seeding thread by _check()
                    self._failure = e
            self._queue.task_done()
        self._queue.task_done()

    def _check(self) -> None:
        if self._failure is not None:
            raise self._failure
