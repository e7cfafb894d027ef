"""HR figures: sick leave and turnover per unit and period, from the HR system.

One aggregate per unit and period, its id derived from both: importing a period again
revises that record instead of adding a second one, and an unchanged line records
nothing, so an import can be repeated safely. A period is a month (`2026-03`) or a
whole year (`2026`). Hours worked, where the HR system gives them, feed the H-verdi
and F-verdi of the statistics.

Lines are validated all together first (`validate_lines`), so a file with one bad
line is refused whole, with every bad line named.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec
from eventsourcing.domain import event

from hms_core import rules
from hms_core.directory.organisation import unit_id_for
from hms_core.errors import InvalidValue
from hms_core.hr.errors import HRImportRejectedError, LineProblem, NoLinesError
from hms_core.model import HMSAggregate

_HR = uuid5(NAMESPACE_URL, "hms:hr-figures")
_PERIOD = re.compile(r"([0-9]{4})(?:-([0-9]{2}))?")
FIRST_YEAR = 1990
MAX_HOURS = 100_000_000.0
MAX_FTE = 100_000.0

Number = str | float | int | None


def hr_figures_id(unit_id: UUID, period: str) -> UUID:
    return uuid5(_HR, rules.encodable(f"{unit_id}/{period}"))


class HRLine(msgspec.Struct, frozen=True):
    """One line as the HR system gave it: numbers as text (`12,5`) or as numbers."""

    line: int
    unit: str
    period: str
    sick_leave_percent: Number = None
    turnover_percent: Number = None
    hours_worked: Number = None
    fte: Number = None


class Figures(msgspec.Struct, frozen=True):
    """One validated line."""

    unit_id: UUID
    period: str
    sick_leave_percent: float
    turnover_percent: float
    hours_worked: float | None = None
    fte: float | None = None


class _Bad(ValueError):
    """A field's problem, in Norwegian."""


class HRFigures(HMSAggregate):
    """The HR system's figures for one unit and one period."""

    @staticmethod
    def create_id(unit_id: UUID, period: str) -> UUID:
        return hr_figures_id(unit_id, period)

    @event("Recorded")
    def __init__(
        self,
        unit_id: UUID,
        period: str,
        sick_leave_percent: float,
        turnover_percent: float,
        hours_worked: float | None,
        fte: float | None,
        actor: str,
    ) -> None:
        self.unit_id = unit_id
        self.period = period
        self._set(sick_leave_percent, turnover_percent, hours_worked, fte)

    @classmethod
    def record(cls, figures: Figures, *, actor: str) -> HRFigures:
        """The first figures of a unit and period: Recorded takes a validated line's
        fields, each by its own name, and who recorded them."""
        return cls(**msgspec.structs.asdict(figures), actor=actor)

    def revise(self, figures: Figures, *, actor: str) -> bool:
        """Replace the figures with a later import's; False, and no event, if unchanged."""
        new = (
            figures.sick_leave_percent,
            figures.turnover_percent,
            figures.hours_worked,
            figures.fte,
        )
        if new == self.values:
            return False
        self._revise(*new, actor=actor)
        return True

    @event("Revised")
    def _revise(
        self,
        sick_leave_percent: float,
        turnover_percent: float,
        hours_worked: float | None,
        fte: float | None,
        actor: str,
    ) -> None:
        self._set(sick_leave_percent, turnover_percent, hours_worked, fte)

    def _set(self, sick_leave: float, turnover: float, hours: float | None, fte: float | None):
        self.sick_leave_percent = sick_leave
        self.turnover_percent = turnover
        self.hours_worked = hours
        self.fte = fte

    @property
    def values(self) -> tuple[float, float, float | None, float | None]:
        return (self.sick_leave_percent, self.turnover_percent, self.hours_worked, self.fte)


# --- validating an import ------------------------------------------------------------


