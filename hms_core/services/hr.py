"""Use cases of HR figures: sick leave and turnover per unit and period, from the HR system."""

from __future__ import annotations

from hms_core.services.base import Service


class HRService(Service):
    pass
