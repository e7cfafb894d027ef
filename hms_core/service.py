"""What every use-case module shares: the base of the mixins, what they need of the
application and of each other, and the retry of a command that lost a race.

HMSApplication (hms_core/application.py) puts the mixins together. A mixin reaches the
store only through the application's `load`, `save` and `history`, and case numbers only
through `next_reference` below, so the application decides how (the demo seeder's batch
mode answers from what it has not written yet). A mixin that calls another's methods
through `self` says so with the Protocols below (`Uses…`): each `use_cases.py` names
them as its bases for type checkers, and HMSApplication must then provide them. A use
case that takes a command struct (hms_core/<area>/commands.py) says so with `@takes`:
it is then handed the struct (the API hands it the decoded body) or its fields.
"""

from __future__ import annotations

import functools
import inspect
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar
from uuid import UUID

import msgspec
from eventsourcing.persistence import IntegrityError

from hms_core import clock
from hms_core.deviations.references import ReferenceIssued, References, format_reference
from hms_core.errors import Conflict, NotFound

if TYPE_CHECKING:
    from eventsourcing.persistence import EventStore, Recording

    from hms_core.deviations.deviation import Deviation
    from hms_core.directory.organisation import Organisation
    from hms_core.directory.user import User
    from hms_core.risk.assessment import RiskAssessment

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")
C = TypeVar("C", bound=msgspec.Struct)

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


def takes(kind: type[C]) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """The use case's last parameter is a command of `kind`; callers may give its fields.

    Called with the command there (the API hands it the decoded request body), or None
    (a command with every default: an empty body), the use case gets that. Called
    without it, as code calls use cases, the keyword arguments are the command's fields:
    `classify_deviation(by, case_id, category="fall", …)` runs as
    `classify_deviation(by, case_id, ClassifyDeviation(category="fall", …))`. Building
    the struct checks nothing but the names (a missing or unknown one is a TypeError, as
    for any call); the aggregate's rules judge the values, whichever way they came.
    """

    def decorate(fn: Callable[..., R]) -> Callable[..., R]:
        kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        params = inspect.signature(fn).parameters.values()
        before = sum(1 for p in params if p.kind in kinds) - 1  # self, by, ids …

        @functools.wraps(fn)
        def use_case(*args: Any, **fields: Any) -> R:
            if len(args) == before:
                return fn(*args, kind(**fields))
            if len(args) != before + 1 or fields:
                return fn(*args, **fields)  # not a call of either kind: as the function says
            given = kind() if args[-1] is None else args[-1]
            if not isinstance(given, kind):
                raise TypeError(f"{fn.__name__}() takes a {kind.__name__}, not {given!r}")
            return fn(*args[:-1], given)

        return use_case

    return decorate


@dataclass(frozen=True)
class NextReference:
    """A year's next case number (`AVV-2026-000042`), taken by saving `issued_to(record)`
    in the same transaction as the record; a process that took it first makes that save
    collide, and the command is retried with the next one."""

    references: References
    prefix: str
    year: int
    number: int

    @property
    def text(self) -> str:
        return format_reference(self.prefix, self.year, self.number)

    def issued_to(self, record_id: UUID) -> ReferenceIssued:
        return self.references.issue(self.prefix, self.year, self.number, record_id)


class Service:
    """The base of every use-case mixin."""

    if TYPE_CHECKING:
        # What the application gives every use case (HMSApplication, Application).
        events: EventStore

        def load(
            self, aggregate_id: UUID, kind: type[A], missing: type[NotFound] = NotFound
        ) -> A: ...

        def save(self, *objs: Any, **kwargs: Any) -> list[Recording]: ...

        def history(self, aggregate_id: UUID) -> list[Any]:
            """Every event of one aggregate (or log), oldest first."""
            ...

    def next_reference(self, prefix: str) -> NextReference:
        """This year's next case number with this prefix, in the configured time zone."""
        year = clock.now().astimezone(clock.timezone()).year
        references = References(self.events)
        return NextReference(references, prefix, year, references.last_number(prefix, year) + 1)


# --- what the mixins use of each other -------------------------------------------------


class UsesDirectory(Protocol):
    """hms_core.directory.use_cases: the org tree and the users."""

    def organisation(self) -> Organisation: ...

    def has_organisation(self) -> bool: ...

    def unit_in_tree(self, unit_id: UUID, field: str) -> UUID: ...

    def user(self, user_id: UUID) -> User: ...

    def find_user(self, username: str) -> User | None: ...


class UsesDeviations(Protocol):
    """hms_core.deviations.use_cases: a case by its id."""

    def deviation(self, deviation_id: UUID) -> Deviation: ...


class UsesActions(Protocol):
    """hms_core.actions.use_cases: which of a case's actions are still open."""

    def open_action_ids(self, action_ids: Iterable[UUID]) -> tuple[UUID, ...]: ...


class UsesRisk(Protocol):
    """hms_core.risk.use_cases: an assessment by its id."""

    def risk_assessment(self, assessment_id: UUID) -> RiskAssessment: ...
