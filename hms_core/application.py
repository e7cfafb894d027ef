"""The one eventsourcing Application of the product: one log, one order.

Use cases live in the folders of the domain (`hms_core/*/use_cases.py`); this class puts
them together with the store's configuration and what every use case shares: a retry
when a concurrent writer wins the race (`hms_core.service.command`), the log position
of the last save (so a caller can wait until the read models have caught up with it),
and a batch mode for writing much at once (`batch()`, `SaveBatch`).
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any
from uuid import UUID, uuid4
from weakref import WeakValueDictionary

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import Recording

from hms_core.actions.use_cases import ActionService
from hms_core.deviations import references
from hms_core.deviations.use_cases import DeviationService
from hms_core.directory.org_import import OrgImportService
from hms_core.directory.use_cases import DirectoryService
from hms_core.errors import NotFound
from hms_core.hr.use_cases import HRService
from hms_core.infra.old_topics import register_old_topics
from hms_core.risk.use_cases import RiskService

register_old_topics()  # before anything is read from a store written by older code


class _Transaction:
    """One transaction of a batch: its events, handed to `Application.save` as one object.

    Given thousands of aggregates or events one by one, `save` would spend about 40 µs
    on each in a runtime protocol check (Python 3.11), more than storing them takes.
    """

    __slots__ = ("events", "held", "id")

    def __init__(self, events: list[Any], held: dict[UUID, Any]) -> None:
        self.id = uuid4()  # `save` files what it saves by id, as it does aggregates
        self.events = events
        self.held = held  # its aggregates stay findable until the store has their events

    def collect_events(self) -> list[Any]:
        events, self.events = self.events, []
        return events


class BatchWriteError(RuntimeError):
    """A transaction of the batch could not be written (its cause says why), nor anything
    after it. Not the store's IntegrityError, which `@command` would take for a lost race
    and retry."""


class SaveBatch:
    """What the use cases save within `HMSApplication.batch()`, a transaction at a time.

    Saved events join the next transaction, in order; when it has `size` events it goes
    to a writer thread, so the database works while Python makes the next one. Loads
    look here first (an identity map): an aggregate the batch saved or loaded is found
    as the same object for as long as anyone holds it (a weak map, as SQLAlchemy's
    session keeps), and always while its events are not yet in the store. `log_heads`
    is the last version saved of each log (events saved bare, such as case numbers).
    """

    def __init__(
        self, size: int, write: Callable[[_Transaction], object], reload: Callable[[UUID], Any]
    ) -> None:
        self.size = size
        self.log_heads: dict[UUID, int] = {}
        self._write_now, self._reload = write, reload
        self._events: list[Any] = []
        self._held: dict[UUID, Any] = {}
        self._known: WeakValueDictionary[UUID, Any] = WeakValueDictionary()
        self._handed_out: list[Any] = []  # loaded since the last save
        self._queue: queue.Queue[_Transaction | None] = queue.Queue(maxsize=2)
        self._failure: BaseException | None = None
        self._writer = threading.Thread(target=self._write, name="hms-batch-writer", daemon=True)
        self._writer.start()

    def add(self, objs: Sequence[Any], kwargs: dict[str, Any]) -> None:
        if kwargs:
            raise TypeError(f"a batch does not save with {sorted(kwargs)}")
        self._handed_out.clear()
        for obj in objs:
            if obj is None:
                continue
            collect = getattr(obj, "collect_events", None)  # no protocol check: see above
            if collect is None:  # an event of a log
                self._events.append(obj)
                self.log_heads[obj.originator_id] = obj.originator_version
            else:
                self._events.extend(collect())
                key = obj.id
                self._held[key] = obj
                if self._known.get(key) is not obj:  # mostly it was loaded from there
                    self._known[key] = obj
        if len(self._events) >= self.size:
            self._flush()

    def find(self, aggregate_id: UUID) -> Any:
        aggregate = self._known.get(aggregate_id)
        if aggregate is not None:
            self._handed_out.append(aggregate)
        return aggregate

    def remember(self, aggregate: Any) -> None:
        self._known[aggregate.id] = aggregate
        self._handed_out.append(aggregate)

    def discard_unsaved(self) -> None:
        """Put back as last saved, in place, what was loaded since the last save and
        changed but not saved: call it after a use case raised, as a rollback would."""
        changed = [a for a in self._handed_out if a.pending_events]
        self._handed_out.clear()
        if changed:
            self.wait()
        for aggregate in changed:
            saved = vars(self._reload(aggregate.id))
            vars(aggregate).clear()
            vars(aggregate).update(saved)

    def wait(self) -> None:
        """Write what is collected, and wait until the store has everything."""
        self._flush()
        self._queue.join()
        self._check()

    def close(self) -> None:
        """Write what is left and stop the writer; raises what made a write fail."""
        if self._writer.is_alive():
            if self._failure is None:
                self._flush()
            self._queue.put(None)
            self._writer.join()
        self._check()

    def abandon(self) -> None:
        """Stop without writing what is not yet handed to the writer."""
        self._events, self._held = [], {}
        with contextlib.suppress(BaseException):
            self.close()

    def _flush(self) -> None:
        self._check()
        if self._events:
            self._queue.put(_Transaction(self._events, self._held))
            self._events, self._held = [], {}

    def _write(self) -> None:
        while (transaction := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._write_now(transaction)
                except BaseException as e:  # for the batch's own thread: see _check()
                    self._failure = e
            transaction.held = {}
            self._queue.task_done()
        self._queue.task_done()

    def _check(self) -> None:
        if self._failure is not None:
            raise BatchWriteError(f"not written: {self._failure!r}") from self._failure


_last_position: ContextVar[int | None] = ContextVar("hms_last_position", default=None)
_batch: ContextVar[SaveBatch | None] = ContextVar("hms_save_batch", default=None)


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

    # --- saving and loading --------------------------------------------------------

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording]:
        """Store the new events of these aggregates (and these events) in one transaction;
        in a batch (`batch()`), add them to the batch's next transaction instead."""
        batch = _batch.get()
        if batch is None:
            return super().save(*objs, **kwargs)
        batch.add(objs, kwargs)
        return []

    @contextmanager
    def batch(self, size: int = 5000) -> Iterator[SaveBatch]:
        """Within this context (this thread or task), save what the use cases save in
        transactions of about `size` events, written in order while the use cases go on.

        For writing a great deal at once through the use cases (`hms demo seed`), so
        that every rule of theirs holds for it too: one transaction per use case costs
        more than the use case itself. A use case's events always share a transaction;
        loads find what the batch holds; case numbers count on from those the batch
        issued. A transaction the store refuses comes out of a later save or the end of
        the context as BatchWriteError; if the block raises, what is not yet written is
        dropped. Meant for one writer: another writer changing the same records
        meanwhile makes the batch fail at the collision. Outside the context, and in
        other threads, saving is as ever.
        """
        if _batch.get() is not None:
            raise RuntimeError("a batch is already open in this context")
        batch = SaveBatch(size, functools.partial(Application.save, self), self._reload)
        token = _batch.set(batch)
        try:
            with references.counted_on_from(batch.log_heads):
                yield batch
        except BaseException:
            batch.abandon()
            raise
        else:
            batch.close()
        finally:
            _batch.reset(token)

    def load(self, aggregate_id: UUID, kind: type, missing: type[NotFound] = NotFound) -> Any:
        """The aggregate of that kind with that id, or the `missing` error."""
        batch = _batch.get()
        aggregate = None if batch is None else batch.find(aggregate_id)
        if aggregate is None:
            aggregate = self._reload(aggregate_id, missing)
            if batch is not None:
                batch.remember(aggregate)
        if not isinstance(aggregate, kind):
            raise missing
        return aggregate

    def _reload(self, aggregate_id: UUID, missing: type[NotFound] = NotFound) -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise missing from None

    def history(self, aggregate_id: UUID) -> list[Any]:
        """Every event of one aggregate (or log), oldest first: its audit trail."""
        batch = _batch.get()
        if batch is not None:
            batch.wait()  # the store is to have everything saved so far
        return list(self.events.get(aggregate_id))
