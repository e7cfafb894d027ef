"""Which units and months a statistics query covers: subtrees, weights and month ranges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from hms_core.access import UnitScope
from hms_core.directory.organisation import Organisation
from projections.base import sid
from projections.scoping import marks

GROUPS = {"unit": "unit_id", "category": "category", "month": "month", "severity": "severity"}


Months = tuple[str | None, str | None]


Weights = dict[str, int]


class UnknownGroupError(ValueError):
    """A `group_by` value this statistic cannot be broken down by."""


def check_groups(group_by: Iterable[str], allowed: Iterable[str] = GROUPS) -> tuple[str, ...]:
    groups = tuple(dict.fromkeys(g.strip() for g in group_by if g.strip()))
    for group in groups:
        if group not in allowed:
            raise UnknownGroupError(group)
    return groups


@dataclass(frozen=True)
class Selection:
    """The units a query counts, and the row each falls in when grouped by unit.

    Grouped by unit, the rows are one level below the selection's top unit: the top
    unit's own cases, then each unit under it with its whole subtree (so the rows add
    up to the total). A selection with several tops (a leader of two separate units)
    has a row per top, each with its subtree.
    """

    units: frozenset[str]
    row_of: dict[str, str]
    parent: dict[str, str | None]
    children: dict[str, list[str]]
    names: dict[str, str]
    fte: dict[str, float | None]
    total_fte: float | None
    anchor: str | None

    def row(self, unit_id: str) -> str:
        return self.row_of.get(unit_id, unit_id)

    def subunits(self, row: str) -> bool:
        return sum(1 for r in self.row_of.values() if r == row) > 1

    def condition(self) -> tuple[str, list[Any]]:
        m, values = marks(sorted(self.units))
        return (f"unit_id IN ({m})", values) if values else ("1 = 0", [])

    def weights(self, members: Iterable[str]) -> Weights:
        """How rollups add up to exactly these units: plus each top unit among them,
        minus each child of one of them that is not among them."""
        members, found = set(members), {}
        for unit in members:
            if self.parent.get(unit) not in members:
                found[unit] = 1
            for child in self.children.get(unit, ()):
                if child not in members:
                    found[child] = -1
        return found

    def weights_by(self, groups: Iterable[str]) -> dict[str | None, Weights]:
        """The weights of each row: of each row's units when grouped by unit, else of
        all the units in one row (None)."""
        if "unit" not in groups:
            return {None: self.weights(self.units)}
        members: dict[str, set[str]] = defaultdict(set)
        for unit, row in self.row_of.items():
            members[row].add(unit)
        return {row: self.weights(units) for row, units in members.items()}


def select_units(
    scope: UnitScope, org: Organisation, unit_id: UUID | None, include_subunits: bool
) -> Selection:
    """The asked-for unit (and its subtree), narrowed to what the scope may read."""
    asked = () if unit_id is None else (org.subtree(unit_id) if include_subunits else {unit_id})
    narrowed = scope.narrowed(asked)
    units = {str(u) for u in (org.units if narrowed is None else narrowed)}
    parent = {str(u.id): sid(u.parent_id) for u in org.units.values()}
    children: dict[str, list[str]] = defaultdict(list)
    for unit, above in parent.items():
        children[above].append(unit)
    tops = {u for u in units if parent.get(u) not in units}
    row_of = {}
    for unit in units:
        path = [unit]
        while path[-1] not in tops:
            path.append(parent[path[-1]])
        row_of[unit] = path[-2] if len(tops) == 1 and len(path) > 1 else path[-1]
    own_fte = {str(u.id): u.fte for u in org.units.values()}
    fte: dict[str, float] = defaultdict(float)
    for unit, row in row_of.items():
        fte[row] += own_fte.get(unit) or 0.0
    return Selection(
        units=frozenset(units),
        row_of=row_of,
        parent=parent,
        children=dict(children),
        names={str(u.id): u.name for u in org.units.values()},
        fte={row: value or None for row, value in fte.items()},
        total_fte=sum(fte.values()) or None,
        anchor=next(iter(tops)) if len(tops) == 1 else None,
    )


def month_range(date_from: date | None, date_to: date | None) -> Months:
    """Statistics count whole months: those `date_from` and `date_to` fall in."""
    return (_month(date_from) if date_from else None, _month(date_to) if date_to else None)


def _month(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"  # as stored; strftime's %Y does not pad


def in_months(month: str, months: Months) -> bool:
    return (months[0] is None or month >= months[0]) and (months[1] is None or month <= months[1])
