"""The org tree: the municipality, its service areas and units.

The whole tree is one aggregate, because its one rule (no unit may end up below
itself) spans the tree. A unit's id derives from its code, so imports can be repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import event

from hms_core import rules
from hms_core.directory.errors import CycleError, UnitExistsError, UnknownUnitError
from hms_core.errors import InvalidValue
from hms_core.model import HMSAggregate

ORGANISATION_ID = uuid5(NAMESPACE_URL, "hms:organisation")
_UNITS = uuid5(NAMESPACE_URL, "hms:units")

UNIT_KINDS = ("municipality", "service_area", "unit")
NAME_MAX = 120
CODE_MAX = 60


def unit_id_for(code: str) -> UUID:
    """Stable id of a unit from its code, so imports can be repeated (any text gives an
    id, so looking up a code that cannot exist finds nothing instead of failing)."""
    return uuid5(_UNITS, rules.key(code))


class Unit(msgspec.Struct, frozen=True):
    id: UUID
    code: str
    name: str
    parent_id: UUID | None
    kind: str
    fte: float | None


class Organisation(HMSAggregate):
    """The municipality's tree of service areas and units."""

    @staticmethod
    def create_id() -> UUID:
        return ORGANISATION_ID

    @event("Founded")
    def __init__(self, actor: str) -> None:
        self.units: dict[UUID, Unit] = {}

    def add_unit(
        self,
        *,
        actor: str,
        code: str,
        name: str,
        parent_id: UUID | None,
        kind: str,
        fte: float | None = None,
    ) -> UUID:
        code = rules.text("code", code, CODE_MAX).lower()
        unit_id = unit_id_for(code)
        if unit_id in self.units:
            raise UnitExistsError
        if parent_id is None and self.root() is not None:
            raise InvalidValue("parent_id", "Bare kommunen kan stå øverst i treet.")
        if parent_id is not None:
            self.unit(parent_id)
        self._add_unit(
            unit_id=unit_id,
            code=code,
            name=rules.text("name", name, NAME_MAX),
            parent_id=parent_id,
            kind=rules.choice("kind", kind, UNIT_KINDS),
            fte=check_fte(fte),
            actor=actor,
        )
        return unit_id

    @event("UnitAdded")
    def _add_unit(
        self,
        unit_id: UUID,
        code: str,
        name: str,
        parent_id: UUID | None,
        kind: str,
        fte: float | None,
        actor: str,
    ) -> None:
        self.units = {**self.units, unit_id: Unit(unit_id, code, name, parent_id, kind, fte)}

    def update_unit(self, *, actor: str, unit_id: UUID, name: str, fte: float | None) -> None:
        unit = self.unit(unit_id)
        name = rules.text("name", name, NAME_MAX)
        fte = check_fte(fte)
        if (name, fte) != (unit.name, unit.fte):
            self._update_unit(unit_id=unit_id, name=name, fte=fte, actor=actor)

    @event("UnitUpdated")
    def _update_unit(self, unit_id: UUID, name: str, fte: float | None, actor: str) -> None:
        unit = self.units[unit_id]
        self.units = {**self.units, unit_id: msgspec.structs.replace(unit, name=name, fte=fte)}

    def move_unit(self, *, actor: str, unit_id: UUID, parent_id: UUID) -> None:
        unit = self.unit(unit_id)
        self.unit(parent_id)
        if parent_id in self.subtree(unit_id):
            raise CycleError
        if parent_id != unit.parent_id:
            self._move_unit(unit_id=unit_id, parent_id=parent_id, actor=actor)

    @event("UnitMoved")
    def _move_unit(self, unit_id: UUID, parent_id: UUID, actor: str) -> None:
        unit = self.units[unit_id]
        self.units = {**self.units, unit_id: msgspec.structs.replace(unit, parent_id=parent_id)}

    # --- queries -------------------------------------------------------------------

    def unit(self, unit_id: UUID) -> Unit:
        try:
            return self.units[unit_id]
        except KeyError:
            raise UnknownUnitError from None

    def root(self) -> Unit | None:
        return next((u for u in self.units.values() if u.parent_id is None), None)

    def children(self, unit_id: UUID) -> list[Unit]:
        return [u for u in self.units.values() if u.parent_id == unit_id]

    def subtree(self, unit_id: UUID) -> frozenset[UUID]:
        """The unit and every unit below it."""
        below: dict[UUID | None, list[UUID]] = {}
        for unit in self.units.values():
            below.setdefault(unit.parent_id, []).append(unit.id)
        found, todo = set(), [unit_id]
        while todo:
            current = todo.pop()
            if current not in found:
                found.add(current)
                todo.extend(below.get(current, ()))
        return frozenset(found)

    def subtrees(self, unit_ids: Iterable[UUID]) -> frozenset[UUID]:
        found: set[UUID] = set()
        for unit_id in unit_ids:
            if unit_id in self.units:
                found |= self.subtree(unit_id)
        return frozenset(found)

    def ancestors(self, unit_id: UUID) -> Iterator[Unit]:
        """The unit's parent, its parent, and so on up to the municipality."""
        seen = set()
        parent_id = self.unit(unit_id).parent_id
        while parent_id is not None and parent_id not in seen:
            seen.add(parent_id)
            parent = self.units[parent_id]
            yield parent
            parent_id = parent.parent_id


MAX_FTE = 100_000


def check_fte(fte: float | None) -> float | None:
    """Head count in full-time equivalents: a finite number from 0 to 100 000, or unknown."""
    if fte is None:
        return None
    try:
        return rules.number("fte", fte, 0, MAX_FTE)
    except InvalidValue:
        raise InvalidValue("fte", "Årsverk må være et tall mellom 0 og 100 000.") from None
