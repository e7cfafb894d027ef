"""Sick leave, turnover and hours worked per unit and month, imported from "HR" monthly.

Every month's figures are imported on the 5th of the next month by the HMS officer,
through the HR use case (`import_hr_figures`). Sick leave follows the kind of unit
(highest in kindergartens and nursing homes), rises in winter and falls in July;
turnover peaks in schools at the end of the school year.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from demo.history.model import kind_of
from demo.history.world import World
from hms_core import clock
from hms_core.hr.figures import HRLine

SICK_LEAVE = {
    "nursing_home": 9.5,
    "home_care": 9.0,
    "school": 6.5,
    "kindergarten": 10.5,
    "depot": 6.0,
    "front_office": 5.5,
    "office": 4.0,
    "administration": 4.5,
}
TURNOVER = {"nursing_home": 1.2, "home_care": 1.1, "school": 0.6, "kindergarten": 1.0}
SEASON = {1: 1.8, 2: 1.8, 3: 1.0, 7: -1.5, 12: 1.0}
HOURS_PER_FTE_MONTH = 1695 / 12


class HRImports:
    """Schedules the monthly imports and writes each through the HR use case."""

    def __init__(self, world: World) -> None:
        self.w = world
        self.units = [
            (u.code, kind_of(u.code, u.kind), u.fte)
            for u in sorted(world.staff.org.units.values(), key=lambda u: u.code)
            if u.fte
        ]

    def schedule(self, first: date, until: date) -> None:
        """Each month from `first`'s, imported on the 5th of the next, before `until`."""
        year, month = first.year, first.month
        while True:
            period = f"{year}-{month:02d}"
            year, month = next_month(year, month)
            moment = datetime.combine(date(year, month, 5), time(9), tzinfo=clock.timezone())
            if moment.date() >= until:
                return
            self.w.timeline.at(moment.astimezone(UTC), self.import_month, period)

    def import_month(self, period: str) -> None:
        lines = [
            self._line(i, code, kind, fte, period)
            for i, (code, kind, fte) in enumerate(self.units, start=2)
        ]
        self.w.app.import_hr_figures(self.w.staff.hms, lines)
        self.w.counts["hr_lines"] += len(lines)

    def _line(self, line: int, code: str, kind: str, fte: float, period: str) -> HRLine:
        rng, month = self.w.rng, int(period[5:])
        sick = max(0.5, SICK_LEAVE[kind] + SEASON.get(month, 0.0) + rng.gauss(0, 0.7))
        turnover = TURNOVER.get(kind, 0.7) * (3 if kind == "school" and month in (6, 7) else 1)
        turnover = max(0.0, turnover + rng.gauss(0, 0.3))
        hours = fte * HOURS_PER_FTE_MONTH * (1 - sick / 100) * (0.75 if month == 7 else 1.0)
        return HRLine(
            line=line,
            unit=code,
            period=period,
            sick_leave_percent=round(sick, 1),
            turnover_percent=round(turnover, 2),
            hours_worked=round(hours),
            fte=fte,
        )


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)
