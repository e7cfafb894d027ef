"""Use cases of the directory: the org tree, users, sign-in and API tokens."""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from uuid import UUID, uuid4

from hms_core import access
from hms_core.access import Principal
from hms_core.directory.errors import (
    OrganisationMissingError,
    UnknownUnitError,
    UnknownUserError,
    UsernameTakenError,
)
from hms_core.directory.organisation import ORGANISATION_ID, Organisation
from hms_core.directory.user import User, check_password, initial_password_hash, user_id_for
from hms_core.errors import InvalidValue
from hms_core.infra.passwords import digest, hash_password, new_secret, verify_password
from hms_core.service import Service, command

TOKEN_PREFIX = "hms_"  # noqa: S105 - a prefix, not a secret


class DirectoryService(Service):
    # --- the org tree --------------------------------------------------------------

    def organisation(self) -> Organisation:
        return self.load(ORGANISATION_ID, Organisation, OrganisationMissingError)

    def has_organisation(self) -> bool:
        try:
            self.organisation()
        except OrganisationMissingError:
            return False
        return True

    def unit_in_tree(self, unit_id: UUID, field: str) -> UUID:
        """Check a unit named in a command exists; the error names the field it came in."""
        try:
            self.organisation().unit(unit_id)
        except (UnknownUnitError, OrganisationMissingError):
            raise InvalidValue(field, "Enheten finnes ikke.") from None
        return unit_id

    @command
    def found_organisation(self, by: Principal, *, code: str, name: str) -> UUID:
        """Create the org tree with the municipality at its root."""
        access.check_manage_directory(by)
        organisation = Organisation(actor=by.actor)
        root_id = organisation.add_unit(
            actor=by.actor, code=code, name=name, parent_id=None, kind="municipality"
        )
        self.save(organisation)
        return root_id

    @command
    def add_unit(
        self,
        by: Principal,
        *,
        code: str,
        name: str,
        parent_id: UUID,
        kind: str = "unit",
        fte: float | None = None,
    ) -> UUID:
        """Add a service area or unit below an existing one."""
        access.check_manage_directory(by)
        organisation = self.organisation()
        unit_id = organisation.add_unit(
            actor=by.actor, code=code, name=name, parent_id=parent_id, kind=kind, fte=fte
        )
        self.save(organisation)
        return unit_id

    @command
    def update_unit(self, by: Principal, *, unit_id: UUID, name: str, fte: float | None) -> None:
        """Rename a unit or change its head count (FTE)."""
        access.check_manage_directory(by)
        organisation = self.organisation()
        organisation.update_unit(actor=by.actor, unit_id=unit_id, name=name, fte=fte)
        self.save(organisation)

    @command
    def move_unit(self, by: Principal, *, unit_id: UUID, parent_id: UUID) -> None:
        """Place a unit under another parent."""
        access.check_manage_directory(by)
        organisation = self.organisation()
        organisation.move_unit(actor=by.actor, unit_id=unit_id, parent_id=parent_id)
        self.save(organisation)

    # --- users ---------------------------------------------------------------------

    def user(self, user_id: UUID) -> User:
        return self.load(user_id, User, UnknownUserError)

    def find_user(self, username: str) -> User | None:
        try:
            return self.user(user_id_for(username))
        except UnknownUserError:
            return None

    @command
    def register_user(
        self,
        by: Principal,
        *,
        username: str,
        name: str,
        email: str,
        password: str | None = None,
        password_hash: str | None = None,
        home_unit_id: UUID | None = None,
        roles: Iterable[str] = ("employee",),
        leads: Iterable[UUID] = (),
        safety_rep_for: Iterable[UUID] = (),
    ) -> UUID:
        """Register a person with their roles; the username must be free."""
        access.check_manage_directory(by)
        if self.find_user(username) is not None:
            raise UsernameTakenError
        user = User.register(
            actor=by.actor,
            username=username,
            name=name,
            email=email,
            password_hash=password_hash or initial_password_hash(password),
            home_unit_id=self._optional_unit(home_unit_id, "home_unit_id"),
        )
        self._assign(user, by, roles, leads, safety_rep_for)
        self.save(user)
        return user.id

    @command
    def assign_roles(
        self,
        by: Principal,
        *,
        user_id: UUID,
        roles: Iterable[str],
        leads: Iterable[UUID] = (),
        safety_rep_for: Iterable[UUID] = (),
    ) -> None:
        """Give a user exactly these roles, units led and verneområde."""
        access.check_manage_directory(by)
        user = self.user(user_id)
        self._assign(user, by, roles, leads, safety_rep_for)
        self.save(user)

    @command
    def update_profile(
        self, by: Principal, *, user_id: UUID, name: str, email: str, home_unit_id: UUID | None
    ) -> None:
        access.check_manage_directory(by)
        user = self.user(user_id)
        user.update_profile(
            actor=by.actor,
            name=name,
            email=email,
            home_unit_id=self._optional_unit(home_unit_id, "home_unit_id"),
        )
        self.save(user)

    @command
    def set_password(self, by: Principal, *, user_id: UUID, password: str) -> None:
        """An administrator sets a password, or a person changes their own."""
        if by.user_id != user_id:
            access.check_manage_directory(by)
        password = check_password(password)
        user = self.user(user_id)
        user.change_password(actor=by.actor, password_hash=hash_password(password))
        self.save(user)

    def _assign(self, user: User, by: Principal, roles, leads, safety_rep_for) -> None:
        user.assign_roles(
            actor=by.actor,
            roles=roles,
            leads=[self.unit_in_tree(u, "leads") for u in leads],
            safety_rep_for=[self.unit_in_tree(u, "safety_rep_for") for u in safety_rep_for],
        )

    def _optional_unit(self, unit_id: UUID | None, field: str) -> UUID | None:
        return None if unit_id is None else self.unit_in_tree(unit_id, field)

    # --- signing in ----------------------------------------------------------------

    def authenticate(self, username: str, password: str) -> Principal | None:
        """The person with this username and password, if active."""
        user = self.find_user(username)
        if not verify_password(user.password_hash if user else None, password):
            return None
        return self.principal(user.id)

    def principal(self, user_id: UUID) -> Principal | None:
        """A user with the units their roles reach, or None if unknown or deactivated."""
        try:
            user = self.user(user_id)
        except UnknownUserError:
            return None
        if not user.active:
            return None
        try:
            organisation = self.organisation()
        except OrganisationMissingError:
            organisation = None
        cache = self.__dict__.setdefault("_subtree_cache", {})
        return Principal(
            user_id=user.id,
            username=user.username,
            name=user.name,
            roles=frozenset(user.roles),
            home_unit_id=user.home_unit_id,
            led_units=_subtrees(cache, organisation, user.leads),
            vo_units=_subtrees(cache, organisation, user.safety_rep_for),
        )

    @command
    def issue_token(self, by: Principal, *, user_id: UUID) -> str:
        """A new API token for the user; only its digest is stored."""
        if by.user_id != user_id:
            access.check_manage_directory(by)
        user = self.user(user_id)
        token_id, secret = uuid4(), new_secret()
        user.issue_token(actor=by.actor, token_id=token_id, token_hash=digest(secret))
        self.save(user)
        return f"{TOKEN_PREFIX}{user.id.hex}.{token_id.hex}.{secret}"

    def principal_for_token(self, token: str) -> Principal | None:
        """Whose bearer token this is, if it is one the user was issued."""
        try:
            user_hex, token_hex, secret = token.removeprefix(TOKEN_PREFIX).split(".", 2)
            user_id, token_id = UUID(hex=user_hex), UUID(hex=token_hex)
        except ValueError:
            return None
        try:
            user = self.user(user_id)
        except UnknownUserError:
            return None
        stored = user.tokens.get(token_id)
        if stored is None or not hmac.compare_digest(stored, digest(secret)):
            return None
        return self.principal(user_id)


def _subtrees(
    cache: dict, organisation: Organisation | None, unit_ids: tuple[UUID, ...]
) -> frozenset[UUID]:
    """Units led or covered, with everything below them; cached per tree version."""
    if organisation is None:
        return frozenset(unit_ids)
    key = (organisation.version, unit_ids)
    found = cache.get(key)
    if found is None:
        if len(cache) > 4096:
            cache.clear()
        found = cache[key] = organisation.subtrees(unit_ids)
    return found
