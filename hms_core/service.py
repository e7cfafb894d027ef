"""What every use-case module shares."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from hms_core.errors import Conflict, NotFound

P = ParamSpec("P")
R = TypeVar("R")

MAX_ATTEMPTS = 20


class ConcurrentChangeError(Conflict):
    code = "concurrent_change"
    message = "Saken ble endret samtidig av noen andre. Prøv igjen."


def command(fn: Callable[P, R]) -> Callable[P, R]:
    """A use case that writes, retried from the start when another writer got there first.

    The event store refuses a second event at the same aggregate version (optimistic
    concurrency); reloading and repeating the command is then safe. A client that sent
    an `expected_version` gets VersionConflict (409) from the aggregate instead.
    """

    @functools.wraps(fn)
    def retrying(*args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(MAX_ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except IntegrityError:
                if attempt == MAX_ATTEMPTS - 1:
                    raise ConcurrentChangeError from None
                # Back off a little, at random, so colliding writers spread out.
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))  # noqa: S311
        raise AssertionError("unreachable")

    return retrying


class Service:
    """Type hints for what the use-case mixins use of the Application."""

    if TYPE_CHECKING:
        from eventsourcing.application import Repository
        from eventsourcing.persistence import EventStore, Recording

        repository: Repository
        events: EventStore

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording]: ...

        def load(
            self, aggregate_id: UUID, kind: type, missing: type[NotFound] = NotFound
        ) -> Any: ...
