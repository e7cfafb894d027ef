"""Why the directory (the org tree, users) refuses a command."""

from __future__ import annotations

from hms_core.errors import Conflict, InvalidValue, NotFound


class OrganisationMissingError(NotFound):
    code = "no_organisation"
    message = "Organisasjonen er ikke satt opp ennå."


class UnknownUnitError(NotFound):
    code = "unknown_unit"
    message = "Enheten finnes ikke."


class UnitExistsError(Conflict):
    code = "unit_exists"
    message = "Enheten finnes allerede."


class CycleError(Conflict):
    code = "unit_cycle"
    message = "En enhet kan ikke flyttes inn under seg selv."


class UsernameTakenError(Conflict):
    code = "username_taken"
    message = "Brukernavnet er tatt."


class UnknownUserError(NotFound):
    code = "unknown_user"
    message = "Brukeren finnes ikke."


class RoleUnitsError(InvalidValue):
    code = "role_units"
