"""The directory: the org tree and the people in it.

The whole tree is one aggregate, because its one rule (no unit may end up below
itself) spans the tree. Each user is an aggregate whose id derives from the username,
so two processes registering the same username collide in the event store.
Who was given which role, when and by whom is in the users' events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import event

from hms_core import rules
from hms_core.errors import Conflict, InvalidCharacterError, InvalidValue, NotFound, TextTooLong
from hms_core.infra.passwords import hash_password
from hms_core.model import HMSAggregate

ORGANISATION_ID = uuid5(NAMESPACE_URL, "hms:organisation")
_UNITS = uuid5(NAMESPACE_URL, "hms:units")
_USERS = uuid5(NAMESPACE_URL, "hms:users")

UNIT_KINDS = ("municipality", "service_area", "unit")
ROLES = ("employee", "leader", "verneombud", "hms", "admin")
NAME_MAX = 120


CODE_MAX = 60
USERNAME_MAX = 64
EMAIL_MAX = 200
PASSWORD_HASH_MAX = 512
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
_USERNAME = re.compile(r"[\w.-]+")


def unit_id_for(code: str) -> UUID:
    """Stable id of a unit from its code, so imports can be repeated (any text gives an
    id, so looking up a code that cannot exist finds nothing instead of failing)."""
    return uuid5(_UNITS, rules.key(code))


def user_id_for(username: str) -> UUID:
    return uuid5(_USERS, normalise_username(username))


def normalise_username(username: str) -> str:
    return rules.key(username)


class UnknownUnitError(NotFound):
    code = "unknown_unit"
    message = "Enheten finnes ikke."


class UnitExistsError(Conflict):
    code = "unit_exists"
    message = "Enheten finnes allerede."


class CycleError(Conflict):
    code = "unit_cycle"
    message = "En enhet kan ikke flyttes inn under seg selv."


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


class UsernameTakenError(Conflict):
    code = "username_taken"
    message = "Brukernavnet er tatt."


class UnknownUserError(NotFound):
    code = "unknown_user"
    message = "Brukeren finnes ikke."


class RoleUnitsError(InvalidValue):
    code = "role_units"


class User(HMSAggregate):
    """A person who signs in: their roles, home unit, units led and verneområde."""

    @staticmethod
    def create_id(username: str) -> UUID:
        return user_id_for(username)

    @event("Registered")
    def __init__(
        self,
        username: str,
        name: str,
        email: str,
        password_hash: str | None,
        home_unit_id: UUID | None,
        actor: str,
    ) -> None:
        self.username = username
        self.name = name
        self.email = email
        self.password_hash = password_hash
        self.home_unit_id = home_unit_id
        self.roles: tuple[str, ...] = ("employee",)
        self.leads: tuple[UUID, ...] = ()
        self.safety_rep_for: tuple[UUID, ...] = ()
        self.active = True
        self.tokens: dict[UUID, str] = {}

    @classmethod
    def register(
        cls,
        *,
        actor: str,
        username: str,
        name: str,
        email: str,
        password_hash: str | None,
        home_unit_id: UUID | None,
    ) -> User:
        return cls(
            username=check_username(username),
            name=rules.text("name", name, NAME_MAX),
            email=check_email(email),
            password_hash=check_password_hash(password_hash),
            home_unit_id=home_unit_id,
            actor=actor,
        )

    def assign_roles(
        self,
        *,
        actor: str,
        roles: Iterable[str],
        leads: Iterable[UUID] = (),
        safety_rep_for: Iterable[UUID] = (),
    ) -> None:
        """Give the user exactly these roles, units led and verneområde."""
        wanted = set(roles) | {"employee"}
        for role in wanted:
            rules.choice("roles", role, ROLES)
        roles = tuple(r for r in ROLES if r in wanted)
        leads, safety_rep_for = tuple(dict.fromkeys(leads)), tuple(dict.fromkeys(safety_rep_for))
        if bool(leads) != ("leader" in roles):
            raise RoleUnitsError("leads", "En leder må lede minst én enhet, og bare ledere leder.")
        if bool(safety_rep_for) != ("verneombud" in roles):
            raise RoleUnitsError(
                "safety_rep_for", "Et verneombud må ha et verneområde, og bare verneombud har det."
            )
        if (roles, leads, safety_rep_for) != (self.roles, self.leads, self.safety_rep_for):
            self._assign_roles(roles=roles, leads=leads, safety_rep_for=safety_rep_for, actor=actor)

    @event("RolesAssigned")
    def _assign_roles(
        self,
        roles: tuple[str, ...],
        leads: tuple[UUID, ...],
        safety_rep_for: tuple[UUID, ...],
        actor: str,
    ) -> None:
        self.roles = roles
        self.leads = leads
        self.safety_rep_for = safety_rep_for

    def update_profile(
        self, *, actor: str, name: str, email: str, home_unit_id: UUID | None
    ) -> None:
        name, email = rules.text("name", name, NAME_MAX), check_email(email)
        if (name, email, home_unit_id) != (self.name, self.email, self.home_unit_id):
            self._update_profile(name=name, email=email, home_unit_id=home_unit_id, actor=actor)

    @event("ProfileUpdated")
    def _update_profile(self, name: str, email: str, home_unit_id: UUID | None, actor: str) -> None:
        self.name = name
        self.email = email
        self.home_unit_id = home_unit_id

    def change_password(self, *, actor: str, password_hash: str) -> None:
        hashed = check_password_hash(password_hash)
        if hashed is None:
            raise InvalidValue("password_hash", "Mangler passord.")
        self._change_password(password_hash=hashed, actor=actor)

    @event("PasswordChanged")
    def _change_password(self, password_hash: str, actor: str) -> None:
        self.password_hash = password_hash

    def issue_token(self, *, actor: str, token_id: UUID, token_hash: str) -> None:
        self._issue_token(token_id=token_id, token_hash=token_hash, actor=actor)

    @event("TokenIssued")
    def _issue_token(self, token_id: UUID, token_hash: str, actor: str) -> None:
        self.tokens = {**self.tokens, token_id: token_hash}

    def revoke_token(self, *, actor: str, token_id: UUID) -> None:
        if token_id not in self.tokens:
            raise NotFound("Fant ikke nøkkelen.")
        self._revoke_token(token_id=token_id, actor=actor)

    @event("TokenRevoked")
    def _revoke_token(self, token_id: UUID, actor: str) -> None:
        self.tokens = {k: v for k, v in self.tokens.items() if k != token_id}

    def deactivate(self, *, actor: str) -> None:
        if self.active:
            self._deactivate(actor=actor)

    @event("Deactivated")
    def _deactivate(self, actor: str) -> None:
        self.active = False

    def reactivate(self, *, actor: str) -> None:
        if not self.active:
            self._reactivate(actor=actor)

    @event("Reactivated")
    def _reactivate(self, actor: str) -> None:
        self.active = True


def check_username(username: str) -> str:
    """1–64 letters, digits, `.`, `-` and `_`; kept in lower case (NFC)."""
    username = rules.text("username", username, USERNAME_MAX).lower()
    if not _USERNAME.fullmatch(username) or len(username) > USERNAME_MAX:
        raise InvalidValue("username", "Brukernavn: 1–64 tegn, bokstaver, tall, . - _")
    return username


def check_email(email: str) -> str:
    email = rules.text("email", email, EMAIL_MAX)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in email):
        raise InvalidValue("email", "Ugyldig e-postadresse.")
    return email


def check_password(password: str, minimum: int = PASSWORD_MIN) -> str:
    """A password to hash: `minimum` (a person's own: 8) to 1024 characters that UTF-8
    can encode. An administrator's or an import's initial one may be shorter."""
    if not isinstance(password, str) or len(password) < minimum:
        raise InvalidValue("password", f"Passordet må ha minst {minimum} tegn.")
    if len(password) > PASSWORD_MAX:
        raise TextTooLong("password", PASSWORD_MAX)
    if rules.encodable(password) != password:
        raise InvalidCharacterError("password")
    return password


def initial_password_hash(password: str | None) -> str | None:
    """An administrator's or an import's first password for someone, hashed (it may be
    short: the person changes it)."""
    return hash_password(check_password(password, minimum=1)) if password else None


def check_password_hash(password_hash: str | None) -> str | None:
    """A stored hash (argon2's encoding) is one line of printable text."""
    return rules.optional_text("password_hash", password_hash, PASSWORD_HASH_MAX)
