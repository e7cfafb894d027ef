"""A person who signs in: their roles, home unit, units led and verneområde.

Each user is an aggregate whose id derives from the username, so two processes
registering the same username collide in the event store. Who was given which role,
when and by whom is in the user's events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from hms_core import rules
from hms_core.directory.errors import RoleUnitsError
from hms_core.errors import InvalidCharacterError, InvalidValue, TextTooLong
from hms_core.infra.passwords import hash_password
from hms_core.model import HMSAggregate

_USERS = uuid5(NAMESPACE_URL, "hms:users")

ROLES = ("employee", "leader", "verneombud", "hms", "admin")
NAME_MAX = 120
USERNAME_MAX = 64
EMAIL_MAX = 200
PASSWORD_HASH_MAX = 512
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
_USERNAME = re.compile(r"[\w.-]+")


def user_id_for(username: str) -> UUID:
    return uuid5(_USERS, normalise_username(username))


def normalise_username(username: str) -> str:
    return rules.key(username)


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

    def deactivate(self, *, actor: str) -> None:
        if self.active:
            self._deactivate(actor=actor)

    @event("Deactivated")
    def _deactivate(self, actor: str) -> None:
        self.active = False

    # No command revokes a token or reactivates a user (yet), but stores hold these events
    # (tests/data/store-before-layout.sqlite3 does): the two @event methods stay, because
    # they define User.TokenRevoked and User.Reactivated, which replaying a user needs.

    @event("TokenRevoked")
    def _revoke_token(self, token_id: UUID, actor: str) -> None:
        self.tokens = {k: v for k, v in self.tokens.items() if k != token_id}

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
