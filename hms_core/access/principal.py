"""Who is asking: the signed-in person (or the product itself), and the units they reach."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

import msgspec

from hms_core.model import SYSTEM_PREFIX


class Principal(msgspec.Struct, frozen=True):
    """A signed-in person, with the units their roles reach (subtrees resolved)."""

    user_id: UUID
    username: str
    name: str
    roles: frozenset[str]
    home_unit_id: UUID | None = None
    led_units: frozenset[UUID] = frozenset()
    vo_units: frozenset[UUID] = frozenset()
    system: str | None = None

    @property
    def actor(self) -> str:
        """How events record this person: their user id, or `system:<name>`."""
        return f"{SYSTEM_PREFIX}{self.system}" if self.system else str(self.user_id)

    @property
    def is_hms(self) -> bool:
        return "hms" in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def leads(self, unit_id: UUID) -> bool:
        return unit_id in self.led_units

    def covers(self, unit_id: UUID) -> bool:
        """Whether the unit lies in this person's verneområde."""
        return unit_id in self.vo_units


def system_principal(name: str) -> Principal:
    """The product itself acting (imports, the demo seeder, the command line): may do
    anything."""
    return Principal(
        user_id=UUID(int=0),
        username=f"{SYSTEM_PREFIX}{name}",
        name=name,
        roles=frozenset({"hms", "admin"}),
        system=name,
    )


class UnitScope(msgspec.Struct, frozen=True):
    """Units whose figures, register and actions a person may read."""

    everything: bool = False
    units: frozenset[UUID] = frozenset()

    def admits(self, unit_id: UUID) -> bool:
        return self.everything or unit_id in self.units

    def narrowed(self, unit_ids: Iterable[UUID]) -> frozenset[UUID] | None:
        """The asked-for units this scope allows; None means no limit at all."""
        unit_ids = frozenset(unit_ids)
        if self.everything:
            return unit_ids or None
        return (unit_ids & self.units) if unit_ids else self.units