def validate_lines(lines: Iterable[HRLine], units: frozenset[UUID], today: date) -> list[Figures]:
    """Every line checked; HRImportRejectedError lists all the bad ones (field and reason)."""
    lines = list(lines)
    if not lines:
        raise NoLinesError
    problems: list[LineProblem] = []
    figures: list[Figures] = []
    seen: dict[tuple[UUID, str], int] = {}
    for line in lines:
        if not isinstance(line, HRLine):
            raise InvalidValue("lines", "Hver linje må være en HR-linje.")
        found = _validate_line(line, units, today)
        if isinstance(found, list):
            problems += found
            continue
        key = (found.unit_id, found.period)
        if key in seen:
            message = f"Samme enhet og periode som linje {seen[key]}."
            problems.append(LineProblem(line.line, "period", message))
            continue
        seen[key] = line.line
        figures.append(found)
    if problems:
        raise HRImportRejectedError(problems)
    return figures


def _validate_line(
    line: HRLine, units: frozenset[UUID], today: date
) -> Figures | list[LineProblem]:
    values, problems = {}, []
    checks = {
        "unit": lambda: parse_unit(line.unit, units),
        "period": lambda: parse_period(line.period, today),
        "sick_leave_percent": lambda: percent(line.sick_leave_percent),
        "turnover_percent": lambda: percent(line.turnover_percent),
        "hours_worked": lambda: optional_amount(line.hours_worked, MAX_HOURS),
        "fte": lambda: optional_amount(line.fte, MAX_FTE),
    }
    for field, check in checks.items():
        try:
            values[field] = check()
        except _Bad as e:
            problems.append(LineProblem(line.line, field, str(e)))
    if problems:
        return problems
    return Figures(unit_id=values.pop("unit"), **values)


def parse_unit(text: str, units: frozenset[UUID]) -> UUID:
    """A unit by its code (`lura-sykehjem`) or its id."""
    text = (text if isinstance(text, str) else "").strip()
    if not text:
        raise _Bad("Mangler enhet.")
    try:
        unit_id = UUID(text)
    except ValueError:
        unit_id = unit_id_for(text)
    if unit_id not in units:
        raise _Bad(f"Fant ingen enhet «{rules.shown(text)}».")
    return unit_id


def parse_period(text: str, today: date) -> str:
    """`YYYY-MM` (a month) or `YYYY` (a year); not after the current one."""
    text = (text if isinstance(text, str) else "").strip()
    match = _PERIOD.fullmatch(text)
    if not match:
        raise _Bad("Perioden skrives ÅÅÅÅ-MM (måned) eller ÅÅÅÅ (år).")
    year, month = int(match[1]), int(match[2]) if match[2] else None
    if not year >= FIRST_YEAR or (month is not None and not 1 <= month <= 12):
        raise _Bad(f"«{text}» er ingen gyldig periode.")
    if (year, month or 1) > (today.year, today.month if month else 1):
        raise _Bad("Perioden kan ikke være fram i tid.")
    return text


def parse_number(value: Number) -> float | None:
    """A number as people type it: `12,5`, `12.5`, `12,5 %`, `1 234,5`; empty is None."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            raise _Bad("Tallet er for stort.") from None
        if not math.isfinite(number):
            raise _Bad("Må være et tall.")
        return number
    if not isinstance(value, str):
        raise _Bad("Må være et tall.")
    text = value.strip().rstrip("%").replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        # The last of the two is the decimal mark; the other groups thousands.
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    shown = rules.shown(value.strip())
    if not text.isascii():
        raise _Bad(f"«{shown}» er ikke et tall.")  # float() reads other scripts' digits
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        raise _Bad(f"«{shown}» er ikke et tall.") from None
    if not math.isfinite(number):
        raise _Bad(f"«{shown}» er ikke et tall.")
    return number


def percent(value: Number) -> float:
    number = parse_number(value)
    if number is None:
        raise _Bad("Mangler verdi.")
    if not 0 <= number <= 100:
        raise _Bad("Må være mellom 0 og 100.")
    return number


def optional_amount(value: Number, high: float) -> float | None:
    number = parse_number(value)
    if number is not None and not 0 <= number <= high:
        raise _Bad(f"Må være mellom 0 og {high:,.0f}.".replace(",", " "))
    return number
