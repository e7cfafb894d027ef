"""Use cases of HR figures: sick leave and turnover per unit and period, from the HR system."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from hms_core import access, clock
from hms_core.access import Principal
from hms_core.errors import NotFound
from hms_core.hr.figures import HRFigures, HRLine, hr_figures_id, validate_lines
from hms_core.service import Service, UsesDirectory, command

if TYPE_CHECKING:

    class _Base(Service, UsesDirectory):
        """What these use cases call of the directory's."""

else:
    _Base = Service


class HRImportResult(msgspec.Struct):
    lines: int = 0
    recorded: int = 0
    revised: int = 0
    unchanged: int = 0


class HRService(_Base):
    @command
    def import_hr_figures(self, by: Principal, lines: Iterable[HRLine]) -> HRImportResult:
        """Record every line's figures in one transaction, or none if any line is bad."""
        access.check_import_hr(by)
        units = frozenset(self.organisation().units) if self.has_organisation() else frozenset()
        figures = validate_lines(lines, units, clock.today())
        result, changed = HRImportResult(lines=len(figures)), []
        for line in figures:
            try:
                existing = self.load(hr_figures_id(line.unit_id, line.period), HRFigures)
            except NotFound:
                changed.append(HRFigures.record(line, actor=by.actor))
                result.recorded += 1
                continue
            if existing.revise(line, actor=by.actor):
                changed.append(existing)
                result.revised += 1
            else:
                result.unchanged += 1
        if changed:
            self.save(*changed)
        return result

    def hr_figures(self, unit_id: UUID, period: str) -> HRFigures | None:
        """The figures last imported for a unit and period, if any."""
        try:
            return self.load(hr_figures_id(unit_id, period), HRFigures)
        except NotFound:
            return None
