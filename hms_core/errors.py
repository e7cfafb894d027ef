"""Errors the domain raises when it refuses a command.

Each carries a Norwegian message for people and a stable `code` for programs. The
entrypoints map the four families to HTTP statuses: InvalidValue → 400,
Forbidden → 403, NotFound → 404, Conflict → 409.
"""

from __future__ import annotations


class DomainError(Exception):
    code = "domain_error"
    message = "Handlingen ble avvist."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)

    @property
    def detail(self) -> str:
        return str(self.args[0])


class InvalidValue(DomainError):
    """A value the domain cannot accept; names the field it came in."""

    code = "invalid_value"
    message = "Ugyldig verdi."

    def __init__(self, field: str, message: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Conflict(DomainError):
    """The command makes no sense in the record's current state."""

    code = "conflict"
    message = "Handlingen passer ikke med sakens nåværende tilstand."


class NotFound(DomainError):
    code = "not_found"
    message = "Fant ikke det du ba om."


class Forbidden(DomainError):
    code = "forbidden"
    message = "Du har ikke tilgang til å gjøre dette."


class VersionConflict(Conflict):
    code = "stale_version"
    message = "Saken er endret av noen andre siden du hentet den. Last inn på nytt."


class TextTooLong(InvalidValue):
    code = "text_too_long"

    def __init__(self, field: str, limit: int) -> None:
        super().__init__(field, f"Feltet «{field}» kan ha høyst {limit} tegn.")
        self.limit = limit


class TextRequired(InvalidValue):
    code = "text_required"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Feltet «{field}» må fylles ut.")


class OutOfRange(InvalidValue):
    code = "out_of_range"

    def __init__(self, field: str, low: int, high: int) -> None:
        super().__init__(field, f"Feltet «{field}» må være mellom {low} og {high}.")


class UnknownChoice(InvalidValue):
    code = "unknown_choice"

    def __init__(self, field: str, value: object, choices: object = None) -> None:
        hint = f" Gyldige verdier: {', '.join(map(str, choices))}." if choices else ""
        super().__init__(field, f"«{value}» er ikke en gyldig verdi for «{field}».{hint}")
