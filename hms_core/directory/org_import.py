"""Importing the org tree and its users from a document (YAML for `hms org import`).

Repeatable: units are known by their code and users by their username, so importing
the same document twice changes nothing, and a changed document records only changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from hms_core import access, rules
from hms_core.access import Principal
from hms_core.directory.organisation import Organisation, unit_id_for
from hms_core.directory.user import User, initial_password_hash
from hms_core.errors import InvalidValue
from hms_core.service import Service, UsesDirectory, command

if TYPE_CHECKING:

    class _Base(Service, UsesDirectory):
        """What these use cases call of the directory's."""

else:
    _Base = Service

# Deeper than any municipality's tree; bounds the recursion over a document.
MAX_DEPTH = 20


class UnitDocument(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    name: str
    kind: str = "unit"
    fte: float | None = None
    units: list[UnitDocument] = []


class UserDocument(msgspec.Struct, forbid_unknown_fields=True):
    username: str
    name: str
    email: str
    unit: str | None = None
    roles: list[str] = msgspec.field(default_factory=lambda: ["employee"])
    leads: list[str] = []
    safety_rep_for: list[str] = []
    password: str | None = None
    password_hash: str | None = None


class DirectoryDocument(msgspec.Struct, forbid_unknown_fields=True):
    units: list[UnitDocument] = []
    users: list[UserDocument] = []


class ImportResult(msgspec.Struct):
    units_added: int = 0
    units_changed: int = 0
    users_added: int = 0
    users_changed: int = 0


class OrgImportService(_Base):
    @command
    def import_directory(self, by: Principal, document: DirectoryDocument) -> ImportResult:
        """Add or update every unit and user in the document, in one transaction."""
        access.check_manage_directory(by)
        if len(document.units) > 1:
            raise InvalidValue("units", "Dokumentet må ha én kommune øverst.")
        result = ImportResult()
        organisation = (
            self.organisation() if self.has_organisation() else Organisation(actor=by.actor)
        )
        for unit in document.units:
            self._import_unit(organisation, by, unit, None, result, depth=1)
        changed = [organisation] if organisation.pending_events else []
        users = [self._import_user(organisation, by, user, result) for user in document.users]
        self.save(*changed, *[u for u in users if u is not None])
        return result

    def _import_unit(
        self, org, by, doc: UnitDocument, parent_id, result: ImportResult, depth: int
    ) -> None:
        if depth > MAX_DEPTH:
            raise InvalidValue("units", f"Treet kan være høyst {MAX_DEPTH} nivåer dypt.")
        unit_id = unit_id_for(doc.code)
        existing = org.units.get(unit_id)
        if existing is None:
            org.add_unit(
                actor=by.actor,
                code=doc.code,
                name=doc.name,
                parent_id=parent_id,
                kind=doc.kind,
                fte=doc.fte,
            )
            result.units_added += 1
        else:
            before = len(org.pending_events)
            org.update_unit(actor=by.actor, unit_id=unit_id, name=doc.name, fte=doc.fte)
            if parent_id is not None:
                org.move_unit(actor=by.actor, unit_id=unit_id, parent_id=parent_id)
            result.units_changed += len(org.pending_events) > before
        for child in doc.units:
            self._import_unit(org, by, child, unit_id, result, depth + 1)

    def _import_user(self, org, by, doc: UserDocument, result: ImportResult):
        def unit(code: str, field: str) -> UUID:
            unit_id = unit_id_for(code)
            if unit_id not in org.units:
                who = rules.shown(doc.username)
                raise InvalidValue(field, f"Ukjent enhet «{rules.shown(code)}» for {who}.")
            return unit_id

        home = unit(doc.unit, "users.unit") if doc.unit else None
        leads = [unit(c, "users.leads") for c in doc.leads]
        covers = [unit(c, "users.safety_rep_for") for c in doc.safety_rep_for]
        user = self.find_user(doc.username)
        if user is None:
            user = User.register(
                actor=by.actor,
                username=doc.username,
                name=doc.name,
                email=doc.email,
                password_hash=doc.password_hash or initial_password_hash(doc.password),
                home_unit_id=home,
            )
            result.users_added += 1
        else:
            user.update_profile(actor=by.actor, name=doc.name, email=doc.email, home_unit_id=home)
        user.assign_roles(actor=by.actor, roles=doc.roles, leads=leads, safety_rep_for=covers)
        if not user.pending_events:
            return None
        if user.pending_events[0].originator_version != 1:
            result.users_changed += 1
        return user
