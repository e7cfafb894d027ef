"""Errors the domain raises when it refuses a command.

Each carries a Norwegian message for people and a stable `code` for programs. The
entrypoints map the four families to HTTP statuses: InvalidValue → 400,
Forbidden → 403, NotFound → 404, Conflict → 409.
"""

from __future__ import annotations

from datetime import date


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

    def __init__(self, field: str, low: float, high: float) -> None:
        super().__init__(field, f"Feltet «{field}» må være mellom {_n(low)} og {_n(high)}.")
        self.low, self.high = low, high


def _n(number: float) -> str:
    """A bound as Norwegians write it: `100 000`, `0,5`."""
    if float(number).is_integer():
        return f"{int(number):,}".replace(",", "\u00a0")
    return f"{number:g}".replace(".", ",")


def _day(day: date) -> str:
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


class NotText(InvalidValue):
    code = "not_text"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Feltet «{field}» må være tekst.")


class ControlCharacterError(InvalidValue):
    """NUL, ESC (ANSI escapes), DEL and the other C0 and C1 control characters."""

    code = "control_character"

    def __init__(self, field: str) -> None:
        super().__init__(
            field, f"Feltet «{field}» inneholder kontrolltegn (usynlige tegn) som ikke er tillatt."
        )


class LineBreakError(InvalidValue):
    code = "line_break"

    def __init__(self, field: str) -> None:
        super().__init__(
            field, f"Feltet «{field}» må stå på én linje, uten linjeskift eller tabulator."
        )


class InvalidCharacterError(InvalidValue):
    """A lone surrogate: no text encoding can store it."""

    code = "invalid_character"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Feltet «{field}» inneholder ugyldige tegn.")


class NotANumber(InvalidValue):
    code = "not_a_number"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Feltet «{field}» må være et tall.")


class NotADate(InvalidValue):
    code = "not_a_date"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Feltet «{field}» må være en dato.")


class NotAMoment(InvalidValue):
    code = "not_a_moment"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Feltet «{field}» må være et tidspunkt.")


class TimezoneRequired(InvalidValue):
    code = "timezone_required"

    def __init__(self, field: str) -> None:
        super().__init__(field, f"Tidspunktet i «{field}» må ha tidssone.")


class DateOutOfRange(InvalidValue):
    code = "date_out_of_range"

    def __init__(self, field: str, low: date, high: date) -> None:
        super().__init__(field, f"Datoen i «{field}» må være mellom {_day(low)} og {_day(high)}.")
        self.low, self.high = low, high


class TooEarlyError(InvalidValue):
    code = "too_early"

    def __init__(self, field: str, earliest: date) -> None:
        super().__init__(field, f"Tidspunktet i «{field}» kan ikke være før {_day(earliest)}.")
        self.earliest = earliest


class UnknownChoice(InvalidValue):
    code = "unknown_choice"

    def __init__(self, field: str, value: object, choices: object = None) -> None:
        hint = f" Gyldige verdier: {', '.join(map(str, choices))}." if choices else ""
        super().__init__(field, f"«{value}» er ikke en gyldig verdi for «{field}».{hint}")
