"""The people of the synthetic history: the demo users and a few hundred more.

Every unit gets employees (about one user per 2.5 FTE), a leader who handles its
cases, and every service area a verneombud; the municipality gets a director and a
hovedverneombud. All share one argon2 hash of the demo password, computed once.
Names are drawn from common Norwegian ones; usernames are `first.last` (numbered when
taken).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from uuid import UUID

from hms_core import access
from hms_core.directory.org_import import DirectoryDocument, UserDocument
from hms_core.directory.organisation import Organisation, Unit, unit_id_for
from hms_core.directory.user import User

# fmt: off
FIRST_NAMES = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Hilde",
    "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Kristin", "Silje", "Tone",
    "Camilla", "Hanne", "Ole", "Jan", "Per", "Bjørn", "Lars", "Kjell", "Knut", "Arne",
    "Svein", "Thomas", "Geir", "Tor", "Morten", "Terje", "Erik", "Martin", "Andreas",
    "Rune", "Trond", "Jon", "Anders", "Espen", "Sindre", "Eirik", "Magnus", "Jonas",
    "Emma", "Nora", "Sara", "Jakob", "Emil", "Sofie", "Ahmed", "Fatima", "Piotr",
    "Agnieszka", "Mohammed", "Amina", "Tomasz", "Linh", "Sigrid", "Åse", "Øystein",
)
LAST_NAMES = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Jensen",
    "Karlsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Dahl", "Halvorsen",
    "Lund", "Sørensen", "Moen", "Iversen", "Strand", "Solberg", "Eide", "Knutsen",
    "Bakken", "Lie", "Nguyen", "Lunde", "Solheim", "Berge", "Nygård", "Holm", "Hauge",
    "Sæther", "Aas", "Myhre", "Haugland", "Sandvik", "Tveit", "Skjæveland", "Egeland",
    "Søyland", "Bore", "Håland", "Oftedal", "Time", "Undheim", "Kowalski", "Ali",
    "Rasmussen", "Vik", "Næss", "Ueland", "Bø", "Fjelde", "Aarsland", "Grude",
)
# fmt: on
EMPLOYEES_PER_FTE = 0.4
_ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e"})


def username_for(name: str) -> str:
    first, *_, last = name.lower().split()
    return f"{first}.{last}".translate(_ASCII)


class _Names:
    def __init__(self, rng: random.Random, taken: set[str]) -> None:
        self.rng = rng
        self.taken = taken

    def draw(self) -> tuple[str, str]:
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        base = username = username_for(name)
        n = 1
        while username in self.taken:
            n += 1
            username = f"{base}{n}"
        self.taken.add(username)
        return username, name


def generated_users(
    rng: random.Random, org: Organisation, password_hash: str, taken: set[str]
) -> DirectoryDocument:
    """Employees, a leader per unit without one, verneombud per area without one."""
    names = _Names(rng, set(taken))
    users: list[UserDocument] = []

    def add(unit: Unit, roles=("employee",), leads=(), covers=()) -> None:
        username, name = names.draw()
        users.append(
            UserDocument(
                username=username,
                name=name,
                email=f"{username}@sandnes.example",
                unit=unit.code,
                roles=list(roles),
                leads=list(leads),
                safety_rep_for=list(covers),
                password_hash=password_hash,
            )
        )

    has_leader = {unit_id_for("lura-sykehjem")} if "leder" in taken else set()
    has_vo = {unit_id_for("helse-og-velferd")} if "verneombud" in taken else set()
    for unit in sorted(org.units.values(), key=lambda u: u.code):
        if unit.id not in has_leader:
            add(unit, ("leader",), leads=[unit.code])
        if unit.kind == "service_area" and unit.id not in has_vo:
            add(unit, ("verneombud",), covers=[unit.code])
        if unit.kind == "municipality":
            add(unit, ("verneombud",), covers=[unit.code])  # the hovedverneombud
        for _ in range(max(1, round((unit.fte or 0) * EMPLOYEES_PER_FTE))):
            add(unit)
    return DirectoryDocument(users=users)


@dataclass
class Staff:
    """Who works where, and who acts for each unit (the organisation and the users'
    records held, as the world's records are)."""

    org: Organisation
    users: list[User]
    principals: dict[UUID, access.Principal]
    employees: dict[UUID, list[UUID]] = field(default_factory=dict)
    leaders: dict[UUID, access.Principal] = field(default_factory=dict)
    safety_reps: dict[UUID, access.Principal] = field(default_factory=dict)
    hms: access.Principal | None = None

    @classmethod
    def of(cls, org: Organisation, users: list[User], principals: list[access.Principal]) -> Staff:
        staff = cls(org, users, {p.user_id: p for p in principals})
        for p in principals:
            if p.home_unit_id is not None:
                staff.employees.setdefault(p.home_unit_id, []).append(p.user_id)
            staff.hms = staff.hms or (p if p.is_hms else None)
        for p in sorted(principals, key=lambda p: len(p.led_units)):
            for unit_id in p.led_units:
                staff.leaders.setdefault(unit_id, p)  # the unit's own before the area's
        for p in sorted(principals, key=lambda p: len(p.vo_units)):
            for unit_id in p.vo_units:
                staff.safety_reps.setdefault(unit_id, p)  # the area's before the HVO
        return staff

    def leader(self, unit_id: UUID) -> access.Principal:
        return self.leaders[unit_id]

    def employee(self, rng: random.Random, unit_id: UUID) -> access.Principal:
        people = self.employees.get(unit_id) or [self.leader(unit_id).user_id]
        return self.principals[rng.choice(people)]

    def siblings(self, unit_id: UUID) -> list[UUID]:
        parent = self.org.units[unit_id].parent_id
        return [u.id for u in self.org.children(parent) if u.id != unit_id] if parent else []
